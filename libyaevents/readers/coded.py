"""Coded sources: the TOML files coders edit, compiled into the three tables.

A sources folder holds ``places.toml`` (where events are located),
``actors.toml`` (the actor registry) and ``reports/*.toml`` (one file per
coded report: a ``[report]`` table, the report's ``[[paragraphs]]`` with their
fingerprints (optional; written by :func:`libyaevents.new_report`), then its
``[[events]]`` and ``[[measures]]``). TOML keeps one value per line, so git diffs stay readable,
and needs nothing beyond the standard library to read.

Coders write what the report says; the compiler derives what follows from it
(``year``, ``disorder_type``, actor types and ``interaction`` from the registry,
the place's country, admin units and coordinates, ``timestamp`` from the
report's coding date, provenance columns) so derived columns never disagree
with their inputs. Every row remembers the file and line it came from, and
:meth:`Sources.validate` reports failures there.

Examples
--------
>>> from libyaevents.readers.coded import read_sources
>>> sources = read_sources()
>>> {name: len(frame) for name, frame in sources.tables.items()}
{'events': 7, 'actors': 14, 'measures': 8}
>>> sources.validate(today="2026-11-29").ok
True
>>> sources.where("events", 0, "event_date")  # doctest: +ELLIPSIS
'.../reports/f8806eb3f3e19e34.toml:39'
>>> sources.paragraphs[["report_id", "paragraph", "chars"]].to_dict("records")[0]
{'report_id': 'f8806eb3f3e19e34', 'paragraph': 1, 'chars': 523}
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import difflib
import functools
import json
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

import pandas as pd

from libyaevents.errors import ReadError
from libyaevents.problems import problem_table
from libyaevents.readers import collector, suggestions
from libyaevents.readers.tomlplain import Layout, parse_toml
from libyaevents.schema.tables import ACTORS, EVENTS, MEASURES
from libyaevents.validation.validator import ValidationReport, validate
from libyaevents.vocab import actortypes, taxonomy

__all__ = [
    "PARAGRAPH_COLUMNS",
    "CompileProblems",
    "Origin",
    "Sources",
    "compile_sources",
    "is_sources_folder",
    "read_sources",
    "sources_folder",
]

PLACES_FILE: Final = "places.toml"
ACTORS_FILE: Final = "actors.toml"
REPORTS_DIR: Final = "reports"
#: Where an adjudicated coding keeps its record (``libyaevents code adjudicate``):
#: the decisions and the agreement figures a release built from it records.
AUDIT_DIR: Final = "adjudication"
DECISIONS_FILE: Final = "decisions.toml"
AGREEMENT_FILE: Final = "agreement.json"

# Keys a coder writes, per kind of record: required, then optional.
_PLACE_KEYS: Final = (
    ("id", "country", "iso", "region", "location", "latitude", "longitude"),
    ("admin1", "admin2", "admin3"),
)
_ACTOR_KEYS: Final = (
    ("actor_id", "name", "inter_code", "country", "report", "section"),
    ("aliases", "parent_id", "role", "notes"),
)
_REPORT_KEYS: Final = (
    ("id", "title", "published", "section", "source", "source_scale", "coded"),
    (),
)
_PARAGRAPH_KEYS: Final = (("number", "sha256", "chars"), ())

#: Columns of :attr:`Sources.paragraphs`.
PARAGRAPH_COLUMNS: Final = ("report_id", "paragraph", "sha256", "chars", "source", "line")
_EVENT_KEYS: Final = (
    (
        "event_id_cnty",
        "paragraph",
        "event_date",
        "time_precision",
        "event_type",
        "sub_event_type",
        "actor1",
        "place",
        "geo_precision",
        "fatalities",
        "notes",
    ),
    (
        "assoc_actor_1",
        "actor2",
        "assoc_actor_2",
        "civilian_targeting",
        "source",
        "source_scale",
        "tags",
    ),
)
_MEASURE_KEYS: Final = (
    (
        "measure_id",
        "paragraph",
        "event_id_cnty",
        "measure_type",
        "imposing_actor_id",
        "status",
        "notes",
    ),
    ("target_actor_id", "legal_basis", "start_date", "end_date"),
)
_PROVENANCE: Final = ("report_id", "report_section")
_LIST_KEYS: Final = frozenset({"aliases", "assoc_actor_1", "assoc_actor_2", "source", "tags"})

# Event columns a place fills.
_PLACE_COLUMNS: Final = (
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
)

# Table column -> the source key it is written or derived from (for locations).
_EVENT_ORIGIN: Final = {
    "year": "event_date",
    "disorder_type": "sub_event_type",
    "inter1": "actor1",
    "inter2": "actor2",
    "interaction": "actor1",
    "report_section": "paragraph",
    **dict.fromkeys(_PLACE_COLUMNS, "place"),
}
_MEASURE_ORIGIN: Final = {"report_section": "paragraph"}
_ACTOR_ORIGIN: Final = {"report_id": "report", "report_section": "section"}


@dataclass(frozen=True)
class Origin:
    """Where a row was written: file, line of its table header, line of each key."""

    path: str
    line: int | None
    keys: Mapping[str, int] = dataclasses.field(default_factory=dict)
    label: str = ""
    table: str = ""
    record_id: str | None = None

    def at(self, key: str | None = None) -> str:
        """``path:line`` of ``key`` (or of the record when the key is not written)."""
        line = self.keys.get(key or "", self.line)
        return self.path if line is None else f"{self.path}:{line}"


@dataclass(frozen=True)
class Sources:
    """Compiled sources: the three tables and where each row came from.

    Attributes
    ----------
    tables : dict of str to DataFrame
        ``events``, ``actors`` and ``measures`` in the canonical columns.
    origins : dict of str to list of Origin
        Per table, the origin of each row, in row order.
    reports : DataFrame
        One row per coded report: ``report_id``, ``title``, ``published``,
        ``section``, ``path``.
    agreement : dict, optional
        For a coding merged by ``libyaevents code adjudicate``: the agreement of
        the codings it was merged from (``coders``, ``matched_share``, ``alpha``
        per field...), read from ``adjudication/agreement.json``; a release built
        from these sources records it in its manifest.
    documents : dict of str to dict
        Each report file (by path) as parsed: every table as written, for tools
        that write a coding back (``libyaevents code adjudicate``) without
        parsing it again.
    paragraphs : DataFrame
        The reports' ``[[paragraphs]]``, one row each (:data:`PARAGRAPH_COLUMNS`:
        ``report_id``, ``paragraph`` number, ``sha256``, ``chars``, and the
        ``source`` file and ``line`` of its table); reports that list none have
        no row.
    """

    tables: dict[str, pd.DataFrame]
    origins: dict[str, list[Origin]]
    reports: pd.DataFrame
    paragraphs: pd.DataFrame = dataclasses.field(
        default_factory=lambda: pd.DataFrame(columns=list(PARAGRAPH_COLUMNS))
    )
    agreement: dict[str, Any] | None = None
    documents: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict, repr=False)

    @property
    def events(self) -> pd.DataFrame:
        """The coded events (one row per event, report order)."""
        return self.tables["events"]

    @property
    def actors(self) -> pd.DataFrame:
        """The coded actors."""
        return self.tables["actors"]

    @property
    def measures(self) -> pd.DataFrame:
        """The coded measures."""
        return self.tables["measures"]

    def where(self, table: str, row: int, column: str | None = None) -> str:
        """``path:line`` of a row's value for ``column`` (the row's header line without one)."""
        key = _origin_key(table, column)
        return self.origins[table][row].at(key)

    def manifest_sources(self) -> list[dict[str, str]]:
        """The coded reports as a release manifest's ``sources`` entries."""
        return [
            {
                "title": str(r.title),
                "x-report-id": str(r.report_id),
                "x-published": str(r.published),
                "x-section": str(r.section),
            }
            for r in self.reports.itertuples(index=False)
        ]

    def validate(self, today: pd.Timestamp | str | None = None) -> ValidationReport:
        """Validate the tables; each failure's ``source`` and ``line`` name file and line.

        The same as ``libyaevents.validate(sources)``.

        Parameters
        ----------
        today : Timestamp or str, optional
            Passed to :func:`libyaevents.validate`.
        """
        return validate(self, today=today)

    def locate(self, failures: pd.DataFrame) -> pd.DataFrame:
        """Fill ``source`` and ``line`` of each row failure: where its value was coded."""
        where = [
            None if pd.isna(row) else self.where(str(table), int(row), str(column))
            for table, row, column in zip(
                failures["table"], failures["row"], failures["column"], strict=True
            )
        ]
        split = pd.Series(where, dtype="str", index=failures.index).str.rsplit(":", n=1)
        return failures.assign(
            source=split.str[0], line=pd.to_numeric(split.str[1]).astype("Int64")
        )


def _origin_key(table: str, column: str | None) -> str | None:
    mapping = {"events": _EVENT_ORIGIN, "measures": _MEASURE_ORIGIN, "actors": _ACTOR_ORIGIN}
    return mapping[table].get(column or "", column)


def sources_folder() -> Path:
    """The sources shipped with the package (the ones the bundled release is built from)."""
    return Path(str(files("libyaevents") / "data" / "coded"))


def is_sources_folder(folder: str | Path) -> bool:
    """True when ``folder`` holds coded sources (an ``actors.toml``)."""
    return (Path(folder) / ACTORS_FILE).is_file()


# -- reading TOML with line numbers ------------------------------------------------


def _load_toml(path: Path) -> tuple[dict[str, Any], Layout]:
    try:
        return parse_toml(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        needs = f"{PLACES_FILE}, {ACTORS_FILE} and {REPORTS_DIR}/"
        msg = f"{path}: no such file; a sources folder needs {needs}."
        raise ReadError(msg) from None
    except UnicodeDecodeError as exc:
        msg = f"{path}: not UTF-8 (byte {exc.start}); save the file as UTF-8."
        raise ReadError(msg) from None
    except tomllib.TOMLDecodeError as exc:
        msg = f"{path}: not valid TOML: {exc}. Fix the syntax at that line."
        raise ReadError(msg) from None


class CompileProblems:
    """Gathers every problem found while compiling, as text and as problem rows."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.rows: list[dict[str, Any]] = []

    def add(
        self, origin: Origin, key: str | None, message: str, code: str, value: Any = None
    ) -> None:
        label = f"{origin.label}: " if origin.label else ""
        self.problems.append(f"{origin.at(key)}: {label}{message}")
        line = origin.keys.get(key or "", origin.line)
        shown = None if value is None else str(value)
        self.rows.append(
            {
                "source": origin.path, "table": origin.table or None, "line": line,
                "record_id": origin.record_id, "column": key, "code": code, "value": shown,
                "message": message,
            }
        )  # fmt: skip

    def table(self) -> pd.DataFrame:
        """The problems in the shared problem shape (every one an error)."""
        return problem_table(pd.DataFrame(self.rows), severity="error")

    def raise_if_any(self) -> None:
        if self.problems:
            listed = "\n".join(f"  {p}" for p in self.problems)
            msg = f"{len(self.problems)} problems in the coded sources:\n{listed}"
            raise ReadError(msg)


def _records(
    path: Path,
    parsed: tuple[dict[str, Any], Layout],
    kind: str,
    found: CompileProblems,
    keys: tuple[tuple[str, ...], tuple[str, ...]],
) -> list[tuple[dict[str, Any], Origin]]:
    data, layout = parsed
    rows = data.get(kind, [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        message = f"'{kind}' must be [[{kind}]] tables"
        found.add(Origin(str(path), None, table=kind), None, message, "type")
        return []
    lines = layout.get(kind, [])
    if len(lines) != len(rows):  # written as an inline array: no per-record lines
        lines = [(None, {})] * len(rows)  # type: ignore[list-item]
    out = []
    for row, (line, key_lines) in zip(rows, lines, strict=True):
        record = row.get(keys[0][0])
        origin = Origin(
            str(path), line, key_lines, f"{kind} {record if record is not None else '?'}",
            kind, None if record is None else str(record),
        )  # fmt: skip
        _check_keys(row, origin, keys, found)
        out.append((row, origin))
    return out


def _check_keys(
    row: Mapping[str, Any],
    origin: Origin,
    keys: tuple[tuple[str, ...], tuple[str, ...]],
    found: CompileProblems,
) -> None:
    required, optional = keys
    if not _key_sets(keys)[0].issubset(row):
        for key in required:
            if key not in row:
                message = f"'{key}' is missing; required: {', '.join(required)}"
                found.add(origin, key, message, "value-missing")
    allowed = _key_sets(keys)[1]
    for key in row:
        if key not in allowed:
            close = difflib.get_close_matches(key, required + optional, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            found.add(origin, key, f"unknown key '{key}'{hint}", "column-unknown", key)
        elif type(row[key]) is _EXACT.get(key):
            continue  # the type the key must have, as TOML reads it: nothing more to check
        elif key in _LIST_KEYS and not (
            isinstance(row[key], list) and all(isinstance(v, str) for v in row[key])
        ):
            message = f'\'{key}\' must be a list of strings, e.g. ["a", "b"]'
            found.add(origin, key, message, "type", row[key])
        elif key in _TYPED and not _TYPED[key][0](row[key]):
            value = row[key]
            said = f"{type(value).__name__} {value!r}"
            message = f"'{key}' must be {_TYPED[key][1]}; found {said}"
            found.add(origin, key, message, "type", value)
            row[key] = None  # type: ignore[index]  # compiling goes on; the problem is raised


@functools.cache
def _key_sets(
    keys: tuple[tuple[str, ...], tuple[str, ...]],
) -> tuple[frozenset[str], frozenset[str]]:
    """The required keys, and every key allowed."""
    return frozenset(keys[0]), frozenset(keys[0] + keys[1])


def _is_day(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_sha256(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value) is not None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_DAY: Final = (_is_day, "a date written as 2020-10-23 (no time, no quotes)")
_INT: Final = (_is_int, "a whole number (no quotes)")

#: The TOML type each key must have: a mistake is a problem naming file:line.
_TYPED: Final[dict[str, tuple[Any, str]]] = {
    **dict.fromkeys(("event_date", "published", "coded", "start_date", "end_date"), _DAY),
    **dict.fromkeys(
        (
            "paragraph",
            "time_precision",
            "geo_precision",
            "fatalities",
            "inter_code",
            "iso",
            "number",
            "chars",
        ),
        _INT,
    ),
    "sha256": (_is_sha256, "64 lower-case hex digits (as `libyaevents code new` writes)"),
    **dict.fromkeys(("latitude", "longitude"), (_is_number, "a number (no quotes)")),
}


#: The type TOML gives a key written as it must be (every check of :data:`_TYPED` passes).
_EXACT: Final = {key: dt.date if check is _DAY else int for key, check in _TYPED.items()
                 if check in (_DAY, _INT)}  # fmt: skip


def _joined(values: Any) -> str | None:
    return "; ".join(values) if isinstance(values, list) and values else None


def _resolve(
    value: Any,
    known: Mapping[str, Any],
    *,
    what: tuple[str, str, str],
    origin: Origin,
    key: str,
    found: CompileProblems,
) -> Any:
    """``known[value]``, or a problem with the closest ids (``what``: kind, file, code)."""
    if value in known:
        return known[value]
    kind, where, code = what
    others = {k: [str(v) for v in _other_names(row)] for k, row in known.items()}
    suggested = suggestions.hint(suggestions.did_you_mean(value, others))
    todo = f"write the {kind} id of {where}, or add the {kind} there"
    found.add(origin, key, f"{key} {value!r} is not a known {kind} id{suggested} ({todo})",
              code, value)  # fmt: skip
    return None


def _other_names(row: Mapping[str, Any]) -> list[Any]:
    """The names a registry row is also known by (an actor's name and aliases, a location)."""
    aliases = (row.get("aliases") or "").split("; ") if row.get("aliases") else []
    return [v for v in (row.get("name"), row.get("location"), *aliases) if v]


# -- compiling ---------------------------------------------------------------------


#: Files already parsed, by path: document and layout (see :func:`compile_sources`).
Parsed = Mapping[str, tuple[dict[str, Any], Layout]]
_Loader = Callable[[Path], tuple[dict[str, Any], Layout]]


def _places(folder: Path, found: CompileProblems, load: _Loader) -> dict[str, dict[str, Any]]:
    places = {}
    path = folder / PLACES_FILE
    for row, origin in _records(path, load(path), "places", found, _PLACE_KEYS):
        if row.get("id") in places:
            message = f"place id {row['id']!r} is used twice"
            found.add(origin, "id", message, "duplicate", row["id"])
        places[str(row.get("id"))] = row
    return places


def _actors(
    folder: Path, found: CompileProblems, load: _Loader
) -> tuple[list[dict[str, Any]], list[Origin]]:
    rows, origins = [], []
    path = folder / ACTORS_FILE
    for row, origin in _records(path, load(path), "actors", found, _ACTOR_KEYS):
        rows.append(
            {
                **{k: row.get(k) for k in ("actor_id", "name", "inter_code", "country")},
                "aliases": _joined(row.get("aliases")),
                **{k: row.get(k) for k in ("parent_id", "role", "notes")},
                "report_id": row.get("report"),
                "report_section": row.get("section"),
            }
        )
        origins.append(origin)
    return rows, origins


def _timestamp(day: Any) -> int | None:
    return calendar.timegm(day.timetuple()) if isinstance(day, dt.date) else None


def _interaction(inter1: Any, inter2: Any) -> int | None:
    if not isinstance(inter1, int) or not isinstance(inter2, int | None):
        return None  # the actor's inter_code is itself invalid: reported on actors
    return actortypes.interaction_code(inter1, inter2)


class _Compiler:
    def __init__(self, folder: Path, parsed: Parsed) -> None:
        self.folder = folder
        self.parsed = parsed
        self.found = CompileProblems()
        self.places = _places(folder, self.found, self.load)
        self.actor_rows, self.actor_origins = _actors(folder, self.found, self.load)
        self.actor_by_id = {a["actor_id"]: a for a in self.actor_rows}
        self.events: list[dict[str, Any]] = []
        self.event_origins: list[Origin] = []
        self.measures: list[dict[str, Any]] = []
        self.measure_origins: list[Origin] = []
        self.reports: list[dict[str, Any]] = []
        self.paragraphs: list[dict[str, Any]] = []
        self.documents: dict[str, dict[str, Any]] = {}

    def load(self, path: Path) -> tuple[dict[str, Any], Layout]:
        """A file's document and layout: as given (just written), else read."""
        given = self.parsed.get(str(path))
        return given if given is not None else _load_toml(path)

    def report(self, path: Path) -> None:
        parsed = self.load(path)
        self.documents[str(path)] = parsed[0]
        head = parsed[0].get("report")
        origin = Origin(str(path), None, label="report", table="report")
        if not isinstance(head, dict):
            message = f"no [report] table with {', '.join(_REPORT_KEYS[0])}"
            self.found.add(origin, None, message, "source-structure")
            return
        _check_keys(head, origin, _REPORT_KEYS, self.found)
        self.reports.append(
            {
                "report_id": head.get("id"),
                "title": head.get("title"),
                "published": head.get("published"),
                "section": head.get("section"),
                "path": str(path),
            }
        )
        listed = self._paragraphs(path, parsed, head)
        for row, at in _records(path, parsed, "events", self.found, _EVENT_KEYS):
            self.events.append(self._event(row, at, head))
            self.event_origins.append(at)
            self._cites(row, at, listed, head)
        for row, at in _records(path, parsed, "measures", self.found, _MEASURE_KEYS):
            self.measures.append(self._measure(row, head))
            self.measure_origins.append(at)
            self._cites(row, at, listed, head)

    def _paragraphs(
        self, path: Path, parsed: tuple[dict[str, Any], Layout], head: Mapping[str, Any]
    ) -> set[int]:
        """Record the report's [[paragraphs]]; return their numbers."""
        numbers: set[Any] = set()
        for row, at in _records(path, parsed, "paragraphs", self.found, _PARAGRAPH_KEYS):
            number = row.get("number")
            if number in numbers:
                message = f"paragraph {number} is listed twice"
                self.found.add(at, "number", message, "duplicate", number)
            numbers.add(number)
            self.paragraphs.append(
                {
                    "report_id": head.get("id"), "paragraph": number, "sha256": row.get("sha256"),
                    "chars": row.get("chars"), "source": at.path, "line": at.line,
                }
            )  # fmt: skip
        return numbers

    def _cites(
        self, row: Mapping[str, Any], at: Origin, listed: set[Any], head: Mapping[str, Any]
    ) -> None:
        """A record's paragraph must be one its report lists (when it lists any)."""
        cited = row.get("paragraph")
        if listed and cited is not None and cited not in listed:
            numbers = ", ".join(str(n) for n in sorted(n for n in listed if isinstance(n, int)))
            message = (
                f"paragraph {cited} is not in report {head.get('id')!r}, whose "
                f"[[paragraphs]] are {numbers}; cite the paragraph the record codes"
            )
            self.found.add(at, "paragraph", message, "paragraph-unknown", cited)

    def _actor(self, row: Mapping[str, Any], key: str, at: Origin) -> dict[str, Any] | None:
        value = row.get(key)
        if value is None:
            return None
        actor: dict[str, Any] | None = _resolve(
            value,
            self.actor_by_id,
            what=("actor", ACTORS_FILE, "actor-unresolved"),
            origin=at,
            key=key,
            found=self.found,
        )
        return actor

    def _names(self, row: Mapping[str, Any], key: str, at: Origin) -> str | None:
        ids = row.get(key)
        if not ids or not isinstance(ids, list):
            return None
        known = self.actor_by_id
        found = [known[i] if i is not None and i in known else self._actor({key: i}, key, at)
                 for i in ids]  # fmt: skip
        return _joined([a["name"] for a in found if a is not None])

    def _event(self, row: Mapping[str, Any], at: Origin, head: Mapping[str, Any]) -> dict[str, Any]:
        actor1 = self._actor(row, "actor1", at)
        actor2 = self._actor(row, "actor2", at)
        place = (
            _resolve(
                row.get("place"),
                self.places,
                what=("place", PLACES_FILE, "place-unresolved"),
                origin=at,
                key="place",
                found=self.found,
            )
            or {}
        )
        day, sub = row.get("event_date"), row.get("sub_event_type")
        inter1 = actor1["inter_code"] if actor1 else None
        inter2 = actor2["inter_code"] if actor2 else None
        return {
            "event_id_cnty": row.get("event_id_cnty"),
            "event_date": day,
            "year": day.year if isinstance(day, dt.date) else None,
            "time_precision": row.get("time_precision"),
            "disorder_type": taxonomy.DISORDER_TYPE_OF.get(sub) if isinstance(sub, str) else None,
            "event_type": row.get("event_type"),
            "sub_event_type": sub,
            "actor1": actor1["name"] if actor1 else row.get("actor1"),
            "assoc_actor_1": self._names(row, "assoc_actor_1", at),
            "inter1": inter1,
            "actor2": actor2["name"] if actor2 else row.get("actor2"),
            "assoc_actor_2": self._names(row, "assoc_actor_2", at),
            "inter2": inter2,
            "interaction": _interaction(inter1, inter2),
            "civilian_targeting": row.get("civilian_targeting"),
            **{k: place.get(k) for k in _PLACE_COLUMNS},
            "geo_precision": row.get("geo_precision"),
            "source": _joined(row.get("source", head.get("source"))),
            "source_scale": row.get("source_scale", head.get("source_scale")),
            "notes": row.get("notes"),
            "fatalities": row.get("fatalities"),
            "tags": _joined(row.get("tags")),
            "timestamp": _timestamp(head.get("coded")),
            "report_id": head.get("id"),
            "report_section": _section(head, row),
        }

    def _measure(self, row: Mapping[str, Any], head: Mapping[str, Any]) -> dict[str, Any]:
        values = {f.name: row.get(f.name) for f in MEASURES.fields}
        return {**values, "report_id": head.get("id"), "report_section": _section(head, row)}

    def seen(self) -> None:
        """Fill the actors' first_seen and last_seen from the events naming them."""
        dates: dict[str, list[dt.date]] = {}
        by_name = {a["name"]: a["actor_id"] for a in self.actor_rows}
        event_date = {e["event_id_cnty"]: e["event_date"] for e in self.events}
        for event in self.events:
            names = [event["actor1"], event["actor2"]]
            for column in ("assoc_actor_1", "assoc_actor_2"):
                names += (event[column] or "").split("; ")
            for name in names:
                if name in by_name and isinstance(event["event_date"], dt.date):
                    dates.setdefault(by_name[name], []).append(event["event_date"])
        for measure in self.measures:
            day = event_date.get(measure["event_id_cnty"])
            for column in ("imposing_actor_id", "target_actor_id"):
                if isinstance(day, dt.date) and measure[column] in self.actor_by_id:
                    dates.setdefault(measure[column], []).append(day)
        for actor in self.actor_rows:
            seen = dates.get(actor["actor_id"], [])
            actor["first_seen"] = min(seen) if seen else None
            actor["last_seen"] = max(seen) if seen else None


def _section(head: Mapping[str, Any], row: Mapping[str, Any]) -> str:
    return f"{head.get('section')}, para. {row.get('paragraph')}"


def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns), dtype="object")
    return frame.reset_index(drop=True)


def read_sources(folder: str | Path | None = None) -> Sources:
    """Compile a sources folder into the three canonical tables.

    Parameters
    ----------
    folder : path, optional
        The folder with ``places.toml``, ``actors.toml`` and ``reports/``;
        the sources shipped with the package by default.

    Returns
    -------
    Sources
        The tables (values as written; :meth:`Sources.validate` checks them),
        the origin of every row and the reports' paragraphs.

    Raises
    ------
    ReadError
        When a file is missing, is not UTF-8 TOML, or a record has missing or
        unknown keys, names an actor or place that does not exist, or cites a
        paragraph its report does not list: every such problem is listed with
        its ``file:line``.
    """
    sources, problems = compile_sources(folder)
    problems.raise_if_any()
    return sources


def compile_sources(
    folder: str | Path | None = None, *, parsed: Parsed | None = None
) -> tuple[Sources, CompileProblems]:
    """Compile as :func:`read_sources` does, returning the problems instead of raising.

    The tables are compiled as far as they go (an unresolved actor keeps the
    id as written); ``problems.table()`` gives the problems in the shared
    problem shape, ``problems.raise_if_any()`` raises them as
    :func:`read_sources` does.

    ``parsed`` gives, by path (as ``folder / name`` spells it), the document
    and layout of files just written (what
    :func:`libyaevents.readers.tomldump.dump_toml` returns with their text):
    those are compiled without reading them back.

    Raises
    ------
    ReadError
        When a file is missing or is not UTF-8 TOML (nothing can be compiled).
    """
    root = sources_folder() if folder is None else Path(folder)
    with collector.paused():  # the records hold no cycles: collecting finds nothing
        return _compiled(root, parsed or {})


def _compiled(root: Path, parsed: Parsed) -> tuple[Sources, CompileProblems]:
    compiler = _Compiler(root, parsed)
    report_files = sorted((root / REPORTS_DIR).glob("*.toml"))
    if not report_files:
        compiler.found.add(
            Origin(str(root / REPORTS_DIR), None, table="report"),
            None,
            "no report files (*.toml); code at least one report",
            "source-structure",
        )
    for path in report_files:
        compiler.report(path)
    compiler.seen()
    event_columns = tuple(f.name for f in EVENTS.fields if f.required or f.name in _PROVENANCE)
    events = _frame(compiler.events, event_columns)
    tables = {
        "events": events,
        "actors": _frame(compiler.actor_rows, ACTORS.names),
        "measures": _frame(compiler.measures, MEASURES.names),
    }
    origins = {
        "events": compiler.event_origins,
        "actors": compiler.actor_origins,
        "measures": compiler.measure_origins,
    }
    reports = pd.DataFrame(
        compiler.reports, columns=["report_id", "title", "published", "section", "path"]
    )
    paragraphs = _frame(compiler.paragraphs, PARAGRAPH_COLUMNS)
    sources = Sources(
        tables, origins, reports, paragraphs,
        agreement=_agreement(root), documents=compiler.documents,
    )  # fmt: skip
    return sources, compiler.found


def _agreement(root: Path) -> dict[str, Any] | None:
    """The agreement figures an adjudicated coding keeps (None when there are none)."""
    path = root / AUDIT_DIR / AGREEMENT_FILE
    if not path.is_file():
        return None
    try:
        figures = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = f"{path}: not a JSON file ({exc}); write it again with `libyaevents code adjudicate`."
        raise ReadError(msg) from None
    if not isinstance(figures, dict):
        msg = (
            f"{path}: expected a JSON object of agreement figures; found {type(figures).__name__}."
        )
        raise ReadError(msg)
    return figures
