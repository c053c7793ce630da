"""formats.content: the content hashes, on values and not on storage or text (versions 2, 3)."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest

from libyaevents.formats import parquet
from libyaevents.formats.content import (
    ContentSum,
    content_hash_of,
    content_hash_v2,
    content_hash_v3,
    row_digests,
)
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


def _decoded(table: pa.Table) -> pa.Table:
    """The same values with every dictionary column decoded (another storage)."""
    return pa.table(
        [c.dictionary_decode() if pa.types.is_dictionary(c.type) else c
         for c in (col.combine_chunks() for col in table.columns)],
        names=table.column_names,
    )  # fmt: skip


def test_storage_does_not_count_values_do(events):
    decoded = _decoded(events)
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


# -- version 3 ------------------------------------------------------------------------------


def _mix(x: int) -> int:
    mask = 2**64 - 1
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & mask
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & mask
    return x ^ (x >> 31)


def _sip(text: str) -> int:
    import pandas as pd

    hashed = pd.util.hash_array(np.array([text], object), hash_key="libyaevents-v3-k")
    return int(hashed[0])


def test_version_three_follows_its_notes_step_by_step():
    """The module's notes, written out in plain Python, give the same digest."""
    table = pa.table({
        "id": pa.array(["é", "b", "ab"], pa.large_string()),
        "n": pa.array([1, None, -3], pa.int8()),
        "x": pa.array([0.5, float("nan"), None]),
        "d": pa.array([0, 1, None], pa.date32()),
    })  # fmt: skip
    kinds = {"id": "text", "n": "int", "x": "float", "d": "int"}
    mask = 2**64 - 1

    def value(kind: str, v: object) -> int:
        if kind == "text":
            return _sip(str(v))
        if kind == "float":
            bits = np.array([v], "<f8").view("<u8")[0]
            return int(0x7FF8000000000000 if np.isnan(v) else bits)
        return int(np.array([v], "<i8").view("<u8")[0])

    lanes = [0, 0]
    for row in table.to_pylist():
        for lane, number in enumerate((0, 0x9E3779B97F4A7C15)):
            total = 0
            for name, kind in kinds.items():
                v = row[name]
                if v is None:
                    continue
                v = v.toordinal() - 719163 if name == "d" else v
                total += _mix(value(kind, v) ^ _mix(_sip(name) ^ number))
            lanes[lane] = (lanes[lane] + _mix(total & mask)) & mask
    stream = b"libyaevents-content-v3\x1e"
    stream += b"".join(f"{n}\x1f{kinds[n]}\x1e".encode() for n in sorted(kinds))
    stream += b"".join(v.to_bytes(8, "little") for v in (3, *lanes))
    assert content_hash_v3(table) == hashlib.sha256(stream).hexdigest()
    assert content_hash_of(table, "events", 3) == content_hash_v3(table)


def test_version_three_is_the_same_in_any_order_and_tells_values_apart(events):
    shuffled = events.take(np.random.default_rng(1).permutation(events.num_rows))
    assert content_hash_v3(shuffled) == content_hash_v3(events)
    decoded = _decoded(events)
    assert content_hash_v3(decoded) == content_hash_v3(events)
    fatal = events.column_names.index("fatalities")
    bumped = events.set_column(
        fatal, "fatalities", pa.array(np.asarray(events["fatalities"]) + 1, pa.int16())
    )
    assert content_hash_v3(bumped) != content_hash_v3(events)
    assert content_hash_v3(events.slice(0, 299)) != content_hash_v3(events)
    # values swapped between rows: the same cells, other rows
    a, b = events.slice(0, 1), events.slice(1, 1)
    notes = events.column_names.index("notes")
    field = events.schema.field(notes)
    swapped = pa.concat_tables([
        a.set_column(notes, field, b["notes"]), b.set_column(notes, field, a["notes"]),
        events.slice(2),
    ])  # fmt: skip
    assert content_hash_v3(swapped) != content_hash_v3(events)
    assert content_hash_v3(pa.table({"a": ["", "x"]})) != content_hash_v3(
        pa.table({"a": [None, "x"]})
    )


def test_a_sum_updated_from_the_rows_changed_is_the_sum_of_the_result(events):
    """What a sync does: the parent's sum, minus the rows replaced, plus the rows fetched."""
    revised = events.slice(10, 5)
    fatal = revised.column_names.index("fatalities")
    revised = revised.set_column(
        fatal,
        revised.schema.field(fatal),
        pa.array(np.asarray(revised["fatalities"]) + 7, pa.int32()),
    )
    after = pa.concat_tables([events.slice(0, 10), revised, events.slice(16)])
    gone = events.slice(10, 6)
    held = ContentSum.of(events)
    moved = held.minus(row_digests(gone)).plus(row_digests(revised))
    assert moved == ContentSum.of(after)
    assert moved.hexdigest() == content_hash_v3(after)
    again = ContentSum.parse(held.text, columns=held.columns, rows=held.rows)
    assert again == held
    # a column the new rows bring is empty in the old ones: the sum holds, the names change
    tagged = revised.append_column("extra", pa.array(["t"] * 5))
    grown = held.minus(row_digests(gone)).plus(row_digests(tagged))
    grown = grown.with_columns(ContentSum.of(tagged.slice(0, 0)).columns)
    whole = pa.concat_tables(
        [events.slice(0, 10), tagged, events.slice(16)], promote_options="permissive"
    )
    assert grown.hexdigest() == content_hash_v3(whole)
