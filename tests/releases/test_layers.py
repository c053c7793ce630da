"""releases.layers: a table made of layered files and deletes, read back in release order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from libyaevents.formats import parquet
from libyaevents.releases.layers import layered_frame, ordered, read_layers
from libyaevents.synthetic import synthetic_events

KEY = "event_id_cnty"


def _keys(rows: list[tuple[int, str]]) -> pa.Table:
    dates = pa.array([d for d, _ in rows], pa.int32())
    return pa.table({"event_date": dates, KEY: pa.array([i for _, i in rows], pa.string())})


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 5), st.text("ab", min_size=1, max_size=3)), unique=True),
    st.lists(st.tuples(st.integers(0, 5), st.text("ab", min_size=1, max_size=3)), max_size=8),
    st.data(),
)
def test_placing_the_later_rows_equals_sorting_everything(base_rows, later_rows, data):
    later_rows = [r for r in dict.fromkeys(later_rows) if r not in base_rows]
    base = _keys(sorted(base_rows)).sort_by([("event_date", "ascending"), (KEY, "ascending")])
    later = _keys(later_rows) if later_rows else _keys([])
    drawn = data.draw(st.sets(st.integers(0, max(len(base_rows) - 1, 0))))
    kept = np.array(sorted(i for i in drawn if i < len(base_rows)), "int64")
    found = ordered([base, later], [kept, np.arange(later.num_rows)])
    expected = pa.concat_tables([base.take(kept), later]).sort_by(
        [("event_date", "ascending"), (KEY, "ascending")]
    )
    assert found.to_pydict() == expected.to_pydict()


def test_each_layer_loses_only_its_own_deleted_rows(tmp_path):
    events = synthetic_events(200, seed=7)
    base = parquet.sort_rows(events, "events")
    parquet.write_table(base, "events", str(tmp_path / "base.parquet"))
    revised = base.iloc[[3, 50, 120]].assign(fatalities=lambda f: f["fatalities"] + 1)
    parquet.write_table(revised, "events", str(tmp_path / "rows.parquet"), by_year=False)
    ids = revised[KEY].tolist()
    gone = base[KEY].iloc[7]
    deletes = pa.table({
        "layer": pa.array([0, 0, 0, 0, 1], pa.int32()),
        KEY: pa.array([*ids, gone, ids[0]], pa.large_string()),
    })  # fmt: skip
    frame = layered_frame([tmp_path / "base.parquet", tmp_path / "rows.parquet"], deletes)
    expected = parquet.sort_rows(
        pd.concat([base[~base[KEY].isin([*ids, gone])], revised.iloc[1:]]), "events"
    )
    assert frame[KEY].tolist() == expected[KEY].tolist()
    assert frame.set_index(KEY).loc[ids[1], "fatalities"] == revised.iloc[1]["fatalities"]
    assert ids[0] not in set(frame[KEY])
    assert gone not in set(frame[KEY])


def test_columns_and_filters_are_pushed_into_each_layer(tmp_path):
    events = parquet.sort_rows(synthetic_events(120, seed=2), "events")
    path = tmp_path / "base.parquet"
    parquet.write_table(events, "events", str(path))
    deletes = pa.table({"layer": pa.array([], pa.int32()), KEY: pa.array([], pa.large_string())})
    admin = events["admin1"].iloc[0]
    found = read_layers([path], deletes, columns=["admin1"],
                        expression=pa.compute.field("admin1") == admin)  # fmt: skip
    assert found.column_names == ["admin1"]
    assert found.num_rows == int((events["admin1"] == admin).sum())
    assert pq.read_metadata(path).num_rows == len(events)
