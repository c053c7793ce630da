"""A fast path for the plain TOML that coded report files are written in.

The standard library's TOML parser is pure Python and was most of the time of
reading a large coded folder (10,000 events: 500 to 1,700 report files). The
files ``libyaevents code new``, the adjudication and tomli-w write use a small
part of TOML, one value per line: ``[table]`` and ``[[table]]`` headers with
bare names, ``key = value`` with a bare key and one space either side of
``=``, and values that are basic strings without escapes, whole numbers,
plain decimals, dates, booleans, or arrays of such strings (on one line, or
one per line), comments on a line of their own or after a value.
:func:`parse_plain` reads exactly that subset in one pass that also gives
each record's line numbers; a file with anything else (an inline table, an
escape, a literal string, a duplicated key, other spacing...) gets
``None`` back and is read by :mod:`tomllib`, so the result is always the one
:mod:`tomllib` gives.

Examples
--------
>>> data, layout = parse_plain('[report]\\nid = "r1"\\n\\n[[events]]\\nparagraph = 2\\n')
>>> data, layout
({'report': {'id': 'r1'}, 'events': [{'paragraph': 2}]}, {'events': [(4, {'paragraph': 5})]})
>>> parse_plain("id = 'literal'") is None  # not in the subset: tomllib reads it
True
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterator
from typing import Any, Final

__all__ = ["Layout", "parse_plain", "parse_toml", "scan_layout"]

#: Per ``[[kind]]``: the line of each record's header and of each of its keys.
Layout = dict[str, list[tuple[int, dict[str, int]]]]

_TEXT: Final = r'"[^"\\\x00-\x1f\x7f]*"'  # a basic string without escapes
#: ``key = value``, a value of the subset, then maybe a comment (tomllib's comment rule).
_KEY_VALUE: Final = re.compile(
    r"([A-Za-z0-9_]+) = (?:"
    rf'"(?P<string>[^"\\\x00-\x1f\x7f]*)"'
    r"|(?P<int>-?(?:0|[1-9][0-9]*))"
    r"|(?P<float>-?(?:0|[1-9][0-9]*)\.[0-9]+)"
    r"|(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"|(?P<bool>true|false)"
    rf"|\[(?P<inline>(?:{_TEXT}(?:, {_TEXT})*)?)\]"
    r"|(?P<array>\[)"
    r")[ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?"
)
_STRINGS: Final = re.compile(r'"([^"]*)"')
_COMMENT: Final = re.compile(r"#[^\x00-\x08\x0a-\x1f\x7f]*")
_ARRAY_HEADER: Final = re.compile(r"\[\[([A-Za-z_]+)\]\]")
_TABLE_HEADER: Final = re.compile(r"\[([A-Za-z_]+)\]")
_ITEM: Final = re.compile(r' *"([^"\\\x00-\x1f\x7f]*)",')
#: Any TOML text (tomllib's path): a ``[[kind]]`` header, any other table, a key.
_ANY_ARRAY_HEADER: Final = re.compile(r"\s*\[\[\s*([A-Za-z_]+)\s*\]\]")
_ANY_TABLE: Final = re.compile(r"\s*\[")
_ANY_KEY: Final = re.compile(r"\s*([A-Za-z0-9_]+)\s*=")
#: Line breaks :meth:`str.splitlines` knows and TOML does not (TOML has LF and CRLF):
#: these characters, and a carriage return without a line feed (searched apart: faster).
_OTHER_BREAKS: Final = re.compile(r"[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_LONE_CR: Final = re.compile(r"\r(?!\n)")


class _NotPlainError(Exception):
    """The text uses TOML beyond the plain subset: tomllib reads it."""


def _value(pair: re.Match[str]) -> Any:
    kind = pair.lastgroup
    written = pair[kind or ""]
    if kind == "string":
        return written
    if kind == "int":
        return int(written)
    if kind == "inline":
        return _STRINGS.findall(written)
    if kind == "date":
        try:
            return dt.date.fromisoformat(written)
        except ValueError:
            raise _NotPlainError from None  # tomllib says what is wrong with the date
    if kind == "bool":
        return written == "true"
    return float(written)


def _array(lines: Iterator[tuple[int, str]]) -> list[str]:
    """The strings of a one-per-line array, from the line after its opening line."""
    items: list[str] = []
    for _, line in lines:
        if line == "]":
            return items
        item = _ITEM.fullmatch(line)
        if item is None:
            raise _NotPlainError
        items.append(item[1])
    raise _NotPlainError


def _header(
    line: str, number: int, root: dict[str, Any], layout: Layout
) -> tuple[dict[str, Any], dict[str, int] | None]:
    """The table a ``[[kind]]`` or ``[table]`` header opens, and its key lines' record."""
    if header := _ARRAY_HEADER.fullmatch(line):
        if header[1] in root and header[1] not in layout:
            raise _NotPlainError  # a key or a [table] of that name: tomllib says what is wrong
        table: dict[str, Any] = {}
        keys: dict[str, int] = {}
        root.setdefault(header[1], []).append(table)
        layout.setdefault(header[1], []).append((number, keys))
        return table, keys
    if (header := _TABLE_HEADER.fullmatch(line)) and header[1] not in root:
        table = root[header[1]] = {}
        return table, None
    raise _NotPlainError


def _parse(text: str) -> tuple[dict[str, Any], Layout]:
    if _OTHER_BREAKS.search(text) or ("\r" in text and _LONE_CR.search(text)):
        raise _NotPlainError
    lines = enumerate(text.splitlines(), 1)  # numbered as the reader's layout numbers them
    root: dict[str, Any] = {}
    layout: Layout = {}
    table = root
    keys: dict[str, int] | None = None  # key lines of the current [[kind]] record
    key_value = _KEY_VALUE.fullmatch
    for number, line in lines:
        if not line or (line[0] == "#" and _COMMENT.fullmatch(line)):
            continue
        if pair := key_value(line):
            key = pair[1]
            if key in table:
                raise _NotPlainError
            kind = pair.lastgroup
            if kind == "string":
                table[key] = pair[kind]
            elif kind == "array":
                table[key] = _array(lines)
            else:
                table[key] = _value(pair)
            if keys is not None:
                keys[key] = number
        else:
            table, keys = _header(line, number, root, layout)
    return root, layout


def parse_plain(text: str) -> tuple[dict[str, Any], Layout] | None:
    """The document and its layout when ``text`` is plain TOML; None otherwise.

    Parameters
    ----------
    text : str
        A TOML document.

    Returns
    -------
    tuple of dict and Layout, or None
        What :func:`tomllib.loads` gives, and per ``[[kind]]`` the line of each
        record's header and of each of its keys; None when ``text`` uses TOML
        beyond the plain subset (read it with :mod:`tomllib`).
    """
    try:
        return _parse(text)
    except (_NotPlainError, ValueError):  # ValueError: a number too long to convert
        return None


def scan_layout(text: str) -> Layout:
    """Line of each ``[[kind]]`` header and of each key below it, per kind, in any TOML text.

    The layout of a text :func:`parse_plain` declines (read by :mod:`tomllib`);
    on plain TOML it gives the same layout as :func:`parse_plain`.
    """
    blocks: Layout = {}
    keys: dict[str, int] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _ANY_ARRAY_HEADER.match(line)
        if header:
            keys = {}
            blocks.setdefault(header[1], []).append((number, keys))
        elif _ANY_TABLE.match(line):
            keys = None
        elif keys is not None and (key := _ANY_KEY.match(line)):
            keys.setdefault(key[1], number)
    return blocks


def parse_toml(text: str) -> tuple[dict[str, Any], Layout]:
    """The document and its layout, by the fast path when ``text`` is plain, else by tomllib.

    Raises
    ------
    tomllib.TOMLDecodeError
        When ``text`` is not valid TOML.
    """
    plain = parse_plain(text)
    return plain if plain is not None else (tomllib.loads(text), scan_layout(text))
