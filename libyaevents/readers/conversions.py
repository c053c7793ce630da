"""Vectorised text-to-type conversions that say which values did not convert.

Each function takes a column of text (a pyarrow array, nulls for empty cells)
and returns the typed values plus a boolean numpy mask of the values that were
present but could not be converted; the caller reports those. Nothing here
loops over rows in Python.

Examples
--------
>>> import pyarrow as pa
>>> from libyaevents.readers import conversions
>>> values, bad = conversions.dates(pa.array(["2020-03-21", "21 March 2020", "5-Aug-24",
...                                       "21/03/2020", "31/02/2020", None,
...                                       "2020-03-21 00:00:00.000"]))
>>> [str(v) for v in values.to_pylist()]
['2020-03-21', '2020-03-21', '2024-08-05', '2020-03-21', 'None', 'None', '2020-03-21']
>>> bad.tolist()
[False, False, False, False, True, False, False]
>>> values, bad = conversions.integers(pa.array(["12", "12.0", "x", None]), -128, 127)
>>> values.to_pylist(), bad.tolist()
([12, 12, None, None], [False, False, True, False])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from libyaevents.compute import loose
from libyaevents.textscan import NON_ASCII, byte_table, edges_in, rows_holding

__all__ = [
    "DATE_FORMATS",
    "TEXT",
    "categories",
    "dates",
    "floats",
    "integers",
    "lookup",
    "members",
    "present",
    "text",
]

#: A pyarrow Array or ChunkedArray (typed loosely: see ``pc`` above).
Array = Any

#: The text type loaders work in: what pandas' ``str`` columns hold, so no copy on conversion.
TEXT: Final = pa.large_string()

#: Date formats real exports use, tried in order: ISO (current exports), "21 March
#: 2020" (API 2019-2023), "5-Aug-24" (spreadsheet re-saves), "21/03/2020" (legacy,
#: day first), plus "21-March-2020" re-saves.
DATE_FORMATS: Final = (
    ("%Y-%m-%d", r"^\d{4}-\d{1,2}-(\d{1,2})$"),
    ("%d %B %Y", r"^(\d{1,2}) [A-Za-z]+ \d{4}$"),
    ("%d-%b-%y", r"^(\d{1,2})-[A-Za-z]{3}-\d{2}$"),
    ("%d/%m/%Y", r"^(\d{1,2})/\d{1,2}/\d{4}$"),
    ("%d-%B-%Y", r"^(\d{1,2})-[A-Za-z]+-\d{4}$"),
)

#: A midnight time after a date (``2020-03-21 00:00:00.000``, as UCDP and
#: spreadsheets write dates): dropped before parsing.
_MIDNIGHT: Final = r"[ T]00:00(:00(\.0+)?)?$"

_HEX: Final = byte_table(b"xX")
_INTEGER: Final = r"^[+-]?\d{1,18}(\.0*)?$"  # 18 digits always fit int64
_FLOAT: Final = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def _mask(flags: Array) -> np.ndarray:
    """A boolean pyarrow array as numpy, nulls as False."""
    mask: np.ndarray = np.asarray(pc.fill_null(flags, False), dtype=bool)
    return mask


#: A value may need trimming only when it is empty or begins or ends with one of
#: these bytes: ASCII whitespace, or a byte of a non-ASCII character (Unicode spaces).
_MAY_TRIM: Final = byte_table(b" \t\n\x0b\x0c\r" + NON_ASCII)


def text(values: Array) -> Array:
    """Trim surrounding spaces; empty or blank cells become null."""
    if not edges_in(values, _MAY_TRIM).any():
        return values  # the usual column: no value could change (one pass over the edges)
    trimmed = pc.utf8_trim_whitespace(values)
    empty: Any = loose.equal(trimmed, "")
    return pc.if_else(empty, pa.scalar(None, trimmed.type), trimmed)


def present(values: Array) -> np.ndarray:
    """True where a value is given."""
    return _mask(pc.is_valid(values))


def _cast(values: Array, kind: pa.DataType) -> Array | None:
    """The fast path: a cast that succeeds when every value is well formed."""
    try:
        return pc.cast(values, kind)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _failed(values: Array, result: Array) -> np.ndarray:
    """Values given whose result is null; no per-row work when none failed."""
    failed: np.ndarray = np.zeros(len(values), dtype=bool)
    if result.null_count != values.null_count:
        failed = present(values) & ~_mask(pc.is_valid(result))
    return failed


def integers(values: Array, low: int, high: int) -> tuple[Array, np.ndarray]:
    """Whole numbers (``12``, ``12.0``) within ``[low, high]`` as int64."""
    number = _cast(values, pa.int64())
    if number is None or len(rows_holding(values, _HEX)):  # the cast reads 0x1A
        ok = pc.match_substring_regex(values, _INTEGER)
        digits = pc.replace_substring_regex(values, r"^\+|\.0*$", "")  # Arrow refuses "+1"
        number = pc.cast(pc.if_else(ok, digits, pa.scalar(None, values.type)), pa.int64())
    extremes = loose.min_max(number)
    low_found, high_found = extremes["min"].as_py(), extremes["max"].as_py()
    if low_found is not None and (low_found < low or high_found > high):
        inside = loose.and_(loose.greater_equal(number, low), loose.less_equal(number, high))
        number = loose.if_else(loose.fill_null(inside, False), number, pa.scalar(None, pa.int64()))
    return number, _failed(values, number)


def floats(values: Array) -> tuple[Array, np.ndarray]:
    """Decimal numbers as float64."""
    number = _cast(values, pa.float64())
    if number is None:
        ok = pc.match_substring_regex(values, _FLOAT)
        number = loose.cast(pc.if_else(ok, values, pa.scalar(None, values.type)), pa.float64())
    finite = pc.is_finite(number)  # the cast reads "nan" and "inf"; data never means them
    if loose.sum(loose.cast(finite, pa.int64())).as_py() != len(number) - number.null_count:
        number = loose.if_else(
            loose.fill_null(finite, False), number, pa.scalar(None, pa.float64())
        )
    return number, _failed(values, number)


def dates(values: Array) -> tuple[Array, np.ndarray]:
    """Dates in any of :data:`DATE_FORMATS`; impossible days (31/02) are bad, not shifted."""
    iso = _cast(values, pa.date32())  # strict: rejects 2020-02-31 rather than shifting it
    if iso is not None:
        return iso, np.zeros(len(values), dtype=bool)
    if _mask(pc.match_substring_regex(values, _MIDNIGHT)).any():
        values = pc.replace_substring_regex(values, _MIDNIGHT, "")
    result = pa.nulls(len(values), pa.date32())
    for fmt, pattern in DATE_FORMATS:
        matches = pc.match_substring_regex(values, pattern)
        todo = loose.fill_null(loose.and_(loose.is_null(result), matches), False)
        if not _mask(todo).any():
            continue
        parsed = pc.strptime(values, format=fmt, unit="s", error_is_null=True)
        day_text = pc.replace_substring_regex(values, pattern, r"\1")
        day = pc.cast(pc.if_else(todo, day_text, pa.scalar(None, values.type)), pa.int64())
        exact = pc.equal(pc.day(parsed), day)  # strptime turns 31/02 into 02/03
        take = loose.fill_null(loose.and_kleene(todo, exact), False)
        result = pc.if_else(take, pc.cast(parsed, pa.date32()), result)
    return result, _failed(values, result)


def lookup(
    values: Array, mapping: Mapping[str, Any], value_type: pa.DataType
) -> tuple[Array, np.ndarray]:
    """Map each text value through ``mapping``; values not in it are bad."""
    keys = pa.array(list(mapping), TEXT)
    targets = pa.array(list(mapping.values()), value_type)
    position = pc.index_in(pc.cast(values, TEXT), value_set=keys)
    return loose.take(targets, position), _failed(values, position)


def categories(values: Array, allowed: Sequence[str]) -> tuple[Array, np.ndarray]:
    """Values of a closed vocabulary as a dictionary over ``allowed``; values not in it are bad.

    Examples
    --------
    >>> import pyarrow as pa
    >>> codes, bad = categories(pa.array(["b", None, "c"]), ["a", "b"])
    >>> codes.to_pylist(), codes.type.value_type, bad.tolist()
    (['b', None, None], DataType(large_string), [False, False, True])
    """
    keys, position = _positions(values, allowed)
    if isinstance(position, pa.ChunkedArray):
        position = position.combine_chunks()
    return pa.DictionaryArray.from_arrays(position, keys), _failed(values, position)


def members(values: Array, allowed: Iterable[str]) -> np.ndarray:
    """Bad mask: values given but not in ``allowed``."""
    return _failed(values, _positions(values, allowed)[1])


def _positions(values: Array, allowed: Iterable[str]) -> tuple[Array, Any]:
    """``allowed`` as text, and each value's position in it (null when not in it)."""
    keys = pa.array(list(allowed), TEXT)
    return keys, pc.index_in(pc.cast(values, TEXT), value_set=keys)
