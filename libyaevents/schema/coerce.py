"""Bring a frame's columns to the canonical dtypes, reporting every value that won't go.

Validation runs on typed frames; frames read from CSV, or built by hand, arrive
with strings, objects and floats. :func:`conform` converts each known column to
its canonical dtype. A value that cannot be converted becomes empty and is
reported (rule ``type``, or ``not-in-vocabulary`` for closed vocabularies), so no
row is lost and no bad value passes silently.

Examples
--------
>>> import pandas as pd
>>> from libyaevents.schema.coerce import conform
>>> frame = pd.DataFrame({"actor_id": ["a"], "first_seen": ["2020-13-01"]})
>>> typed, problems = conform(frame, "actors")
>>> typed["first_seen"].dtype
dtype('<M8[ms]')
>>> problems[["row", "column", "code", "value"]].to_dict("records")
[{'row': 0, 'column': 'first_seen', 'code': 'type', 'value': '2020-13-01'}]
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from libyaevents.schema.models import get_table, pandas_dtype
from libyaevents.schema.spec import Field, TableSpec

__all__ = ["PROBLEM_COLUMNS", "conform"]

#: Columns of the problems frame :func:`conform` returns.
PROBLEM_COLUMNS: Final = ("row", "column", "code", "value", "message")


def _same_dtype(series: pd.Series, dtype: object) -> bool:
    if isinstance(dtype, pd.CategoricalDtype):
        return isinstance(series.dtype, pd.CategoricalDtype) and series.dtype == dtype
    return bool(series.dtype == dtype)


def _to_category(series: pd.Series, dtype: pd.CategoricalDtype) -> pd.Series:
    values = series.astype("str")
    # Unknown values become empty here (and are reported by _problems); pandas
    # deprecates doing this implicitly in astype.
    return values.where(values.isin(dtype.categories)).astype(dtype)


def _to_number(series: pd.Series, field: Field) -> pd.Series:
    if pd.api.types.is_bool_dtype(series.dtype):
        series = series.astype("object")
    numbers = pd.to_numeric(series, errors="coerce")
    if field.kind == "float64":
        return numbers.astype("float64")
    as_float = numbers.astype("float64")
    bounds = np.iinfo(field.kind)  # a value beyond the column's type does not convert
    fits = (as_float >= bounds.min) & (as_float <= bounds.max)
    integral = as_float.where(np.isfinite(as_float) & (as_float == np.round(as_float)) & fits)
    # Nullable first, so that values that failed can stay empty; see _narrow.
    nullable = Field(field.name, field.kind, field.description, nullable=True)
    return integral.astype(pandas_dtype(nullable))


def _to_date(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_dtype(series.dtype):
        return series.astype("datetime64[ms]")
    text = series.astype("str")
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed.astype("datetime64[ms]")


def _convert(series: pd.Series, field: Field) -> pd.Series:
    dtype = pandas_dtype(field)
    if field.kind == "string":
        return series.astype(dtype)
    if field.kind == "category":
        return _to_category(series, dtype)
    if field.kind == "date":
        return _to_date(series)
    return _to_number(series, field)


def _problems(before: pd.Series, after: pd.Series, field: Field) -> pd.DataFrame:
    lost = (before.notna() & after.isna()).to_numpy()
    rows = np.flatnonzero(lost)
    if field.kind == "category":
        rule, message = "not-in-vocabulary", f"{field.name} must be one of its vocabulary"
    else:
        rule, message = "type", f"{field.name} must be a valid {field.kind}"
        if field.kind.startswith("int"):
            message = f"{field.name} must be a whole number within {field.kind}"
    return pd.DataFrame(
        {
            "row": rows,
            "column": field.name,
            "code": rule,
            "value": before.iloc[rows].astype("str").to_numpy(),
            "message": message,
        }
    )


def conform(frame: pd.DataFrame, table: str | TableSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Convert the table's columns to canonical dtypes.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any frame; columns the table does not define are left as they are.
    table : str or TableSpec
        ``events``, ``actors`` or ``measures``.

    Returns
    -------
    typed : pandas.DataFrame
        The frame with a fresh ``RangeIndex`` and canonical dtypes; values that
        could not be converted are empty. A non-nullable integer column holding
        such a value stays a nullable integer column.
    problems : pandas.DataFrame
        One row per value that could not be converted: ``row`` (0-based
        position), ``column``, ``rule``, ``value``, ``message``.
    """
    spec = get_table(table)
    typed = frame.reset_index(drop=True)
    found: list[pd.DataFrame] = []
    for field in spec.fields:
        if field.name not in typed.columns:
            continue
        before = typed[field.name]
        if _same_dtype(before, pandas_dtype(field)):
            continue
        after = _convert(before, field)
        found.append(_problems(before, after, field))
        typed[field.name] = _narrow(after, field)
    problems = [p for p in found if len(p)]
    if not problems:
        return typed, pd.DataFrame({c: pd.Series([], dtype="object") for c in PROBLEM_COLUMNS})
    return typed, pd.concat(problems, ignore_index=True)


def _narrow(series: pd.Series, field: Field) -> pd.Series:
    """Use the canonical (non-nullable) dtype when the column ended up with no nulls."""
    if series.isna().any():
        return series
    return series.astype(pandas_dtype(field))
