"""read_acled types some columns at the parse: the result is what the text read gives."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pyarrow as pa
import pytest

import libyaevents
from libyaevents.readers import acled, assemble, csvtext
from libyaevents.synthetic import synthetic_events


@pytest.fixture(scope="module")
def raw() -> bytes:
    buffer = io.BytesIO()
    libyaevents.write_acled(synthetic_events(400, seed=5), buffer, labels=False)
    return buffer.getvalue()


def _with_cells(raw: bytes, cells: dict[tuple[int, str], str]) -> bytes:
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    for (row, column), value in cells.items():
        rows[row][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _as_text(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> libyaevents.Loaded:
    """The same file read in parts with every column as text (the reader before)."""
    with monkeypatch.context() as patch:
        patch.setattr(acled, "_parse_types", lambda header: {})
        return libyaevents.read_acled(io.BytesIO(raw))


def _same(typed: libyaevents.Loaded, text: libyaevents.Loaded) -> None:
    for name in ("events", "actors", "problems", "notes"):
        pd.testing.assert_frame_equal(getattr(typed, name), getattr(text, name))
    assert typed.lines.tolist() == text.lines.tolist()
    assert (typed.rows_read, typed.rows_used, typed.file_notes) == (
        text.rows_read, text.rows_used, text.file_notes)  # fmt: skip


def test_a_current_export_types_numbers_dates_and_vocabularies_at_the_parse(raw):
    kinds = acled._parse_types(csvtext.read_header(io.BytesIO(raw)))
    assert kinds["latitude"] == pa.float64()
    assert kinds["event_date"] == pa.date32()
    assert pa.types.is_dictionary(kinds["event_type"])
    assert pa.types.is_dictionary(kinds["fatalities"])  # exact text: 0x1A stays refused
    assert "notes" not in kinds
    legacy = ["GWNO", "EVENT_ID_CNTY", "EVENT_DATE", "ACTOR1", "ACTOR2", "LATITUDE"]
    assert acled._parse_types(legacy) == {}  # legacy exports stay text


@pytest.mark.parametrize(
    "cells",
    [
        {(3, "latitude"): "nan"},  # parsed as a float, refused by the check: read again as text
        {(390, "longitude"): "inf"},  # in a later part
        {(7, "event_date"): "21 March 2020"},  # not ISO: the typed parse fails
        {(7, "event_date"): "2020-02-30", (8, "latitude"): "north"},
        {(9, "fatalities"): "0x1A", (10, "event_type"): " Battle ", (11, "year"): " 2020 "},
        {(12, "notes"): "two\nlines", (13, "inter2"): "", (14, "interaction"): "x"},
    ],
)
def test_typed_parse_and_its_fallbacks_give_what_the_text_read_gives(raw, monkeypatch, cells):
    monkeypatch.setattr(csvtext, "_CSV_BLOCK", 1 << 13)
    monkeypatch.setattr(csvtext, "PART_BYTES", 1 << 14)  # many parts
    tried: list[bool] = []
    parts = assemble.read_csv_parts
    monkeypatch.setattr(
        assemble,
        "read_csv_parts",
        lambda *a, **k: tried.append(k.get("types") is not None) or parts(*a, **k),
    )
    edited = _with_cells(raw, cells)
    typed = libyaevents.read_acled(io.BytesIO(edited))
    assert tried[0]  # the typed parse was tried first
    _same(typed, _as_text(edited, monkeypatch))
    assert not typed.problems.empty or not typed.notes.empty or typed.rows_used == 400


def test_a_refused_typed_value_sends_the_file_back_to_text_and_is_reported_as_written(
    raw, monkeypatch
):
    monkeypatch.setattr(csvtext, "PART_BYTES", 1 << 14)
    loaded = libyaevents.read_acled(io.BytesIO(_with_cells(raw, {(300, "latitude"): "NaN"})))
    assert loaded.problems[["column", "value"]].values.tolist() == [["latitude", "NaN"]]
    assert loaded.problems["line"].tolist() == [301]
    assert loaded.rows_used == 399


def test_a_signed_whole_number_reads_as_its_number(raw):
    # "+1" matches the whole-number pattern, and Arrow's cast refuses the sign: the
    # ArrowInvalid escaped read_acled before the sign was dropped with the ".0"
    edited = _with_cells(raw, {(2, "geo_precision"): "+1", (3, "fatalities"): "+0.0"})
    loaded = libyaevents.read_acled(io.BytesIO(edited))
    assert loaded.problems.empty
    assert (loaded.events["geo_precision"].iloc[1], loaded.events["fatalities"].iloc[2]) == (1, 0)
