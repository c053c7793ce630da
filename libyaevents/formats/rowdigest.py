"""The row digests of the version 3 content hash, computed block by block from Arrow.

What is computed is specified in :mod:`libyaevents.formats.content` (and
docs/releases.md); this module is how, fast. The table is read in blocks of
rows (zero-copy record batches, on threads: numpy, Arrow and SipHash release
the GIL), each block's digests summed in a buffer that stays in the CPU's
cache, and each column of a block is hashed in one of two ways:

- **by lookup**, when its values repeat (dictionary-encoded text, plain text
  whose first values repeat, integers, booleans and dates spanning a narrow
  range): each distinct value is hashed once, in both lanes, into a small
  table, and the block's values are gathered from it by their codes (an
  empty value by the code of the table's last row, which is 0);
- **value by value** otherwise (mostly distinct text, floats, wide integers):
  text is SipHashed from its UTF-8 bytes (Arrow's binary view, so no text
  decoding), then every value is mixed with the column's salt in both lanes
  at once.

Both give every value the same hash (the module's tests check the results
against the spec written out in plain Python), so only the time changes.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["LANES", "SIP_KEY", "canonical_numbers", "mix", "row_digests", "sip", "value_kind"]

#: Version 3: the SipHash key of text, and each lane's number.
SIP_KEY: Final = "libyaevents-v3-k"
LANES: Final = (np.uint64(0), np.uint64(0x9E3779B97F4A7C15))
_NAN: Final = np.uint64(0x7FF8000000000000)
#: Rows per block: a block's two lanes (and their temporaries) stay in a core's cache.
_BLOCK: Final = 1 << 15
#: The values sampled to tell repeated text from mostly distinct text.
_SAMPLE: Final = 1000


def value_kind(kind: pa.DataType) -> str:
    """The kind of values an Arrow type holds for the content hashes: int, float or text."""
    if pa.types.is_dictionary(kind):
        return value_kind(kind.value_type)
    if pa.types.is_floating(kind):
        return "float"
    if pa.types.is_integer(kind) or pa.types.is_boolean(kind) or pa.types.is_temporal(kind):
        return "int"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "text"
    msg = f"content hash: no canonical form for Arrow type {kind}."
    raise TypeError(msg)


def canonical_numbers(column: pa.Array[Any], kind: str) -> np.ndarray:
    """Fixed-width values as little-endian int64 or float64 bits, empty values as 0."""
    if kind == "float":
        values = np.asarray(_filled(column.cast(pa.float64()), 0.0)).astype("<f8")
        bits = values.view("<u8")
        bits[np.isnan(values)] = _NAN
        return bits
    return np.asarray(_filled(_integers(column).cast(pa.int64()), 0)).astype("<i8", copy=False)


def _integers(column: Any) -> Any:
    """An integer, boolean or date column as the integers it stands for (its own width)."""
    if pa.types.is_boolean(column.type):
        return column.cast(pa.int8())
    if pa.types.is_temporal(column.type):
        return column.view(pa.int32() if column.type.bit_width == 32 else pa.int64())
    return column


def _filled(column: Any, empty: object) -> Any:
    """``column`` with its empty values as ``empty`` (itself when it has none: no copy)."""
    return column.fill_null(empty) if column.null_count else column


def mix(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser of uint64 values, in place (returns ``x``).

    One scratch array for the three shifts, and no other temporary.
    """
    t = np.empty_like(x)
    for shift, factor in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB), (31, 0)):
        np.right_shift(x, np.uint64(shift), out=t)
        np.bitwise_xor(x, t, out=x)
        if factor:
            np.multiply(x, np.uint64(factor), out=x)
    return x


def sip(values: np.ndarray) -> np.ndarray:
    """``sip`` of each text (an object array of str or UTF-8 bytes): SipHash-2-4, mixed."""
    return np.asarray(pd.util.hash_array(values, hash_key=SIP_KEY, categorize=False), "uint64")


def _sip_text(column: Any) -> np.ndarray:
    """``sip`` of each value of a plain text array (anything where a value is empty)."""
    raw = pa.large_binary() if pa.types.is_large_string(column.type) else pa.binary()
    return sip(column.view(raw).to_numpy(zero_copy_only=False))


def _salts(name: str) -> np.ndarray:
    """``mix(sip(c) ^ N_l)`` of column ``name`` in each lane."""
    salt = sip(np.array([name], object))[0]
    return mix(np.array([salt ^ number for number in LANES], "uint64"))


def _lanes(hashed: np.ndarray, salts: np.ndarray, empty: np.ndarray | None) -> np.ndarray:
    """Step 1 in both lanes (n x 2): ``mix(H(v) ^ salt)``, 0 where ``empty``."""
    out = np.empty((len(hashed), len(LANES)), "uint64")
    for lane, salt in enumerate(salts):
        np.bitwise_xor(hashed, salt, out=out[:, lane])  # a lane at a time: no broadcast loop
    mix(out)
    if empty is not None:
        out[empty] = 0
    return out


def _empty(column: Any) -> np.ndarray | None:
    """Where ``column`` is empty (None when nothing is)."""
    return ~np.asarray(column.is_valid(), bool) if column.null_count else None


def _add_lookup(
    acc: np.ndarray,
    index: Any,
    words: np.ndarray,
    salts: np.ndarray,
    empty: np.ndarray | None = None,
) -> None:
    """Add to ``acc`` the hashes of ``words`` (0 where ``empty``) picked by ``index``.

    ``index`` (numpy, or Arrow without nulls) is ``len(words)`` for an empty value.
    """
    table = np.zeros((len(words) + 1, len(LANES)), "uint64")
    table[:-1] = _lanes(words, salts, empty)
    acc += np.take(table, np.asarray(index), axis=0)


def _coded(indices: Any, words: int) -> Any:
    """Dictionary indices with the empty values coded as ``words`` (the table's zero row)."""
    if not indices.null_count:
        return indices
    return indices.cast(pa.int32() if words < 2**31 - 1 else pa.int64()).fill_null(words)


def _add_text(acc: np.ndarray, column: Any, salts: np.ndarray) -> None:
    """Add a text column's hashes: by its dictionary when its values repeat."""
    if column.null_count == len(column):
        return  # every value empty: nothing to add
    if pa.types.is_dictionary(column.type):
        words = column.dictionary
        if len(words) <= len(column):
            hashed = _sip_text(words)
            _add_lookup(acc, _coded(column.indices, len(words)), hashed, salts, _empty(words))
            return
        column = column.dictionary_decode()
    head = column.slice(0, _SAMPLE)
    if pc.count_distinct(head).as_py() < len(head) / 2:
        encoded = pc.dictionary_encode(column)
        words = encoded.dictionary
        _add_lookup(acc, _coded(encoded.indices, len(words)), _sip_text(words), salts)
        return
    acc += _lanes(_sip_text(column), salts, _empty(column))


def _add_numbers(acc: np.ndarray, column: Any, kind: str, salts: np.ndarray) -> None:
    """Add a number column's hashes: by a table of its range when that range is narrow."""
    if column.null_count == len(column):
        return
    if kind == "int" and not pa.types.is_uint64(column.type):
        ints = _integers(column)
        bounds = pc.min_max(ints)
        low, high = bounds["min"].as_py(), bounds["max"].as_py()
        if high - low < max(len(ints) // 4, 256):
            # read at the column's own width: no int64 copy, no second pass for the range
            index = np.subtract(np.asarray(_filled(ints, low)), low, dtype=np.intp)
            empty = _empty(column)
            if empty is not None:
                index[empty] = high - low + 1
            words = np.arange(low, high + 1, dtype="int64").view("uint64")
            _add_lookup(acc, index, words, salts)
            return
    acc += _lanes(canonical_numbers(column, kind).view("uint64"), salts, _empty(column))


def _block(acc: np.ndarray, batch: pa.RecordBatch, kinds: list[str], salts: list[Any]) -> None:
    """Steps 1 and 2 for one block of rows, into ``acc`` (the block's rows x lanes)."""
    for column, kind, salt in zip(batch.columns, kinds, salts, strict=True):
        if kind == "text":
            _add_text(acc, column, salt)
        else:
            _add_numbers(acc, column, kind, salt)
    mix(acc)


def _blocks(table: pa.Table) -> list[pa.RecordBatch]:
    """The table's rows in blocks of at most ``_BLOCK``; runs of small chunks joined.

    A table of a few rows in many chunks (the rows a sync takes out of each
    layer's row groups) would otherwise pay each column's fixed cost per chunk.
    """
    found: list[pa.RecordBatch] = []
    group: list[pa.RecordBatch] = []
    for batch in table.to_batches(max_chunksize=_BLOCK):
        if batch.num_rows >= _BLOCK // 4 and not group:
            found.append(batch)
            continue
        group.append(batch)
        if sum(b.num_rows for b in group) >= _BLOCK // 4:
            found += _joined(group, table.schema)
            group = []
    return found + _joined(group, table.schema)


def _joined(group: list[pa.RecordBatch], schema: pa.Schema) -> list[pa.RecordBatch]:
    if len(group) < 2:
        return group
    return pa.Table.from_batches(group, schema).combine_chunks().to_batches()


def row_digests(table: pa.Table) -> np.ndarray:
    """Step 2 of version 3: each row's digest in the two lanes (uint64, rows x 2).

    Blocks of rows are hashed on threads, each into its own rows of the result.
    """
    kinds = [value_kind(column.type) for column in table.columns]
    salts = [_salts(name) for name in table.column_names]
    out = np.zeros((table.num_rows, len(LANES)), "uint64")
    batches = _blocks(table)
    starts = np.cumsum([0, *(batch.num_rows for batch in batches)])

    def block(batch: pa.RecordBatch, start: int) -> None:
        _block(out[start : start + batch.num_rows], batch, kinds, salts)

    with ThreadPoolExecutor(min(8, os.cpu_count() or 1)) as pool:
        list(pool.map(block, batches, starts[:-1]))
    return out
