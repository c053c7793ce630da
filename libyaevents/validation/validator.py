"""Validate a table or a whole dataset and report every failure as data.

:func:`validate` runs, for each table: conversion to the canonical dtypes
(:func:`libyaevents.schema.coerce.conform`), the pandera schema's column checks
(presence, dtype, nullability, uniqueness, vocabularies, ranges, formats), the
table's row rules, and for a dataset the cross-table references. All checks
are vectorised. Failures come back as one compact table, never as pandera's
error text.

Examples
--------
>>> import libyaevents
>>> from libyaevents.synthetic import synthetic_dataset
>>> data = synthetic_dataset(200, seed=1)
>>> libyaevents.validate(data, today="2026-01-01").ok
True
>>> events = data["events"].copy()
>>> events.loc[5, "fatalities"] = -3
>>> report = libyaevents.validate(events, "events", today="2026-01-01")
>>> report.ok
False
>>> report.failures[["table", "row", "column", "code", "value"]].to_dict("records")
[{'table': 'events', 'row': 5, 'column': 'fatalities', 'code': 'out-of-range', 'value': '-3'}]
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from libyaevents.arguments import choice, day, unique_columns
from libyaevents.dataset import Locating, tables_of
from libyaevents.errors import InputError, ValidationError
from libyaevents.problems import PROBLEM_CODES, PROBLEM_COLUMNS, concat_problems, problem_table
from libyaevents.schema.coerce import conform
from libyaevents.schema.models import get_table, pandera_schema
from libyaevents.schema.spec import COLUMN_RULES, Rule, RuleContext, TableSpec
from libyaevents.schema.tables import EVENTS, TABLES, isin

__all__ = [
    "CROSS_TABLE_RULES",
    "FAILURE_COLUMNS",
    "RULE_CODES",
    "ValidationReport",
    "finish_failures",
    "guess_table",
    "validate",
]

#: Columns of :attr:`ValidationReport.failures`, in order: the shared problem shape.
FAILURE_COLUMNS: Final = PROBLEM_COLUMNS

#: Codes of the rules that compare tables, with their meaning.
CROSS_TABLE_RULES: Final = {
    c.code: c.meaning for c in PROBLEM_CODES.values() if c.reported_by == "validate"
}


def _all_rule_codes() -> dict[str, str]:
    codes = dict(COLUMN_RULES)
    for spec in TABLES.values():
        for rule in spec.rules:
            codes.setdefault(rule.code, rule.message)
    codes.update(CROSS_TABLE_RULES)
    return codes


#: Every rule code a report can contain -> its meaning.
RULE_CODES: Final = _all_rule_codes()

#: pandera's ``SchemaErrorReason`` names -> rule codes (by name: pandera is imported
#: only when a frame is validated).
_REASON_RULE: Final = {
    "COLUMN_NOT_IN_DATAFRAME": "column-missing",
    "COLUMN_NOT_IN_SCHEMA": "column-unknown",
    "SERIES_CONTAINS_NULLS": "value-missing",
    "SERIES_CONTAINS_DUPLICATES": "duplicate",
    "WRONG_DATATYPE": "type",
}

#: The row position of a failure about a whole column.
_NO_ROW: Final = np.array([-1], dtype="int64")

_EVENT_ACTOR_COLUMNS: Final = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")


@dataclass(frozen=True)
class _Chunk:
    """Failures of one rule on one column: positions plus what to show."""

    rule: str
    column: str | None
    rows: np.ndarray
    values: np.ndarray | None
    message: str | np.ndarray


@dataclass(frozen=True, kw_only=True)
class ValidationReport:
    """What :func:`validate` found.

    Attributes
    ----------
    failures : pandas.DataFrame
        One row per failure with columns ``table``, ``record_id`` (the row's id,
        when it has one), ``row`` (0-based position in the table; empty for
        column-level failures), ``column``, ``rule`` (a code from
        :data:`RULE_CODES`), ``value`` (the offending value as text),
        ``message`` and ``source`` (``file:line`` of the value when the rows
        were read from coded sources, see :meth:`libyaevents.Sources.validate`;
        empty otherwise).
    rows : mapping of str to int
        Rows checked per table.
    tables : mapping of str to DataFrame
        The tables checked, converted to the canonical dtypes (a value that
        did not convert is empty there and reported in ``failures``).
    meanings : mapping of str to str
        Meanings of codes defined outside :data:`RULE_CODES` and
        :data:`libyaevents.problems.PROBLEM_CODES` (the coding manual's
        conventions), for :meth:`summary`.
    """

    failures: pd.DataFrame
    rows: Mapping[str, int]
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    meanings: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return len(self.failures) == 0

    def counts(self) -> pd.DataFrame:
        """Failures per table, rule and column, most frequent first."""
        grouped = self.failures.groupby(["table", "code", "column"], dropna=False, observed=True)
        return grouped.size().rename("failures").sort_values(ascending=False).reset_index()

    def summary(self, limit: int = 10) -> str:
        """Return a readable summary: totals, counts by rule, the first failures.

        Parameters
        ----------
        limit : int
            How many individual failures to list.
        """
        checked = ", ".join(f"{n:,} {t}" for t, n in self.rows.items())
        if self.ok:
            return f"valid: {checked} checked, no failures"
        lines = [f"invalid: {len(self.failures):,} failures in {checked}", "by rule:"]
        for count in self.counts().itertuples(index=False):
            meaning = _meaning(str(count.code), self.meanings)
            named: Any = count.column
            column = "" if pd.isna(named) else f".{named}"
            lines.append(f"  {count.table}{column}  {count.code}  x{count.failures:,}  ({meaning})")
        lines.append(f"first {min(limit, len(self.failures))}:")
        for item in self.failures.head(limit).to_dict("records"):
            rec: dict[Any, Any] = item
            where = _where(rec)
            if not pd.isna(rec["source"]):
                at = rec["source"] if pd.isna(rec["line"]) else f"{rec['source']}:{rec['line']}"
                where = f"{where} ({at})"
            rid = "" if pd.isna(rec["record_id"]) else f" id {rec['record_id']}"
            found = "" if pd.isna(rec["value"]) else f"; found {rec['value']!r}"
            column = "" if pd.isna(rec["column"]) else f" {rec['column']}"
            lines.append(
                f"  {rec['table']} {where}{rid}{column}: [{rec['code']}] {rec['message']}{found}"
            )
        return "\n".join(lines)

    def with_sources(self, table: str, sources: Sequence[str] | np.ndarray) -> ValidationReport:
        """Fill ``source`` and ``line`` of ``table``'s row failures from ``sources[row]``.

        Parameters
        ----------
        table : str
            The table whose rows ``sources`` describes.
        sources : sequence of str
            One label per row of that table, in row order: a file name, or
            ``file:line`` (split into ``source`` and ``line``).
        """
        failures = self.failures.copy()
        rows = failures["row"]
        mine = (failures["table"] == table) & rows.notna()
        labels = pd.Series(np.asarray(sources, dtype=object)[rows[mine].to_numpy(dtype="int64")])
        parts = labels.str.rsplit(":", n=1, expand=True).reindex(columns=[0, 1])
        numbered = parts[1].str.fullmatch(r"[0-9]+").fillna(False).astype(bool)
        failures.loc[mine, "source"] = labels.where(~numbered, parts[0]).to_numpy()
        line: Any = pd.to_numeric(parts[1].where(numbered)).astype("Int64").to_numpy()
        failures.loc[mine.to_numpy(), "line"] = line
        return ValidationReport(
            failures=problem_table(failures), rows=self.rows, tables=self.tables
        )

    def allowing_absent(self, absent: Mapping[str, Sequence[str]]) -> ValidationReport:
        """The report without ``value-missing`` failures in columns a source does not carry.

        A release built from a source that has no such column (UCDP GED has
        no ``source_scale`` or ``timestamp``) declares them in its manifest
        (``x-absent-columns``); their empty values are then expected, while
        every other rule still applies to them.

        Parameters
        ----------
        absent : mapping of table name to column names
        """
        failures = self.failures
        expected = np.zeros(len(failures), dtype=bool)
        for table, columns in absent.items():
            expected |= (
                (failures["table"] == table)
                & failures["column"].isin(list(columns))
                & (failures["code"] == "value-missing")
            ).to_numpy(dtype=bool)
        if not expected.any():
            return self
        kept = failures[~expected].reset_index(drop=True)
        return ValidationReport(failures=kept, rows=self.rows, tables=self.tables)

    def raise_if_invalid(self) -> None:
        """Raise :class:`~libyaevents.errors.ValidationError` when anything failed.

        Raises
        ------
        ValidationError
            Carrying the summary as its message and the failures table.
        """
        if not self.ok:
            raise ValidationError(self.summary(), self.failures)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-ready data (every failure listed)."""
        records = json.loads(self.failures.to_json(orient="records"))
        return {"ok": self.ok, "rows": dict(self.rows), "failures": records}


def _where(rec: Mapping[Any, Any]) -> str:
    """What a failure is about: a row, a record (compiled sources), a column or a file."""
    if not pd.isna(rec["row"]):
        return f"row {rec['row']}"
    if not pd.isna(rec["record_id"]):
        return "record"
    return "file" if pd.isna(rec["column"]) else "column"


def _meaning(code: str, meanings: Mapping[str, str]) -> str:
    known = PROBLEM_CODES.get(code)
    return meanings.get(code) or RULE_CODES.get(code) or (known.meaning if known else "")


def _rows_of(err: Any) -> np.ndarray:
    """Positions a pandera column error points at (the frame has a RangeIndex)."""
    output = err.check_output
    if isinstance(output, pd.Series) and output.dtype == bool:
        # pandera drops empty values before column checks: use labels, not positions.
        return output.index[~output.to_numpy()].to_numpy(dtype="int64")
    cases = err.failure_cases
    if isinstance(cases, pd.DataFrame) and "index" in cases.columns:
        return np.unique(cases["index"].dropna().to_numpy(dtype="int64"))
    return np.array([], dtype="int64")


def _pandera_chunks(frame: pd.DataFrame, spec: TableSpec, today: pd.Timestamp) -> list[_Chunk]:
    from pandera.errors import SchemaErrors  # noqa: PLC0415 - with the schema, on first use

    try:
        pandera_schema(spec, today=today, table_checks=False).validate(frame, lazy=True)
    except SchemaErrors as exc:
        return [_chunk_of(err, frame) for err in exc.schema_errors]
    return []


def _chunk_of(err: Any, frame: pd.DataFrame) -> _Chunk:
    rule = _REASON_RULE.get(getattr(err.reason_code, "name", "")) or err.check.name
    if rule in ("column-missing", "column-unknown"):
        column = str(err.failure_cases)
        return _Chunk(rule, column, _NO_ROW, np.array([None]), COLUMN_RULES[rule])
    column = err.column_name
    if rule == "type":
        found = np.array([str(frame[column].dtype)], dtype=object)
        return _Chunk(rule, column, _NO_ROW, found, str(err.check))
    rows = _rows_of(err)
    message = getattr(err.check, "error", None) or COLUMN_RULES[rule]
    return _Chunk(rule, column, rows, None, f"{column} {message}")


def _context_message(frame: pd.DataFrame, rule: Rule, rows: np.ndarray) -> np.ndarray:
    message = pd.Series(rule.message, index=range(len(rows)), dtype="str")
    if not rule.context:
        return message.to_numpy(dtype=object)
    parts = [
        f"{col}=" + frame[col].iloc[rows].astype("str").fillna("<empty>").reset_index(drop=True)
        for col in rule.context
    ]
    joined = functools.reduce(lambda a, b: a + ", " + b, parts)
    return (message + " (found " + joined + ")").to_numpy(dtype=object)


def _rule_chunks(
    frame: pd.DataFrame, spec: TableSpec, ctx: RuleContext, broken: set[str]
) -> list[_Chunk]:
    chunks = []
    for rule in spec.rules:
        if broken.intersection(rule.columns) or not set(rule.columns).issubset(frame.columns):
            continue
        rows = np.flatnonzero(rule.fn(frame, ctx).to_numpy(dtype=bool))
        if len(rows):
            chunks.append(
                _Chunk(rule.code, rule.column, rows, None, _context_message(frame, rule, rows))
            )
    return chunks


def _values_at(frame: pd.DataFrame, column: str | None, rows: np.ndarray) -> np.ndarray:
    if column is None or column not in frame:
        return np.full(len(rows), None, dtype=object)
    return _as_text(frame[column].iloc[rows])


def _as_text(series: pd.Series) -> np.ndarray:
    """Values as Python strings in an object array, empty as None."""
    out: np.ndarray = np.array(series.astype("str").astype(object), dtype=object)
    out[series.isna().to_numpy()] = None
    return out


def _frame_of(chunks: Iterable[_Chunk], table: str, frame: pd.DataFrame, key: str) -> pd.DataFrame:
    parts = [
        pd.DataFrame(
            {
                "row": c.rows,
                "column": c.column,
                "code": c.rule,
                "value": _values_at(frame, c.column, c.rows) if c.values is None else c.values,
                "message": c.message,
            }
        )
        for c in chunks
    ]
    if not parts:
        return _empty_failures()
    out = pd.concat(parts, ignore_index=True)
    positions = out["row"].to_numpy(dtype="int64")
    has_row = positions >= 0
    ids = np.full(len(out), None, dtype=object)
    if key in frame and has_row.any():
        ids[has_row] = _as_text(frame[key].iloc[positions[has_row]])
    out["row"] = pd.Series(positions, dtype="Int64").where(has_row)
    return out.assign(table=table, record_id=ids)


def _empty_failures() -> pd.DataFrame:
    return problem_table({})


def _finish(failures: pd.DataFrame) -> pd.DataFrame:
    """The shared problem shape (every failure an error), by table, row, column and code."""
    out = problem_table(failures, severity="error")
    order = pd.Categorical(out["table"], categories=list(TABLES), ordered=True)
    out = out.assign(_t=order).sort_values(
        ["_t", "row", "column", "code"], na_position="first", kind="stable"
    )
    return out.drop(columns="_t").reset_index(drop=True)


def finish_failures(failures: pd.DataFrame | None, table: str) -> pd.DataFrame:
    """Give failures gathered elsewhere (e.g. from partitions) the report's shape and order."""
    if failures is None:
        return _finish(_empty_failures())
    return _finish(failures.assign(table=table))


def _conform_chunks(problems: pd.DataFrame) -> list[_Chunk]:
    return [
        _Chunk(
            str(rule),
            str(column),
            group["row"].to_numpy(dtype="int64"),
            group["value"].to_numpy(dtype=object),
            group["message"].to_numpy(dtype=object),
        )
        for (rule, column), group in problems.groupby(["code", "column"], sort=False)
    ]


def _drop_repeats(chunks: list[_Chunk], converted: pd.DataFrame) -> list[_Chunk]:
    """A value that failed conversion is empty now: do not report it again as missing."""
    if converted.empty:
        return chunks
    kept = []
    for chunk in chunks:
        if chunk.rule != "value-missing":
            kept.append(chunk)
            continue
        emptied = converted.loc[converted["column"] == chunk.column, "row"].to_numpy("int64")
        keep = ~np.isin(chunk.rows, emptied)
        if keep.any():
            kept.append(_Chunk(chunk.rule, chunk.column, chunk.rows[keep], None, chunk.message))
    return kept


def _validate_table(
    frame: pd.DataFrame, spec: TableSpec, ctx: RuleContext
) -> tuple[pd.DataFrame, pd.DataFrame]:
    typed, converted = conform(frame, spec)
    chunks = _pandera_chunks(typed, spec, ctx.today)
    broken = {c.column for c in chunks if c.rule == "type" and c.column}
    chunks = _drop_repeats(chunks, converted) + _rule_chunks(typed, spec, ctx, broken)
    chunks = _conform_chunks(converted) + chunks
    return typed, _frame_of(chunks, spec.name, typed, spec.primary_key)


def _unresolved(
    frame: pd.DataFrame, column: str, known: pd.Series, *, is_list: bool
) -> tuple[np.ndarray, np.ndarray]:
    values = frame[column].dropna()
    if is_list:
        values = values.str.split("; ").explode()
    values = values[~isin(values, known.dropna())]
    return values.index.to_numpy(dtype="int64"), values.astype("str").to_numpy(dtype=object)


def _cross_table(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    found = []
    events, actors, measures = (tables.get(n) for n in ("events", "actors", "measures"))
    refs: list[tuple[str, pd.DataFrame | None, str, pd.DataFrame | None, str, str]] = [
        *[
            ("events", events, col, actors, "name", "actor-unresolved")
            for col in _EVENT_ACTOR_COLUMNS
        ],
        ("measures", measures, "imposing_actor_id", actors, "actor_id", "actor-unresolved"),
        ("measures", measures, "target_actor_id", actors, "actor_id", "actor-unresolved"),
        ("measures", measures, "event_id_cnty", events, "event_id_cnty", "event-unresolved"),
    ]
    for table, frame, column, target, key, rule in refs:
        target_name = "events" if key == EVENTS.primary_key else "actors"
        if frame is None or target is None or column not in frame or key not in target:
            continue
        is_list = TABLES[table].field(column).is_list
        rows, values = _unresolved(frame, column, target[key], is_list=is_list)
        if not len(rows):
            continue
        message = f"{column} must match a {key} in the {target_name} table"
        chunk = _Chunk(rule, column, rows, values, message)
        found.append(_frame_of([chunk], table, frame, TABLES[table].primary_key))
    return pd.concat(found, ignore_index=True) if found else _empty_failures()


def _as_tables(data: Any, table: str | None) -> dict[str, pd.DataFrame]:
    if table is not None:
        choice(table, "table", TABLES)
    if isinstance(data, pd.DataFrame):
        unique_columns(data.columns, "the frame")
        return {get_table(table or guess_table(data)).name: data}
    tables = tables_of(data, what="data")
    if table is not None:
        name = get_table(table).name
        if name not in tables:
            msg = f"table={table!r}: the dataset has no such table (it has {list(tables)})."
            raise InputError(msg)
        tables = {name: tables[name]}
    for name, frame in tables.items():
        unique_columns(frame.columns, f"the {name} table")
    return tables


def guess_table(frame: pd.DataFrame) -> str:
    """Tell which table a frame is from its id column.

    Raises
    ------
    InputError
        When no table's id column is present.
    """
    for spec in TABLES.values():
        if spec.primary_key in frame.columns:
            if spec.name == "events" and "measure_id" in frame.columns:
                continue
            return spec.name
    msg = (
        "Cannot tell which table this frame is: expected an id column "
        f"({', '.join(s.primary_key for s in TABLES.values())}); pass table=..."
    )
    raise InputError(msg)


def validate(
    data: pd.DataFrame | Mapping[str, pd.DataFrame] | Any,
    table: str | None = None,
    *,
    today: pd.Timestamp | str | None = None,
) -> ValidationReport:
    """Validate one table or a whole dataset against the canonical schema.

    Parameters
    ----------
    data : DataFrame or dataset
        One table, or a dataset (:mod:`libyaevents.dataset`: a release, a
        reader's result, coded sources, or a mapping of table name to frame).
        With several tables, references across them are checked too. A
        dataset that knows where its rows came from (a reader's result, coded
        sources) fills each failure's ``source`` and ``line``.
    table : str, optional
        ``events``, ``actors`` or ``measures``: which table a single frame is
        (guessed from its id column when omitted), or which one to check in a
        dataset.
    today : Timestamp or str, optional
        Dates after this day are "in the future"; defaults to today. Pass a
        fixed date for reproducible reports.

    Returns
    -------
    ValidationReport
        ``.ok`` and ``.failures``; ``.raise_if_invalid()`` raises
        :class:`~libyaevents.errors.ValidationError` with a summary;
        ``.tables`` holds the typed frames it checked (callers need not
        convert again).

    Raises
    ------
    InputError
        When ``data`` is not a frame or a set of the known tables, or a table
        has a column name more than once.
    """
    tables = _as_tables(data, table)
    ctx = RuleContext.on(None if today is None else day(today, "today"))
    typed: dict[str, pd.DataFrame] = {}
    found = []
    for name, frame in tables.items():
        typed[name], failures = _validate_table(frame, TABLES[name], ctx)
        found.append(failures)
    if len(typed) > 1:
        found.append(_cross_table(typed))
    failures = _finish(concat_problems(found))
    if len(failures) and isinstance(data, Locating):
        failures = problem_table(data.locate(failures))
    return ValidationReport(
        failures=failures, rows={n: len(f) for n, f in tables.items()}, tables=typed
    )
