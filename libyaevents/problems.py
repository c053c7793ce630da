"""One shape for every problem the library reports, and the stable codes it uses.

Validation failures, what a reader could not use (or used with a caveat),
release verification problems and the events a comparison left unmatched are
all tables with the columns of :data:`PROBLEM_COLUMNS`, so any two reports
concatenate and filter by ``code``:

=========== ================================================================
column      meaning
=========== ================================================================
source      the file (or dataset) the record came from, when known
table       ``events``, ``actors``, ``measures`` or a release file
record_id   the record's id, when it has one
line        1-based line in the source file, when the record came from a file
row         0-based position in the table checked, when the problem has a row
column      the column concerned (empty for a whole record or file)
code        a stable code: :data:`PROBLEM_CODES` (and the schema's rule codes)
value       the offending value as text
message     what is wrong, for people
severity    ``error`` (the record is not usable as is) or ``note`` (a caveat)
=========== ================================================================

Codes never change meaning; new ones are added. The codebook lists them all.

Examples
--------
>>> from libyaevents import problems
>>> frame = problems.problem_table({"code": ["not-a-date"], "value": ["31/02/2020"],
...                                 "line": [3]}, source="export.csv")
>>> frame.loc[0, ["source", "code", "severity"]].tolist(), int(frame.loc[0, "line"])
(['export.csv', 'not-a-date', 'error'], 3)
>>> problems.PROBLEM_CODES["partner-taken"].severity
'note'
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Literal

import pandas as pd

__all__ = [
    "PROBLEM_CODES",
    "PROBLEM_COLUMNS",
    "SEVERITIES",
    "ProblemCode",
    "concat_problems",
    "problem_table",
]

#: The columns of every problem table, in order.
PROBLEM_COLUMNS: Final = (
    "source",
    "table",
    "record_id",
    "line",
    "row",
    "column",
    "code",
    "value",
    "message",
    "severity",
)

#: ``error``: the record (or file) is not usable as is; ``note``: used, with a caveat.
SEVERITIES: Final = ("error", "note")

Severity = Literal["error", "note"]

_INTEGER_COLUMNS: Final = frozenset({"line", "row"})


@dataclass(frozen=True)
class ProblemCode:
    """A stable problem code: what it means, how severe it is and who reports it."""

    code: str
    severity: Severity
    meaning: str
    reported_by: str


def _codes(*entries: tuple[str, Severity, str, str]) -> Mapping[str, ProblemCode]:
    return MappingProxyType({e[0]: ProblemCode(*e) for e in entries})


#: Codes reported outside the per-table schema rules (those are in
#: :data:`libyaevents.RULE_CODES`): cross-table rules, readers, release
#: verification and comparisons.
PROBLEM_CODES: Final = _codes(
    (
        "actor-unresolved",
        "error",
        "an actor named by events or measures is not in the actors table",
        "validate",
    ),
    (
        "event-unresolved",
        "error",
        "a measure's event_id_cnty is not in the events table",
        "validate",
    ),
    ("not-a-date", "error", "not a date in a known format", "readers"),
    ("not-a-number", "error", "not a decimal number", "readers"),
    ("not-an-integer", "error", "not a whole number that fits the column's type", "readers"),
    ("not-in-vocabulary", "error", "a value outside the column's closed vocabulary", "readers"),
    ("actor-type-unknown", "error", "not an ACLED actor type code or label", "readers"),
    ("event-type-unknown", "error", "not an ACLED event type of any version", "readers"),
    ("date-order", "error", "the end date is before the start date", "readers"),
    ("country-code-unknown", "error", "not a Gleditsch-Ward country code", "readers"),
    ("id-invalid", "error", "not a valid record id", "readers"),
    ("record-malformed", "error", "a record that could not be split into fields", "readers"),
    ("line-blank", "error", "an empty line", "readers"),
    ("column-unnamed", "error", "a value in a column with no header", "readers"),
    ("monadic-extra-row", "error", "a third row for an event of a monadic export", "readers"),
    (
        "monadic-disagreement",
        "note",
        "the two rows of a monadic event disagree; the actor1 row's value is kept",
        "readers",
    ),
    (
        "legacy-event-type",
        "note",
        "a legacy event type mapped as far as it goes, the original kept as a tag",
        "readers",
    ),
    (
        "district-renamed",
        "note",
        "an old Libyan district name moved to admin2, its current region in admin1",
        "readers",
    ),
    (
        "name-normalised",
        "note",
        "an actor name put in Unicode NFC with no-break spaces as spaces",
        "readers",
    ),
    (
        "district-unknown",
        "note",
        "a Libyan admin1 that is neither a region nor a district the gazetteer knows",
        "readers",
    ),
    ("country-code-unmapped", "note", "a country code with no ISO equivalent known", "readers"),
    ("date-imprecise", "note", "a date less precise than ACLED's time_precision allows", "readers"),
    (
        "priogrid-mismatch",
        "note",
        "UCDP GED's priogrid_gid is not the PRIO-GRID cell of its coordinates (they are kept)",
        "readers",
    ),
    (
        "manifest-invalid",
        "error",
        "a release manifest that cannot be read or trusted",
        "verify_release",
    ),
    ("file-missing", "error", "a file the manifest lists is not in the release", "verify_release"),
    (
        "index-mismatch",
        "error",
        "a release manifest differs from the sha256 the store's index recorded",
        "verify_release",
    ),
    (
        "file-unlisted",
        "error",
        "a table the release format requires is not in the manifest",
        "verify_release",
    ),
    ("size-mismatch", "error", "a file's size differs from its manifest entry", "verify_release"),
    ("hash-mismatch", "error", "a file's sha256 differs from its manifest entry", "verify_release"),
    (
        "rows-mismatch",
        "error",
        "a file's row count differs from its manifest entry",
        "verify_release",
    ),
    (
        "content-mismatch",
        "error",
        "a table's content hash differs from its manifest entry",
        "verify_release",
    ),
    (
        "schema-mismatch",
        "error",
        "a file's columns or types differ from the schema",
        "verify_release",
    ),
    (
        "no-date-or-position",
        "note",
        "no date or coordinates: the event cannot be placed",
        "compare_events",
    ),
    (
        "nothing-in-window",
        "note",
        "no event of the other dataset within the windows",
        "compare_events",
    ),
    ("no-same-type", "note", "events within the windows, none of the same type", "compare_events"),
    ("partner-taken", "note", "every candidate was matched to a closer event", "compare_events"),
    (
        "coordinates-missing",
        "error",
        "no latitude or longitude: the event has no grid cell",
        "priogrid_cells",
    ),
    (
        "coordinates-out-of-range",
        "error",
        "a latitude outside [-90, 90] or a longitude outside [-180, 180]: no grid cell",
        "priogrid_cells",
    ),
    (
        "coordinates-swapped",
        "error",
        "a Libya event outside Libya's box whose coordinates fall in it swapped: no grid cell",
        "priogrid_cells",
    ),
    (
        "coordinates-outside-unit",
        "note",
        "the coordinates are outside the admin unit the event is coded to (distance in km): "
        "counted where the coordinates are",
        "polygon_units",
    ),
    (
        "source-structure",
        "error",
        "a coded sources file lacks a table it needs ([report], a report file)",
        "read_sources",
    ),
    ("place-unresolved", "error", "a coded event's place is not in places.toml", "read_sources"),
    (
        "paragraph-unknown",
        "error",
        "a coded record cites a paragraph its report's [[paragraphs]] do not list",
        "read_sources",
    ),
    (
        "paragraph-changed",
        "error",
        "a report text's paragraph no longer matches the fingerprint its coding recorded",
        "check_coding",
    ),
    (
        "paragraph-count",
        "error",
        "a report text has more or fewer paragraphs than its coding lists",
        "check_coding",
    ),
    (
        "possible-duplicate",
        "error",
        "a coded event looks like a different event of the release (day, place, actors, type)",
        "check_coding",
    ),
)


def problem_table(columns: Mapping[str, Any] | pd.DataFrame, **fill: Any) -> pd.DataFrame:
    """Bring problems to the shared shape: every column, in order, with fixed dtypes.

    Parameters
    ----------
    columns : mapping or DataFrame
        Columns of :data:`PROBLEM_COLUMNS` (others are dropped); missing ones
        are empty.
    **fill
        Scalar values for columns the input lacks (e.g. ``source=``,
        ``table=``, ``severity=``). ``severity`` defaults to the code's own.

    Returns
    -------
    pandas.DataFrame
        Text columns as ``str``, ``line`` and ``row`` as nullable ``Int64``.
    """
    frame = pd.DataFrame(columns) if not isinstance(columns, pd.DataFrame) else columns
    n = len(frame)
    if n == 0:  # no problem: the shape alone (built once; 6 ms each time, measured)
        return _empty_table().copy()
    out = {}
    for name in PROBLEM_COLUMNS:
        values: Any = frame[name].to_numpy() if name in frame else [None] * n
        series = pd.Series(values, dtype="Int64" if name in _INTEGER_COLUMNS else "str")
        if name in fill:
            series = series.fillna(fill[name])
        out[name] = series
    table = pd.DataFrame(out)
    missing = table["severity"].isna()
    if missing.any():
        table.loc[missing, "severity"] = table.loc[missing, "code"].map(_severity)
    return table


@functools.cache
def _empty_table() -> pd.DataFrame:
    dtypes = {name: "Int64" if name in _INTEGER_COLUMNS else "str" for name in PROBLEM_COLUMNS}
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in dtypes.items()})


def _severity(code: Any) -> str:
    known = PROBLEM_CODES.get(str(code))
    return known.severity if known is not None else "error"


def concat_problems(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate problem tables into one (an empty table when there are none).

    Examples
    --------
    >>> a = problem_table({"code": ["not-a-date"]})
    >>> b = problem_table({"code": ["partner-taken"]})
    >>> concat_problems([a, b])["severity"].tolist()
    ['error', 'note']
    """
    parts = [t for t in tables if len(t)]
    if not parts:
        return problem_table({})
    return problem_table(pd.concat(parts, ignore_index=True))
