"""Content hash, version 2: a sha256 of a table's values hashed in their binary form.

The content hash says whether two tables hold the same values, whatever the
bytes of their files (compression, row groups, library version). Version 1
(:func:`libyaevents.formats.parquet.content_hash`) wrote every value as text
first, which was most of the cost of hashing a large table; version 2 feeds
the values' canonical binary form to sha256 straight from Arrow's buffers.
Releases say which version their hashes are (``x-content-hash-version`` on
each resource; absent means 1), and hashes already written stay as written:
older releases verify against version 1.

What is hashed, in order, so another tool can recompute it:

1. the ASCII bytes ``libyaevents-content-v2`` and the byte 0x1e;
2. for each column, in the table's column order: its name in UTF-8, the
   byte 0x1f, its kind (``int``, ``float`` or ``text``) in ASCII, the byte
   0x1f, its row count as a little-endian uint64, and the 32-byte sha256 of

   - one byte per row: 1 where the value is present, 0 where it is empty;
   - then the values: ``int`` (every integer, boolean and date column: dates
     as days since 1970-01-01, booleans as 0/1) as little-endian int64,
     ``float`` as little-endian IEEE float64 (every NaN as
     0x7ff8000000000000); empty values as 0. ``text`` (strings, dictionaries
     of strings): each value's UTF-8 length as a little-endian uint64 (0 when
     empty), then all the values' UTF-8 bytes one after the other.

   (A digest per column lets the columns be hashed at the same time.)

Integers of any width hash alike, and so do dictionary-encoded and plain text,
so a table stored with other types but the same values hashes the same.

Examples
--------
>>> import pyarrow as pa
>>> table = pa.table({"id": ["a", None], "n": pa.array([1, 2], pa.int8())})
>>> wider = pa.table({"id": ["a", None], "n": pa.array([1, 2], pa.int64())})
>>> content_hash_v2(table) == content_hash_v2(wider)
True
>>> content_hash_v2(table) == content_hash_v2(table.slice(0, 1))
False
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from libyaevents.formats.parquet import content_hash

__all__ = ["CONTENT_HASH_VERSION", "content_hash_of", "content_hash_v2"]

#: The content hash version new releases write (``x-content-hash-version``).
CONTENT_HASH_VERSION: Final = 2
_HEADER: Final = b"libyaevents-content-v2\x1e"
_NAN: Final = np.uint64(0x7FF8000000000000)


def _kind(kind: pa.DataType) -> str:
    if pa.types.is_dictionary(kind):
        return _kind(kind.value_type)
    if pa.types.is_floating(kind):
        return "float"
    if pa.types.is_integer(kind) or pa.types.is_boolean(kind) or pa.types.is_temporal(kind):
        return "int"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "text"
    msg = f"content hash: no canonical form for Arrow type {kind}."
    raise TypeError(msg)


def _numbers(column: pa.Array[Any], kind: str) -> np.ndarray:
    """Fixed-width values as little-endian int64 or float64, empty values as 0."""
    if kind == "float":
        values = np.asarray(_filled(column.cast(pa.float64()), 0.0)).astype("<f8")
        bits = values.view("<u8")
        bits[np.isnan(values)] = _NAN
        return bits
    if pa.types.is_boolean(column.type):
        column = column.cast(pa.int8())
    elif pa.types.is_temporal(column.type):
        column = column.view(pa.int32() if column.type.bit_width == 32 else pa.int64())
    return np.asarray(_filled(column.cast(pa.int64()), 0)).astype("<i8", copy=False)


def _filled(column: Any, empty: object) -> Any:
    """``column`` with its empty values as ``empty`` (itself when it has none: no copy)."""
    return column.fill_null(empty) if column.null_count else column


def _text(column: Any, digest: Any) -> None:
    """Each value's UTF-8 length (uint64), then every value's bytes, into ``digest``.

    Read from the offsets and the data buffer as they are: an empty value
    whose slot spans no bytes (as Arrow writes them) adds nothing to either,
    so only a column with an empty value that does span bytes is filled first.
    """
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    column = column.cast(pa.large_string())
    offsets = np.frombuffer(memoryview(column.buffers()[1] or b""), dtype="<i8")
    offsets = offsets[column.offset : column.offset + len(column) + 1]
    lengths = np.diff(offsets) if len(offsets) else np.zeros(0, "<i8")
    if column.null_count and lengths[~np.asarray(pc.is_valid(column))].any():
        column = column.fill_null("")
        offsets = np.frombuffer(memoryview(column.buffers()[1] or b""), dtype="<i8")
        offsets = offsets[column.offset : column.offset + len(column) + 1]
        lengths = np.diff(offsets)
    digest.update(lengths.astype("<u8", copy=False).data)
    data = column.buffers()[2]
    start, stop = (int(offsets[0]), int(offsets[-1])) if len(offsets) else (0, 0)
    if data is not None and stop > start:
        digest.update(memoryview(data)[start:stop])


def _column_digest(chunked: pa.ChunkedArray[Any], kind: str) -> bytes:
    """The sha256 of one column's presence bytes and values (step 2 of the module's notes)."""
    column: pa.Array[Any] = chunked.combine_chunks()
    if column.null_count:
        present: Any = pc.is_valid(column)
        digest = hashlib.sha256(np.asarray(present).view(np.uint8).data)
    else:
        digest = hashlib.sha256(b"\x01" * len(column))
    if kind == "text":
        _text(column, digest)
    else:
        digest.update(_numbers(column, kind).data)
    return digest.digest()


def content_hash_v2(table: pa.Table) -> str:
    """Return the version 2 content hash (hex sha256) of ``table`` as it is ordered.

    See the module's notes for exactly what is hashed. Columns are hashed on
    threads (sha256 releases the GIL), then their digests in column order.
    """
    kinds = [_kind(column.type) for column in table.columns]
    with ThreadPoolExecutor(min(8, os.cpu_count() or 1)) as pool:
        digests = list(pool.map(_column_digest, table.columns, kinds))
    digest = hashlib.sha256(_HEADER)
    for name, kind, column in zip(table.column_names, kinds, digests, strict=True):
        digest.update(f"{name}\x1f{kind}\x1f".encode())
        digest.update(np.uint64(table.num_rows).astype("<u8").tobytes() + column)
    return digest.hexdigest()


def content_hash_of(table: pa.Table, name: str, version: object = 1) -> str:
    """The content hash of a release table (in release order) by the version a manifest names.

    ``version`` is a resource's ``x-content-hash-version``: 2, or anything
    else (absent: None) for version 1, which releases wrote before it.
    """
    return content_hash_v2(table) if version == CONTENT_HASH_VERSION else content_hash(table, name)
