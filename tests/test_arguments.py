"""Wrong arguments to public functions: only the library's own errors come out."""

from __future__ import annotations

import contextlib
import warnings

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import libyaevents
from libyaevents.analysis.panels import measures_in_force
from libyaevents.arguments import choice, day, names, number, source
from libyaevents.errors import InputError, LibyaeventsError
from libyaevents.synthetic import synthetic_dataset

DATA = synthetic_dataset(20, seed=1)
EVENTS = DATA["events"]

CALLS = {
    "aggregate": libyaevents.aggregate,
    "aggregate(by=)": lambda v: libyaevents.aggregate(EVENTS, by=v),
    "aggregate(period=)": lambda v: libyaevents.aggregate(EVENTS, period=v),
    "aggregate(level=)": lambda v: libyaevents.aggregate(EVENTS, level=v),
    "aggregate(start=)": lambda v: libyaevents.aggregate(EVENTS, start=v),
    "validate": libyaevents.validate,
    "validate(today=)": lambda v: libyaevents.validate(DATA, today=v),
    "validate(table=)": lambda v: libyaevents.validate(EVENTS, v),
    "compare_events(days=)": lambda v: libyaevents.compare_events(EVENTS, EVENTS, days=v),
    "compare_events(km=)": lambda v: libyaevents.compare_events(EVENTS, EVENTS, km=v),
    "compare_events": lambda v: libyaevents.compare_events(EVENTS, v),
    "read_acled": libyaevents.read_acled,
    "read_ucdp_ged": libyaevents.read_ucdp_ged,
    "load": libyaevents.load,
    "load(store=)": lambda v: libyaevents.load(store=v),
    "load(columns=)": lambda v: libyaevents.load(columns=v),
    "load(filters=)": lambda v: libyaevents.load(filters=v),
    "diff": lambda v: libyaevents.diff(v, "0.1.0"),
    "summarise": libyaevents.summarise,
    "open_dataset": libyaevents.open_dataset,
    "verify_release": libyaevents.verify_release,
    "measures_in_force": measures_in_force,
}

WRONG = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=8),
    st.binary(max_size=8), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from([DATA["actors"], DATA["measures"], pd.Series([1, 2]), object()]),
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(CALLS)), WRONG)
def test_only_library_errors_escape(name, value):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a wrong value may warn on its way to the error
        with contextlib.suppress(LibyaeventsError):
            CALLS[name](value)


@pytest.mark.parametrize(
    ("check", "message"),
    [(lambda: day("2020-02-30", "start"), r"start must be a date .*'2020-02-30'"),
     (lambda: number(-1, "days", minimum=0, whole=True), r"days must be a whole number >= 0"),
     (lambda: number(1.5, "days", whole=True), "whole number"),
     (lambda: choice("weekly", "period", ["week"]), r"period must be one of \['week'\]"),
     (lambda: names("admin1", "by", ["admin1"]), "a list of names"),
     (lambda: source(3, "source"), "a path or an open file")],
)  # fmt: skip
def test_each_check_names_argument_value_and_what_is_allowed(check, message):
    with pytest.raises(InputError, match=message):
        check()
