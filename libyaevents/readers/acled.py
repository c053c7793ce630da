"""Read ACLED exports of every vintage into the canonical events and actors tables.

:func:`read_acled` detects the layout from the header:

- ``legacy``: upper-case columns of ACLED versions 1-8 (``GWNO``,
  ``ALLY_ACTOR_1``...), old event types, often Windows-1252 and ``dd/mm/yyyy``;
- ``api``: the 2019 - March 2023 layout (``data_id``, ``iso3``; dates like
  ``21 March 2020``; numeric actor types);
- ``current``: the 31 columns of exports since March 2023, with numeric or
  text actor types and interactions;
- ``monadic`` exports of any of these (one row per actor; no ``actor2``),
  merged back into one event per id.

It reads every column as text (see :mod:`libyaevents.readers.csvtext`), converts each
column in one vectorised pass, and keeps out of the events every row with a
value that cannot be represented (a date that does not exist, a word where a
number belongs, an event type ACLED never had), listing it in
:attr:`Loaded.problems` with its line. Values that convert but break a rule
(a year that disagrees with the date) are returned: :func:`libyaevents.validate`
reports those. Legacy event types are mapped onto the current taxonomy only as
far as the mapping is faithful (:mod:`libyaevents.vocab.legacy`); the original
type is kept as a ``legacy event type=...`` tag and the row is listed in
:attr:`Loaded.notes`.

Examples
--------
>>> import libyaevents
>>> from libyaevents.readers.acled import detect_vintage
>>> detect_vintage(["GWNO", "EVENT_ID_CNTY", "EVENT_DATE", "ACTOR1", "ACTOR2"])
('legacy', False)
>>> detect_vintage(["event_id_cnty", "event_date", "disorder_type", "actor1", "inter1"])
('current', True)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from libyaevents import arguments
from libyaevents.compute import loose
from libyaevents.dataset import DatasetLike, table_of
from libyaevents.errors import ReadError
from libyaevents.files import atomic_target
from libyaevents.problems import concat_problems, problem_table
from libyaevents.readers import conversions as convert
from libyaevents.readers.account import Loaded
from libyaevents.readers.assemble import (
    Columns,
    Part,
    counted,
    country_codes,
    current_districts,
    district_names,
    each_part,
    joined,
    loaded,
    read_in_parts,
)
from libyaevents.readers.csvtext import CsvText, Progress, Source
from libyaevents.schema.tables import EVENTS
from libyaevents.textscan import NON_ASCII, byte_table, rows_holding
from libyaevents.vocab import actortypes, gazetteer, taxonomy
from libyaevents.vocab.legacy import LEGACY_EVENT_TYPES

__all__ = ["ACLED_COLUMNS", "detect_vintage", "events_from_text", "read_acled", "write_acled"]

_RENAMES: Final = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}
#: Columns some vintages have that the canonical table does not keep.
_DROPPED: Final = frozenset({"data_id", "event_id_no_cnty", "iso3", "gwno"})
#: Long free text, kept exactly as written (trimming would copy megabytes for nothing).
_ACTOR_TYPE_COLUMNS: Final = ("inter1", "inter2", "interaction")
_CIVILIANS_TARGETED: Final = "Civilians targeted"  # the codebook's wording
_LEGACY_TAG: Final = "legacy event type="


def detect_vintage(header: Sequence[str]) -> tuple[str, bool]:
    """Return the layout (``legacy``, ``api`` or ``current``) and whether it is monadic.

    Raises
    ------
    ReadError
        When the header has no ``event_id_cnty`` column (not an ACLED export).
    """
    names = [h.strip() for h in header]
    lower = {n.lower() for n in names}
    if "event_id_cnty" not in lower:
        shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
        msg = (
            f"not an ACLED export: no event_id_cnty column (found: {shown}). Expected an ACLED "
            "CSV export of any vintage, or a UCDP GED file for read_ucdp_ged."
        )
        raise ReadError(msg)
    monadic = "actor2" not in lower
    # decided on normalised names: a current export with upper-case headers is current
    if "disorder_type" in lower:
        return "current", monadic
    if "gwno" in lower or "ally_actor_1" in lower or "sub_event_type" not in lower:
        return "legacy", monadic
    return "api", monadic


def _taxonomy(cols: Columns, vintage: str) -> None:
    if vintage == "legacy":
        _legacy_taxonomy(cols)
        return
    cols.vocabulary("event_type", taxonomy.EVENT_TYPES, "an ACLED event type")
    cols.vocabulary("sub_event_type", taxonomy.SUB_EVENT_TYPES, "an ACLED sub-event type")
    if "disorder_type" in cols.text:
        cols.vocabulary("disorder_type", taxonomy.DISORDER_TYPES, "an ACLED disorder type")
    else:
        cols.out["disorder_type"] = convert.lookup(
            cols.get("sub_event_type"), taxonomy.DISORDER_TYPE_OF, convert.TEXT
        )[0]


def _legacy_taxonomy(cols: Columns) -> None:
    original = cols.get("event_type")
    known = dict(LEGACY_EVENT_TYPES)
    for current in taxonomy.EVENT_TYPES:  # some late legacy files already use current names
        known.setdefault(current, LEGACY_EVENT_TYPES.get(current, (current, None, None)))  # type: ignore[arg-type]
    cols.reject(
        "event_type",
        convert.members(original, known),
        "event-type-unknown",
        "not an ACLED event type of any version",
    )
    for position, column in enumerate(("event_type", "sub_event_type", "disorder_type")):
        mapping = {old: new[position] for old, new in known.items() if new[position] is not None}
        cols.out[column] = convert.lookup(original, mapping, convert.TEXT)[0]
    partial = {old for old, new in known.items() if None in new}
    unmapped = ~convert.members(original, partial) & convert.present(original)
    cols.caveat(
        "event_type",
        unmapped,
        "legacy-event-type",
        "legacy event type without a faithful current equivalent: "
        "mapped as far as it goes, original kept as a tag",
    )
    text = convert.TEXT
    tag = pc.binary_join_element_wise(pa.scalar(_LEGACY_TAG, text), original, pa.scalar("", text))
    tags = pc.cast(cols.get("tags"), text)
    joined = pc.binary_join_element_wise(tags, tag, pa.scalar("; ", text))
    merged = pc.if_else(pc.is_null(tags), tag, joined)
    cols.put("tags", pc.if_else(pa.array(unmapped), merged, tags))


def _civilian_targeting(cols: Columns) -> None:
    if "civilian_targeting" not in cols.text:  # API vintage: implied by violence against civilians
        is_vac = loose.equal(cols.out["event_type"], "Violence against civilians")
        cols.out["civilian_targeting"] = pc.if_else(
            pc.fill_null(is_vac, False), taxonomy.CIVILIAN_TARGETING, pa.scalar(None, convert.TEXT)
        )
        return
    values = cols.get("civilian_targeting")
    wording = loose.equal(values, _CIVILIANS_TARGETED)
    cols.put(
        "civilian_targeting",
        pc.if_else(pc.fill_null(wording, False), taxonomy.CIVILIAN_TARGETING, values),
    )
    cols.vocabulary("civilian_targeting", (taxonomy.CIVILIAN_TARGETING,), "'Civilian targeting'")


def _legacy_defaults(cols: Columns) -> None:
    """Legacy files have no iso or region: take them from ``GWNO`` (or Libya's own).

    The Gleditsch-Ward code gives the ISO 3166 numeric code of every state and
    the ACLED region where this project knows it (:mod:`libyaevents.vocab.countries`);
    a Libyan row without a usable code still gets Libya's.
    """
    if "iso" in cols.text and "region" in cols.text:
        return  # every layout but the oldest: nothing to derive
    iso, region = country_codes(convert.integers(cols.get("gwno"), 0, 10**4)[0])
    libya = loose.fill_null(loose.equal(cols.get("country"), gazetteer.COUNTRY), False)
    for name, libyan, from_gw in (
        ("iso", str(gazetteer.ISO), pc.cast(iso, convert.TEXT)),
        ("region", gazetteer.REGION, region),
    ):
        if name not in cols.text:
            fallback = pc.if_else(libya, libyan, pa.scalar(None, convert.TEXT))
            cols.put(name, pc.coalesce(from_gw, fallback))


def _libya_admin(cols: Columns) -> None:
    """Old Libyan district names in admin1 or admin2 -> current region and district."""
    libya = np.asarray(loose.fill_null(loose.equal(cols.get("country"), gazetteer.COUNTRY), False))
    if not libya.any():
        return
    admin1, admin2, admin3 = (cols.get(c) for c in ("admin1", "admin2", "admin3"))
    old_admin1 = current_districts(admin1)  # usually none: admin1 holds regions
    moved = libya & convert.present(old_admin1)  # admin1 holds a district
    in_admin2 = district_names(admin2)
    renamed = any(name != district for name, district in in_admin2.items())  # an old admin2
    if moved.any() or renamed:
        new_admin2 = pc.coalesce(current_districts(admin2, in_admin2), admin2)
        admin2_now = pc.if_else(pa.array(libya), new_admin2, admin2)
        if moved.any():
            mask = pa.array(moved)
            to_region = convert.lookup(old_admin1, gazetteer.ADMIN1_OF, convert.TEXT)[0]
            cols.put("admin1", pc.if_else(mask, to_region, admin1))
            cols.put("admin3", pc.if_else(pc.and_(mask, pc.is_null(admin3)), admin2, admin3))
            admin2_now = pc.if_else(mask, old_admin1, admin2_now)
        cols.put("admin2", admin2_now)
    cols.caveat(
        "admin1",
        moved,
        "district-renamed",
        "old district name in admin1: set to its current region, district "
        "in admin2, the old admin2 in admin3",
    )
    region = loose.is_in(admin1, value_set=pa.array(gazetteer.ADMIN1, convert.TEXT))
    unknown = libya & ~moved & convert.present(admin1) & ~np.asarray(loose.fill_null(region, False))
    cols.caveat(
        "admin1",
        unknown,
        "district-unknown",
        "admin1 is neither East/West/South nor a Libyan district the gazetteer knows "
        "(old or variant name): kept as written, validation reports it",
    )


_ACTOR_COLUMNS: Final = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
_NON_ASCII: Final = byte_table(NON_ASCII)


def _normalise_actor(cols: Columns, name: str) -> None:
    """Actor names in NFC with no-break spaces as spaces, so one name is one actor (noted)."""
    if name not in cols.text:
        return
    before = cols.get(name)
    if not len(rows_holding(before, _NON_ASCII)):
        return  # ASCII only: NFC and no-break spaces change nothing (one byte scan)
    after = loose.utf8_normalize(loose.replace_substring(before, "\u00a0", " "), form="NFC")
    changed = np.asarray(loose.fill_null(loose.not_equal(before, after), False))
    if changed.any():
        cols.put(name, after)
        said = "actor name normalised (Unicode NFC, no-break spaces as spaces)"
        cols.caveat(name, changed, "name-normalised", said)


def _event_date(cols: Columns) -> None:
    cols.out["event_date"], bad = cols.exact("event_date", convert.dates)
    cols.reject(
        "event_date",
        bad,
        "not-a-date",
        "not a date in a known format (2020-03-21, 21 March 2020, 5-Aug-24, 21/03/2020)",
    )


def _actor_types(cols: Columns, name: str) -> None:
    codes = actortypes.INTERACTION_CODE if name == "interaction" else actortypes.INTER_CODE
    cols.actor_type(name, codes)
    if name == "inter2":  # 0: no second actor
        cols.out[name] = loose.if_else(loose.equal(cols.out[name], 0), None, cols.out[name])


def _place(cols: Columns) -> None:
    """Country codes, region and Libya's districts (country, admin1-3, iso, region)."""
    _legacy_defaults(cols)
    _libya_admin(cols)


def _event_types(cols: Columns, vintage: str) -> None:
    """Event, sub-event and disorder types, then civilian targeting (it follows event_type)."""
    _taxonomy(cols, vintage)
    _civilian_targeting(cols)


def _convert(cols: Columns, vintage: str) -> None:
    """Convert every column (a part's steps one after another: see docs/performance.md)."""
    for name in _ACTOR_COLUMNS:
        _normalise_actor(cols, name)
    _place(cols)
    _event_types(cols, vintage)
    _event_date(cols)
    for name in _ACTOR_TYPE_COLUMNS:
        _actor_types(cols, name)
    cols.vocabulary("source_scale", _SOURCE_SCALES, "an ACLED source scale")
    cols.fields([
        f for f in EVENTS.fields
        if f.name not in cols.out and f.name not in _ACTOR_TYPE_COLUMNS
        and (f.required or f.name in cols.text)
    ])  # fmt: skip
    if "year" not in cols.text:
        cols.out["year"] = pc.year(cols.out["event_date"])


_SOURCE_SCALES: Final = tuple(EVENTS.field("source_scale").categories or ())


_FROM_SECOND_ROW: Final = ("actor2", "assoc_actor_2", "inter2")

#: Columns both rows of a monadic event should agree on; a difference is noted.
_MONADIC_SHARED: Final = ("event_date", "fatalities", "location", "latitude", "longitude")


def _disagreements(first: pd.DataFrame, other: pd.DataFrame, lines: np.ndarray) -> pd.DataFrame:
    """One note per column where an event's second row says something else (kept: the first)."""
    parts = []
    for column in (c for c in _MONADIC_SHARED if c in first and c in other):
        mine, theirs = first[column].reset_index(drop=True), other[column].reset_index(drop=True)
        differ = (mine.astype("str") != theirs.astype("str")) & theirs.notna().to_numpy()
        rows = np.flatnonzero(differ.to_numpy())
        if not len(rows):
            continue
        kept, dropped = mine.iloc[rows].astype("str"), theirs.iloc[rows].astype("str")
        parts.append(pd.DataFrame({
            "line": lines[rows], "record_id": first["event_id_cnty"].iloc[rows].to_numpy(),
            "column": column, "value": dropped.to_numpy(), "code": "monadic-disagreement",
            "message": "the actor2 row says " + dropped.to_numpy().astype(object)
                       + "; the actor1 row's " + kept.to_numpy().astype(object) + " is kept",
        }))  # fmt: skip
    return concat_problems(problem_table(p, table="events") for p in parts)


def _merge_monadic(
    events: pd.DataFrame, lines: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame, pd.DataFrame, int]:
    """Fold the second row of each id into actor2; a third row is a problem.

    Returns the merged events, their lines, the problems, notes on rows that
    disagree, and how many rows were merged.
    """
    ids = events["event_id_cnty"]
    order = ids.groupby(ids, sort=False).cumcount().to_numpy()
    first = events[order == 0].reset_index(drop=True)
    second = events[order == 1].set_index("event_id_cnty")
    extra = events[order > 1]
    problems = problem_table(
        {
            "line": lines[order > 1],
            "record_id": extra["event_id_cnty"].to_numpy(),
            "column": "event_id_cnty",
            "value": extra["event_id_cnty"].to_numpy(),
            "code": "monadic-extra-row",
            "message": "a monadic export has at most two rows per event (actor1 and actor2)",
        },
        table="events",
    )
    other = second.reindex(first["event_id_cnty"])
    first["actor2"] = other["actor1"].to_numpy()
    first["assoc_actor_2"] = other["assoc_actor_1"].to_numpy()
    first["inter2"] = pd.array(other["inter1"].to_numpy(), dtype="Int8")
    notes = _disagreements(first, other, lines[order == 0])
    columns = [c for c in EVENTS.names if c in first]
    return first[columns], lines[order == 0], problems, notes, len(second)


def _blank_rows(table: pa.Table) -> np.ndarray:
    """Rows with no value in any column (no row is when some column is never empty)."""
    if not table.num_columns or any(c.null_count == 0 for c in table.columns):
        return np.zeros(table.num_rows, dtype=bool)
    blank: np.ndarray = ~np.logical_or.reduce([convert.present(c) for c in table.columns])
    return blank


@dataclass(frozen=True)
class _Layout:
    """What the header says: vintage, where each canonical column is, notes on the rest."""

    vintage: str
    monadic: bool
    columns: dict[str, int]  # canonical name -> position in the header
    unnamed: tuple[int, ...]  # positions of columns without a name
    notes: tuple[str, ...]
    missing: tuple[str, ...]  # required columns the header lacks

    @classmethod
    def of(cls, header: Sequence[str]) -> _Layout:
        vintage, monadic = detect_vintage(header)
        notes: list[str] = []
        columns: dict[str, int] = {}
        unnamed = []
        canonical = frozenset(EVENTS.names)  # built at each use: once, not per column
        for position, name in enumerate(header):
            key = _RENAMES.get(name.lower(), name.lower())
            if not key:
                unnamed.append(position)
            elif key in _DROPPED:
                notes.append(f"column {name!r} is not kept (not part of the canonical table)")
                if key == "gwno":  # legacy: the country's code gives iso and region
                    columns[key] = position
            elif key in canonical:
                if key in columns:
                    notes.append(f"column {name!r} appears twice; the last one is used")
                columns[key] = position  # trimmed when first used (free text too: padded notes)
            else:
                notes.append(f"column {name!r} is not an ACLED column; ignored")
        missing = tuple(f.name for f in EVENTS.fields if f.required and f.name not in columns)
        return cls(vintage, monadic, columns, tuple(unnamed), tuple(notes), missing)


@dataclass(frozen=True)
class _Part:
    """One part of a file converted, and the columns its header lacks that it filled."""

    part: Part
    filled: frozenset[str]


def _convert_part(text: CsvText) -> _Part:
    """Convert the records of one text (a whole file, or a part of one)."""
    layout = _Layout.of(text.header)
    table = text.table
    columns = {name: table.column(position) for name, position in layout.columns.items()}
    unnamed = np.zeros(table.num_rows, dtype=bool)
    for position in layout.unnamed:
        unnamed |= convert.present(table.column(position))
    cols = Columns(columns, table.num_rows)
    blank = _blank_rows(table)
    cols.reject("(row)", blank, "line-blank", "empty line")
    cols.reject(
        "(unnamed)",
        unnamed & ~blank,
        "column-unnamed",
        "a value in a column with no header (a shifted row: an unquoted comma in a value?)",
    )
    _convert(cols, layout.vintage)
    filled = frozenset(
        n for n in layout.missing if n in cols.out and convert.present(cols.out[n]).any()
    )
    # monadic rows merge after the parts are joined: their actors are counted then
    return _Part(Part.of(text, cols, id_column="event_id_cnty", count=not layout.monadic), filled)


def _events(texts: Iterable[CsvText]) -> Loaded:
    """Convert the texts of an export (the whole file, or its parts in order) into one result."""
    found, text, rows_read = each_part(texts, _convert_part)
    layout = _Layout.of(text.header)
    file_notes = list(layout.notes)
    if layout.vintage != "legacy" and "disorder_type" not in layout.columns:  # re-derived
        file_notes.append("disorder_type is not in this layout: derived from sub_event_type")
    absent = [n for n in layout.missing if not any(n in each.filled for each in found)]
    if layout.monadic:  # filled from each event's second row, not left empty
        absent = [n for n in absent if n not in _FROM_SECOND_ROW]
        file_notes.append(
            f"monadic layout: {', '.join(_FROM_SECOND_ROW)} filled from each event's second row"
        )
    if absent:
        file_notes.append(f"not in this layout, left empty: {', '.join(absent)}")
    parts = [each.part for each in found]
    found.clear()
    actors = counted(parts)
    events, problems, notes, lines = joined(parts)
    merged = 0
    if layout.monadic:
        events, lines, extra, disagree, merged = _merge_monadic(events, lines)
        problems = concat_problems([problems, extra.assign(source=text.name)])
        notes = concat_problems([notes, disagree.assign(source=text.name)])
    layout_name = f"{layout.vintage} (monadic)" if layout.monadic else layout.vintage
    return loaded(
        text,
        events,
        problems,
        notes,
        lines=lines,
        vintage=layout_name,
        file_notes=file_notes,
        merged=merged,
        rows_read=rows_read,
        actors=actors,
    )


def events_from_text(text: CsvText) -> Loaded:
    """Convert an ACLED export already read as text (see :func:`read_acled`)."""
    return _events([text])


def read_acled(source: Source, *, progress: Progress | None = None) -> Loaded:
    """Read an ACLED export of any vintage into canonical events and actors.

    Parameters
    ----------
    source : path or file object
        A CSV export: UTF-8 (with or without BOM) or Windows-1252, LF or CRLF.
    progress : callable, optional
        ``progress(bytes_read, bytes_total)``, called as the file is read.

    Returns
    -------
    Loaded
        ``.events`` and ``.actors`` (canonical, typed), ``.problems`` (rows
        not returned, with line, column, value and reason), ``.notes`` (rows
        returned with a caveat), ``.vintage``; ``rows_read == rows_used +
        rows_reported`` always holds.

    Raises
    ------
    ReadError
        When the file is missing, empty, not CSV, or not an ACLED export.
    """
    return read_in_parts(source, progress, _events, _parse_types)


_DISTINCT: Final = pa.dictionary(pa.int32(), convert.TEXT)
#: Columns with few distinct values per block, parsed as a dictionary of their text:
#: each distinct value is converted and checked once (exactly: the text is kept).
_BY_DICTIONARY: Final = (
    "event_type", "sub_event_type", "disorder_type", "source_scale", "year",
    "time_precision", "geo_precision", "fatalities", "iso", "inter1", "inter2", "interaction",
)  # fmt: skip
#: Columns parsed as numbers at once: Arrow's parser reads exactly what the cast of
#: the text reads (a refused value sends the file back to a read as text).
_AT_PARSE: Final = {"latitude": pa.float64(), "longitude": pa.float64()}


def _parse_types(header: list[str]) -> dict[str, pa.DataType]:
    """The columns of an export to type at the parse (by name as written); see above.

    Legacy exports stay text (their dates and codes come in many forms). Dates
    are parsed as dates in the current layout, whose dates are ISO (any other
    form sends the file back to a read as text).
    """
    layout = _Layout.of(header)
    if layout.vintage == "legacy":
        return {}
    kinds: dict[str, pa.DataType] = dict.fromkeys(_BY_DICTIONARY, _DISTINCT)
    kinds.update(_AT_PARSE)
    kinds["event_date"] = pa.date32() if layout.vintage == "current" else _DISTINCT
    return {header[at]: kinds[name] for name, at in layout.columns.items() if name in kinds}


#: ACLED's columns, in export order (the canonical events minus this project's extensions).
ACLED_COLUMNS: Final = tuple(
    f.name for f in EVENTS.fields if f.name not in {"report_id", "report_section"}
)


def write_acled(
    events: pd.DataFrame | DatasetLike,
    where: str | os.PathLike[str] | IO[bytes],
    *,
    labels: bool = True,
    formulas: bool = False,
) -> None:
    """Write events as an ACLED CSV export (current layout) that :func:`read_acled` reads back.

    Parameters
    ----------
    events : DataFrame
        Canonical events.
    where : path or binary file
        The CSV to write (UTF-8, LF, quoted only where needed).
    labels : bool
        Actor types and interactions as text labels, as exports since 2024
        write them (default), or as numeric codes.
    formulas : bool
        Keep text cells that start with ``=``, ``+``, ``-``, ``@`` (or a tab or
        carriage return) as they are. By default they are written with a
        leading ``'`` so that a spreadsheet shows them instead of running them
        (CSV formula injection); numbers are never changed.
    """
    events = table_of(events, "events", what="events")
    arguments.has_columns(events, ("event_id_cnty", "event_date"), "events",
                      "write_acled writes canonical events")  # fmt: skip
    columns = [c for c in ACLED_COLUMNS if c in events]
    arrow = pa.Table.from_pandas(events[columns], preserve_index=False)
    if labels:
        for name, mapping in (
            ("inter1", actortypes.INTER_LABEL),
            ("inter2", actortypes.INTER_LABEL),
            ("interaction", actortypes.INTERACTION_LABEL),
        ):
            if name not in arrow.column_names:
                continue
            codes = {str(k): v for k, v in mapping.items()}
            text = convert.lookup(pc.cast(arrow[name], convert.TEXT), codes, convert.TEXT)[0]
            arrow = arrow.set_column(arrow.schema.get_field_index(name), name, text)
    for position, field in enumerate(arrow.schema):
        if pa.types.is_dictionary(field.type):
            arrow = arrow.set_column(position, field.name, pc.cast(arrow[field.name], convert.TEXT))
        elif pa.types.is_timestamp(field.type):
            arrow = arrow.set_column(position, field.name, pc.cast(arrow[field.name], pa.date32()))
    if not formulas:
        arrow = _defuse(arrow)
    with atomic_target(where) as target:
        pv.write_csv(arrow, target, write_options=pv.WriteOptions(quoting_style="needed"))


def _defuse(arrow: pa.Table) -> pa.Table:
    """Text cells a spreadsheet would run as a formula, prefixed with ``'``."""
    for position, field in enumerate(arrow.schema):
        if not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)):
            continue
        column = arrow[field.name]
        risky = loose.fill_null(loose.match_substring_regex(column, r"^[=+\-@\t\r]"), False)
        if loose.any(risky).as_py():
            mark, none = pa.scalar("'", field.type), pa.scalar("", field.type)
            quoted = loose.binary_join_element_wise(mark, column, none)
            arrow = arrow.set_column(position, field.name, loose.if_else(risky, quoted, column))
    return arrow
