"""Content hashes: version 2 (a sha256 of a table's values in their binary form) and version 3.

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

Version 3
---------
A sum of row digests, so that it is the same whatever the rows' order and can
be updated by subtracting the digests of rows taken out and adding those of
rows put in. All arithmetic is on uint64, modulo 2**64; ``mix`` is the
splitmix64 finaliser (``x ^= x >> 30; x *= 0xbf58476d1ce4e5b9; x ^= x >> 27;
x *= 0x94d049bb133111eb; x ^= x >> 31``) and ``sip(s)`` is ``mix`` of the
SipHash-2-4 of the UTF-8 bytes of ``s`` under the 16-byte key
``libyaevents-v3-k`` (ASCII), which is what ``pandas.util.hash_array`` computes
for text with that key. Two lanes, ``a`` and ``b``, with the numbers
``N_a = 0`` and ``N_b = 0x9e3779b97f4a7c15``:

1. A present value ``v`` of column ``c`` hashes, in lane ``l``, to
   ``mix(H(v) ^ mix(sip(c) ^ N_l))``, where ``H(v)`` is ``sip(v)`` for text
   and the value's canonical 8 bytes as in version 2 (integers, booleans and
   dates as int64, floats as float64 bits, every NaN alike) read as a
   little-endian uint64 for a number. An empty value hashes to 0, so a column
   a table lacks counts as empty.
2. A row's digest, per lane, is ``mix`` of the sum of its values' hashes.
3. The table's sum, per lane, is the sum of its rows' digests.
4. The hash is the hex sha256 of ``libyaevents-content-v3``, 0x1e, then per
   column in the order of the names' code points: the name in UTF-8, 0x1f,
   its kind (``int``, ``float``, ``text``), 0x1e; then the row count, the sum
   of lane ``a`` and the sum of lane ``b``, each as a little-endian uint64.

The two lanes make 128 bits per row, but two texts are told apart by one
64-bit SipHash under a published key: the hash tells apart tables that differ
by accident, not tables built to collide (the files' sha256 remain the
integrity check; see docs/releases.md).

:mod:`libyaevents.formats.rowdigest` computes steps 1 and 2 (each distinct
value hashed once where values repeat, blocks of rows on threads); the same
values, whichever way a column is read.

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
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from libyaevents.formats.parquet import content_hash
from libyaevents.formats.rowdigest import canonical_numbers, row_digests, value_kind

__all__ = [
    "CONTENT_HASH_VERSION",
    "ContentSum",
    "content_hash_of",
    "content_hash_v2",
    "content_hash_v3",
    "row_digests",
]

#: The content hash version snapshots write (``x-content-hash-version``).
CONTENT_HASH_VERSION: Final = 3
_HEADER: Final = b"libyaevents-content-v2\x1e"
_HEADER_V3: Final = b"libyaevents-content-v3\x1e"


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
        digest.update(canonical_numbers(column, kind).data)
    return digest.digest()


def content_hash_v2(table: pa.Table) -> str:
    """Return the version 2 content hash (hex sha256) of ``table`` as it is ordered.

    See the module's notes for exactly what is hashed. Columns are hashed on
    threads (sha256 releases the GIL), then their digests in column order.
    """
    kinds = [value_kind(column.type) for column in table.columns]
    with ThreadPoolExecutor(min(8, os.cpu_count() or 1)) as pool:
        digests = list(pool.map(_column_digest, table.columns, kinds))
    digest = hashlib.sha256(_HEADER)
    for name, kind, column in zip(table.column_names, kinds, digests, strict=True):
        digest.update(f"{name}\x1f{kind}\x1f".encode())
        digest.update(np.uint64(table.num_rows).astype("<u8").tobytes() + column)
    return digest.hexdigest()


@dataclass(frozen=True, kw_only=True)
class ContentSum:
    """The version 3 content hash before its last step: columns, rows and the lanes' sums.

    What a snapshot stores (``x-content-sum``) so that its child updates the
    hash from the rows it changes: :meth:`minus` the rows replaced or deleted,
    :meth:`plus` the rows added, :meth:`with_columns` the columns the child's
    rows bring.

    Examples
    --------
    >>> import pyarrow as pa
    >>> table = pa.table({"id": ["a", "b", "c"], "n": [1, 2, 3]})
    >>> kept, new = table.slice(0, 2), pa.table({"id": ["c"], "n": [3]})
    >>> updated = ContentSum.of(kept).plus(row_digests(new))
    >>> updated.hexdigest() == content_hash_v3(table)
    True
    """

    columns: Mapping[str, str]
    rows: int
    lanes: tuple[int, int]

    @classmethod
    def of(cls, table: pa.Table) -> ContentSum:
        """The sum of a whole table."""
        digests = row_digests(table)
        sums = digests.sum(axis=0, dtype="uint64") if len(digests) else np.zeros(2, "uint64")
        names, types = table.column_names, table.schema.types
        kinds = {n: value_kind(kind) for n, kind in zip(names, types, strict=True)}
        return cls(columns=kinds, rows=table.num_rows, lanes=(int(sums[0]), int(sums[1])))

    @classmethod
    def parse(cls, text: str, *, columns: Mapping[str, str], rows: int) -> ContentSum:
        """A sum written by :attr:`text` (32 hex digits: lane a, then lane b)."""
        return cls(columns=columns, rows=rows, lanes=(int(text[:16], 16), int(text[16:32], 16)))

    @property
    def text(self) -> str:
        """The lanes' sums as 32 hex digits (what ``x-content-sum`` holds)."""
        return f"{self.lanes[0]:016x}{self.lanes[1]:016x}"

    def _moved(self, digests: np.ndarray, sign: int) -> ContentSum:
        sums = digests.sum(axis=0, dtype="uint64") if len(digests) else np.zeros(2, "uint64")
        a, b = ((held + sign * int(s)) % 2**64 for held, s in zip(self.lanes, sums, strict=True))
        return replace(self, rows=self.rows + sign * len(digests), lanes=(a, b))

    def plus(self, digests: np.ndarray) -> ContentSum:
        """The sum with rows of these digests (:func:`row_digests`) added."""
        return self._moved(digests, 1)

    def minus(self, digests: np.ndarray) -> ContentSum:
        """The sum with rows of these digests taken out."""
        return self._moved(digests, -1)

    def with_columns(self, columns: Mapping[str, str]) -> ContentSum:
        """The sum of the table with these columns too (empty in the rows it held)."""
        return replace(self, columns={**columns, **self.columns})

    def hexdigest(self) -> str:
        """Step 4: the version 3 content hash (hex sha256)."""
        digest = hashlib.sha256(_HEADER_V3)
        for name in sorted(self.columns):
            digest.update(f"{name}\x1f{self.columns[name]}\x1e".encode())
        digest.update(np.array([self.rows, *self.lanes], "<u8").tobytes())
        return digest.hexdigest()


def content_hash_v3(table: pa.Table) -> str:
    """Return the version 3 content hash (hex sha256) of ``table``, whatever its rows' order."""
    return ContentSum.of(table).hexdigest()


def content_hash_of(table: pa.Table, name: str, version: object = 1) -> str:
    """The content hash of a release table (in release order) by the version a manifest names.

    ``version`` is a resource's ``x-content-hash-version``: 3, 2, or anything
    else (absent: None) for version 1, which releases wrote before them.
    """
    if version == 3:
        return content_hash_v3(table)
    return content_hash_v2(table) if version == 2 else content_hash(table, name)
