"""Adjudication: two codings and the adjudicator's decisions become one coding.

The first run writes the decisions file (:mod:`libyaevents.coding.decisions`);
once every disagreement is decided, the merged coding is written as a coded
sources folder:

- coder a's files are the base: its ids, its ``[report]`` and any other tables
  (``[[paragraphs]]``...) carried through as read; each decided value replaces a's
  where the choice says so; events and measures only one coder found are kept or
  dropped as decided (the measures of a dropped event go with it);
- registries: a's actors and places, plus the entries only b has (matched by
  canonical name, places by location and country); b's values are written with
  the merged ids; b's event and measure ids are kept unless a uses them;
- reports only one coder coded are carried over whole;
- ``adjudication/decisions.toml`` (the audit trail) and
  ``adjudication/agreement.json`` (coders, matched share, alpha per field:
  what a release built from the folder records) are written beside them.

The folder is written under a temporary name, compiled and validated, and only
then renamed into place: a merge that would not validate leaves nothing behind.

Examples
--------
>>> import tempfile, pathlib
>>> import libyaevents
>>> from libyaevents.readers.coded import sources_folder
>>> out = pathlib.Path(tempfile.mkdtemp()) / "merged"
>>> done = libyaevents.adjudicate(sources_folder(), sources_folder(), out)
>>> done.merged == out, len(libyaevents.read_sources(out).events)
(True, 7)
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import tomli_w

from libyaevents.coding.agreement import Agreement, agree_codings
from libyaevents.coding.codings import Coding
from libyaevents.coding.decisions import Decision, Key, decisions_text, read_decisions, settle
from libyaevents.errors import InputError, ValidationError
from libyaevents.readers.coded import (
    ACTORS_FILE,
    AGREEMENT_FILE,
    AUDIT_DIR,
    DECISIONS_FILE,
    PLACES_FILE,
    REPORTS_DIR,
    read_sources,
)

__all__ = ["AGREEMENT_FILE", "AUDIT_DIR", "DECISIONS_FILE", "Adjudication", "adjudicate"]

_ACTOR_KEYS: Final = frozenset({"actor1", "actor2", "imposing_actor_id", "target_actor_id"})
_ACTOR_LISTS: Final = frozenset({"assoc_actor_1", "assoc_actor_2"})
_HEADER: Final = "# Merged by `libyaevents code adjudicate`; decisions in adjudication/.\n"


@dataclass(frozen=True)
class Adjudication:
    """What :func:`adjudicate` did.

    Attributes
    ----------
    decisions : Path
        The decisions file (written on the first run, read on the next).
    merged : Path or None
        The merged coding; ``None`` when decisions are still to be made.
    left : int
        Disagreements without a decision (0 once merged).
    agreement : Agreement
        The agreement of the two codings.
    """

    decisions: Path
    merged: Path | None
    left: int
    agreement: Agreement


def _load(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _write(path: Path, data: Mapping[str, Any], header: str = _HEADER) -> None:
    path.write_text(header + tomli_w.dumps(data), encoding="utf-8")


class _Registry:
    """a's registry plus the entries only b has; b's ids mapped to the merged ones."""

    def __init__(self, a: list[dict[str, Any]], b: list[dict[str, Any]], kind: str) -> None:
        ident = "actor_id" if kind == "actors" else "id"
        same = (
            (lambda r: r["name"]) if kind == "actors" else (lambda r: (r["location"], r["country"]))
        )
        ids_of = {same(r): r[ident] for r in a}
        used = {r[ident] for r in a}
        self.records = [dict(r) for r in a]
        self.ids: dict[str, str] = {}
        added = []
        for record in b:
            if same(record) in ids_of:
                self.ids[record[ident]] = ids_of[same(record)]
                continue
            new = record[ident] if record[ident] not in used else f"{record[ident]}-b"
            self.ids[record[ident]] = new
            used.add(new)
            added.append({**record, ident: new})
        for record in added:
            if "parent_id" in record:
                record["parent_id"] = self.ids.get(record["parent_id"], record["parent_id"])
        self.records += added


class _Ids:
    """Event or measure ids of the merged coding: a's, then b's where free, then new ones."""

    def __init__(self, taken: list[str], measure: bool) -> None:
        self.used = set(taken)
        self.prefix = "LBYM" if measure else "LBY"
        numbers = [int(m[1]) for i in taken if (m := re.search(r"(\d+)\Z", i))]
        self.next = max(numbers, default=0) + 1

    def claim(self, wanted: str) -> str:
        if wanted not in self.used:
            self.used.add(wanted)
            return wanted
        while f"{self.prefix}{self.next}" in self.used:
            self.next += 1
        self.used.add(new := f"{self.prefix}{self.next}")
        return new


class _Merger:
    def __init__(self, agreement: Agreement, decided: Mapping[Key, Decision]) -> None:
        self.agreement = agreement
        self.a, self.b = agreement.codings
        self.actors = _Registry(
            _load(self.a.folder / ACTORS_FILE).get("actors", []),
            _load(self.b.folder / ACTORS_FILE).get("actors", []),
            "actors",
        )
        self.places = _Registry(
            _load(self.a.folder / PLACES_FILE).get("places", []),
            _load(self.b.folder / PLACES_FILE).get("places", []),
            "places",
        )
        self.by_ids: dict[tuple[str, tuple[str | None, ...]], list[tuple[str, Decision]]] = (
            defaultdict(list)
        )
        for (_, kind, field, ids), decision in decided.items():
            self.by_ids[(kind, ids)].append((field, decision))
        self.event_ids = _Ids([str(r["event_id_cnty"]) for r in self.a.raw_events], False)
        self.measure_ids = _Ids([str(r["measure_id"]) for r in self.a.raw_measures], True)
        self.b_event_to_merged: dict[str, str] = {}

    def mapped(self, key: str, value: Any) -> Any:
        """A value b wrote, with b's registry ids replaced by the merged ones."""
        if key in _ACTOR_KEYS:
            return self.actors.ids.get(value, value)
        if key in _ACTOR_LISTS:
            return [self.actors.ids.get(v, v) for v in value]
        if key == "place":
            return self.places.ids.get(value, value)
        return value

    def b_record(self, record: Mapping[str, Any]) -> dict[str, Any]:
        return {k: self.mapped(k, v) for k, v in record.items()}

    def decide(self, kind: str, record: dict[str, Any], ids: tuple[str | None, str | None],
               b_record: Mapping[str, Any] | None) -> bool:  # fmt: skip
        """Apply the decisions about one unit to ``record``; False when it is dropped."""
        for field, decision in self.by_ids.get((kind, ids), []):
            choice = decision["choice"]
            if choice == "drop":
                return False
            if choice == "b" and b_record is not None:
                value = b_record.get(field)
                if value is None:
                    record.pop(field, None)
                else:
                    record[field] = self.mapped(field, value)
            elif choice == "value":
                record[field] = decision["value"]
        return True

    def units(self, kind: str) -> Iterator[tuple[int | None, int | None]]:
        units = self.agreement.events if kind == "event" else self.agreement.measures
        for unit in units:
            yield unit.rows.get(0), unit.rows.get(1)


def _rows_by_report(coding: Coding, kind: str) -> dict[str, list[int]]:
    frame = coding.events if kind == "event" else coding.measures
    out: dict[str, list[int]] = defaultdict(list)
    for row, report in enumerate(frame["report_id"].tolist()):
        out[str(report)].append(row)
    return out


def _merged_records(merger: _Merger, kind: str) -> dict[str, list[dict[str, Any]]]:
    """Per report: the merged events (or measures), a's order, then b's additions."""
    a, b = merger.a, merger.b
    id_key = "event_id_cnty" if kind == "event" else "measure_id"
    raw_a = a.raw_events if kind == "event" else a.raw_measures
    raw_b = b.raw_events if kind == "event" else b.raw_measures
    ids = merger.event_ids if kind == "event" else merger.measure_ids
    partner = dict(merger.units(kind))
    matched_b = {rb for ra, rb in merger.units(kind) if ra is not None and rb is not None}
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for report, rows in _rows_by_report(a, kind).items():
        for row in rows:
            record = dict(raw_a[row])
            row_b = partner.get(row)
            id_b = None if row_b is None else str(raw_b[row_b][id_key])
            if row_b is not None and kind == "event":
                merger.b_event_to_merged[id_b or ""] = str(record[id_key])
            if merger.decide(
                kind, record, (str(record[id_key]), id_b), None if row_b is None else raw_b[row_b]
            ):
                out[report].append(record)
    for report, rows in _rows_by_report(b, kind).items():
        for row in rows:
            if row in matched_b:
                continue
            record = merger.b_record(raw_b[row])
            ident = str(raw_b[row][id_key])
            if not merger.decide(kind, record, (None, ident), None):
                continue
            record[id_key] = ids.claim(ident)
            if kind == "event":
                merger.b_event_to_merged[ident] = record[id_key]
            else:
                record["event_id_cnty"] = merger.b_event_to_merged.get(
                    str(record["event_id_cnty"]), record["event_id_cnty"]
                )
            out[report].append(record)
    return out


def _write_merged(merger: _Merger, folder: Path) -> None:
    events = _merged_records(merger, "event")
    kept = {str(e["event_id_cnty"]) for records in events.values() for e in records}
    measures = _merged_records(merger, "measure")
    (folder / REPORTS_DIR).mkdir(parents=True)
    _write(folder / ACTORS_FILE, {"actors": merger.actors.records})
    _write(folder / PLACES_FILE, {"places": merger.places.records})
    documents = merger.b.sources.documents | merger.a.sources.documents
    paths = {str(r.report_id): Path(str(r.path)) for r in merger.b.sources.reports.itertuples()}
    paths |= {str(r.report_id): Path(str(r.path)) for r in merger.a.sources.reports.itertuples()}
    for report, path in sorted(paths.items()):
        data = dict(documents[str(path)])  # every table as read; events and measures replaced
        data["events"] = events.get(report, [])
        data["measures"] = [m for m in measures.get(report, []) if str(m["event_id_cnty"]) in kept]
        for name in ("events", "measures"):
            if not data[name]:
                del data[name]
        _write(folder / REPORTS_DIR / path.name, data)


def _default_decisions(output: Path) -> Path:
    return output.with_name(f"{output.name}-{DECISIONS_FILE}")


def adjudicate(
    coded_a: str | Path,
    coded_b: str | Path,
    output: str | Path,
    *,
    decisions: str | Path | None = None,
    today: str | None = None,
) -> Adjudication:
    """Merge two codings of the same reports by the adjudicator's decisions.

    Parameters
    ----------
    coded_a, coded_b : path
        The two coded sources folders (coder a's ids are kept).
    output : path
        The merged coding's folder (must not exist yet).
    decisions : path, optional
        The decisions file; ``<output>-decisions.toml`` beside the output by default.
        When it does not exist it is written (every disagreement, both values, no
        choice) and nothing is merged yet.
    today : str, optional
        Validation date of the merged coding (default: today).

    Returns
    -------
    Adjudication
        ``merged`` is the folder written, or ``None`` when the decisions file was
        just written for the adjudicator to fill in.

    Raises
    ------
    AdjudicationError
        Decisions left undecided, invalid, or matching no disagreement: each listed.
    ValidationError
        The merged coding would not validate (nothing is written).
    InputError
        ``output`` exists.
    """
    target = Path(output)
    if target.exists():
        msg = f"{target}: exists; give a new folder for the merged coding (or remove it)."
        raise InputError(msg)
    agreement = agree_codings([coded_a, coded_b], draws=0)
    path = Path(decisions) if decisions is not None else _default_decisions(target)
    if not path.exists():
        path.write_text(decisions_text(agreement), encoding="utf-8")
        if agreement.disagreements:
            return Adjudication(path, None, len(agreement.disagreements), agreement)
    decided = settle(agreement, read_decisions(path), str(path))
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        _write_merged(_Merger(agreement, decided), tmp)
        (tmp / AUDIT_DIR).mkdir()
        shutil.copyfile(path, tmp / AUDIT_DIR / DECISIONS_FILE)
        figures = {**agreement.figures(), "events": agreement.counts("events"),
                   "measures": agreement.counts("measures"),
                   "disagreements": len(agreement.disagreements)}  # fmt: skip
        (tmp / AUDIT_DIR / AGREEMENT_FILE).write_text(
            json.dumps(figures, indent=2) + "\n", encoding="utf-8"
        )
        report = read_sources(tmp).validate(today=today)
        if not report.ok:
            msg = f"the merged coding would not validate:\n{report.summary()}"
            raise ValidationError(msg, report.failures)
        tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Adjudication(path, target, 0, agreement)
