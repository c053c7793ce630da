"""formats.parquet: deterministic bytes, release order, content hashes, filtered reads."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pyarrow.parquet as pq

from libyaevents.formats import parquet
from libyaevents.synthetic import synthetic_dataset, synthetic_events


def _bytes(frame, table):
    buffer = io.BytesIO()
    parquet.write_table(frame, table, buffer)
    return buffer.getvalue()


def test_same_rows_in_any_order_give_the_same_bytes_and_hash():
    events = synthetic_events(500, seed=5)
    shuffled = events.sample(frac=1, random_state=1).reset_index(drop=True)
    assert _bytes(events, "events") == _bytes(shuffled, "events")
    assert parquet.content_hash(events, "events") == parquet.content_hash(shuffled, "events")
    changed = events.copy()
    changed.loc[0, "fatalities"] += 1
    assert parquet.content_hash(changed, "events") != parquet.content_hash(events, "events")


def test_round_trip_keeps_dtypes_and_row_groups_never_straddle_a_year(tmp_path):
    events = synthetic_events(3_000, seed=6)
    path = tmp_path / "events.parquet"
    parquet.write_table(events, "events", str(path))
    back = parquet.read_table(path, "events")
    expected = parquet.sort_rows(events, "events").reset_index(drop=True)
    pd.testing.assert_frame_equal(back, expected)
    meta = pq.ParquetFile(path).metadata
    column = meta.schema.to_arrow_schema().get_field_index("year")
    for i in range(meta.num_row_groups):
        stats = meta.row_group(i).column(column).statistics
        assert stats.min == stats.max  # one year per row group


def test_filtered_read_equals_pandas_filtering(tmp_path):
    events = synthetic_events(3_000, seed=7)
    path = tmp_path / "events.parquet"
    parquet.write_table(events, "events", str(path))
    full = parquet.read_table(path, "events")
    year = int(full["year"].iloc[0])
    dnf = [[("year", "in", [year]), ("admin1", "in", ["West"])]]
    bounds = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    got = parquet.read_table(path, "events", filters=dnf, dates=bounds)
    want = full[(full["year"] == year) & (full["admin1"] == "West")].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)


def test_small_tables_round_trip(tmp_path):
    data = synthetic_dataset(30, seed=8)
    for name in ("actors", "measures"):
        path = tmp_path / f"{name}.parquet"
        parquet.write_table(data[name], name, str(path))
        back = parquet.read_table(path, name)
        expected = parquet.sort_rows(data[name], name).reset_index(drop=True)
        pd.testing.assert_frame_equal(back, expected, check_dtype=True)
