"""The coded-file writer writes tomli-w's bytes, and says what reading them back gives."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from typing import Any

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

import libyaevents
from libyaevents.readers import tomldump
from libyaevents.readers.tomldump import dump_toml
from libyaevents.readers.tomlplain import parse_toml

_HEADER = "# a header comment\n# of two lines\n"

_KEYS = st.from_regex(r"[A-Za-z0-9_]{1,6}", fullmatch=True)
_SCALARS = st.one_of(
    st.text(max_size=12),  # any character: quotes, backslashes, controls are escaped
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=90),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.booleans(),
)
_VALUES = st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3))
_RECORDS = st.dictionaries(_KEYS, _VALUES, max_size=6)
_NAMES = st.from_regex(r"[A-Za-z_]{1,8}", fullmatch=True)
#: A record with a list: never written inline, so its array of tables is plain.
_LISTED = st.builds(
    lambda record, items: {**record, "tags": items}, _RECORDS, st.lists(_SCALARS, min_size=1)
)
#: Documents of the plain shape: top-level tables and arrays of tables of flat records.
_PLAIN = st.dictionaries(
    _NAMES,
    st.one_of(_RECORDS, st.builds(lambda first, more: [first, *more], _LISTED,
                                  st.lists(_RECORDS, max_size=3))),
    max_size=4,
)  # fmt: skip
#: And documents beyond it: top-level values, nested tables, keys that need quotes...
_OTHER = st.dictionaries(
    st.one_of(_NAMES, st.sampled_from(["a-b", "x1", "", "é"])),
    st.one_of(
        _VALUES,
        _RECORDS,
        st.dictionaries(_KEYS, st.one_of(_RECORDS, st.datetimes(), st.lists(_RECORDS)), max_size=2),
        st.lists(st.dictionaries(_KEYS, _SCALARS, max_size=2), min_size=1, max_size=3),
    ),
    max_size=4,
)


def _is_plain(document: dict[str, Any]) -> bool:
    writer = tomldump._Writer("")
    try:
        writer.document(document)
    except tomldump._NotPlainError:
        return False
    return True


def _check(document: dict[str, Any], header: str) -> None:
    text, (data, layout) = dump_toml(document, header)
    assert text == header + tomli_w.dumps(document)  # tomli-w's bytes
    assert tomllib.loads(text) == document  # the same document back
    assert repr(parse_toml(text)) == repr((data, layout))  # values, types, order and lines


@given(_PLAIN, st.sampled_from(["", _HEADER]))
def test_plain_documents_are_written_as_tomli_w_writes_them(document, header):
    text = json.dumps(document, ensure_ascii=False, default=str)
    assert _is_plain(document) or any(c in text for c in "\x85\u2028\u2029")
    _check(document, header)


@given(_OTHER)
def test_anything_else_is_written_by_tomli_w_and_read_back(document):
    _check(document, "")


def test_the_coding_desk_files_take_the_plain_path(tmp_path):
    made = libyaevents.synthetic_codings(tmp_path, events=120, coders=3, seed=8)
    files = [p for f in made.folders for p in sorted(f.rglob("*.toml"))]
    assert len(files) > 20
    for path in files:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        if document.get("measures") == []:  # a top-level value: not plain
            del document["measures"]
        assert _is_plain(document), path
        _check(document, _HEADER)


@pytest.mark.parametrize(
    "document",
    [
        {"events": [{"a": 1}]},  # short tables: tomli-w writes them inline
        {"events": [{"a": "x" * 85}]},  # 100 characters wide: still inline
        {"report": {"id": "r"}, "events": []},  # a top-level value
        {"report": {"id": "r", "sub": {"x": 1}}},  # a nested table
        {"report": {"needs-quotes": 1}},
        {"report": {"at": dt.datetime(2020, 1, 2, 3, 4, 5)}},
        # a line break to str.splitlines, not to TOML: the layout read back counts it
        {"events": [{"notes": "a\u2028b", "tags": ["x"]}, {"notes": "c"}]},
    ],
)
def test_what_tomli_w_writes_otherwise_is_left_to_it(document):
    assert not _is_plain(document)
    _check(document, _HEADER)


def test_tables_one_character_too_wide_to_be_inline_are_plain():
    document = {"events": [{"a": "x" * 86}]}
    assert _is_plain(document)
    _check(document, "")


def test_what_toml_cannot_hold_is_refused_as_tomli_w_refuses_it():
    with pytest.raises(TypeError, match="not TOML serializable"):
        dump_toml({"report": {"x": object()}})
