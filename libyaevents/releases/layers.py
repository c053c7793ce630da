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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pds

from libyaevents.compute import loose
from libyaevents.formats import parquet

__all__ = [
    "DELETES_COLUMNS",
    "layered_frame",
    "live_parts",
    "live_rows",
    "merged",
    "ordered",
    "read_layers",
    "read_parts",
]

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
    Each column of the result is one chunk (see :func:`merged` for a load).
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
    added_keys = table.select(list(keys)).take(added)
    by = _key_order(added_keys, keys)
    added, added_keys = added[by], added_keys.take(by)
    before = _rows_before(parts[0].select(list(keys)).combine_chunks(), added_keys)
    rows = _inserted(base, np.searchsorted(base, before), added)
    return _take(table, pa.array(rows))


def _key_order(table: pa.Table, keys: Sequence[str]) -> np.ndarray:
    """The positions of ``table``'s rows sorted by ``keys`` (all ascending)."""
    order: list[tuple[str, Literal["ascending", "descending"]]] = [(k, "ascending") for k in keys]
    return np.asarray(pc.sort_indices(table, order))


def merged(
    parts: Sequence[pa.Table], live: Sequence[np.ndarray],
    keys: Sequence[str] = parquet.SORT_KEYS["events"],
) -> pa.Table:  # fmt: skip
    """The same rows as :func:`ordered`, built from the first part's chunks instead of a take.

    A later row that replaces a deleted row with the same place in release
    order (a revision) takes its slot; only where its value differs from the
    old one is the chunk patched (:func:`_patched`). The other rows of the
    first part stay where they are: text columns are cut around the rows that
    go (slices of the read's chunks, no copy; a filter when more than
    ``_CUTS`` rows per chunk go), other columns are filtered (it copies runs
    of rows, a take copies row by row). A column a revision leaves alone is
    never taken row by row. Parts of different schemas, or without the keys,
    go through :func:`ordered`.
    """
    base = parts[0]
    same = all(p.schema.equals(base.schema, check_metadata=False) for p in parts[1:])
    if not same or not base.num_rows or not set(keys) <= set(base.column_names):
        return ordered(parts, live, keys)
    if sum(len(k) for k in live[1:]) == 0 and len(live[0]) == base.num_rows:
        return base
    extra = pa.concat_tables([base.schema.empty_table()] + [
        p.take(pa.array(k, pa.int64())) for p, k in zip(parts[1:], live[1:], strict=True)
    ]).combine_chunks()  # fmt: skip
    extra = extra.take(_key_order(extra.select(list(keys)), keys))
    before = _rows_before(base.select(list(keys)).combine_chunks(), extra.select(list(keys)))
    plan = _Patches.of(before, np.asarray(live[0], "int64"), base.num_rows)
    with ThreadPoolExecutor(min(8, os.cpu_count() or 1)) as pool:
        columns = list(pool.map(lambda n: _column(base[n], extra[n], plan), base.column_names))
    return pa.table(columns, schema=base.schema)


#: Text columns are cut around the rows that go while at most this many go per chunk.
_CUTS: Final = 64


def _column(column: pa.ChunkedArray[Any], added: Any, plan: _Patches) -> pa.ChunkedArray[Any]:
    """One column of :func:`merged`: the first part's kept rows with the later rows put in."""
    added = added.combine_chunks()
    new = added.take(pa.array(plan.replace_by))
    if pa.types.is_primitive(column.type):  # numbers, dates: one chunk copies little
        whole = column.combine_chunks()
        old, column = whole.take(pa.array(plan.slots)), pa.chunked_array([whole])
    else:  # by a filter: a take from chunks joins them first (a copy of the column)
        slots = np.zeros(len(plan.keep), bool)
        slots[plan.slots] = True
        old = column.filter(pa.array(slots)).combine_chunks()
    text = pa.types.is_large_string(column.type) or pa.types.is_string(column.type)
    if text and len(plan.dropped) <= _CUTS * column.num_chunks:
        kept = _without(column, plan.dropped)
    else:
        kept = column.filter(pa.array(plan.keep))
    found: pa.ChunkedArray[Any] = _patched(kept, added, plan, _differ(old, new))
    return found


def _without(column: pa.ChunkedArray[Any], dropped: np.ndarray) -> pa.ChunkedArray[Any]:
    """``column`` without the rows ``dropped`` (sorted): its chunks cut around them, no copy."""
    found, start = [], 0
    for chunk in column.chunks:
        stop = start + len(chunk)
        here = dropped[np.searchsorted(dropped, start) : np.searchsorted(dropped, stop)] - start
        firsts, lasts = [0, *(here + 1).tolist()], [*here.tolist(), len(chunk)]
        found += [chunk.slice(a, b - a) for a, b in zip(firsts, lasts, strict=True) if b > a]
        start = stop
    cut: pa.ChunkedArray[Any] = pa.chunked_array(found, column.type)
    return cut


@dataclass(frozen=True)
class _Patches:
    """Where the later rows go in the first part's kept rows (built by :meth:`of`).

    Attributes
    ----------
    keep : numpy.ndarray
        Which rows of the first part stay: the live ones and the slots.
    dropped : numpy.ndarray
        The rows of the first part that go (all but ``keep``).
    slots : numpy.ndarray
        The deleted rows of the first part whose places later rows take.
    replace_at, replace_by : numpy.ndarray
        Kept row ``replace_at[i]`` (a deleted row's slot) holds later row ``replace_by[i]``.
    insert_at, insert_by : numpy.ndarray
        Later row ``insert_by[i]`` goes before kept row ``insert_at[i]`` (or at the end).
    """

    keep: np.ndarray
    dropped: np.ndarray
    slots: np.ndarray
    replace_at: np.ndarray
    replace_by: np.ndarray
    insert_at: np.ndarray
    insert_by: np.ndarray

    @classmethod
    def of(cls, before: np.ndarray, live: np.ndarray, rows: int) -> _Patches:
        """Place later rows sorted among themselves, ``before[i]`` first-part rows before each.

        A later row whose first following row ``before[i]`` is deleted takes its
        slot (the first such later row only); the others are inserted.
        """
        keep = np.zeros(rows, bool)
        keep[live] = True
        first = np.ones(len(before), bool)
        first[1:] = before[1:] != before[:-1]
        slot = first & (before < rows)
        slot[slot] = ~keep[before[slot]]
        claimed = np.zeros(rows + 1, bool)
        claimed[before[slot]] = True
        keep |= claimed[:-1]
        kept_before = np.concatenate([[0], np.cumsum(keep)])
        inserted = np.flatnonzero(~slot)
        at = kept_before[before[inserted]] + claimed[before[inserted]]
        slots = before[slot]
        dropped = np.flatnonzero(~keep)
        return cls(keep, dropped, slots, kept_before[slots], np.flatnonzero(slot), at, inserted)


def _patched(
    column: pa.ChunkedArray[Any], added: pa.Array[Any], plan: _Patches, differ: np.ndarray
) -> Any:
    """The kept rows of one column with the later rows put in (chunks without a change as is).

    ``differ`` says which of the slots' later rows hold a value other than the
    old row's: only those replace it.
    """
    chunks = column.chunks or [pa.array([], column.type)]
    bounds = np.cumsum([0, *(len(c) for c in chunks)])
    bounds[-1] += 1  # rows put at the very end go in the last chunk
    replace_at, replace_by = plan.replace_at[differ], plan.replace_by[differ]
    replaced = np.searchsorted(replace_at, bounds)
    if not len(replace_at) and not len(plan.insert_at):
        return column
    inserted = np.searchsorted(plan.insert_at, bounds)
    found = []
    for i, chunk in enumerate(chunks):
        at = replace_at[replaced[i] : replaced[i + 1]] - bounds[i]
        by = replace_by[replaced[i] : replaced[i + 1]]
        put = plan.insert_at[inserted[i] : inserted[i + 1]] - bounds[i]
        put_by = plan.insert_by[inserted[i] : inserted[i + 1]]
        if not len(at) and not len(put):
            found.append(chunk)
            continue
        found.append(_spliced(chunk, at, put, added.take(pa.array(np.concatenate([by, put_by])))))
    return pa.chunked_array(found, column.type)


def _spliced(chunk: pa.Array[Any], at: np.ndarray, put: np.ndarray, values: Any) -> Any:
    """``chunk`` with rows ``at`` replaced by the first ``values`` and the rest put before ``put``.

    Numbers and dates without gaps are spliced in numpy (a copy and a few
    stores); other types by a take from the chunk and the values.
    """
    plain = pa.types.is_primitive(chunk.type) and not pa.types.is_boolean(chunk.type)
    if plain and not chunk.null_count and not values.null_count:
        found = chunk.to_numpy(zero_copy_only=False).copy()
        new = values.to_numpy(zero_copy_only=False)
        found[at] = new[: len(at)]
        return pa.array(_inserted(found, put, new[len(at) :]), chunk.type)
    rows = np.arange(len(chunk))
    rows[at] = len(chunk) + np.arange(len(at))
    rows = _inserted(rows, put, len(chunk) + len(at) + np.arange(len(put)))
    joined: Any = pa.chunked_array([chunk, values]).combine_chunks()
    return joined.take(pa.array(rows))


def _inserted(values: np.ndarray, at: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``np.insert``, skipped when there is nothing to insert (it copies through a mask)."""
    return np.insert(values, at, new) if len(at) else values


def _differ(old: Any, new: Any) -> np.ndarray:
    """Row by row, whether two arrays of one type hold different values (two nulls are equal)."""
    if pa.types.is_dictionary(old.type):
        old, new = old.cast(old.type.value_type), new.cast(new.type.value_type)
    same: Any = pc.or_kleene(pc.equal(old, new), pc.and_(pc.is_null(old), pc.is_null(new)))
    return ~np.asarray(pc.fill_null(same, False))


def _rows_before(sorted_keys: pa.Table, probes: pa.Table) -> np.ndarray:
    """For each probe row, how many rows of ``sorted_keys`` sort before it (a binary search).

    All probes step together: each round takes one row of ``sorted_keys`` per
    probe and compares the key tuples, so the cost is about log2(n) small
    takes, whatever n is. A first key of whole numbers or dates is searched
    with numpy first: the rounds then only narrow the rows of one date.
    """
    lo = np.zeros(probes.num_rows, "int64")
    hi = np.full(probes.num_rows, sorted_keys.num_rows, "int64")
    if _searchable(sorted_keys.column(0)) and _searchable(probes.column(0)):
        values, first = sorted_keys.column(0).to_numpy(), probes.column(0).to_numpy()
        lo, hi = np.searchsorted(values, first, "left"), np.searchsorted(values, first, "right")
        if sorted_keys.num_columns == 1:
            return lo
        rest = list(range(1, sorted_keys.num_columns))
        sorted_keys, probes = sorted_keys.select(rest), probes.select(rest)
    mine = [probes.column(i) for i in range(probes.num_columns)]
    while (open_ := np.flatnonzero(lo < hi)).size:
        mid = (lo[open_] + hi[open_]) // 2
        seen = sorted_keys.take(mid)
        wanted = [m.take(open_) for m in mine]
        less = _less([seen.column(i) for i in range(seen.num_columns)], wanted)
        lo[open_] = np.where(less, mid + 1, lo[open_])
        hi[open_] = np.where(less, hi[open_], mid)
    return lo


def _searchable(column: pa.ChunkedArray[Any]) -> bool:
    """Whether numpy sorts a key column as Arrow does: whole numbers or dates, no gaps."""
    kind = column.type
    whole = pa.types.is_integer(kind) or pa.types.is_date(kind) or pa.types.is_timestamp(kind)
    return whole and not column.null_count


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
    parts = read_parts(paths, columns=wanted, expression=expression)
    table = merged(parts, live_parts(parts, deletes), keys)
    return table if columns is None else table.select(list(columns))


def read_parts(
    paths: Sequence[Path], *, columns: Sequence[str] | None = None,
    expression: pc.Expression | None = None,
) -> list[pa.Table]:  # fmt: skip
    """Each layer file read as it is, ``columns`` and ``expression`` pushed into its scan.

    The later (small) layers are read on another thread while the base is.
    """
    pool = pa.system_memory_pool()
    wanted = None if columns is None else list(columns)

    def read(path: Path) -> pa.Table:
        scan = pds.dataset(path, format="parquet")
        return scan.to_table(columns=wanted, filter=expression, memory_pool=pool)

    if len(paths) < 2:
        return [read(p) for p in paths]
    with ThreadPoolExecutor(1) as side:
        later = side.submit(lambda: [read(p) for p in paths[1:]])
        return [read(paths[0]), *later.result()]


def live_parts(parts: Sequence[pa.Table], deletes: pa.Table) -> list[np.ndarray]:
    """For each layer, the positions of its rows the deletes do not list (:func:`live_rows`)."""
    found = []
    for layer, table in enumerate(parts):
        here: Any = loose.equal(deletes["layer"], layer)
        found.append(live_rows(table, deletes[_KEY].filter(here)))
    return found


def layered_frame(
    paths: Sequence[Path], deletes: pa.Table, *, columns: Sequence[str] | None = None,
    expression: pc.Expression | None = None,
) -> pd.DataFrame:  # fmt: skip
    """:func:`read_layers` of event files, as the canonical pandas frame ``load`` returns."""
    table = read_layers(paths, deletes, columns=columns, expression=expression)
    return parquet.from_arrow(table, "events", pa.system_memory_pool())
