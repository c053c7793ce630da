"""Release files read as they are by DuckDB, Polars and Dask."""

from __future__ import annotations

import pandas as pd
import pytest

import libyaevents
from libyaevents.synthetic import synthetic_dataset


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    store = tmp_path_factory.mktemp("store")
    libyaevents.build_release(synthetic_dataset(2_000, seed=8), "1.0.0", store=store)
    return libyaevents.load("1.0.0", store=store)


def _by_type(events: pd.DataFrame) -> dict[str, int]:
    counts = events.groupby("event_type", observed=True).size()
    return {str(k): int(v) for k, v in counts.items()}


def test_duckdb_reads_the_release(release):
    duckdb = pytest.importorskip("duckdb", reason="duckdb (dev group) is not installed")
    path = str(release.path / "events.parquet")
    rows = duckdb.sql(
        f"SELECT event_type, count(*) FROM read_parquet('{path}') GROUP BY 1"
    ).fetchall()
    assert dict(rows) == _by_type(release.events)
    first = duckdb.sql(f"SELECT min(event_date), max(fatalities) FROM '{path}'").fetchall()[0]
    assert pd.Timestamp(first[0]) == release.events["event_date"].min()
    assert first[1] == release.events["fatalities"].max()


def test_polars_reads_the_release(release):
    pl = pytest.importorskip("polars", reason="polars (dev group) is not installed")
    frame = pl.read_parquet(release.path / "events.parquet")
    assert frame.height == len(release.events)
    counts = frame.group_by("event_type").len()
    assert {str(k): int(v) for k, v in counts.iter_rows()} == _by_type(release.events)
    assert frame.schema["event_date"] == pl.Date


# dask 2026.8 itself still calls reset_index(inplace=True), which pandas 3.1 deprecates
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index")
def test_dask_reads_the_release(release):
    dd = pytest.importorskip("dask.dataframe", reason="the dask extra (dask) is not installed")
    frame = dd.read_parquet(release.path / "events.parquet")
    assert int(frame["fatalities"].sum().compute()) == int(release.events["fatalities"].sum())
    assert len(frame) == len(release.events)
