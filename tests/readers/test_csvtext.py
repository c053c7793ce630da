"""readers.csvtext: CSV as Arrow text, encodings, line numbers, malformed records."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from libyaevents.errors import ReadError
from libyaevents.readers.csvtext import first_record, read_csv_text, read_header


def test_lines_count_quoted_line_breaks_and_skipped_records():
    raw = b'a,b\n1,"two\nlines"\n3,4,5\n6,7\n'
    text = read_csv_text(io.BytesIO(raw))
    assert text.header == ["a", "b"]
    assert text.table.num_rows == 2  # the 3-field record is not in the table
    assert text.lines([0, 1]).tolist() == [2, 5]  # what an editor shows
    (bad,) = text.invalid
    assert (bad.line, bad.text.strip()) == (4, "3,4,5")
    assert "3 fields; the header has 2" in bad.reason


def test_encodings_fall_back_from_utf8_to_cp1252():
    raw = "name\nTripoli \u2013 Misrata\n".encode("cp1252")
    text = read_csv_text(io.BytesIO(raw))
    assert text.encoding == "cp1252"
    assert text.table.column(0).to_pylist() == ["Tripoli \u2013 Misrata"]
    bom = "\ufeffname\nx\n".encode()
    assert read_csv_text(io.BytesIO(bom)).header == ["name"]


def test_header_only_missing_and_empty_files(tmp_path):
    assert read_csv_text(io.BytesIO(b"a,b")).table.num_rows == 0
    with pytest.raises(ReadError, match="no such file"):
        read_csv_text(tmp_path / "missing.csv")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(ReadError):
        read_header(tmp_path / "empty.csv")


def test_first_record_survives_broken_quoting():
    assert first_record('x,"y,z"\nnext') == ["x", "y,z"]
    assert first_record("") == []


_EXPORT: dict[str, bytes] = {}


def _export() -> bytes:
    if not _EXPORT:
        import libyaevents
        from libyaevents.synthetic import synthetic_events

        buffer = io.BytesIO()
        libyaevents.write_acled(synthetic_events(2_000, seed=13), buffer)
        _EXPORT["raw"] = buffer.getvalue()
    return _EXPORT["raw"]


@settings(max_examples=25)
@given(st.sampled_from([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xFF]), st.floats(0.05, 0.999))
def test_a_byte_cp1252_cannot_decode_anywhere_falls_back_to_latin1(byte, where):
    import libyaevents

    raw = bytearray(_export())
    position = int(len(raw) * where)
    while raw[position] in b',"\n\r':  # replace a character inside a value
        position -= 1
    raw[position] = byte
    loaded = libyaevents.read_acled(io.BytesIO(bytes(raw)))
    assert loaded.encoding in ("cp1252", "latin-1")
    assert loaded.rows_read == loaded.rows_used + loaded.rows_reported == 2_000


def test_a_value_longer_than_a_read_block_is_read_not_fatal():
    import libyaevents
    from libyaevents.synthetic import synthetic_events

    events = synthetic_events(40, seed=2)
    events["notes"] = events["notes"].astype("str")
    events.loc[7, "notes"] = "a long note " * (1_500_000)  # ~18 MB, beyond the 16 MB block
    buffer = io.BytesIO()
    libyaevents.write_acled(events, buffer)
    loaded = libyaevents.read_acled(io.BytesIO(buffer.getvalue()))
    assert loaded.rows_read == len(loaded.events) == 40
    assert len(loaded.events.loc[7, "notes"]) == len(events.loc[7, "notes"].strip())


def test_quoted_line_breaks_across_many_read_blocks_keep_records_and_lines():
    # ~6 MB: pyarrow parses it in several blocks, each starting inside no quoted value
    rows = 12_000
    notes = [("x" * (i % 400)) + "\n" * (i % 3) + "end" for i in range(rows)]
    body = "".join(f'{i},"{n}",{i % 7}\n' for i, n in enumerate(notes))
    text = read_csv_text(io.BytesIO(("id,notes,k\n" + body).encode()))
    assert text.table.num_rows == rows
    assert not text.invalid
    assert text.table.column(0).num_chunks > 1
    assert text.table.column("notes").to_pylist() == notes
    expected, line = [], 2
    for n in notes:
        expected.append(line)
        line += 1 + n.count("\n")
    assert text.lines(range(rows)).tolist() == expected
