"""The plain-TOML fast path reads what tomllib reads, and declines everything else."""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

import libyaevents
from libyaevents.readers.tomlplain import parse_plain, scan_layout

TODAY = "2026-01-01"


def _reference(text: str) -> tuple[dict[str, Any], Any]:
    return tomllib.loads(text), scan_layout(text)


def _same(text: str) -> None:
    """The fast path's answer, when it gives one, is tomllib's (values, types, order, lines)."""
    plain = parse_plain(text)
    if plain is not None:
        assert repr(plain) == repr(_reference(text))


def test_the_files_the_library_writes_take_the_fast_path_and_read_the_same(tmp_path):
    made = libyaevents.synthetic_codings(tmp_path, events=60, seed=3, dropped=2, added=2)
    files = [p for f in made.folders for p in sorted(f.rglob("*.toml"))]
    text = tmp_path / "report.txt"
    text.write_text("A report\n\nFirst paragraph.\n\nSecond paragraph.\n", encoding="utf-8")
    files.append(
        libyaevents.new_report(
            text, "r-new", tmp_path / "new", title="A report", published="2026-01-02",
            section="Libya", coded_on=TODAY,
        )
    )  # fmt: skip
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert parse_plain(text) is not None, path
        assert repr(parse_plain(text)) == repr(_reference(text)), path


@pytest.mark.parametrize(
    "text",
    [
        '[report]\nsource = {a = "b"}\n',  # inline table
        "[report]\nid = 1  \x01# a control character\n",
        "  # an indented comment\n",
        '[report]\nsource = ["a","b"]\n',  # other spacing
        '[report]\ntitle = "say \\"no\\""\n',  # an escape
        "[report]\ntitle = 'literal'\n",
        '[report]\nid="r1"\n',  # other spacing
        '[[events]]\nid = "a"\nid = "b"\n',  # duplicated key: tomllib's error
        'events = []\n[[events]]\nid = "a"\n',  # appending to a static array: tomllib's error
        '[report]\nid = "a"\n[report]\nid = "b"\n',  # a table twice: tomllib's error
        "[report]\npublished = 2020-02-30\n",  # no such day: tomllib's error
        "[report]\npublished = 2020-02-03T10:00:00\n",
        '[report]\nnotes = "a\u2028b"\n',  # splitlines would split it; TOML does not
        '[report]\nid = "a"\r\n\x0c\n',  # a form feed is no TOML whitespace
        '[report]\nid = "a"\rx = 1\n',  # a lone carriage return
        "[report]\nn = 1_000\n",
        "[report]\nx = 1e3\n",
        "[report.sub]\nx = 1\n",
        '[[events]]\ntags = [\n    "a",\n    1,\n]\n',
        '[[events]]\ntags = [\n    "a",\n',  # never closed
    ],
)
def test_anything_beyond_the_plain_subset_goes_to_tomllib(text):
    assert parse_plain(text) is None


@pytest.mark.parametrize(
    "text",
    [
        '[report]\r\nid = "r1"\r\n\r\n[[events]]\r\nparagraph = 2\r\n',  # CRLF
        '# a comment\n[report]\nid = "r1"  # why\n\n[[events]]\nx = 2020-10-23 # "a # b"\n',
        '[[events]]\nsource = ["a", "b # c"]\ntags = []\nnotes = "a # b"\nx = -0.5\ny = true\n',
        '[[events]]\ntags = [  # one per line\n    "a",\n]\n\n[[events]]\ntags = [\n]\n',
    ],
)
def test_plain_files_read_as_tomllib_reads_them(text):
    assert parse_plain(text) is not None
    _same(text)


def test_a_file_outside_the_subset_still_compiles_and_fails_as_before(tmp_path):
    made = libyaevents.synthetic_codings(tmp_path, events=40, seed=4)
    folder = made.folders[0]
    report = sorted((folder / "reports").glob("*.toml"))[0]
    plain = libyaevents.read_sources(folder)
    report.write_text("# coded by hand\n" + report.read_text(encoding="utf-8"), encoding="utf-8")
    commented = libyaevents.read_sources(folder)  # read by tomllib: the same tables, lines + 1
    for table in ("events", "measures", "actors"):
        assert plain.tables[table].equals(commented.tables[table])
    assert commented.where("events", 0, "event_date") == _shifted(
        plain.where("events", 0, "event_date")
    )
    text = report.read_text(encoding="utf-8").replace(
        "paragraph = 1\n", "paragraph = 1\nparagraph = 1\n", 1
    )
    report.write_text(text, encoding="utf-8")
    with pytest.raises(libyaevents.errors.ReadError, match="not valid TOML"):
        libyaevents.read_sources(folder)


def _shifted(where: str) -> str:
    path, line = where.rsplit(":", 1)
    return f"{path}:{int(line) + 1}"


_KEYS = st.sampled_from(["id", "notes", "paragraph", "event_date", "tags", "a_1", "x"])
_VALUES = st.one_of(
    st.text(max_size=8),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.booleans(),
    st.lists(st.text(max_size=5), max_size=3),
)
_RECORDS = st.dictionaries(_KEYS, _VALUES, max_size=5)
_DOCUMENTS = st.fixed_dictionaries(
    {"report": _RECORDS, "events": st.lists(_RECORDS, max_size=3)},
    optional={"measures": st.lists(_RECORDS, min_size=1, max_size=2)},
)


@given(_DOCUMENTS)
def test_documents_tomli_w_writes_read_as_tomllib_reads_them(document):
    text = tomli_w.dumps(document, multiline_strings=False)
    _same(text)


@given(_DOCUMENTS, st.integers(min_value=0), st.text(min_size=1, max_size=3))
def test_a_damaged_document_is_never_read_differently(document, at, inserted):
    text = tomli_w.dumps(document)
    at %= len(text) + 1
    damaged = text[:at] + inserted + text[at:]
    plain = parse_plain(damaged)
    if plain is None:
        return
    assert repr(plain) == repr(_reference(damaged))  # tomllib must accept it, and agree
