"""Several codings and the decisions about them become one set of records.

The records of the merged coding, report by report, and its registries:

- every aligned unit (an event, or a measure of an aligned event) is written
  once, from its first coder's record (coder a's where a coded it, so a's ids,
  order and values are the base); each decided value replaces it where the
  choice says so, and a unit some coders did not find is kept or dropped as
  decided (the measures of a dropped event go with it);
- units of reports only one coder coded are carried over as that coder wrote them;
- registries: a's actors and places, then the entries only a later coder has
  (matched by canonical name, places by location and country), an id taken
  already getting the coder's label (``kaniyat-militia-c``); every other coder's
  values are written with the merged ids, and their event and measure ids are
  kept unless taken.

:class:`Combined` says what became of each unit: ``units`` = ``written`` +
``dropped`` for events and for measures, and the merged id of every decided unit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final

from libyaevents.coding.agreement import Agreement
from libyaevents.coding.align import Unit
from libyaevents.coding.codings import Coding
from libyaevents.coding.decisions import Decision, Key

__all__ = ["Combined"]

_ACTOR_KEYS: Final = frozenset({"actor1", "actor2", "imposing_actor_id", "target_actor_id"})
_ACTOR_LISTS: Final = frozenset({"assoc_actor_1", "assoc_actor_2"})
_ID_KEYS: Final = {"event": "event_id_cnty", "measure": "measure_id"}


class Registry:
    """a's registry plus the entries only later coders have; each coder's ids -> merged."""

    def __init__(self, registries: Sequence[list[dict[str, Any]]], kind: str,
                 labels: Sequence[str]) -> None:  # fmt: skip
        ident = "actor_id" if kind == "actors" else "id"
        same: Callable[[Mapping[str, Any]], Any] = (
            (lambda r: r["name"]) if kind == "actors" else (lambda r: (r["location"], r["country"]))
        )
        merged_id = {same(r): r[ident] for r in registries[0]}
        used = set(merged_id.values())
        self.records = [dict(r) for r in registries[0]]
        self.ids: list[dict[str, str]] = [{}]  # coder a's ids are the merged ones
        for label, records in zip(labels[1:], registries[1:], strict=True):
            mapping: dict[str, str] = {}
            added = []
            for record in records:
                if same(record) not in merged_id:
                    new = record[ident] if record[ident] not in used else f"{record[ident]}-{label}"
                    merged_id[same(record)] = new
                    used.add(new)
                    added.append({**record, ident: new})
                mapping[record[ident]] = merged_id[same(record)]
            for record in added:
                if "parent_id" in record:
                    record["parent_id"] = mapping.get(record["parent_id"], record["parent_id"])
            self.records += added
            self.ids.append(mapping)


class _Ids:
    """Event or measure ids of the merged coding: a's, then others' where free, then new ones."""

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


def _rows_by_report(coding: Coding, kind: str) -> Iterator[tuple[str, int]]:
    """(report, row) of a coder's events or measures, report by report, rows in order."""
    frame = coding.events if kind == "event" else coding.measures
    out: dict[str, list[int]] = defaultdict(list)
    for row, report in enumerate(frame["report_id"].tolist()):
        out[str(report)].append(row)
    for report, rows in out.items():
        yield from ((report, row) for row in rows)


class Combined:
    """The merged records of ``agreement``'s codings under the ``decided`` decisions.

    Attributes
    ----------
    actors, places : Registry
        The merged registries.
    events, measures : dict of str to list of dict
        Per report id: the merged records, as a coded file writes them.
    counts : dict
        Per ``events`` / ``measures``: ``units`` (each unit once, whoever coded it),
        ``written`` and ``dropped`` (by a decision, or with the event they record).
    merged_ids : dict
        (kind, every coder's id) -> the unit's id in the merged coding (None: dropped).
    """

    def __init__(self, agreement: Agreement, decided: Mapping[Key, Decision],
                 registries: Mapping[str, Sequence[list[dict[str, Any]]]]) -> None:  # fmt: skip
        self.codings = agreement.codings
        self.labels = agreement.coders
        self.actors = Registry(registries["actors"], "actors", self.labels)
        self.places = Registry(registries["places"], "places", self.labels)
        self.by_ids: dict[tuple[str, tuple[str | None, ...]], list[tuple[str, Decision]]] = (
            defaultdict(list)
        )
        for (_, kind, field, ids), decision in decided.items():
            self.by_ids[(kind, ids)].append((field, decision))
        self.merged_ids: dict[tuple[str, tuple[str | None, ...]], str | None] = {}
        self.counts: dict[str, dict[str, int]] = {}
        self.event_of: list[dict[str, str | None]] = [{} for _ in self.codings]
        self.events = self._records("event", agreement.events)
        self.measures = self._records("measure", agreement.measures)

    def mapped(self, coder: int, key: str, value: Any) -> Any:
        """A value ``coder`` wrote, with its registry ids replaced by the merged ones."""
        if key in _ACTOR_KEYS:
            return self.actors.ids[coder].get(value, value)
        if key in _ACTOR_LISTS:
            return [self.actors.ids[coder].get(v, v) for v in value]
        if key == "place":
            return self.places.ids[coder].get(value, value)
        return value

    def _decide(self, kind: str, record: dict[str, Any], ids: tuple[str | None, ...],
                written: Mapping[int, Mapping[str, Any]]) -> bool:  # fmt: skip
        """Apply the decisions about one unit to ``record``; False when it is dropped."""
        for field, decision in self.by_ids.get((kind, ids), []):
            choice = decision["choice"]
            if choice == "drop":
                return False
            if choice in self.labels:
                coder = self.labels.index(choice)
                value = written[coder].get(field)
                if value is None:
                    record.pop(field, None)
                else:
                    record[field] = self.mapped(coder, field, value)
            elif choice == "value":
                record[field] = decision["value"]
        return True

    def _records(self, kind: str, units: Sequence[Unit]) -> dict[str, list[dict[str, Any]]]:
        """Per report: the merged records, a's order, then each next coder's additions."""
        raw = [c.raw_events if kind == "event" else c.raw_measures for c in self.codings]
        unit_of: list[dict[int, dict[int, int]]] = [{} for _ in self.codings]
        for unit in units:
            for coder, row in unit.rows.items():
                unit_of[coder][row] = unit.rows
        first = [str(r[_ID_KEYS[kind]]) for r in raw[0]]
        ids = _Ids(first, kind == "measure")
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        written = dropped = 0
        for coder, coding in enumerate(self.codings):
            for report, row in _rows_by_report(coding, kind):
                rows = unit_of[coder].get(row, {coder: row})  # alone: a report only it coded
                if min(rows) != coder:
                    continue  # written with the unit's first coder
                record = self._record(kind, rows, raw, ids)
                if record is None:
                    dropped += 1
                else:
                    written += 1
                    out[report].append(record)
        self.counts[f"{kind}s"] = {"units": written + dropped, "written": written,
                                   "dropped": dropped}  # fmt: skip
        return out

    def _record(self, kind: str, rows: Mapping[int, int], raw: Sequence[list[dict[str, Any]]],
                ids: _Ids) -> dict[str, Any] | None:  # fmt: skip
        """One unit's merged record (None: dropped); its ids remembered."""
        key = _ID_KEYS[kind]
        first = min(rows)
        written = {c: raw[c][r] for c, r in rows.items()}
        own = tuple(str(written[c][key]) if c in written else None for c in range(len(raw)))
        record = {k: self.mapped(first, k, v) for k, v in written[first].items()}
        kept = self._decide(kind, record, own, written)
        if kept and kind == "measure":
            event = self.event_of[first].get(str(record["event_id_cnty"]))
            kept = event is not None  # a measure goes with its event
            record["event_id_cnty"] = event
        merged = ids.claim(str(own[first])) if kept and first else own[first] if kept else None
        if kind == "event":
            for coder, ident in enumerate(own):
                if ident is not None:
                    self.event_of[coder][ident] = merged
        self.merged_ids[(kind, own)] = merged
        if merged is None:
            return None
        record[key] = merged
        return record
