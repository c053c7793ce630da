"""Vectorised text-to-type conversions that say which values did not convert.

Each function takes a column of text (a pyarrow array, nulls for empty cells)
and returns the typed values plus a boolean numpy mask of the values that were
present but could not be converted; the caller reports those. Nothing here
loops over rows in Python.

Examples
--------
>>> import pyarrow as pa
>>> from libyaevents import convert
>>> values, bad = convert.dates(pa.array(["2020-03-21", "21 March 2020", "5-Aug-24",
...                                       "21/03/2020", "31/02/2020", None]))
>>> [str(v) for v in values.to_pylist()]
['2020-03-21', '2020-03-21', '2024-08-05', '2020-03-21', 'None', 'None']
>>> bad.tolist()
[False, False, False, False, True, False]
>>> values, bad = convert.integers(pa.array(["12", "12.0", "x", None]), -128, 127)
>>> values.to_pylist(), bad.tolist()
([12, 12, None, None], [False, False, True, False])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["DATE_FORMATS", "dates", "floats", "integers", "lookup", "members", "present", "text"]

Array = pa.Array | pa.ChunkedArray

#: Date formats real exports use, tried in order: ISO (current exports), "21 March
#: 2020" (API 2019-2023), "5-Aug-24" (spreadsheet re-saves), "21/03/2020" (legacy,
#: day first), plus "21-March-2020" and "2020-03-21 00:00:00" re-saves.
DATE_FORMATS: Final = (
    ("%Y-%m-%d", r"^\d{4}-\d{1,2}-(\d{1,2})$"),
    ("%d %B %Y", r"^(\d{1,2}) [A-Za-z]+ \d{4}$"),
    ("%d-%b-%y", r"^(\d{1,2})-[A-Za-z]{3}-\d{2}$"),
    ("%d/%m/%Y", r"^(\d{1,2})/\d{1,2}/\d{4}$"),
    ("%d-%B-%Y", r"^(\d{1,2})-[A-Za-z]+-\d{4}$"),
    ("%Y-%m-%d %H:%M:%S", r"^\d{4}-\d{1,2}-(\d{1,2}) 00:00:00$"),
)

_INTEGER: Final = r"^[+-]?\d{1,18}(\.0*)?$"  # 18 digits always fit int64
_FLOAT: Final = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def _mask(flags: Array) -> np.ndarray:
    """A boolean pyarrow array as numpy, nulls as False."""
    filled: Any = pc.fill_null(flags, False)
    return np.asarray(filled, dtype=bool)


def text(values: Array) -> Array:
    """Trim surrounding spaces; empty or blank cells become null."""
    trimmed = pc.utf8_trim_whitespace(values)
    empty: Any = pc.equal(trimmed, "")
    return pc.if_else(empty, pa.scalar(None, trimmed.type), trimmed)


def present(values: Array) -> np.ndarray:
    """True where a value is given."""
    return np.asarray(pc.is_valid(values), dtype=bool)


def integers(values: Array, low: int, high: int) -> tuple[Array, np.ndarray]:
    """Whole numbers (``12``, ``12.0``) within ``[low, high]`` as int64."""
    ok = pc.match_substring_regex(values, _INTEGER)
    digits = pc.replace_substring_regex(values, r"\.0*$", "")
    kept = pc.if_else(ok, digits, pa.scalar(None, values.type))
    number = pc.cast(kept, pa.int64())
    inside = pc.fill_null(
        pc.and_(pc.greater_equal(number, low), pc.less_equal(number, high)), False
    )
    number = pc.if_else(inside, number, pa.scalar(None, pa.int64()))
    return number, present(values) & ~_mask(pc.is_valid(number))


def floats(values: Array) -> tuple[Array, np.ndarray]:
    """Decimal numbers as float64."""
    ok = pc.match_substring_regex(values, _FLOAT)
    number = pc.cast(pc.if_else(ok, values, pa.scalar(None, values.type)), pa.float64())
    return number, present(values) & ~_mask(pc.is_valid(number))


def dates(values: Array) -> tuple[Array, np.ndarray]:
    """Dates in any of :data:`DATE_FORMATS`; impossible days (31/02) are bad, not shifted."""
    result = pa.nulls(len(values), pa.date32())
    for fmt, pattern in DATE_FORMATS:
        todo = pc.fill_null(
            pc.and_(pc.is_null(result), pc.match_substring_regex(values, pattern)), False
        )
        if not _mask(todo).any():
            continue
        parsed = pc.strptime(values, format=fmt, unit="s", error_is_null=True)
        day_text = pc.replace_substring_regex(values, pattern, r"\1")
        day = pc.cast(pc.if_else(todo, day_text, pa.scalar(None, values.type)), pa.int64())
        exact = pc.equal(pc.day(parsed), day)  # strptime turns 31/02 into 02/03
        take = pc.fill_null(pc.and_kleene(todo, exact), False)
        result = pc.if_else(take, pc.cast(parsed, pa.date32()), result)
    return result, present(values) & ~_mask(pc.is_valid(result))


def lookup(
    values: Array, mapping: Mapping[str, Any], value_type: pa.DataType
) -> tuple[Array, np.ndarray]:
    """Map each text value through ``mapping``; values not in it are bad."""
    keys = pa.array(list(mapping), pa.string())
    targets = pa.array(list(mapping.values()), value_type)
    position = pc.index_in(pc.cast(values, pa.string()), value_set=keys)
    mapped = pc.take(targets, position)
    return mapped, present(values) & ~_mask(pc.is_valid(position))


def members(values: Array, allowed: Iterable[str]) -> np.ndarray:
    """Bad mask: values given but not in ``allowed``."""
    found = pc.is_in(pc.cast(values, pa.string()), value_set=pa.array(list(allowed), pa.string()))
    return present(values) & ~_mask(found)
