"""releases.layers: a table made of layered files and deletes, read back in release order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from libyaevents.formats import parquet
from libyaevents.releases import layers, splice
from libyaevents.releases.layers import layered_frame, read_layers
from libyaevents.releases.splice import ordered
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


def _chunked(table: pa.Table, size: int) -> pa.Table:
    """The table as record batches of ``size`` rows (a read's chunks)."""
    return pa.Table.from_batches(table.to_batches(max_chunksize=size), table.schema)


def _rows(rows: list[tuple[int, str, str]]) -> pa.Table:
    return pa.table({
        "event_date": pa.array([d for d, _, _ in rows], pa.int32()),
        KEY: pa.array([i for _, i, _ in rows], pa.large_string()),
        "notes": pa.array([n for _, _, n in rows], pa.large_string()),
        "fatalities": pa.array([len(n) for _, _, n in rows], pa.int32()),
    })  # fmt: skip


@pytest.mark.parametrize("told", [False, True])  # columns compared, or x-revised given
@pytest.mark.parametrize("cuts", [64, 0])  # text cut around the rows that go, or filtered
@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 5), st.text("ab", min_size=1, max_size=3)), unique=True),
    st.data(),
)
def test_merged_equals_ordered(told, cuts, base_keys, data):
    """Revisions in place (text changed or not), moved and new rows, deletes: as one take.

    Told which columns the later rows revised (what a sync records), the
    other columns are never compared.
    """
    base_keys = sorted(base_keys)
    texts = st.sampled_from(["", "x", "yy", "zzz"])
    base = _rows([(d, i, data.draw(texts)) for d, i in base_keys])
    revised = data.draw(st.sets(st.sampled_from(base_keys))) if base_keys else set()
    moved = {k for k in revised if data.draw(st.booleans())}
    later = [
        (d + 1 if k in moved else d, i, data.draw(texts)) for k in sorted(revised) for d, i in [k]
    ]  # fmt: skip
    new = data.draw(st.lists(st.tuples(st.integers(0, 6), st.text("cd", min_size=1, max_size=2))))
    later += [(d, i, "new") for d, i in dict.fromkeys(new)]
    gone = data.draw(st.sets(st.integers(0, max(len(base_keys) - 1, 0))))
    dead = {i for i, k in enumerate(base_keys) if k in revised} | (gone if base_keys else set())
    kept = np.array(sorted(set(range(len(base_keys))) - dead), "int64")
    parts = [_chunked(base, data.draw(st.integers(1, 4))), _rows(later)]
    live = [kept, np.arange(len(later))]
    expected = ordered(parts, live)
    revised = layers.revised_columns(base, parts[1]) if told else None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(splice, "_CUTS", cuts)
        found = splice.merged(parts, live, revised=revised)
    assert found.to_pydict() == expected.to_pydict()
    assert found.schema == expected.schema


def _layer(frame: pd.DataFrame, path) -> None:
    parquet.write_table(frame, "events", str(path), by_year=False)


def test_a_chain_of_three_layers_loads_as_the_same_content_written_whole(tmp_path):
    """Deletes in every layer, revisions of text and numbers, moved and new events."""
    events = parquet.sort_rows(synthetic_events(3000, seed=4), "events")
    parquet.write_table(events, "events", str(tmp_path / "base.parquet"))
    ids = events[KEY]
    first = events.iloc[[10, 200, 201, 1500, 2999]].copy()  # revised: text, numbers, a date
    first["notes"] = first["notes"] + " (revised)"
    first.loc[first.index[1], "fatalities"] += 3
    first.loc[first.index[2], "event_date"] = events["event_date"].iloc[0]
    fresh = events.iloc[[5, 1000, 2500]].assign(**{KEY: ["NEW1", "NEW2", "NEW3"]})
    first = pd.concat([first, fresh])
    _layer(first, tmp_path / "rows1.parquet")
    second = pd.concat([
        first.iloc[[0]].assign(fatalities=lambda f: f["fatalities"] + 1),  # a revision revised
        events.iloc[[700]].assign(actor1="Someone else"),
        fresh.iloc[[1]].assign(**{KEY: "NEW4"}),
    ])  # fmt: skip
    _layer(second, tmp_path / "rows2.parquet")
    deletes = pa.table({
        "layer": pa.array([0] * 7 + [1, 1], pa.int32()),
        KEY: pa.array([*first[KEY].iloc[:5], ids.iloc[700], ids.iloc[42],
                       first[KEY].iloc[0], "NEW3"], pa.large_string()),
    })  # fmt: skip
    paths = [tmp_path / n for n in ("base.parquet", "rows1.parquet", "rows2.parquet")]
    whole = pd.concat([
        events[~ids.isin([*first[KEY].iloc[:5], ids.iloc[700], ids.iloc[42]])],
        first[~first[KEY].isin([first[KEY].iloc[0], "NEW3"])], second,
    ])  # fmt: skip
    parquet.write_table(whole, "events", str(tmp_path / "whole.parquet"))
    expected = parquet.read_table(tmp_path / "whole.parquet", "events")
    pd.testing.assert_frame_equal(layered_frame(paths, deletes), expected)
    admin = events["admin1"].iloc[0]
    narrowed = layered_frame(paths, deletes, columns=["notes", "admin1", "fatalities"],
                             expression=pa.compute.field("admin1") == admin)  # fmt: skip
    wanted = expected.loc[expected["admin1"] == admin, ["notes", "admin1", "fatalities"]]
    pd.testing.assert_frame_equal(narrowed, wanted.reset_index(drop=True))


def test_revised_columns_are_those_a_row_of_the_same_id_changed():
    old = pa.table({
        KEY: ["A1", "A2", "A3"], "fatalities": [1, 2, None], "notes": ["x", "y", "z"],
        "admin1": pa.array(["East", "West", "East"]).dictionary_encode(),
    })  # fmt: skip
    new = pa.table({
        KEY: ["A3", "A9"], "fatalities": [None, 7], "notes": ["z2", "new"],
        "admin1": pa.array(["East", "South"]).dictionary_encode(),
    })  # fmt: skip
    assert layers.revised_columns(old, new) == ("notes",)  # A9 replaces nothing; nulls alike
    assert layers.revised_columns(old, new.append_column("tags", pa.array(["t", "u"]))) == (
        "notes", "tags",
    )  # fmt: skip
    assert layers.revised_columns(old, new.slice(1)) == ()


def test_deletes_at_their_positions_or_by_id_when_the_positions_are_wrong(tmp_path):
    """``row`` finds the deleted rows without a lookup; a wrong one falls back to the ids."""
    base = parquet.sort_rows(synthetic_events(300, seed=5), "events")
    parquet.write_table(base, "events", str(tmp_path / "base.parquet"))
    gone = [4, 90, 91, 299]
    paths = [tmp_path / "base.parquet"]
    by_id = pa.table({
        "layer": pa.array([0] * len(gone), pa.int32()),
        KEY: pa.array(base[KEY].iloc[gone].tolist(), pa.large_string()),
    })  # fmt: skip
    expected = layered_frame(paths, by_id)
    assert len(expected) == len(base) - len(gone)
    parts = layers.read_parts(paths)
    for rows in (gone, [4, 90, 92, 299], [4, 90, 91, 300]):  # right, a wrong row, out of range
        deletes = by_id.append_column("row", pa.array(rows, pa.int64()))
        with pytest.MonkeyPatch.context() as patch:
            if rows == gone:  # no lookup by id
                patch.setattr(layers, "live_rows", lambda *_: pytest.fail("looked up by id"))
            pd.testing.assert_frame_equal(layered_frame(paths, deletes), expected)
            live = layers.live_parts(parts, deletes)[0]
        assert sorted(set(range(len(base))) - set(live.tolist())) == gone
    filtered = layers.read_parts(paths, expression=pa.compute.field("fatalities") > 0)
    deletes = by_id.append_column("row", pa.array(gone, pa.int64()))
    assert len(layers.live_parts(filtered, deletes, positions=False)[0]) == (
        filtered[0].num_rows - int((base["fatalities"].iloc[gone] > 0).sum())
    )
