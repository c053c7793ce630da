"""Benchmark: two designs of snapshots that write only what changed, side by side.

Run:  python -m benchmarks.incremental [--rows 1000000] [--repeat 3]

A parent snapshot holds ``--rows`` synthetic events; the source then revises
1% of them (a fatality count, a new ``timestamp``) and deletes 0.1%, as in
``benchmarks/sync.py``. Each design turns the parent plus those changes into
the next snapshot on disk, then loads it back:

- **layers** (libyaevents' own): the snapshot stores its changed rows (one
  Parquet file, release order) and a deletes file (``layer``,
  ``event_id_cnty``) and refers to the parent's files by relative path and
  sha256; loading reads each layer, drops its deleted ids, and puts the rows
  in release order; the content hash (version 2, binary values) is taken on
  the result, as a sync must.
- **delta** (Delta Lake through ``deltalake``): one table, the changes
  applied with ``merge`` (update matched, insert the rest) and ``delete``;
  time travel by table version.

In the same process, alternating rounds (layers, delta, baseline, ...):
the baseline is ``libyaevents.load`` of the parent (warm); each design's
update time is a ratio of it; its new bytes a share of the parent's bytes;
its load a ratio of loading the same content written whole. Then the rows
read back by DuckDB, Polars and Dask through each design's documented call
are compared with the expected rows, and the longest chain of layers is
loaded to choose the compaction rule. Prints medians and spreads (min-max).

Not a test: nothing asserts a time.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
from pathlib import Path
from typing import Any

import dask.dataframe as dd
import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from deltalake import DeltaTable, write_deltalake

import libyaevents
from benchmarks.common import arguments, median_ratios, rounds
from libyaevents.formats import parquet
from libyaevents.formats.content import content_hash_v2
from libyaevents.readers.registry import actors_from_events
from libyaevents.releases.layers import layered_frame
from libyaevents.synthetic import synthetic_dataset, synthetic_events

KEY = "event_id_cnty"


def changes_of(events: pd.DataFrame, rows: int, seed: int) -> tuple[pd.DataFrame, pd.Index]:
    """1% of the events revised (fatalities + 1, a newer timestamp) and 0.1% deleted."""
    rng = np.random.default_rng(seed)
    picks = rng.permutation(len(events))
    edited = events.iloc[np.sort(picks[: rows // 100])].copy()
    edited["fatalities"] = edited["fatalities"] + 1
    edited["timestamp"] = int(events["timestamp"].max()) + 3600
    gone = pd.Index(events[KEY].iloc[picks[rows // 100 : rows // 100 + rows // 1000]])
    return edited, gone


def applied(events: pd.DataFrame, edited: pd.DataFrame, gone: pd.Index) -> pd.DataFrame:
    """The events after the changes (what a whole snapshot would hold)."""
    drop = events[KEY].isin(pd.Index(edited[KEY]).union(gone))
    return pd.concat([events[~drop], edited], ignore_index=True)


def size(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths)


# -- layers (our design) --------------------------------------------------------------


def write_layer(parent: list[Path], deletes: pa.Table | None, edited: pd.DataFrame,
                gone: pd.Index, folder: Path) -> tuple[list[Path], Path]:  # fmt: skip
    """The next snapshot as a layer: its rows, the cumulative deletes; returns the file list."""
    folder.mkdir()
    touched = pa.array(pd.Index(edited[KEY]).union(gone).to_numpy(object), pa.large_string())
    found = []
    for layer, path in enumerate(parent):  # which layer holds each touched id now
        ids = pq.read_table(path, columns=[KEY])[KEY]
        hit: Any = pc.is_in(ids, value_set=touched)
        found.append(pa.table({"layer": pa.array(np.full(pc.sum(hit).as_py() or 0, layer),
                                                pa.int32()), KEY: ids.filter(hit)}))  # fmt: skip
    new = pa.concat_tables(found if deletes is None else [deletes, *found])
    new = new.group_by(["layer", KEY]).aggregate([]).sort_by([("layer", "ascending"),
                                                             (KEY, "ascending")])  # fmt: skip
    parquet.write_table(edited, "events", str(folder / "events-rows.parquet"), by_year=False)
    pq.write_table(new, folder / "events-deletes.parquet", compression="zstd")
    return [*parent, folder / "events-rows.parquet"], folder / "events-deletes.parquet"


def load_layers(files: list[Path], deletes: Path) -> pd.DataFrame:
    return layered_frame(files, pq.read_table(deletes))


# -- Delta Lake -------------------------------------------------------------------


def plain_arrow(frame: pd.DataFrame) -> pa.Table:
    """Release Arrow with dictionaries decoded (Delta Lake stores no dictionary type)."""
    arrow = parquet.release_arrow(frame, "events")
    columns = [c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c
               for c in arrow.columns]  # fmt: skip
    return pa.table(columns, names=arrow.column_names)


def delta_update(path: Path, edited: pd.DataFrame, gone: pd.Index) -> None:
    table = DeltaTable(str(path))
    source = plain_arrow(edited)
    (table.merge(source, predicate=f"t.{KEY} = s.{KEY}", source_alias="s", target_alias="t")
     .when_matched_update_all().when_not_matched_insert_all().execute())  # fmt: skip
    listed = ", ".join(f"'{i}'" for i in gone)
    DeltaTable(str(path)).delete(f"{KEY} IN ({listed})")


def delta_files(path: Path, version: int | None = None) -> set[str]:
    table = DeltaTable(str(path), version=version)
    return set(table.file_uris())


def delta_load(path: Path) -> pd.DataFrame:
    return DeltaTable(str(path)).to_pyarrow_table().to_pandas()


# -- readers without the library ------------------------------------------------------


def duckdb_layers(files: list[Path], deletes: Path) -> pd.DataFrame:
    """The documented DuckDB call: each layer with its number, minus the deletes."""
    union = " UNION ALL BY NAME ".join(
        f"SELECT {i} AS layer, * FROM read_parquet('{p}')" for i, p in enumerate(files)
    )
    sql = (f"SELECT * EXCLUDE (layer) FROM ({union}) AS r ANTI JOIN read_parquet('{deletes}') "
           f"AS d USING (layer, {KEY}) ORDER BY event_date, {KEY}")  # fmt: skip
    return duckdb.sql(sql).df()


def polars_layers(files: list[Path], deletes: Path) -> pd.DataFrame:
    rows = pl.concat([pl.scan_parquet(p).with_columns(pl.lit(i, pl.Int32).alias("layer"))
                      for i, p in enumerate(files)], how="diagonal_relaxed")  # fmt: skip
    dead = pl.scan_parquet(deletes)
    kept = rows.join(dead, on=["layer", KEY], how="anti").drop("layer")
    return kept.sort(["event_date", KEY]).collect().to_pandas()


def dask_layers(files: list[Path], deletes: Path) -> pd.DataFrame:
    dead = pd.read_parquet(deletes)
    parts = []
    for i, p in enumerate(files):
        ids = set(dead.loc[dead["layer"] == i, KEY])
        part = dd.read_parquet(str(p))
        parts.append(part[~part[KEY].isin(list(ids))] if ids else part)
    return dd.concat(parts).compute().sort_values(["event_date", KEY])


def same_rows(found: pd.DataFrame, expected: pd.DataFrame) -> bool:
    """Same ids, and the same fatalities per id (the revised column)."""
    a = found.set_index(KEY)["fatalities"].astype("int64").sort_index()
    b = expected.set_index(KEY)["fatalities"].astype("int64").sort_index()
    return a.index.equals(b.index) and bool((a.to_numpy() == b.to_numpy()).all())


# -- the run -----------------------------------------------------------------------


def said(times: dict[str, list[float]], ours: str, base: str) -> str:
    """Median time (min-max), and the median of the per-round ratios to ``base`` (min-max)."""
    mine = times[ours]
    ratio, each = median_ratios(times, ours, base)
    return (f"{statistics.median(mine):7.3f} s ({min(mine):.3f}-{max(mine):.3f})  "
            f"{ratio:5.2f}x ({each[0]:.2f}-{each[-1]:.2f})")  # fmt: skip


def main() -> None:
    args = arguments(__doc__, rows=1_000_000, repeat=3)
    print(f"load average before: {os.getloadavg()}")
    events = synthetic_events(args.rows, seed=0)
    edited, gone = changes_of(events, args.rows, seed=0)
    after = applied(events, edited, gone)
    work = Path(tempfile.mkdtemp(prefix="libyaevents-incremental-"))
    try:
        store = work / "store"
        tables = {"events": events, "actors": actors_from_events(events),
                  "measures": synthetic_dataset(5, seed=0)["measures"].iloc[:0]}  # fmt: skip
        libyaevents.build_release(tables, "1.0.0", store=store, today="2030-01-01")
        base = store / "1.0.0" / "events.parquet"
        whole = work / "whole.parquet"
        parquet.write_table(after, "events", str(whole))
        delta = work / "delta"
        write_deltalake(str(delta), plain_arrow(events))
        first = delta_files(delta)
        n = 0

        def ours() -> None:
            nonlocal n
            n += 1
            frame = load_layers(*write_layer([base], None, edited, gone, work / f"layer{n}"))
            content_hash_v2(parquet.to_arrow(frame, "events"))

        def theirs() -> None:
            target = work / f"delta{n}"
            shutil.copytree(delta, target)
            delta_update(target, edited, gone)

        def baseline() -> None:
            libyaevents.load("1.0.0", store=store)

        baseline()
        update = rounds({"layers": ours, "delta": theirs, "load": baseline}, args.repeat)
        files, deletes = write_layer([base], None, edited, gone, work / "layer")
        moved = work / "deltaafter"
        shutil.copytree(delta, moved)
        delta_update(moved, edited, gone)
        added = delta_files(moved) - first
        new_ours = size([files[-1], deletes])
        new_theirs = sum(Path(u.removeprefix("file://")).stat().st_size for u in added)
        full = size([base])
        loads = rounds({
            "layers": lambda: load_layers(files, deletes),
            "delta": lambda: delta_load(moved),
            "whole": lambda: parquet.read_table(str(whole), "events"),
        }, args.repeat)  # fmt: skip
        print(f"{args.rows:,} events; {len(edited):,} revised, {len(gone):,} deleted; "
              f"{args.repeat} alternating rounds; median (min-max)")  # fmt: skip
        print(f"warm load of the parent        {said(update, 'load', 'load')}")
        print(f"update, layers (+ load, hash)  {said(update, 'layers', 'load')} load")
        print(f"update, delta merge + delete   {said(update, 'delta', 'load')} load")
        print(
            f"new bytes: full {full:,}; layers {new_ours:,} ({new_ours / full:.1%}); "
            f"delta {new_theirs:,} ({new_theirs / full:.1%}, {len(added)} files rewritten)"
        )
        print(f"load of the same content whole {said(loads, 'whole', 'whole')}")
        print(f"load, layers                   {said(loads, 'layers', 'whole')} whole")
        print(f"load, delta (to_pandas)        {said(loads, 'delta', 'whole')} whole")
        expected = after
        for name, read in (("duckdb", duckdb_layers), ("polars", polars_layers),
                           ("dask", dask_layers)):  # fmt: skip
            print(f"  layers read by {name}: same rows {same_rows(read(files, deletes), expected)}")
        print(
            f"  delta read by polars: same rows "
            f"{same_rows(pl.read_delta(str(moved)).to_pandas(), expected)}"
        )
        actions = DeltaTable(str(moved)).get_add_actions(flatten=True)
        print(
            f"  delta log per file: {', '.join(actions.schema.names[:6])}, ... "
            f"(a sha256: {any('hash' in c or 'sha' in c for c in actions.schema.names)})"
        )
        chain([base], events, args, work, whole)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        print(f"load average after: {os.getloadavg()}")


def chain(files: list[Path], events: pd.DataFrame, args: Any, work: Path,
          whole: Path) -> None:  # fmt: skip
    """Load time by chain length: 1% revised and 0.1% deleted per step."""
    deletes: pa.Table | None = None
    current = events
    for step in range(1, 13):
        edited, gone = changes_of(current, args.rows, seed=step)
        current = applied(current, edited, gone)
        files, path = write_layer(files, deletes, edited, gone, work / f"chain{step}")
        deletes = pq.read_table(path)
        if step in (1, 4, 8, 12):
            parquet.write_table(current, "events", str(whole))
            took = rounds({"layers": lambda f=files, p=path: load_layers(f, p),
                           "whole": lambda: parquet.read_table(str(whole), "events")},
                          args.repeat)  # fmt: skip
            print(f"chain of {step:2d} layers: load {said(took, 'layers', 'whole')} whole; deletes "
                  f"{path.stat().st_size:,} bytes")  # fmt: skip
    found = layered_frame(files, deletes)
    print(f"  chain of 12 equals the whole content: {same_rows(found, current)}; in release "
          f"order: {found[KEY].equals(parquet.sort_rows(current, 'events')[KEY])}")  # fmt: skip


if __name__ == "__main__":
    main()
