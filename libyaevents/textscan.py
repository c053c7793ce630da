"""Scans of Arrow text columns through their raw buffers: one pass over the bytes, no regex.

A text column is a buffer of UTF-8 bytes and a buffer of offsets. Questions
about single bytes (does a value start or end with a space? which values hold
a line break, a control character, a byte that may begin an invisible
character?) are answered for the whole column with numpy on those buffers,
which is an order of magnitude faster than a per-value kernel or a regex over
every value; the rows that need a closer look (a regex) are then only the few
that hold a candidate byte.

Examples
--------
>>> import pyarrow as pa
>>> values = pa.chunked_array([pa.array(["ok", " padded", "", None, "two\\nlines"])])
>>> blank_or_padded(values).tolist()
[False, True, True, False, False]
>>> byte_counts(values, b"\\n").tolist()
[0, 0, 0, 0, 1]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import numpy as np
import pyarrow as pa

__all__ = [
    "NON_ASCII",
    "ascii_only",
    "blank_or_padded",
    "byte_counts",
    "byte_hits",
    "byte_table",
    "chunks_of",
    "edges_in",
    "rows_holding",
]

_SPACES: Final = b" \t\r\n"


#: Bytes of every character outside ASCII (lead and continuation bytes of UTF-8).
NON_ASCII: Final = bytes(range(0x80, 0x100))


def byte_table(chars: bytes | range) -> np.ndarray:
    """A 256-entry lookup table: True for the given bytes."""
    table = np.zeros(256, dtype=bool)
    table[np.frombuffer(bytes(chars), dtype="uint8")] = True
    return table


def _arrays(values: Any) -> list[Any]:
    """The chunks of a text array (anything ``pyarrow.array`` converts is converted)."""
    if not isinstance(values, pa.Array | pa.ChunkedArray):
        values = pa.array(values, from_pandas=True)
    return list(values.chunks) if isinstance(values, pa.ChunkedArray) else [values]


def _bytes_of(chunk: Any) -> tuple[np.ndarray, np.ndarray]:
    """A text chunk's offsets (int64, n + 1) and its data bytes, as views where possible."""
    if pa.types.is_dictionary(chunk.type):  # categories: scan the values
        chunk = chunk.dictionary_decode()
    n = len(chunk)
    if pa.types.is_null(chunk.type):  # all empty: no bytes to scan
        return np.zeros(n + 1, "int64"), np.zeros(0, "uint8")
    wide = pa.types.is_large_string(chunk.type) or pa.types.is_large_binary(chunk.type)
    _, offset_buffer, data_buffer = chunk.buffers()
    if offset_buffer is None:
        offsets = np.zeros(n + 1, dtype="int64")
    else:
        raw = np.frombuffer(memoryview(offset_buffer), dtype="int64" if wide else "int32")
        offsets = raw[chunk.offset : chunk.offset + n + 1].astype("int64", copy=False)
    data = (
        np.frombuffer(memoryview(data_buffer), dtype="uint8")
        if data_buffer is not None
        else np.zeros(0, "uint8")
    )
    return offsets, data


def _valid_of(chunk: Any) -> np.ndarray:
    """A chunk's validity as booleans, unpacked from its bitmap (no compute call)."""
    n = len(chunk)
    bitmap = chunk.buffers()[0]
    if chunk.null_count == 0 or bitmap is None:
        return np.ones(n, dtype=bool) if not pa.types.is_null(chunk.type) else np.zeros(n, bool)
    bits = np.unpackbits(np.frombuffer(bitmap, dtype="uint8"), bitorder="little")
    valid: np.ndarray = bits[chunk.offset : chunk.offset + n].view(bool)
    return valid


def chunks_of(values: Any) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Each chunk of a text array as (offsets int64 of n+1, data uint8, valid bool of n).

    Accepts a pyarrow (chunked) array of string or large_string, or anything
    ``pyarrow.array`` converts (a pandas text Series, zero-copy when Arrow-backed).
    """
    for chunk in _arrays(values):
        offsets, data = _bytes_of(chunk)
        yield offsets, data, _valid_of(chunk)


def rows_holding(values: Any, table: np.ndarray) -> np.ndarray:
    """Positions of the rows holding at least one byte the lookup ``table`` marks."""
    found: list[np.ndarray] = []
    start = 0
    outside_ascii = not table[0x20:0x7F].any()  # marks no printable ASCII byte
    for offsets, data, _ in chunks_of(values):
        low, high = int(offsets[0]), int(offsets[-1])
        segment = data[low:high]
        if outside_ascii:
            if not len(segment) or (segment.min() >= 0x20 and segment.max() < 0x7F):
                start += len(offsets) - 1
                continue  # printable ASCII only: the usual column, one min/max pass
            unusual = np.flatnonzero((segment - np.uint8(0x20)) >= np.uint8(0x5F))
            hits = unusual[table[segment[unusual]]]
        else:
            hits = np.flatnonzero(table[segment])
        if len(hits):
            rows = np.searchsorted(offsets, hits + low, side="right") - 1
            found.append(np.unique(rows) + start)
        start += len(offsets) - 1
    return np.concatenate(found) if found else np.zeros(0, dtype="int64")


def ascii_only(values: Any) -> bool:
    """Whether every value is ASCII (one ``max`` over the bytes; empty: True).

    Examples
    --------
    >>> import pyarrow as pa
    >>> ascii_only(pa.array(["Tripoli", None])), ascii_only(pa.array(["Misr\u0101tah"]))
    (True, False)
    """
    for offsets, data in (_bytes_of(chunk) for chunk in _arrays(values)):
        segment = data[int(offsets[0]) : int(offsets[-1])]
        if len(segment) and segment.max() >= 0x80:
            return False
    return True


def byte_counts(values: Any, char: bytes) -> np.ndarray:
    """How many times the single byte ``char`` occurs in each value (0 for empty ones)."""
    counts = byte_hits(values, char)
    return np.zeros(len(values), dtype="int64") if counts is None else counts


def byte_hits(values: Any, char: bytes) -> np.ndarray | None:
    """:func:`byte_counts`, or None when no value holds ``char`` (and no array is made).

    A chunk is searched only when its bytes' ``min`` and ``max`` allow ``char``;
    most text columns hold no line break, and the column of zeros each would
    get is not made.

    Examples
    --------
    >>> import pyarrow as pa
    >>> byte_hits(pa.array(["one line", None]), b"\\n") is None
    True
    >>> byte_hits(pa.array(["two\\nlines", "x"]), b"\\n").tolist()
    [1, 0]
    """
    chunks = _arrays(values)
    counts: np.ndarray | None = None
    start = 0
    for chunk in chunks:
        offsets, data = _bytes_of(chunk)
        low, high = int(offsets[0]), int(offsets[-1])
        segment = data[low:high]
        if len(segment) and segment.min() <= char[0] <= segment.max():
            hits = np.flatnonzero(segment == char[0])
            if len(hits):
                if counts is None:
                    counts = np.zeros(sum(len(c) for c in chunks), dtype="int64")
                rows = np.searchsorted(offsets, hits + low, side="right") - 1
                counts[start : start + len(chunk)] = np.bincount(rows, minlength=len(chunk))
        start += len(chunk)
    return counts


def edges_in(values: Any, table: np.ndarray) -> np.ndarray:
    """True where a present value is empty or its first or last byte is one ``table`` marks."""
    parts: list[np.ndarray] = []
    for offsets, data, valid in chunks_of(values):
        starts, ends = offsets[:-1], offsets[1:]
        if len(data):
            # an empty value's first or last byte is out of its range (clipped into the
            # data): any answer will do, it is a hit for being empty
            hit = np.take(table, np.take(data, starts, mode="clip"))
            hit |= np.take(table, np.take(data, ends - 1, mode="clip"))
            hit |= ends == starts
        else:
            hit = ends == starts
        hit &= valid
        parts.append(hit)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def blank_or_padded(values: Any) -> np.ndarray:
    """True where a present value is empty or starts or ends with a space, tab or line break.

    Empty values (null) are False: they are missing, not blank. The same answer
    as the regex ``^[ \\t\\r\\n]|[ \\t\\r\\n]\\Z|^\\Z``, from each value's first
    and last byte (every one of those characters is a single byte in UTF-8).
    """
    return edges_in(values, byte_table(_SPACES))
