"""Putting a layered table's rows in release order (see :mod:`libyaevents.releases.layers`).

The first layer is large and in release order; the later ones are small.
:func:`merged` keeps the first layer's chunks, cuts them around the rows that
go and puts the later rows in (a revision in its row's slot, patched only in
the columns it revised); :func:`ordered` does the same with one take of every
row (used where the parts' schemas differ, and by the sync for small tables).

Examples
--------
>>> import numpy as np, pyarrow as pa
>>> base = pa.table({"event_date": [1, 2, 3], "event_id_cnty": ["A1", "A2", "A3"], "n": [0, 0, 0]})
>>> later = pa.table({"event_date": [2, 4], "event_id_cnty": ["A2", "A4"], "n": [5, 1]})
>>> merged([base, later], [np.array([0, 2]), np.arange(2)], revised={"n"}).to_pydict()
{'event_date': [1, 2, 3, 4], 'event_id_cnty': ['A1', 'A2', 'A3', 'A4'], 'n': [0, 5, 0, 1]}
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from libyaevents.formats import parquet

__all__ = [
    "gather",
    "key_order",
    "live_sorted",
    "merged",
    "ordered",
    "rows_before",
    "values_differ",
]

_KEY: Final = "event_id_cnty"


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
    by = key_order(added_keys, keys)
    added, added_keys = added[by], added_keys.take(by)
    before = rows_before(parts[0].select(list(keys)).combine_chunks(), added_keys)
    rows = _inserted(base, np.searchsorted(base, before), added)
    return _take(table, pa.array(rows))


def key_order(table: pa.Table, keys: Sequence[str]) -> np.ndarray:
    """The positions of ``table``'s rows sorted by ``keys`` (all ascending)."""
    order: list[tuple[str, Literal["ascending", "descending"]]] = [(k, "ascending") for k in keys]
    return np.asarray(pc.sort_indices(table, order))


def live_sorted(
    parts: Sequence[pa.Table], live: Sequence[np.ndarray], keys: Sequence[str], schema: pa.Schema
) -> pa.Table:
    """The live rows of ``parts`` as one table of ``schema`` (one chunk), sorted by ``keys``."""
    rows = pa.concat_tables(
        [schema.empty_table()]
        + [p.take(pa.array(k, pa.int64())) for p, k in zip(parts, live, strict=True)],
        promote_options="permissive",
    ).combine_chunks()
    return rows.take(key_order(rows, keys))


def merged(
    parts: Sequence[pa.Table], live: Sequence[np.ndarray],
    keys: Sequence[str] = parquet.SORT_KEYS["events"], revised: Collection[str] | None = None,
) -> pa.Table:  # fmt: skip
    """The same rows as :func:`ordered`, built from the first part's chunks instead of a take.

    A later row that replaces a deleted row with the same place in release
    order (a revision: the same keys) takes its slot. ``revised`` names the
    columns where a later row may hold another value than the row it replaces
    (the layers' ``x-revised``); None: every column is compared at the slots.
    The columns where no revision changes a value keep the first part's rows:
    they are cut around the rows that go and the new rows are put in between,
    for all of them at once (slices of the read's chunks, no copy;
    :func:`_spliced_table`). Only a column a revision changes is built on its
    own (:func:`_column`): numbers without gaps in numpy, other types by
    patching the chunks that change. With more than ``_CUTS`` cuts per chunk,
    every column is filtered instead (it copies runs of rows; a take copies
    row by row). Parts of different schemas, or without
    the keys, go through :func:`ordered`.
    """
    base = parts[0]
    alike = all(p.schema.equals(base.schema, check_metadata=False) for p in parts[1:])
    if not alike or not base.num_rows or not set(keys) <= set(base.column_names):
        return ordered(parts, live, keys)
    if sum(len(k) for k in live[1:]) == 0 and len(live[0]) == base.num_rows:
        return base
    extra = live_sorted(parts[1:], live[1:], keys, base.schema)
    before, same = _placed(base.select(list(keys)), extra.select(list(keys)), live[0])
    plan = _Patches.of(before, same, np.asarray(live[0], "int64"), base.num_rows)
    names = base.column_names
    with ThreadPoolExecutor(min(8, os.cpu_count() or 1)) as pool:
        if revised is None:
            old, new = gather(base, plan.slots), extra.take(pa.array(plan.replace_by))
            compared = pool.map(lambda n: values_differ(old[n], new[n]), names)
            differ = dict(zip(names, compared, strict=True))
        else:  # a slot holds the later row's values in every revised column
            differ = {n: np.full(len(plan.slots), n in revised) for n in names}
        few = len(plan.dropped) + len(plan.insert_at) <= _CUTS * base[0].num_chunks
        still = [n for n in names if not differ[n].any()] if few else []
        changed = [n for n in names if n not in still]
        columns = dict(zip(changed, pool.map(
            lambda n: _column(base[n], extra[n], plan, differ[n]), changed
        ), strict=True))  # fmt: skip
    if not still:
        return pa.table([columns[n] for n in names], schema=base.schema)
    found = _spliced_table(base.select(still), extra.select(still), plan)
    for position, name in enumerate(names):  # in order: each goes where the schema has it
        if name in columns:
            found = found.add_column(position, base.schema.field(name), columns[name])
    return found.replace_schema_metadata(base.schema.metadata)


#: Columns are cut around the rows that go while at most this many cuts fall per chunk.
_CUTS: Final = 64


def _spliced_table(base: pa.Table, extra: pa.Table, plan: _Patches) -> pa.Table:
    """The first part's rows without those that go, the inserted later rows put in.

    The slots keep the first part's values: call it on columns where no revision
    changes one. One slice of a record batch per run of rows (a batch's slice
    is a quarter of the cost of a table's), so a column's chunks are views of
    the read's, however many columns there are.
    """
    dropped, at, by = plan.dropped, plan.insert_base, plan.insert_by
    stops = np.union1d(dropped, at)
    firsts = np.searchsorted(at, stops, "left")
    lasts = np.searchsorted(at, stops, "right")
    gone = np.isin(stops, dropped)
    rows = _Rows(base)
    later = pa.RecordBatch.from_arrays(
        [c.combine_chunks() for c in extra.columns], schema=base.schema
    )  # fmt: skip
    start = 0
    for stop, first, last, skip in zip(stops.tolist(), firsts.tolist(), lasts.tolist(),
                                       gone.tolist(), strict=True):  # fmt: skip
        rows.add(start, stop)
        rows.pieces += _runs(later, by[first:last])
        start = stop + 1 if skip else stop
    rows.add(start, base.num_rows)
    return pa.Table.from_batches(rows.pieces, base.schema)


class _Rows:
    """Runs of a table's rows gathered as slices of its record batches (no copy)."""

    def __init__(self, table: pa.Table) -> None:
        self.batches = table.to_batches()
        self.bounds = np.cumsum([0, *(b.num_rows for b in self.batches)]).tolist()
        self.pieces: list[pa.RecordBatch] = []
        self._at = 0  # the batch the last run ended in (runs come in order)

    def add(self, start: int, stop: int) -> None:
        """Rows ``start`` to ``stop`` (excluded), after every run added before."""
        bounds = self.bounds
        while start < stop:
            while bounds[self._at + 1] <= start:
                self._at += 1
            end = min(stop, bounds[self._at + 1])
            self.pieces.append(self.batches[self._at].slice(start - bounds[self._at], end - start))
            start = end


def _runs(batch: pa.RecordBatch, rows: np.ndarray) -> list[pa.RecordBatch]:
    """Slices of ``batch`` holding ``rows`` (ascending), one per run of consecutive rows."""
    if not len(rows):
        return []
    runs = np.split(rows, np.flatnonzero(np.diff(rows) != 1) + 1)
    return [batch.slice(int(run[0]), len(run)) for run in runs]


def _column(
    column: pa.ChunkedArray[Any], added: Any, plan: _Patches, differ: np.ndarray
) -> pa.ChunkedArray[Any]:
    """One column of :func:`merged`: the first part's kept rows with the later rows put in.

    ``differ`` says which slots' later rows hold a value other than the old
    row's: only those replace it.
    """
    added = added.combine_chunks()
    kind = column.type
    if (pa.types.is_integer(kind) or pa.types.is_floating(kind)) and not (
        column.null_count or added.null_count
    ):  # one copy in numpy: the kept rows, the new values stored into it
        found = column.to_numpy()[plan.keep]
        new = added.to_numpy()
        found[plan.replace_at[differ]] = new[plan.replace_by[differ]]
        return pa.chunked_array([pa.array(_inserted(found, plan.insert_at, new[plan.insert_by]))])
    text = pa.types.is_large_string(kind) or pa.types.is_string(kind)
    if text and len(plan.dropped) <= _CUTS * column.num_chunks:
        kept = _without(column, plan.dropped)
    else:
        kept = column.filter(pa.array(plan.keep))
    patched: pa.ChunkedArray[Any] = _patched(kept, added, plan, differ)
    return patched


def _without(column: pa.ChunkedArray[Any], dropped: np.ndarray) -> pa.ChunkedArray[Any]:
    """``column`` without the rows ``dropped`` (sorted): its chunks cut around them, no copy."""
    table = pa.Table.from_arrays([column], names=["column"])
    rows, start = _Rows(table), 0
    for stop in dropped.tolist():
        rows.add(start, stop)
        start = stop + 1
    rows.add(start, len(column))
    cut: pa.ChunkedArray[Any] = pa.Table.from_batches(rows.pieces, table.schema)["column"]
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
    insert_base : numpy.ndarray
        The same places in the first part's rows: before its row ``insert_base[i]``.
    """

    keep: np.ndarray
    dropped: np.ndarray
    slots: np.ndarray
    replace_at: np.ndarray
    replace_by: np.ndarray
    insert_at: np.ndarray
    insert_by: np.ndarray
    insert_base: np.ndarray

    @classmethod
    def of(cls, before: np.ndarray, same: np.ndarray, live: np.ndarray, rows: int) -> _Patches:
        """Place later rows sorted among themselves, ``before[i]`` first-part rows before each.

        A later row with the keys of a deleted row (``same``) takes its slot;
        the others are inserted before first-part row ``before[i]``.
        """
        keep = np.zeros(rows, bool)
        keep[live] = True
        slots = before[same]
        keep[slots] = True
        dropped = np.flatnonzero(~keep)
        inserted = np.flatnonzero(~same)
        where = before[inserted]
        return cls(keep, dropped, slots, slots - np.searchsorted(dropped, slots),
                   np.flatnonzero(same), where - np.searchsorted(dropped, where), inserted,
                   where)  # fmt: skip


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


def values_differ(old: Any, new: Any) -> np.ndarray:
    """Row by row, whether two arrays of one type hold different values (two nulls are equal)."""
    if pa.types.is_dictionary(old.type):
        old, new = old.cast(old.type.value_type), new.cast(new.type.value_type)
    same: Any = pc.or_kleene(pc.equal(old, new), pc.and_(pc.is_null(old), pc.is_null(new)))
    return ~np.asarray(pc.fill_null(same, False))


def gather(table: pa.Table, rows: np.ndarray) -> pa.Table:
    """``table.take(rows)``, batch by batch: a take from chunks joined text columns first."""
    order = np.argsort(rows, kind="stable")
    ascending = rows[order]
    batches = table.to_batches()
    bounds = np.cumsum([0, *(b.num_rows for b in batches)])
    cut = np.searchsorted(ascending, bounds)
    pieces = [
        batch.take(pa.array(ascending[cut[i] : cut[i + 1]] - bounds[i]))
        for i, batch in enumerate(batches)
        if cut[i + 1] > cut[i]
    ]
    found = pa.Table.from_batches(pieces, table.schema).combine_chunks()
    if len(rows) and not np.all(order[1:] > order[:-1]):
        found = found.take(np.argsort(order))
    return found


def _placed(sorted_keys: pa.Table, probes: pa.Table, live: np.ndarray) -> tuple[np.ndarray, Any]:
    """:func:`_rows_before` of each probe, and whether a deleted row holds its keys.

    A probe with the keys of a deleted row (a revision that keeps its place in
    release order, the usual one) is placed at that row: found by its id
    among the deleted rows, not searched for.
    """
    rows = sorted_keys.num_rows
    same = np.zeros(probes.num_rows, bool)
    dead = np.ones(rows, bool)
    dead[live] = False
    gone = np.flatnonzero(dead)
    if _KEY not in sorted_keys.column_names or not len(gone) or not probes.num_rows:
        return rows_before(sorted_keys, probes), same
    ids: Any = gather(sorted_keys.select([_KEY]), gone)[_KEY].combine_chunks()
    where: Any = pc.index_in(probes[_KEY], value_set=ids)
    at: Any = pc.fill_null(where, -1)
    found = np.asarray(at.combine_chunks() if hasattr(at, "chunks") else at, "int64")
    hit = np.flatnonzero(found >= 0)
    held = gather(sorted_keys, gone[found[hit]])
    for name in sorted_keys.column_names:
        mine: Any = probes[name].take(hit)
        matched: Any = pc.equal(held[name], mine)
        equal: Any = pc.fill_null(matched, False)
        hit = hit[np.asarray(equal.combine_chunks())]
        held = held.filter(equal)
    before = np.empty(probes.num_rows, "int64")
    before[hit] = gone[found[hit]]
    same[hit] = True
    if not same.all():
        before[~same] = rows_before(sorted_keys, probes.filter(pa.array(~same)))
    return before, same


def rows_before(sorted_keys: pa.Table, probes: pa.Table) -> np.ndarray:
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
        seen = gather(sorted_keys, mid)
        wanted = [m.take(open_) for m in mine]
        less = _less(seen.columns, wanted)
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
