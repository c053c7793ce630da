"""schema.models (dtypes, Arrow and pandera schemas) and schema.coerce (conform)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from libyaevents.errors import InputError
from libyaevents.schema.coerce import PROBLEM_COLUMNS, conform
from libyaevents.schema.models import (
    arrow_schema,
    empty_frame,
    get_table,
    pandas_dtype,
    pandas_dtypes,
    pandera_schema,
)
from libyaevents.schema.tables import EVENTS, TABLES
from libyaevents.synthetic import synthetic_dataset


def test_get_table_by_name_or_spec_and_a_clear_error():
    assert get_table("events") is EVENTS
    assert get_table(EVENTS) is EVENTS
    with pytest.raises(InputError, match="evnts"):
        get_table("evnts")


@pytest.mark.parametrize("table", list(TABLES))
def test_empty_frame_has_the_required_columns_in_their_dtypes(table):
    frame = empty_frame(table)
    assert list(frame.columns) == [f.name for f in TABLES[table].fields if f.required]
    assert len(frame) == 0
    dtypes = pandas_dtypes(table)
    for name in frame.columns:
        assert frame[name].dtype == dtypes[name], name


@pytest.mark.parametrize("table", list(TABLES))
def test_arrow_schema_matches_the_fields(table):
    schema = arrow_schema(table)
    assert schema.names == list(TABLES[table].names)
    assert schema.field(TABLES[table].primary_key).type in (pa.string(), pa.large_string())


def test_dtypes_of_each_kind():
    assert pandas_dtype(EVENTS.field("event_date")) == np.dtype("<M8[ms]")
    assert str(pandas_dtype(EVENTS.field("event_type"))) == "category"
    assert arrow_schema("events").field("inter1").type == pa.int8()


def test_pandera_schema_accepts_synthetic_data():
    data = synthetic_dataset(50, seed=4)
    for name, frame in data.items():
        pandera_schema(name).validate(frame)


def test_conform_reports_each_bad_value_and_keeps_every_row():
    frame = pd.DataFrame({
        "actor_id": ["a", "b", "c"],
        "first_seen": ["2020-01-02", "2020-13-01", None],
        "inter_code": ["3", "x", "4"],
    })  # fmt: skip
    typed, problems = conform(frame, "actors")
    assert len(typed) == 3  # rows in = rows out
    assert typed["first_seen"].dtype == np.dtype("<M8[ms]")
    assert tuple(problems.columns) == PROBLEM_COLUMNS
    found = set(zip(problems["row"], problems["column"], problems["value"], strict=True))
    assert found == {(1, "first_seen", "2020-13-01"), (1, "inter_code", "x")}
    assert pd.isna(typed.loc[1, "first_seen"])
    again, none = conform(typed, "actors")  # typed frames pass through unchanged
    assert none.empty
    pd.testing.assert_frame_equal(again, typed)


def test_integers_beyond_the_column_type_are_failures_not_crashes():
    events = synthetic_dataset(10, seed=2)["events"]
    events = events.astype({"fatalities": "int64", "timestamp": "object"})
    events.loc[0, "fatalities"] = 2**31
    events.loc[1, "timestamp"] = 10**20
    typed, problems = conform(events, "events")
    assert problems[["row", "column", "code"]].values.tolist() == [
        [0, "fatalities", "type"], [1, "timestamp", "type"],
    ]  # fmt: skip
    assert "whole number within int32" in problems.loc[0, "message"]
    assert typed["fatalities"].isna().sum() == 1
