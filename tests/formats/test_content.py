"""formats.content: the version 2 content hash, on values and not on storage or text."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest

from libyaevents.formats import parquet
from libyaevents.formats.content import content_hash_of, content_hash_v2
from libyaevents.synthetic import synthetic_events


@pytest.fixture(scope="module")
def events():
    return parquet.release_arrow(synthetic_events(300, seed=4), "events")


def test_the_documented_stream_recomputes_the_hash():
    """Another tool following the module's notes gets the same digest."""
    table = pa.table({
        "id": pa.array(["é", None, "ab"], pa.large_string()),
        "n": pa.array([1, None, -3], pa.int8()),
        "x": pa.array([0.5, float("nan"), None]),
        "d": pa.array([0, 1, None], pa.date32()),
    })  # fmt: skip
    columns = []
    for name, kind, present, values in (
        ("id", "text", [1, 0, 1],
         b"".join(n.to_bytes(8, "little") for n in (2, 0, 2)) + "éab".encode()),
        ("n", "int", [1, 0, 1], np.array([1, 0, -3], "<i8").tobytes()),
        ("x", "float", [1, 1, 0], np.array([0.5, np.nan, 0.0], "<f8").tobytes()),
        ("d", "int", [1, 1, 0], np.array([0, 1, 0], "<i8").tobytes()),
    ):  # fmt: skip
        own = hashlib.sha256(bytes(present) + values).digest()
        columns.append(f"{name}\x1f{kind}\x1f".encode() + (3).to_bytes(8, "little") + own)
    digest = hashlib.sha256(b"libyaevents-content-v2\x1e" + b"".join(columns))
    assert content_hash_v2(table) == digest.hexdigest()


def test_storage_does_not_count_values_do(events):
    decoded = pa.table(
        [c.dictionary_decode() if pa.types.is_dictionary(c.type) else c
         for c in (col.combine_chunks() for col in events.columns)],
        names=events.column_names,
    )  # fmt: skip
    assert content_hash_v2(decoded) == content_hash_v2(events)
    assert content_hash_v2(events.slice(0, 150)) != content_hash_v2(events)
    fatal = events.column_names.index("fatalities")
    bumped = events.set_column(
        fatal, "fatalities", pa.array(np.asarray(events["fatalities"]) + 1, pa.int16())
    )
    assert content_hash_v2(bumped) != content_hash_v2(events)
    swapped = events.take([*list(range(1, events.num_rows)), 0])
    assert content_hash_v2(swapped) != content_hash_v2(events)  # the order counts


def test_an_empty_value_is_not_an_empty_text():
    assert content_hash_v2(pa.table({"a": ["", "x"]})) != content_hash_v2(
        pa.table({"a": [None, "x"]})
    )


def test_the_same_in_another_process(events, tmp_path):
    """No salt, no process state: a fresh interpreter gets the same digest."""
    path = tmp_path / "events.parquet"
    parquet.write_table(events, "events", str(path))
    code = (
        "import pyarrow.parquet as pq; from libyaevents.formats.content import content_hash_v2;"
        f"print(content_hash_v2(pq.read_table({str(path)!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == content_hash_v2(events)


def test_version_one_is_kept_for_what_was_written_with_it(events):
    assert content_hash_of(events, "events", None) == parquet.content_hash(events, "events")
    assert content_hash_of(events, "events", 2) == content_hash_v2(events)


def test_an_empty_slot_over_bytes_hashes_as_empty():
    """Text read from the buffers as they are: an empty value whose slot spans bytes adds none."""
    plain = pa.array(["ab", "cd", "ef"])
    valid = pa.py_buffer(np.packbits([1, 0, 1], bitorder="little").tobytes())
    hidden = pa.Array.from_buffers(pa.string(), 3, [valid, *plain.buffers()[1:]])
    expected = content_hash_v2(pa.table({"a": ["ab", None, "ef"]}))
    assert content_hash_v2(pa.table({"a": hidden})) == expected
    assert content_hash_v2(pa.table({"a": hidden.slice(1)})) == content_hash_v2(
        pa.table({"a": [None, "ef"]})
    )
