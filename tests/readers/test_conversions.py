"""readers.conversions: text to types, each value that did not convert flagged, none guessed."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from libyaevents.readers import conversions

TEXT = pa.large_string()


def _arr(values):
    return pa.array(values, TEXT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2020-03-21", dt.date(2020, 3, 21)), ("21 March 2020", dt.date(2020, 3, 21)),
     ("5-Aug-24", dt.date(2024, 8, 5)), ("21/03/2020", dt.date(2020, 3, 21)),
     ("2020-03-21 00:00:00.000", dt.date(2020, 3, 21)), ("29 February 2020", dt.date(2020, 2, 29))],
)  # fmt: skip
def test_dates_in_every_known_format(text, expected):
    values, bad = conversions.dates(_arr([text]))
    assert values.to_pylist() == [expected]
    assert not bad.any()


@pytest.mark.parametrize("text", ["31/02/2020", "29 February 2021", "2020-13-01", "soon"])
def test_impossible_dates_are_flagged_not_shifted(text):
    values, bad = conversions.dates(_arr([text]))
    assert values.to_pylist() == [None]
    assert bad.tolist() == [True]


def test_integers_respect_the_bounds_and_floats_refuse_nan():
    values, bad = conversions.integers(_arr(["12", "12.0", "128", "-1", "x", None]), 0, 127)
    assert values.to_pylist() == [12, 12, None, None, None, None]
    assert bad.tolist() == [False, False, True, True, True, False]
    values, bad = conversions.floats(_arr(["32.5", "nan", "inf", "1e3", ""]))
    assert values.to_pylist()[0] == 32.5
    assert bad.tolist()[:3] == [False, True, True]


def test_present_lookup_and_members():
    values = _arr(["a", None, "b"])  # the CSV reader gives empty cells as nulls
    assert conversions.present(values).tolist() == [True, False, True]
    found, missing = conversions.lookup(_arr(["x", "y", None]), {"x": 1}, pa.int64())
    assert found.to_pylist() == [1, None, None]
    assert missing.tolist() == [False, True, False]
    assert conversions.members(_arr(["a", "z", None]), ["a"]).tolist() == [False, True, False]


@given(st.lists(st.integers(min_value=-(2**40), max_value=2**40), max_size=30))
def test_integers_round_trip_any_integer_text(numbers):
    values, bad = conversions.integers(_arr([str(n) for n in numbers]), -(2**63), 2**63 - 1)
    assert values.to_pylist() == numbers
    assert not bad.any()
