"""load()'s filters and columns: one check for both engines, before any I/O."""

from __future__ import annotations

import datetime as dt

import pyarrow.compute as pc
import pytest

import libyaevents
from libyaevents.errors import InputError
from libyaevents.releases.filters import event_query


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"filters": [("admin1", "East")]}, "filters must be a mapping"),
        ({"filters": "admin1=East"}, "filters must be a mapping"),
        ({"filters": {"region": "x"}}, r"unknown key\(s\) \['region'\]"),
        ({"filters": {"year": "2020"}}, r"filters\['year'\] takes whole numbers"),
        ({"filters": {"year": True}}, r"filters\['year'\] takes whole numbers"),
        ({"filters": {"admin1": 3}}, r"filters\['admin1'\] takes strings"),
        ({"filters": {"admin1": []}}, "empty list"),
        ({"filters": {"start": "yesterday-ish"}}, r"filters\['start'\] must be a date"),
        ({"filters": {"end": 2020}}, r"filters\['end'\] must be a date"),
        ({"columns": "admin1"}, "columns must be a list"),
        ({"columns": ["admin1", "nope"]}, r"unknown event column\(s\) \['nope'\]"),
        ({"engine": "spark"}, "engine must be 'pandas' or 'dask'"),
    ],
)
def test_bad_load_arguments_name_the_argument(kwargs, message):
    with pytest.raises(InputError, match=message):
        libyaevents.load("0.1.0", **kwargs)


def test_query_shapes():
    query = event_query({"actor": ["A", "B"], "start": "2020-01-05", "year": [2020, 2021]}, None)
    assert query.dnf == [
        [("event_date", ">=", dt.date(2020, 1, 5)), ("year", "in", [2020, 2021]),
         ("actor1", "in", ["A", "B"])],
        [("event_date", ">=", dt.date(2020, 1, 5)), ("year", "in", [2020, 2021]),
         ("actor2", "in", ["A", "B"])],
    ]  # fmt: skip
    assert query.dates == (dt.date(2020, 1, 5), dt.date(2021, 12, 31))
    assert not query.complete
    assert event_query(None, None).complete
    assert event_query({}, None).complete
    expression = pc.field("year") == 2020
    assert event_query(expression, ["year"]).pushed is expression
