"""readers.ranges: a CSV file cut into ranges of whole records, parsed in parallel, in order."""

from __future__ import annotations

import threading
from typing import Any

import pyarrow as pa
import pyarrow.csv as pv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from libyaevents.readers.ranges import ends_inside_quotes, parsed_ranges, record_end

_COLUMNS = 3


def _parse(chunk: Any, first: bool, *, whole: bool = False) -> pa.Table:
    """What a caller of parsed_ranges does: parse, and refuse a range cut inside quotes."""
    read = pv.ReadOptions(
        column_names=[f"c{i}" for i in range(_COLUMNS)], skip_rows=1 if first else 0,
        use_threads=False,
    )  # fmt: skip
    convert = pv.ConvertOptions(column_types=dict.fromkeys(read.column_names, pa.large_string()))
    parse = pv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False)
    source: Any = pa.BufferReader(chunk)
    table = pv.read_csv(source, read_options=read, parse_options=parse, convert_options=convert)
    if not whole and ends_inside_quotes(table):
        msg = "cut inside quotes"
        raise ValueError(msg)
    return table


def _whole(raw: bytes) -> list[dict[str, Any]]:
    return _parse(raw, True, whole=True).to_pylist()


def _in_ranges(raw: bytes, part_bytes: int) -> tuple[list[dict[str, Any]], list[int]]:
    rows: list[dict[str, Any]] = []
    ends = []
    for table, end, size in parsed_ranges(raw, _parse, part_bytes=part_bytes):
        rows += table.to_pylist()
        ends.append(end)
        assert size == len(raw)
    return rows, ends


_VALUE = st.one_of(
    st.text("ab ,;", max_size=6),  # written unquoted when it has no comma
    st.text('ab\n",', max_size=8).map(lambda v: '"' + v.replace('"', '""') + '"'),  # quoted
)


def _csv(records: list[list[str]]) -> bytes:
    lines = ["h0,h1,h2"]
    quoted = [[v if "," not in v or v.startswith('"') else f'"{v}"' for v in r] for r in records]
    lines += [",".join(r) for r in quoted]
    return ("\n".join(lines) + "\n").encode()


@settings(deadline=None, max_examples=150)
@given(
    records=st.lists(st.lists(_VALUE, min_size=_COLUMNS, max_size=_COLUMNS), max_size=40),
    part_bytes=st.integers(1, 64),
)
def test_ranges_give_the_records_of_the_whole_file_in_order(records, part_bytes):
    # quoted values with line breaks (and doubled quotes) fall across the cuts
    raw = _csv(records)
    whole = _whole(raw)
    try:
        rows, ends = _in_ranges(raw, part_bytes)
    except ValueError:  # refused: only where a last value ends in a line break
        assert any(row["c2"] and row["c2"].endswith("\n") for row in whole)
        return
    assert rows == whole
    assert ends == sorted(ends)
    assert ends[-1] == len(raw)


def test_a_stray_quote_never_gives_a_wrong_record():
    # a quote inside an unquoted value (5" shell) misleads the count of quotes: the
    # range is refused (raised), or cut right; never parsed from inside a quoted value
    records = [["1", '5" shell', '"two\nlines"'], ["2", "x", '"more\nlines, here"']] * 20
    raw = _csv(records)
    whole = _whole(raw)
    for part_bytes in range(1, 80):
        try:
            rows, _ = _in_ranges(raw, part_bytes)
        except (ValueError, pa.ArrowInvalid):
            continue
        assert rows == whole


def test_a_file_that_is_only_a_header_gives_one_empty_range(tmp_path):
    path = tmp_path / "header.csv"
    path.write_bytes(b"h0,h1,h2\n")
    (only,) = list(parsed_ranges(path, _parse, part_bytes=4))
    assert only[0].num_rows == 0
    assert only[1:] == (9, 9)


def test_a_path_reads_as_bytes_do_and_stopping_early_leaves_no_thread(tmp_path):
    raw = _csv([[str(i), "x", '"a\nb"'] for i in range(500)])
    path = tmp_path / "file.csv"
    path.write_bytes(raw)
    assert _in_ranges(raw, 100)[0] == [r for t, _, _ in parsed_ranges(
        path, _parse, part_bytes=100) for r in t.to_pylist()]  # fmt: skip
    before = threading.active_count()
    ranges = parsed_ranges(path, _parse, part_bytes=100)
    next(ranges)
    ranges.close()  # the parses in flight end, and their threads with them
    assert threading.active_count() == before


def test_a_path_read_in_many_ranges_reads_as_its_bytes_do(tmp_path):
    # each range's buffer is used again for a later range (and ranges cut again by
    # quotes read from an earlier start): every part size gives the whole file's records
    records = [[str(i), "x" * (i % 7), '"a\nb"' if i % 3 else "c"] for i in range(300)]
    raw = _csv(records)
    path = tmp_path / "file.csv"
    path.write_bytes(raw)
    whole = _whole(raw)
    for part_bytes in (5, 17, 64, 100, 333, len(raw) - 1, len(raw) + 1):
        rows = [r for t, _, _ in parsed_ranges(path, _parse, part_bytes=part_bytes)
                for r in t.to_pylist()]  # fmt: skip
        assert rows == whole, part_bytes


def _viewing(chunk: Any, first: bool) -> pa.Table:
    """A parse whose table keeps a view of its range's bytes (one value, no copy)."""
    offsets = pa.py_buffer(pa.array([0, chunk.size], pa.int64()).buffers()[1])
    view = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, chunk])
    return pa.table({"raw": view})


def test_a_range_buffer_its_table_still_points_into_is_not_used_again(tmp_path):
    # Arrow's CSV parse copies every value; were a parse to keep views of its range
    # instead, reusing the range's buffer would overwrite a table already given out
    raw = b"".join(b"%05d,record\n" % i for i in range(400))
    path = tmp_path / "file.csv"
    path.write_bytes(raw)
    ranges = list(parsed_ranges(path, _viewing, part_bytes=64))
    assert b"".join(t.column("raw")[0].as_py().encode() for t, _, _ in ranges) == raw


def test_a_refused_range_raises_in_order():
    raw = _csv([["1", "a", "b"]] * 50) + b"1,2\n" + _csv([["3", "c", "d"]] * 50)[9:]
    seen: list[int] = []

    def read_all() -> None:
        for table, _, _ in parsed_ranges(raw, _parse, part_bytes=64):
            seen.append(table.num_rows)

    with pytest.raises(pa.ArrowInvalid, match="Expected 3 columns"):
        read_all()
    assert sum(seen) <= 50  # every record before the bad one, none after


def test_record_end_counts_quotes_from_the_start():
    assert record_end(b'a,"x\ny"\nb,c\n') == 12
    assert record_end(b'a,"x\ny",\n') == 9
    assert record_end(b'a,"x\n') is None
    assert record_end(b"no line break") is None
