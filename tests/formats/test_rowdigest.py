"""formats.rowdigest: the fast row digests are the version 3 notes, written out in plain Python.

The fast path hashes by lookup or value by value, block by block; whichever it
takes, every row's digest must be the one the spec gives (docs/releases.md).
"""

from __future__ import annotations

import functools
import hashlib
import struct
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from libyaevents.formats import parquet, rowdigest
from libyaevents.formats.content import ContentSum, content_hash_v3, row_digests
from libyaevents.synthetic import synthetic_events
from tests.strategies import arrow_tables, numbers_of

_MASK = 2**64 - 1


def _mix(x: int) -> int:
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


@functools.cache
def _sip(text: str) -> int:
    return int(pd.util.hash_array(np.array([text], object), hash_key="libyaevents-v3-k")[0])


def _kind(kind: pa.DataType) -> str:
    if pa.types.is_dictionary(kind):
        return _kind(kind.value_type)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "text"
    return "float" if pa.types.is_floating(kind) else "int"


def _value(kind: str, v: Any) -> int:
    """``H(v)``: sip of text, a number's canonical 8 bytes as a little-endian uint64."""
    if kind == "text":
        return _sip(v)
    if kind == "float":
        return 0x7FF8000000000000 if v != v else struct.unpack("<Q", struct.pack("<d", v))[0]
    return v & _MASK


def _spec(table: pa.Table) -> tuple[list[list[int]], str]:
    """Each row's digests (lane a, lane b) and the hash, by the notes, one value at a time."""
    kinds = {name: _kind(table.schema.field(name).type) for name in table.column_names}
    values = {
        name: table[name].to_pylist() if kind == "text" else numbers_of(table[name])
        for name, kind in kinds.items()
    }
    rows = []
    for i in range(table.num_rows):
        lanes = []
        for number in (0, 0x9E3779B97F4A7C15):
            total = 0
            for name, kind in kinds.items():
                v = values[name][i]
                if v is not None:
                    total += _mix(_value(kind, v) ^ _mix(_sip(name) ^ number))
            lanes.append(_mix(total & _MASK))
        rows.append(lanes)
    stream = b"libyaevents-content-v3\x1e"
    stream += b"".join(f"{n}\x1f{kinds[n]}\x1e".encode() for n in sorted(kinds))
    sums = [sum(row[lane] for row in rows) & _MASK for lane in (0, 1)]
    stream += b"".join(v.to_bytes(8, "little") for v in (table.num_rows, *sums))
    return rows, hashlib.sha256(stream).hexdigest()


def _small_blocks(block: int, sample: int) -> Any:
    """Blocks of ``block`` rows, repeats told from the first ``sample`` values."""
    return mock.patch.multiple(rowdigest, _BLOCK=block, _SAMPLE=sample)


@given(arrow_tables(), st.integers(1, 50), st.integers(1, 30))
def test_the_fast_digests_are_the_spec_on_any_table(table, block, sample):
    """Nulls, empty and non-ASCII text, dictionaries (null words too), chunks, slices."""
    rows, digest = _spec(table)
    with _small_blocks(block, sample):
        assert row_digests(table).tolist() == rows
        assert content_hash_v3(table) == digest


@pytest.mark.parametrize(("block", "sample"), [(1 << 15, 1000), (97, 40)])
def test_the_fast_digests_are_the_spec_on_events(block, sample):
    """Realistic events (repeated actors and places, unique notes), in one block or many."""
    events = parquet.release_arrow(synthetic_events(400, seed=9), "events")
    chunked = pa.Table.from_batches(events.to_batches(max_chunksize=150))
    rows, digest = _spec(events)
    with _small_blocks(block, sample):
        assert row_digests(chunked).tolist() == rows
        assert ContentSum.of(chunked).hexdigest() == digest


def test_rows_in_many_small_chunks_are_hashed_in_joined_blocks():
    """A sync's rows come in a few rows per row group: joined, the digests are the spec's."""
    events = parquet.release_arrow(synthetic_events(600, seed=3), "events")
    scattered = pa.Table.from_batches(events.to_batches(max_chunksize=7))
    rows, _ = _spec(events)
    with _small_blocks(64, 30):
        blocks = rowdigest._blocks(scattered)
        assert row_digests(scattered).tolist() == rows
    assert sum(b.num_rows for b in blocks) == 600
    assert len(blocks) < len(scattered.to_batches()) // 2  # joined, not one per chunk
    assert all(b.num_rows <= 64 + 7 for b in blocks)
