"""Layered tables: a snapshot's events as its parent's files plus its own changed rows and deletes.

A snapshot written by an incremental sync does not rewrite its events. It
stores the rows the sync added or revised (``events-rows.parquet``, release
order) and refers to the files its parent's events are made of, by relative
path (``../<version>/<file>``), size, row count and sha256. Those files are
its *layers*, oldest first: layer 0 is the last snapshot written whole.
``events-deletes.parquet`` (``layer``, ``event_id_cnty``) lists, for the whole
chain, every row a later layer replaced or the source deleted: a row of layer
``i`` with id ``x`` is in the snapshot exactly when ``(i, x)`` is not listed.
The snapshot's fingerprints are layered the same way (``fingerprints-rows``,
the same deletes).

Any Parquet reader can put a snapshot together from its manifest: read each
layer with its number, anti-join the deletes on (``layer``,
``event_id_cnty``), and sort by ``event_date``, ``event_id_cnty`` (see
docs/releases.md, "Incremental snapshots", for DuckDB, Polars and Dask).

Examples
--------
>>> import tempfile, pathlib
>>> import pyarrow as pa, pyarrow.parquet as pq
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> pq.write_table(pa.table({"event_id_cnty": ["A1", "A2"], "event_date": [2, 1]}),
...                folder / "base.parquet")
>>> pq.write_table(pa.table({"event_id_cnty": ["A2"], "event_date": [3]}), folder / "rows.parquet")
>>> deletes = pa.table({"layer": pa.array([0], pa.int32()), "event_id_cnty": ["A2"]})
>>> read_layers([folder / "base.parquet", folder / "rows.parquet"], deletes).to_pydict()
{'event_id_cnty': ['A1', 'A2'], 'event_date': [2, 3]}
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pds

from libyaevents.compute import loose
from libyaevents.formats import parquet

__all__ = ["DELETES_COLUMNS", "layered_frame", "live_rows", "ordered", "read_layers"]

_KEY: Final = "event_id_cnty"
#: The columns of a deletes file.
DELETES_COLUMNS: Final = ("layer", _KEY)


def live_rows(table: pa.Table, dead: pa.ChunkedArray[Any]) -> np.ndarray:
    """Positions of the rows of one layer whose id its deletes do not list."""
    if not len(dead) or not table.num_rows:
        return np.arange(table.num_rows)
    gone: Any = pc.is_in(table[_KEY], value_set=dead.combine_chunks())
    return np.flatnonzero(~np.asarray(gone.combine_chunks() if hasattr(gone, "chunks") else gone))


def ordered(
    parts: Sequence[pa.Table], live: Sequence[np.ndarray],
    keys: Sequence[str] = parquet.SORT_KEYS["events"],
) -> pa.Table:  # fmt: skip
    """The live rows of ``parts`` (each in release order) in release order, in one ``take``.

    ``live[i]`` are the positions of the rows of ``parts[i]`` to keep. The
    first part is the large one: the later parts' rows are sorted among
    themselves and each is placed by a binary search of the first part's keys
    (a few thousand probes), not by sorting every row again.
    A first part whose rows all live and no other part with rows: returned as it is.
    """
    if sum(len(k) for k in live[1:]) == 0 and len(live[0]) == parts[0].num_rows:
        return parts[0]
    table = pa.concat_tables(parts, promote_options="permissive")
    starts = np.cumsum([0, *(p.num_rows for p in parts[:-1])])
    later = [s + k for s, k in zip(starts[1:], live[1:], strict=True)]
    added = np.concatenate(later).astype("int64") if later else np.array([], "int64")
    base = np.asarray(live[0], "int64")
    if not len(added) or not set(keys) <= set(table.column_names):
        return _take(table, pa.array(np.concatenate([base, added])))
    order: list[tuple[str, Literal["ascending", "descending"]]] = [(k, "ascending") for k in keys]
    added_keys = table.select(list(keys)).take(added)
    by = np.asarray(pc.sort_indices(added_keys, order))
    added, added_keys = added[by], added_keys.take(by)
    before = _rows_before(parts[0].select(list(keys)).combine_chunks(), added_keys)
    rows = np.insert(base, np.searchsorted(base, before), added)
    return _take(table, pa.array(rows))


def _rows_before(sorted_keys: pa.Table, probes: pa.Table) -> np.ndarray:
    """For each probe row, how many rows of ``sorted_keys`` sort before it (a binary search).

    All probes step together: each round takes one row of ``sorted_keys`` per
    probe and compares the key tuples, so the cost is about log2(n) small
    takes, whatever n is.
    """
    lo = np.zeros(probes.num_rows, "int64")
    hi = np.full(probes.num_rows, sorted_keys.num_rows, "int64")
    mine = [probes.column(i) for i in range(probes.num_columns)]
    while (open_ := np.flatnonzero(lo < hi)).size:
        mid = (lo[open_] + hi[open_]) // 2
        seen = sorted_keys.take(mid)
        wanted = [m.take(open_) for m in mine]
        less = _less([seen.column(i) for i in range(seen.num_columns)], wanted)
        lo[open_] = np.where(less, mid + 1, lo[open_])
        hi[open_] = np.where(less, hi[open_], mid)
    return lo


def _less(a: Sequence[Any], b: Sequence[Any]) -> np.ndarray:
    """Row by row, whether the key tuple ``a`` sorts before ``b`` (no empty keys)."""
    result = np.zeros(len(a[0]), bool)
    tied = np.ones(len(a[0]), bool)
    for left, right in zip(a, b, strict=True):
        lt: Any = pc.less(left, right)
        eq: Any = pc.equal(left, right)
        result |= tied & np.asarray(lt)
        tied &= np.asarray(eq)
    return result


def _take(table: pa.Table, rows: pa.Array[Any]) -> pa.Table:
    """``table.take(rows)``, a column per thread (Arrow releases the GIL).

    Each column is joined into one chunk first: a take from many chunks
    gathered them again for every column, slower than one plain copy.
    """
    with ThreadPoolExecutor(min(8, os.cpu_count() or 1)) as pool:
        columns = list(pool.map(lambda c: c.combine_chunks().take(rows), table.columns))
    return pa.table(columns, schema=table.schema)


def read_layers(
    paths: Sequence[Path],
    deletes: pa.Table,
    *,
    columns: Sequence[str] | None = None,
    expression: pc.Expression | None = None,
    keys: Sequence[str] = parquet.SORT_KEYS["events"],
) -> pa.Table:
    """The live rows of layered files, in release order (by ``keys``).

    ``columns`` and ``expression`` are pushed into each file's scan (the key
    columns are read too, for the deletes and the order, and dropped after).
    """
    wanted = None if columns is None else list(dict.fromkeys([*columns, _KEY, *keys]))
    pool = pa.system_memory_pool()
    parts, live = [], []
    for layer, path in enumerate(paths):
        scan = pds.dataset(path, format="parquet")
        table = scan.to_table(columns=wanted, filter=expression, memory_pool=pool)
        here: Any = loose.equal(deletes["layer"], layer)
        parts.append(table)
        live.append(live_rows(table, deletes[_KEY].filter(here)))
    table = ordered(parts, live, keys)
    return table if columns is None else table.select(list(columns))


def layered_frame(
    paths: Sequence[Path], deletes: pa.Table, *, columns: Sequence[str] | None = None,
    expression: pc.Expression | None = None,
) -> pd.DataFrame:  # fmt: skip
    """:func:`read_layers` of event files, as the canonical pandas frame ``load`` returns."""
    table = read_layers(paths, deletes, columns=columns, expression=expression)
    return parquet.from_arrow(table, "events", pa.system_memory_pool())
