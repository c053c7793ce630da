"""Machinery the loaders share: typed columns with rejects, the row account, the frame.

A loader puts the input's text columns in a :class:`Columns`, converts them
into canonical columns (recording each value that cannot be represented as a
*reject*, each row returned with a caveat as a *caveat*), then :func:`finish`
types the rows without rejects and accounts for the rest: problems and notes
with the line each row starts on, its id, column, value and reason. A file
read in parts (:func:`read_in_parts`) is converted part by part, and
:func:`joined` makes the parts one events frame for the
:class:`~libyaevents.readers.account.Loaded` result.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import IO, Any, Final, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from libyaevents import arguments
from libyaevents.compute import loose
from libyaevents.problems import concat_problems, problem_table
from libyaevents.readers import conversions as convert
from libyaevents.readers.account import Loaded
from libyaevents.readers.csvtext import (
    CsvText,
    Progress,
    Source,
    Unstreamable,
    first_record,
    read_csv_parts,
    read_csv_text,
)
from libyaevents.readers.registry import actors_from_counts, actors_from_events, mentions
from libyaevents.schema.models import arrow_type, pandas_dtype
from libyaevents.schema.spec import Field
from libyaevents.schema.tables import EVENTS
from libyaevents.vocab import countries, gazetteer

__all__ = [
    "INT_BOUNDS",
    "Columns",
    "Part",
    "counted",
    "country_codes",
    "current_districts",
    "district_names",
    "each_part",
    "finish",
    "frame_of",
    "joined",
    "loaded",
    "read_in_parts",
    "to_frame",
    "typed_arrow",
]

_T = TypeVar("_T")

#: Range of each integer kind, for conversions that must fit before narrowing.
INT_BOUNDS: Final = {
    "int8": (-(2**7), 2**7 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
}

_NULLABLE_INTS: Final = {getattr(pa, t)(): pd.api.types.pandas_dtype(t.title()) for t in INT_BOUNDS}


@dataclass(frozen=True)
class _Mask:
    """Rows of one column that a reader rejected or returned with a caveat."""

    column: str
    rows: np.ndarray
    code: str
    message: str
    #: a message per row (an Arrow text array over every row), instead of ``message``
    messages: Any = None


class Columns:
    """Text columns in, typed Arrow columns out, with every rejected value noted.

    Columns are held as read and trimmed of surrounding spaces (blank cells made
    empty) the first time :meth:`get` gives them out. Conversions that are exact
    (numbers, dates, vocabularies, actor types) first run on the column as read:
    a value with surrounding spaces never converts, so when every value does, no
    value needed trimming and the column's trim scan is skipped; when one does
    not, the conversion runs again on the trimmed column.
    """

    def __init__(self, text: dict[str, Any], rows: int) -> None:
        self.text = text
        self.rows = rows
        self.out: dict[str, Any] = {}
        self.rejects: list[_Mask] = []
        self.caveats: list[_Mask] = []
        self._trimmed: set[str] = set()

    def reject(self, column: str, mask: np.ndarray, code: str, message: str) -> None:
        """Keep the rows in ``mask`` out of the events, each reported (an error)."""
        if mask.any():
            self.rejects.append(_Mask(column, mask, code, message))

    def caveat(
        self, column: str, mask: np.ndarray, code: str, message: str, messages: Any = None
    ) -> None:
        """Return the rows in ``mask`` but list them (a note); ``messages``: one per row."""
        if mask.any():
            self.caveats.append(_Mask(column, mask, code, message, messages))

    def get(self, name: str) -> Any:
        """Trimmed text of a column, or all-null when the file does not have it."""
        if name not in self.text:
            return pa.nulls(self.rows, convert.TEXT)
        if name not in self._trimmed:
            self.put(name, convert.text(_as_text(self.text[name])))
        return self.text[name]

    def put(self, name: str, values: Any) -> None:
        """Replace a column's text with values already trimmed (derived from :meth:`get`)."""
        self.text[name] = values
        self._trimmed.add(name)

    def exact(self, name: str, conversion: Callable[[Any], tuple[Any, np.ndarray]]) -> Any:
        """``conversion(values)`` -> (converted, bad), on the column as read when that suffices."""
        if name in self.text and name not in self._trimmed:
            values = self.text[name]
            if pa.types.is_dictionary(values.type):  # each distinct value converted once
                result = _each_distinct(values, conversion, _CANONICAL.get(name))
            else:
                result = conversion(values)
            if not result[1].any():
                return result
        return conversion(self.get(name))

    def number(self, field: Field) -> None:
        """Convert a numeric field; values that are not numbers of its kind are rejected."""
        if field.kind == "float64":
            values, bad = self.exact(field.name, convert.floats)
            self.reject(field.name, bad, "not-a-number", "not a decimal number")
        else:
            low, high = INT_BOUNDS[field.kind]
            values, bad = self.exact(field.name, lambda v: convert.integers(v, low, high))
            self.reject(
                field.name, bad, "not-an-integer", f"not a whole number within {field.kind}"
            )
        self.out[field.name] = values

    def fields(self, fields: Sequence[Field]) -> None:
        """Numbers converted and text trimmed for these fields."""
        for field in fields:
            if field.kind in INT_BOUNDS or field.kind == "float64":
                self.number(field)
            else:
                self.out[field.name] = self.get(field.name)

    def vocabulary(self, name: str, allowed: Sequence[str], what: str) -> None:
        """Keep a closed-vocabulary column; values outside ``allowed`` are rejected.

        The values become a dictionary over ``allowed`` (what :func:`typed_arrow`
        would make of them again when ``allowed`` is the field's categories).
        """
        values, bad = self.exact(name, lambda v: convert.categories(v, allowed))
        self.reject(name, bad, "not-in-vocabulary", f"not {what}")
        self.out[name] = values

    def actor_type(self, name: str, labels: Any) -> None:
        """Numeric codes or text labels (any mix) as integers."""

        def codes(values: Any) -> tuple[Any, np.ndarray]:
            from_label, not_label = convert.lookup(values, labels, pa.int64())
            if not not_label.any():  # every value a label (or empty): no numbers to parse
                return from_label, not_label
            numbers, not_number = convert.integers(values, 0, 99)
            return pc.coalesce(numbers, from_label), not_number & not_label

        values, unknown = self.exact(name, codes)
        self.reject(name, unknown, "actor-type-unknown", "not an ACLED actor type code or label")
        self.out[name] = values


def _as_text(values: Any) -> Any:
    """A column as text: a dictionary decoded; a column typed at the parse cannot be.

    A number or date parsed at once (:func:`read_csv_parts`'s ``types``) has lost
    its text, so a value it holds that the conversion refuses (``nan``) cannot be
    reported as written: the file is read again with that column as text.
    """
    if pa.types.is_dictionary(values.type):
        return pc.cast(values, convert.TEXT)
    if values.type != convert.TEXT:
        msg = "a column typed at the parse needs its text: read it as text"
        raise Unstreamable(msg)
    return values


_FIELDS: Final = {field.name: field for field in EVENTS.fields}
#: Each events column's Arrow type (what :func:`typed_arrow` casts a converted column to).
_CANONICAL: Final = {field.name: arrow_type(field) for field in EVENTS.fields}


def _each_distinct(
    values: Any, conversion: Callable[[Any], tuple[Any, np.ndarray]], kind: Any = None
) -> tuple[Any, np.ndarray]:
    """``conversion`` of a dictionary column: on its distinct values, then taken for each row.

    Exact: the dictionary holds each value's text as written, and every
    conversion treats each value alone. The distinct values are cast to ``kind``
    (the column's canonical type) before the rows are taken, when they fit: the
    cast :func:`typed_arrow` would make of every row, made once per value (8 bits
    a row taken instead of 64 for most numbers: 1M events, 0.04 s less).
    """
    chunks: list[Any] = pa.chunked_array(values.chunks, values.type).unify_dictionaries().chunks
    if not chunks:
        return conversion(pc.cast(values, convert.TEXT))
    indices: Any = pa.chunked_array([c.indices for c in chunks], values.type.index_type)
    indices = indices.combine_chunks()
    converted, bad = conversion(chunks[0].dictionary)
    if isinstance(converted, pa.ChunkedArray):
        converted = converted.combine_chunks()
    if kind is not None and converted.type != kind:
        with contextlib.suppress(pa.ArrowInvalid, pa.ArrowNotImplementedError):
            converted = converted.cast(kind)  # else typed_arrow casts the rows (and says why)
    rows_bad = np.zeros(len(indices), dtype=bool)
    if bad.any():
        rows_bad = np.asarray(loose.fill_null(loose.take(pa.array(bad), indices), False))
    return loose.take(converted, indices), rows_bad


def district_names(values: Any) -> dict[str, str]:
    """The current Libyan district of each distinct value that names one (any known spelling)."""
    names = pc.unique(values).drop_null().to_pylist()
    return {n: d for n in names if (d := gazetteer.resolve_admin2(n)) is not None}


def current_districts(values: Any, names: dict[str, str] | None = None) -> Any:
    """Each value's current Libyan district (any spelling the gazetteer knows), else null.

    ``names`` is :func:`district_names` of the values, when already known.
    """
    names = district_names(values) if names is None else names
    if not names:
        return pa.nulls(len(values), convert.TEXT)
    return convert.lookup(values, names, convert.TEXT)[0]


def country_codes(gw: Any) -> tuple[Any, Any]:
    """ISO 3166 numeric code and ACLED region of Gleditsch-Ward codes (null where unknown).

    See :mod:`libyaevents.vocab.countries`: every state UCDP's GED covers has
    an ISO code; the ACLED region only where the project knows it.
    """
    known = list(countries.BY_GW.values())
    position = pc.index_in(gw, value_set=pa.array([c.gw for c in known], pa.int64()))
    iso = pc.take(pa.array([c.iso for c in known], pa.int64()), position)
    return iso, pc.take(pa.array([c.region for c in known], convert.TEXT), position)


def typed_arrow(values: Any, field: Field) -> Any:
    """Cast a converted column to the canonical Arrow type (categories pinned)."""
    if field.kind == "category":
        categories = pa.array(list(field.categories or ()), pa.large_string())
        kind: Any = arrow_type(field)
        if pa.types.is_dictionary(values.type) and values.dictionary.equals(categories):
            return pa.DictionaryArray.from_arrays(values.indices.cast(kind.index_type), categories)
        index = pc.index_in(pc.cast(values, pa.large_string()), value_set=categories)
        if isinstance(index, pa.ChunkedArray):
            index = index.combine_chunks()
        return pa.DictionaryArray.from_arrays(index.cast(kind.index_type), categories)
    return pc.cast(values, arrow_type(field))


def to_frame(arrow: pa.Table) -> pd.DataFrame:
    """Arrow to canonical pandas dtypes; integer columns with gaps stay nullable."""
    # only an integer type some column holds a gap in goes through pandas' masked
    # arrays: the others come as numpy (1M events: the frame 0.19 -> 0.11 s)
    gaps = {f.type for f, c in zip(arrow.schema, arrow.columns, strict=True)
            if pa.types.is_integer(f.type) and c.null_count}  # fmt: skip

    def mapper(kind: pa.DataType) -> Any:
        return _NULLABLE_INTS.get(kind) if kind in gaps else None

    frame = arrow.to_pandas(date_as_object=False, ignore_metadata=True, types_mapper=mapper)
    for field in (_FIELDS[name] for name in arrow.column_names if name in _FIELDS):
        target = pandas_dtype(field)
        column = frame[field.name]
        if field.kind in INT_BOUNDS and column.hasnans:
            continue  # a required number is missing: validate() reports it
        if column.dtype != target:
            frame[field.name] = column.astype(target)
    return frame


def _id_index(text: CsvText, id_column: str) -> int | None:
    return next((i for i, h in enumerate(text.header) if h.lower() == id_column), None)


def _record_ids(text: CsvText, positions: np.ndarray, id_column: str) -> list[Any]:
    index = _id_index(text, id_column)
    column = None if index is None else text.table.column(index)
    if column is None or len(positions) == 0:
        return [None] * len(positions)
    ids: list[Any] = pc.take(column, pa.array(positions)).to_pylist()
    return ids


def invalid_rows(text: CsvText, id_column: str) -> pd.DataFrame:
    """The records that could not be split into fields, as problems."""
    index = _id_index(text, id_column) or 0
    rows = []
    for record in text.invalid:
        fields = first_record(record.text)
        rid = fields[index] if len(fields) > index else None
        rows.append((record.line, rid, record.text[:200], record.reason))
    frame = pd.DataFrame(rows, columns=["line", "record_id", "value", "message"])
    return problem_table(frame, source=text.name, table="events", code="record-malformed")


def account(
    text: CsvText, masks: list[_Mask], values: dict[str, Any], id_column: str, severity: str
) -> pd.DataFrame:
    """One problem per (row, column) in the masks, with line, id and value."""
    parts = []
    for mask in masks:
        positions = np.flatnonzero(mask.rows)
        shown = values.get(mask.column)
        found = (
            loose.take(shown, pa.array(positions)).to_pylist()
            if shown is not None
            else [None] * len(positions)
        )
        parts.append(
            pd.DataFrame(
                {
                    "_pos": positions,
                    "column": mask.column,
                    "value": found,
                    "code": mask.code,
                    "message": mask.message
                    if mask.messages is None
                    else loose.take(mask.messages, pa.array(positions)).to_pylist(),
                }
            )
        )
    if not parts:
        return problem_table({})
    frame = pd.concat(parts, ignore_index=True).sort_values(["_pos", "column"], kind="stable")
    unique = frame["_pos"].unique()
    lines = dict(zip(unique, text.lines(unique), strict=True))
    ids = dict(zip(unique, _record_ids(text, unique, id_column), strict=True))
    frame["line"] = frame["_pos"].map(lines).astype("int64")
    frame["record_id"] = frame["_pos"].map(ids)
    frame = frame.reset_index(drop=True)
    return problem_table(frame, source=text.name, table="events", severity=severity)


def finish(
    text: CsvText, cols: Columns, *, id_column: str = "event_id_cnty"
) -> tuple[pa.Table, pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Typed events from the rows without rejects, plus problems and notes.

    Returns
    -------
    events : pyarrow.Table
        Canonical Arrow types (made a frame with the file's other parts by
        :func:`joined`).
    problems, notes : DataFrame
    lines : ndarray of int
        The line each returned event starts on.
    """
    rejected = np.logical_or.reduce([m.rows for m in cols.rejects] or [np.zeros(cols.rows, bool)])
    problems = account(text, cols.rejects, cols.text, id_column, "error")
    caveats = [replace(m, rows=m.rows & ~rejected) for m in cols.caveats]
    notes = account(text, caveats, cols.text, id_column, "note")
    fields = [f for f in EVENTS.fields if f.name in cols.out]
    arrow = pa.table({f.name: typed_arrow(cols.out[f.name], f) for f in fields})
    events = arrow.filter(pa.array(~rejected)) if rejected.any() else arrow  # no copy
    if text.invalid:
        problems = concat_problems([invalid_rows(text, id_column), problems])
    return events, problems, notes, text.lines(np.flatnonzero(~rejected))


def frame_of(tables: list[pa.Table]) -> pd.DataFrame:
    """Typed Arrow tables of consecutive parts as one pandas frame, a column at a time.

    Empties ``tables``: each column's Arrow buffers are let go (and the memory
    returned to the system) once it is converted, so the parts and the frame
    share the memory one column at a time instead of holding the numbers twice.
    """
    schema = tables[0].schema
    chunks = {
        field.name: [chunk for table in tables for chunk in table.column(field.name).chunks]
        for field in schema
    }
    tables.clear()
    columns = {}
    for field in schema:
        column = pa.Table.from_arrays(
            [pa.chunked_array(chunks.pop(field.name), field.type)], [field.name]
        )
        columns[field.name] = to_frame(column)[field.name]
        del column
        if not pa.types.is_large_string(field.type):  # strings: no copy, nothing freed
            pa.default_memory_pool().release_unused()
    return pd.DataFrame(columns, copy=False)


@dataclass(frozen=True)
class Part:
    """One part of a file converted: typed events, problems, notes, lines, actor mentions."""

    events: pa.Table  # typed; made one frame with the other parts' by :func:`joined`
    problems: pd.DataFrame
    notes: pd.DataFrame
    lines: np.ndarray
    mentions: pa.Table | None  # None: count them on the joined events (rows merge)

    @classmethod
    def of(cls, text: CsvText, cols: Columns, *, id_column: str, count: bool = True) -> Part:
        """Finish a part's columns (see :func:`finish`); ``count``: its actors' mentions too."""
        events, problems, notes, lines = finish(text, cols, id_column=id_column)
        return cls(events, problems, notes, lines, mentions(events) if count else None)


def joined(parts: list[Part]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, np.ndarray]:
    """The parts' events as one frame, with their problems, notes and lines.

    The events tables are taken out of ``parts`` (replaced in place by empty
    ones), so that :func:`frame_of` can let each column go once converted.
    """
    lines = np.concatenate([part.lines for part in parts])
    tables = [part.events for part in parts]
    parts[:] = [replace(part, events=part.events.schema.empty_table()) for part in parts]
    events = frame_of(tables)
    problems = concat_problems(part.problems for part in parts)
    return events, problems, concat_problems(part.notes for part in parts), lines


def counted(parts: Sequence[Part]) -> pd.DataFrame | None:
    """The actors from the parts' mentions, when every part counted them; else None."""
    found = [part.mentions for part in parts if part.mentions is not None]
    if len(found) != len(parts):
        return None
    return actors_from_counts(found)


def each_part(
    texts: Iterable[CsvText], convert: Callable[[CsvText], _T]
) -> tuple[list[_T], CsvText, int]:
    """Convert the texts of a file in order: the converted parts, the last text, records read.

    A file gives at least one text (an empty one when it has no records).
    """
    texts = iter(texts)
    text = next(texts)
    found, rows_read = [convert(text)], text.table.num_rows + len(text.invalid)
    for text in texts:
        found.append(convert(text))
        rows_read += text.table.num_rows + len(text.invalid)
    return found, text, rows_read


def read_in_parts(
    source: Source,
    progress: Progress | None,
    convert: Callable[[Iterable[CsvText]], Loaded],
    types: Callable[[list[str]], Mapping[str, pa.DataType]] | None = None,
) -> Loaded:
    """Convert a file part by part (:func:`read_csv_parts`), else whole (:func:`read_csv_text`).

    ``convert`` takes the file's texts in order. The whole-file read handles
    what the parts cannot: malformed records, and bytes the encoding guessed
    from the file's head cannot decode. ``types``: columns to type at the parse
    (see :func:`read_csv_parts`); when a value does not parse as its type, or a
    column typed at the parse holds a value the conversion refuses, the file is
    read again in parts with every column as text.
    """
    source = arguments.source(source, "source")
    if not isinstance(source, str | os.PathLike):  # read once, so a second try can start over
        source = _buffered(source)
    for typed in (types, None) if types is not None else (None,):
        try:
            return _convert_all(convert, read_csv_parts(source, progress, types=typed))
        except Unstreamable:
            pass
        if not isinstance(source, str | os.PathLike):
            source.seek(0)
    return convert([read_csv_text(source, progress)])


def _convert_all(
    convert: Callable[[Iterable[CsvText]], Loaded], parts: Iterator[CsvText]
) -> Loaded:
    """``convert(parts)``, the parts' reader closed (its read-ahead done) however it ends."""
    try:
        return convert(parts)
    finally:
        close = getattr(parts, "close", None)
        if close is not None:
            close()


def _buffered(handle: IO[bytes] | IO[str]) -> io.BytesIO:
    """A file object's bytes in memory (text encoded as UTF-8), under the same name."""
    data = handle.read()
    buffer = io.BytesIO(data.encode("utf-8") if isinstance(data, str) else data)
    if hasattr(handle, "name"):
        buffer.name = handle.name
    return buffer


def loaded(
    text: CsvText,
    events: pd.DataFrame,
    problems: pd.DataFrame,
    notes: pd.DataFrame,
    *,
    lines: np.ndarray,
    vintage: str,
    file_notes: list[str],
    merged: int = 0,
    rows_read: int | None = None,
    actors: pd.DataFrame | None = None,
) -> Loaded:
    """The :class:`Loaded` result, problems in line order and the actors built.

    ``rows_read``: records in the file, when ``text`` is only its last part;
    ``actors``: the actors from the mentions counted part by part (:func:`counted`),
    when they were; else they are built from ``events``.
    """
    return Loaded(
        events=events.reset_index(drop=True),
        actors=actors_from_events(events) if actors is None else actors,
        problems=problems.sort_values("line", kind="stable").reset_index(drop=True),
        notes=notes,
        source=text.name,
        vintage=vintage,
        encoding=text.encoding,
        rows_read=text.table.num_rows + len(text.invalid) if rows_read is None else rows_read,
        rows_merged=merged,
        file_notes=file_notes,
        lines=lines,
    )
