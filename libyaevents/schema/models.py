"""pandera and Arrow schemas generated from the table specs.

One field declaration (:mod:`libyaevents.schema.tables`) gives the pandas dtype, the
pandera column with its checks, and the Arrow type used in Parquet releases.

Examples
--------
>>> from libyaevents.schema import models
>>> models.pandas_dtype(models.EVENTS.field("event_date"))
dtype('<M8[ms]')
>>> str(models.arrow_schema(models.EVENTS).field("inter1").type)
'int8'
>>> frame = models.empty_frame("actors")
>>> list(frame.columns[:2]), len(frame)
(['actor_id', 'name'], 0)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
import pyarrow

from libyaevents.errors import InputError
from libyaevents.schema.spec import Field, Rule, RuleContext, TableSpec
from libyaevents.schema.tables import ACTORS, EVENTS, MEASURES, TABLES
from libyaevents.textscan import blank_or_padded, byte_table, rows_holding

if TYPE_CHECKING:
    import pandera.pandas as pa

__all__ = [
    "ACTORS",
    "DATE_UNIT",
    "EVENTS",
    "LIST_FORMAT_PATTERN",
    "MEASURES",
    "TABLES",
    "arrow_schema",
    "arrow_type",
    "column_checks",
    "empty_frame",
    "get_table",
    "pandas_dtype",
    "pandas_dtypes",
    "pandera_schema",
]

#: Dates are naive ``datetime64`` with this unit, the unit Arrow's date32 maps to.
DATE_UNIT: Final = "ms"

# Patterns avoid \s, $ and look-around: pandas runs such patterns in Python's
# re, row by row (~50x slower); these run vectorised in pyarrow's RE2.
_WS: Final = r"[ \t\r\n]"

#: A '; '-joined list is malformed when an item is empty or padded, or the
#: separator is not exactly '; '.
LIST_FORMAT_PATTERN: Final = rf"^{_WS}|{_WS}\Z|;[^ ]|;\Z|; ;|; {_WS}|{_WS};"

#: Characters a value must not hold: C0 controls but tab and line breaks, DEL,
#: zero-width and direction marks, bidi embeddings/overrides/isolates, word
#: joiners and the BOM. Names with them display like other names.
HIDDEN_PATTERN: Final = (
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)

_BLANK_PATTERN: Final = rf"^{_WS}|{_WS}\Z|^\Z"  # what blank_or_padded answers, from the bytes

#: Bytes that begin a character HIDDEN_PATTERN may match: the C0 controls it lists,
#: DEL, and the UTF-8 lead bytes of U+2000-U+2FFF and U+F000-U+FFFF.
_HIDDEN_BYTES: Final = byte_table(
    bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xE2, 0xEF])
)

_NUMPY_INTS: Final = {"int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64"}
_NULLABLE_INTS: Final = {"int8": "Int8", "int16": "Int16", "int32": "Int32", "int64": "Int64"}


def get_table(table: str | TableSpec) -> TableSpec:
    """Return the spec of a table given by name.

    Raises
    ------
    InputError
        When the name is not one of ``events``, ``actors``, ``measures``.
    """
    if isinstance(table, TableSpec):
        return table
    try:
        return TABLES[table]
    except KeyError:
        msg = f"Unknown table {table!r}: expected one of {', '.join(TABLES)}."
        raise InputError(msg) from None


@lru_cache(maxsize=512)
def pandas_dtype(field: Field) -> Any:
    """Return the pandas dtype a field is stored with.

    Strings use pandas' default ``str`` dtype, closed vocabularies a categorical
    with pinned categories, integers numpy ints (nullable ``Int`` when the field
    is nullable), dates ``datetime64[ms]``. Remembered per field (dtypes are
    immutable; building a categorical's cost 0.5 ms, for every part of a file).
    """
    if field.kind == "string":
        return pd.StringDtype(na_value=np.nan)
    if field.kind == "category":
        return pd.CategoricalDtype(list(field.categories or ()), ordered=False)
    if field.kind == "date":
        return np.dtype(f"datetime64[{DATE_UNIT}]")
    if field.kind == "float64":
        return np.dtype("float64")
    ints = _NULLABLE_INTS if field.nullable else _NUMPY_INTS
    return pd.api.types.pandas_dtype(ints[field.kind])


@lru_cache(maxsize=8)
def _dtypes(name: str) -> dict[str, Any]:
    return {f.name: pandas_dtype(f) for f in TABLES[name].fields}


def pandas_dtypes(table: str | TableSpec) -> dict[str, Any]:
    """Return ``column -> pandas dtype`` for every field of a table (a fresh dict).

    Examples
    --------
    >>> pandas_dtypes("actors")["inter_code"]
    dtype('int8')
    """
    return dict(_dtypes(get_table(table).name))


def arrow_type(field: Field) -> pyarrow.DataType:
    """Return the Arrow type a field is written to Parquet with."""
    if field.kind == "string":
        # large_string is what pandas' str dtype holds: conversion is zero-copy.
        return pyarrow.large_string()
    if field.kind == "category":
        index = pyarrow.int8() if len(field.categories or ()) < 128 else pyarrow.int16()
        return pyarrow.dictionary(index, pyarrow.large_string())
    if field.kind == "date":
        return pyarrow.date32()
    return pyarrow.type_for_alias(field.kind)


def arrow_schema(table: str | TableSpec) -> pyarrow.Schema:
    """Return the Arrow schema of a table (all fields, optional ones included)."""
    spec = get_table(table)
    return pyarrow.schema(
        [pyarrow.field(f.name, arrow_type(f), nullable=f.nullable) for f in spec.fields]
    )


def empty_frame(table: str | TableSpec) -> pd.DataFrame:
    """Return an empty frame with the table's required columns and dtypes."""
    spec = get_table(table)
    return pd.DataFrame(
        {f.name: pd.Series([], dtype=pandas_dtype(f)) for f in spec.fields if f.required}
    )


# pandera is imported where a schema is built, not with the package: it is over a
# third of `import libyaevents` (0.37 of 1.07 s, measured), which loading a release,
# reading an export or building a panel does not need.


def _vector_check(code: str, message: str, ok: Callable[[pd.Series], pd.Series]) -> pa.Check:
    import pandera.pandas as pa  # noqa: PLC0415 - imported on first use (see above)

    return pa.Check(ok, name=code, error=message)


def _regex_check(code: str, message: str, pattern: str, *, must_match: bool) -> pa.Check:
    """A text check: values must (or must not) contain a match of ``pattern``."""

    def ok(s: pd.Series) -> pd.Series:
        found = s.str.contains(pattern, regex=True)
        return found if must_match else ~found

    return _vector_check(code, message, ok)


def _not_blank(s: pd.Series) -> pd.Series:
    """Not empty and not padded: from each value's first and last byte (no regex)."""
    return pd.Series(~blank_or_padded(s), index=s.index)


def _no_hidden(s: pd.Series) -> pd.Series:
    """No hidden character: the regex runs only on values holding a byte that may start one."""
    ok = np.ones(len(s), dtype=bool)
    rows = rows_holding(s, _HIDDEN_BYTES)
    if len(rows):
        found = s.iloc[rows].str.contains(HIDDEN_PATTERN, regex=True)
        ok[rows] = ~found.fillna(False).to_numpy(dtype=bool)
    return pd.Series(ok, index=s.index)


def column_checks(field: Field) -> list[pa.Check]:
    """Return the pandera checks a field declares, each named by its rule code."""
    import pandera.pandas as pa  # noqa: PLC0415 - imported on first use

    checks: list[pa.Check] = []
    if field.kind == "date":
        # pandera compares datetimes without their unit: pin it with a check.
        unit = np.dtype(f"datetime64[{DATE_UNIT}]")
        checks.append(pa.Check(lambda s: s.dtype == unit, name="type", error=f"must be {unit}"))
    if field.kind == "string":
        checks.append(
            _vector_check(
                "blank-string", "text must not be empty or padded with spaces", _not_blank
            )
        )
        checks.append(
            _vector_check(
                "hidden-character",
                "text must not hold invisible or direction-changing characters",
                _no_hidden,
            )
        )
    if field.pattern is not None:
        checks.append(
            _regex_check("pattern", f"must match {field.pattern}", field.pattern, must_match=True)
        )
    if field.is_list:
        checks.append(
            _regex_check(
                "list-format",
                "items must be non-empty and joined by '; '",
                LIST_FORMAT_PATTERN,
                must_match=False,
            )
        )
    if field.values is not None:
        values = list(field.values)
        checks.append(
            _vector_check("not-in-vocabulary", f"must be one of {values}", lambda s: s.isin(values))
        )
    if field.minimum is not None or field.maximum is not None:
        low = -np.inf if field.minimum is None else field.minimum
        high = np.inf if field.maximum is None else field.maximum
        bounds = [f">= {low:g}"] * (field.minimum is not None) + [f"<= {high:g}"] * (
            field.maximum is not None
        )
        checks.append(
            _vector_check(
                "out-of-range", "must be " + " and ".join(bounds), lambda s: s.between(low, high)
            )
        )
    return checks


def _table_check(rule: Rule, ctx: RuleContext) -> pa.Check:
    import pandera.pandas as pa  # noqa: PLC0415 - imported on first use

    def ok(df: pd.DataFrame) -> pd.Series:
        if not set(rule.columns).issubset(df.columns):
            return pd.Series(True, index=df.index)
        return ~rule.fn(df, ctx)

    return pa.Check(ok, name=rule.code, error=rule.message, ignore_na=False)


def pandera_schema(
    table: str | TableSpec,
    *,
    today: pd.Timestamp | str | None = None,
    table_checks: bool = True,
) -> pa.DataFrameSchema:
    """Return the pandera schema of a table.

    Parameters
    ----------
    table : str or TableSpec
        ``events``, ``actors`` or ``measures``.
    today : Timestamp or str, optional
        The date after which dates count as in the future; defaults to today.
    table_checks : bool
        Include the row rules that read several columns (dataframe-level checks).

    Returns
    -------
    pandera.pandas.DataFrameSchema
        A strict schema: unknown columns fail, dtypes are exact, checks are named
        by their rule codes.

    Examples
    --------
    >>> s = pandera_schema("measures", today="2020-12-31")
    >>> s.columns["status"].dtype
    DataType(category)
    >>> [c.name for c in s.checks][:2]
    ['date-order', 'date-future']
    """
    return _pandera_schema(get_table(table).name, RuleContext.on(today), table_checks)


@lru_cache(maxsize=32)
def _pandera_schema(name: str, ctx: RuleContext, table_checks: bool) -> pa.DataFrameSchema:
    import pandera.pandas as pa  # noqa: PLC0415 - imported on first use

    spec = TABLES[name]
    columns = {
        f.name: pa.Column(
            pandas_dtype(f),
            checks=column_checks(f),
            nullable=f.nullable,
            unique=f.unique,
            required=f.required,
            description=f.description,
        )
        for f in spec.fields
    }
    checks = [_table_check(rule, ctx) for rule in spec.rules] if table_checks else []
    return pa.DataFrameSchema(
        columns, checks=checks, strict=True, name=spec.name, description=spec.title
    )
