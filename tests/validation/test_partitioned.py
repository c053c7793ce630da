"""Dask: load(engine="dask") and partition-wise validation with global checks once."""

from __future__ import annotations

import pandas as pd
import pytest

import libyaevents
from libyaevents.synthetic import synthetic_dataset, synthetic_events

dd = pytest.importorskip("dask.dataframe", reason="the dask extra (dask) is not installed")
from libyaevents.validation.partitioned import validate_dask  # noqa: E402

TODAY = "2026-01-01"

# dask 2026.8 itself still calls reset_index(inplace=True), which pandas 3.1 deprecates
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("store")
    libyaevents.build_release(synthetic_dataset(5_000, seed=9), "1.0.0", store=root, today=TODAY)
    return root


def test_dask_engine_matches_pandas(store):
    filters = {"admin1": ["East", "West"], "start": "2014-01-01", "actor": "Wagner Group"}
    lazy = libyaevents.load("1.0.0", store=store, engine="dask", filters=filters)
    eager = libyaevents.load("1.0.0", store=store, filters=filters)
    assert type(lazy).__name__ == "DaskRelease"
    events = lazy.events.compute().reset_index(drop=True)
    assert list(events["event_id_cnty"]) == list(eager.events["event_id_cnty"])
    assert lazy.actors.equals(eager.actors)


def test_dask_engine_refuses_expression_filters(store):
    import pyarrow.dataset as ds

    with pytest.raises(libyaevents.InputError, match="pass filters as a mapping"):
        libyaevents.load("1.0.0", store=store, engine="dask", filters=ds.field("year") == 2020)


def test_partition_failures_use_global_rows(store):
    events = libyaevents.load("1.0.0", store=store).events
    events.loc[4_000, "year"] = 1990
    events.loc[4_500, "event_id_cnty"] = events.loc[100, "event_id_cnty"]
    events = events.drop(columns=["tags"])
    lazy = dd.from_pandas(events, npartitions=7)
    report = validate_dask(lazy, today=TODAY)
    eager = libyaevents.validate(events, "events", today=TODAY)
    assert report.failures.equals(eager.failures), report.summary()
    assert report.rows == {"events": 5_000}


@pytest.mark.slow
def test_five_million_rows_out_of_core(tmp_path):
    """5,000,000 events in 10 files; no more than one file's rows in memory at once."""
    batch = 500_000
    for i in range(10):
        part = synthetic_events(batch, seed=i, first_id=1 + i * batch)
        if i == 7:  # an id that clashes with a row of another file
            part.loc[3, "event_id_cnty"] = "LBY1000123"
        part.to_parquet(tmp_path / f"part-{i:02d}.parquet", index=False)
        del part
    lazy = dd.read_parquet(tmp_path, split_row_groups=False)
    report = validate_dask(lazy, today=TODAY)
    assert report.rows == {"events": 5_000_000}
    found = report.failures[["row", "code", "value"]].values.tolist()
    assert found == [[1_000_122, "duplicate", "LBY1000123"], [3_500_003, "duplicate", "LBY1000123"]]
    assert pd.isna(report.failures["record_id"]).sum() == 0
