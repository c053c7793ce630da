"""Writing coded files: tomli-w's bytes, fast for the plain documents the coding desk writes.

tomli-w is a pure-Python writer and was the largest step of writing a merged
coding (``libyaevents code adjudicate``: 1,667 report files for 10,000 events).
The documents the library writes are plain: top-level ``[table]`` and
``[[kind]]`` tables with bare names, whose values are strings, whole numbers,
decimals, booleans, dates and arrays of those. :func:`dump_toml` writes such a
document itself, byte for byte as :func:`tomli_w.dumps` writes it (strings
escaped as tomli-w escapes them, arrays one item per line), and gives with it the
document and its layout (the line of each ``[[kind]]`` header and of each of its
keys) as :func:`libyaevents.readers.tomlplain.parse_toml` would read them back,
without reading the text. Anything else (a top-level value, a nested table, an
array of tables tomli-w writes inline, a datetime, a key that needs quotes...) is
written by tomli-w and read back from the text in memory.

Examples
--------
>>> import datetime as dt
>>> text, (data, layout) = dump_toml(
...     {"report": {"id": "r1"}, "events": [{"tags": ["a"], "day": dt.date(2020, 1, 2)}]}
... )
>>> print(text, end="")
[report]
id = "r1"
<BLANKLINE>
[[events]]
tags = [
    "a",
]
day = 2020-01-02
>>> layout
{'events': [(4, {'tags': 5, 'day': 8})]}
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, Final

import tomli_w

from libyaevents.readers.tomlplain import Layout, parse_toml

__all__ = ["dump_toml"]

#: Names the plain writer writes bare (both readers' layouts know them).
_TABLE_NAME: Final = re.compile(r"[A-Za-z_]+")
_KEY_NAME: Final = re.compile(r"[A-Za-z0-9_]+")
#: Characters tomli-w escapes in a basic string (every control character but tab),
#: and those it does not that :meth:`str.splitlines` breaks lines at (a reader's
#: layout would number the lines otherwise: tomli-w writes those strings).
_SPECIAL: Final = re.compile(r'[\x00-\x08\x0a-\x1f\x7f"\\\x85\u2028\u2029]')
_ESCAPED: Final = re.compile(r'[\x00-\x08\x0a-\x1f\x7f"\\]')
_BREAKS: Final = re.compile(r"[\x85\u2028\u2029]")
_COMPACT: Final = {"\b": "\\b", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_INLINE_WIDTH: Final = 100  # tomli-w writes an array of tables this short inline
_INDENT: Final = "    "


class _NotPlainError(Exception):
    """The document is not plain: tomli-w writes it."""


def _escape(char: re.Match[str]) -> str:
    found = char[0]
    return _COMPACT.get(found) or f"\\u{ord(found):04x}"


def _scalar(value: Any) -> str:
    kind = type(value)
    if kind is str:
        if _BREAKS.search(value):
            raise _NotPlainError
        return f'"{_ESCAPED.sub(_escape, value)}"'
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float or kind is dt.date:
        return str(value)
    raise _NotPlainError


class _Writer:
    """The lines of a plain document, and the line of each record's header and keys."""

    def __init__(self, header: str) -> None:
        self.first = header.count("\n") + 1  # the number of the body's first line
        self.lines: list[str] = []
        self.layout: Layout = {}
        self.keys: set[str] = set()  # keys known to be bare

    def table(self, record: Mapping[str, Any], limit: int) -> tuple[dict[str, int], bool]:
        """Write a table's keys; their lines, and whether tomli-w would write the table
        inline (in an array of tables) when no wider than ``limit`` (-1: not asked)."""
        lines, first, known = self.lines, self.first, self.keys
        keys: dict[str, int] = {}
        width = 7  # "    {}," or "    { " and " }," around the pairs, less one ", "
        for key, value in record.items():
            if key not in known:
                if type(key) is not str or not _KEY_NAME.fullmatch(key):
                    raise _NotPlainError
                known.add(key)
            keys[key] = first + len(lines)
            if type(value) is str and not _SPECIAL.search(value):
                line = f'{key} = "{value}"'
            elif type(value) is list:
                if value:
                    lines.append(f"{key} = [")
                    lines.extend([f"{_INDENT}{_scalar(v)}," for v in value])
                    lines.append("]")
                    width = _INLINE_WIDTH + 1  # an array spans lines: never inline
                    continue
                line = f"{key} = []"
            else:
                line = f"{key} = {_scalar(value)}"
            lines.append(line)
            if width <= limit:
                width += len(line) + 2  # ", " between pairs
        return keys, width <= limit

    def document(self, data: Mapping[str, Any]) -> None:
        lines = self.lines
        for name, value in data.items():
            if type(name) is not str or not _TABLE_NAME.fullmatch(name):
                raise _NotPlainError
            if type(value) is dict:
                if lines:
                    lines.append("")
                lines.append(f"[{name}]")
                self.table(value, -1)
                continue
            if type(value) is not list or not value or any(type(t) is not dict for t in value):
                raise _NotPlainError  # a top-level value (tomli-w writes those first)
            blocks = self.layout[name] = []
            inline = True
            for record in value:
                if lines:
                    lines.append("")
                lines.append(f"[[{name}]]")
                at = self.first + len(lines) - 1
                keys, short = self.table(record, _INLINE_WIDTH if inline else -1)
                inline = inline and short
                blocks.append((at, keys))
            if inline:
                raise _NotPlainError  # tomli-w writes these short tables inline


def dump_toml(
    data: Mapping[str, Any], header: str = ""
) -> tuple[str, tuple[dict[str, Any], Layout]]:
    """``header`` and ``data`` as tomli-w writes it, and what reading that text gives.

    Parameters
    ----------
    data : mapping
        The document.
    header : str
        Whole lines (comments) written before the document; the layout counts them.

    Returns
    -------
    tuple
        The text, and the document and its layout as
        :func:`~libyaevents.readers.tomlplain.parse_toml` reads the text: ``data``
        itself when it is plain (nothing is read), else the text read back.

    Raises
    ------
    TypeError
        A value TOML cannot hold (as :func:`tomli_w.dumps` raises).
    """
    writer = _Writer(header)
    try:
        writer.document(data)
    except _NotPlainError:
        text = header + tomli_w.dumps(data)
        return text, parse_toml(text)
    body = "\n".join(writer.lines) + "\n" if writer.lines else ""
    return header + body, (data if type(data) is dict else dict(data), writer.layout)
