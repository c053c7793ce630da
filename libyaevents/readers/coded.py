"""Coded sources: the TOML files coders edit, compiled into the three tables.

A sources folder holds ``places.toml`` (where events are located),
``actors.toml`` (the actor registry) and ``reports/*.toml`` (one file per
coded report: a ``[report]`` table, then its ``[[events]]`` and
``[[measures]]``). TOML keeps one value per line, so git diffs stay readable,
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
'.../reports/f8806eb3f3e19e34.toml:20'
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import difflib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

import pandas as pd

from libyaevents.errors import ReadError
from libyaevents.schema.tables import ACTORS, EVENTS, MEASURES
from libyaevents.validation.validator import ValidationReport, validate
from libyaevents.vocab import actortypes, taxonomy

__all__ = ["Origin", "Sources", "is_sources_folder", "read_sources", "sources_folder"]

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

_HEADER: Final = re.compile(r"\s*\[\[\s*([A-Za-z_]+)\s*\]\]")
_TABLE_START: Final = re.compile(r"\s*\[")
_KEY: Final = re.compile(r"\s*([A-Za-z0-9_]+)\s*=")


@dataclass(frozen=True)
class Origin:
    """Where a row was written: file, line of its table header, line of each key."""

    path: str
    line: int | None
    keys: Mapping[str, int] = dataclasses.field(default_factory=dict)
    label: str = ""

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
    """

    tables: dict[str, pd.DataFrame]
    origins: dict[str, list[Origin]]
    reports: pd.DataFrame
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

#: Per ``[[kind]]``: the line of each record's header and of each of its keys.
_Layout = dict[str, list[tuple[int, dict[str, int]]]]


def _layout(text: str) -> _Layout:
    """Line of each ``[[kind]]`` header and of each key below it, per kind."""
    blocks: dict[str, list[tuple[int, dict[str, int]]]] = {}
    keys: dict[str, int] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            keys = {}
            blocks.setdefault(header[1], []).append((number, keys))
        elif _TABLE_START.match(line):
            keys = None
        elif keys is not None and (key := _KEY.match(line)):
            keys.setdefault(key[1], number)
    return blocks


def _load_toml(path: Path) -> tuple[dict[str, Any], _Layout]:
    try:
        text = path.read_bytes().decode("utf-8")
        return tomllib.loads(text), _layout(text)
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


class _Collector:
    """Gathers every problem found while compiling, to raise them together."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, origin: Origin, key: str | None, message: str) -> None:
        label = f"{origin.label}: " if origin.label else ""
        self.problems.append(f"{origin.at(key)}: {label}{message}")

    def raise_if_any(self) -> None:
        if self.problems:
            listed = "\n".join(f"  {p}" for p in self.problems)
            msg = f"{len(self.problems)} problems in the coded sources:\n{listed}"
            raise ReadError(msg)


def _records(
    path: Path,
    parsed: tuple[dict[str, Any], _Layout],
    kind: str,
    found: _Collector,
    keys: tuple[tuple[str, ...], tuple[str, ...]],
) -> list[tuple[dict[str, Any], Origin]]:
    data, layout = parsed
    rows = data.get(kind, [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        found.add(Origin(str(path), None), None, f"'{kind}' must be [[{kind}]] tables")
        return []
    lines = layout.get(kind, [])
    if len(lines) != len(rows):  # written as an inline array: no per-record lines
        lines = [(None, {})] * len(rows)  # type: ignore[list-item]
    out = []
    for row, (line, key_lines) in zip(rows, lines, strict=True):
        origin = Origin(str(path), line, key_lines, f"{kind} {row.get(keys[0][0], '?')}")
        _check_keys(row, origin, keys, found)
        out.append((row, origin))
    return out


def _check_keys(
    row: Mapping[str, Any],
    origin: Origin,
    keys: tuple[tuple[str, ...], tuple[str, ...]],
    found: _Collector,
) -> None:
    required, optional = keys
    for key in required:
        if key not in row:
            found.add(origin, None, f"'{key}' is missing; required: {', '.join(required)}")
    for key in row:
        if key not in required and key not in optional:
            close = difflib.get_close_matches(key, required + optional, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            found.add(origin, key, f"unknown key '{key}'{hint}")
        elif key in _LIST_KEYS and not (
            isinstance(row[key], list) and all(isinstance(v, str) for v in row[key])
        ):
            found.add(origin, key, f'\'{key}\' must be a list of strings, e.g. ["a", "b"]')
        elif key in _TYPED and not _TYPED[key][0](row[key]):
            value = row[key]
            said = f"{type(value).__name__} {value!r}"
            found.add(origin, key, f"'{key}' must be {_TYPED[key][1]}; found {said}")
            row[key] = None  # type: ignore[index]  # compiling goes on; the problem is raised


def _is_day(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_DAY: Final = (_is_day, "a date written as 2020-10-23 (no time, no quotes)")
_INT: Final = (_is_int, "a whole number (no quotes)")

#: The TOML type each key must have: a mistake is a problem naming file:line.
_TYPED: Final[dict[str, tuple[Any, str]]] = {
    **dict.fromkeys(("event_date", "published", "coded", "start_date", "end_date"), _DAY),
    **dict.fromkeys(
        ("paragraph", "time_precision", "geo_precision", "fatalities", "inter_code", "iso"), _INT
    ),
    **dict.fromkeys(("latitude", "longitude"), (_is_number, "a number (no quotes)")),
}


def _joined(values: Any) -> str | None:
    return "; ".join(values) if isinstance(values, list) and values else None


def _resolve(
    value: Any,
    known: Mapping[str, Any],
    *,
    what: str,
    origin: Origin,
    key: str,
    found: _Collector,
) -> Any:
    if value in known:
        return known[value]
    close = difflib.get_close_matches(str(value), list(known), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    found.add(origin, key, f"{key} {value!r} is not a known {what}{hint}")
    return None


# -- compiling ---------------------------------------------------------------------


def _places(folder: Path, found: _Collector) -> dict[str, dict[str, Any]]:
    places = {}
    path = folder / PLACES_FILE
    for row, origin in _records(path, _load_toml(path), "places", found, _PLACE_KEYS):
        if row.get("id") in places:
            found.add(origin, "id", f"place id {row['id']!r} is used twice")
        places[str(row.get("id"))] = row
    return places


def _actors(folder: Path, found: _Collector) -> tuple[list[dict[str, Any]], list[Origin]]:
    rows, origins = [], []
    path = folder / ACTORS_FILE
    for row, origin in _records(path, _load_toml(path), "actors", found, _ACTOR_KEYS):
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
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.found = _Collector()
        self.places = _places(folder, self.found)
        self.actor_rows, self.actor_origins = _actors(folder, self.found)
        self.actor_by_id = {a["actor_id"]: a for a in self.actor_rows}
        self.events: list[dict[str, Any]] = []
        self.event_origins: list[Origin] = []
        self.measures: list[dict[str, Any]] = []
        self.measure_origins: list[Origin] = []
        self.reports: list[dict[str, Any]] = []
        self.documents: dict[str, dict[str, Any]] = {}

    def report(self, path: Path) -> None:
        parsed = _load_toml(path)
        self.documents[str(path)] = parsed[0]
        head = parsed[0].get("report")
        origin = Origin(str(path), None, label="report")
        if not isinstance(head, dict):
            self.found.add(origin, None, f"no [report] table with {', '.join(_REPORT_KEYS[0])}")
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
        for row, at in _records(path, parsed, "events", self.found, _EVENT_KEYS):
            self.events.append(self._event(row, at, head))
            self.event_origins.append(at)
        for row, at in _records(path, parsed, "measures", self.found, _MEASURE_KEYS):
            self.measures.append(self._measure(row, head))
            self.measure_origins.append(at)

    def _actor(self, row: Mapping[str, Any], key: str, at: Origin) -> dict[str, Any] | None:
        value = row.get(key)
        if value is None:
            return None
        actor: dict[str, Any] | None = _resolve(
            value,
            self.actor_by_id,
            what=f"actor_id in {ACTORS_FILE}",
            origin=at,
            key=key,
            found=self.found,
        )
        return actor

    def _names(self, row: Mapping[str, Any], key: str, at: Origin) -> str | None:
        ids = row.get(key) if isinstance(row.get(key), list) else []
        found = [self._actor({key: i}, key, at) for i in ids or []]
        return _joined([a["name"] for a in found if a is not None])

    def _event(self, row: Mapping[str, Any], at: Origin, head: Mapping[str, Any]) -> dict[str, Any]:
        actor1 = self._actor(row, "actor1", at)
        actor2 = self._actor(row, "actor2", at)
        place = (
            _resolve(
                row.get("place"),
                self.places,
                what=f"place in {PLACES_FILE}",
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
        The tables (values as written; :meth:`Sources.validate` checks them)
        and the origin of every row.

    Raises
    ------
    ReadError
        When a file is missing, is not UTF-8 TOML, or a record has missing or
        unknown keys or names an actor or place that does not exist: every
        such problem is listed with its ``file:line``.
    """
    root = sources_folder() if folder is None else Path(folder)
    compiler = _Compiler(root)
    report_files = sorted((root / REPORTS_DIR).glob("*.toml"))
    if not report_files:
        compiler.found.add(
            Origin(str(root / REPORTS_DIR), None),
            None,
            "no report files (*.toml); code at least one report",
        )
    for path in report_files:
        compiler.report(path)
    compiler.seen()
    compiler.found.raise_if_any()
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
    return Sources(tables, origins, reports, _agreement(root), compiler.documents)


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
