"""Synthetic double codings with planted disagreements, for tests and benchmarks.

:func:`synthetic_codings` writes one coded sources folder per coder (TOML, as a
coder would: ``actors.toml``, ``places.toml``, ``reports/*.toml``). Coder ``a``
codes the true events; every other coder codes the same reports with the events
renumbered and reordered, misses ``dropped`` events, codes ``added`` events of its
own, and gives a different value to each field with the probability ``rates``
says. What was planted is returned, so a test knows every disagreement
``agree_codings`` must find and that it must find nothing else.

Events of one report differ in actor1 and lie 25 days or more apart, and the
values planted on one event never cost more than 0.9 to pair (see
:mod:`libyaevents.coding.align`), so the true alignment is the only one.

Examples
--------
>>> import tempfile
>>> from libyaevents.coding.synthetic import synthetic_codings
>>> made = synthetic_codings(tempfile.mkdtemp(), events=40, seed=1, dropped=2, added=1)
>>> [p.name for p in made.folders], len(made.dropped), len(made.added)
(['a', 'b'], 2, 1)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import tomli_w

from libyaevents.coding.align import EVENT_THRESHOLD, EVENT_WEIGHTS, event_cost
from libyaevents.errors import InputError
from libyaevents.files import atomic_target
from libyaevents.readers.coded import ACTORS_FILE, PLACES_FILE, REPORTS_DIR
from libyaevents.synthetic import PLACES
from libyaevents.vocab import gazetteer

__all__ = ["DEFAULT_RATES", "Planted", "SyntheticCodings", "synthetic_codings"]

#: Probability that a coder other than ``a`` gives another value, per written key.
DEFAULT_RATES: Final = {
    "event_date": 0.05,
    "time_precision": 0.05,
    "sub_event_type": 0.05,
    "actor1": 0.03,
    "actor2": 0.03,
    "assoc_actor_1": 0.05,
    "place": 0.05,
    "geo_precision": 0.05,
    "fatalities": 0.05,
    "tags": 0.05,
    "status": 0.05,
    "legal_basis": 0.05,
}
_EVENT_KEYS: Final = frozenset(DEFAULT_RATES) - {"status", "legal_basis"}
_MEASURE_KEYS: Final = frozenset({"status", "legal_basis"})
_MARGIN: Final = 0.1  # planted values keep a pair's cost this far below the threshold
_GAP: Final = 25  # days between events of one report
_SPAN: Final = 5 * 365  # reports are published over five years, a week apart
_ACTORS: Final = (
    ("libyan-national-army", "Military Forces of Libya (2014-) Libyan National Army", 1),
    ("gna-forces", "Military Forces of Libya (2016-2021) Government of National Accord", 1),
    ("police-of-libya", "Police Forces of Libya (2016-2021)", 1),
    ("kaniyat-militia", "Kaniyat Militia", 3),
    ("rada", "Rada Special Deterrence Force", 3),
    ("trb", "Tripoli Revolutionaries Battalion", 3),
    ("misrata-militia", "Misrata Communal Militia (Libya)", 4),
    ("zintan-militia", "Zintan Communal Militia (Libya)", 4),
    ("tebu-militia", "Tebu Ethnic Militia (Libya)", 4),
    ("tuareg-militia", "Tuareg Ethnic Militia (Libya)", 4),
    ("islamic-state-libya", "Islamic State (Libya)", 2),
    ("unidentified-armed-group", "Unidentified Armed Group (Libya)", 3),
    ("wagner-group", "Wagner Group", 8),
    ("military-of-turkey", "Military Forces of Turkey (2016-)", 8),
    ("military-of-uae", "Military Forces of the United Arab Emirates (2004-)", 8),
    ("government-of-the-united-states", "Government of the United States (2017-2021)", 8),
    ("government-of-russia", "Government of Russia (2000-)", 8),
    ("government-of-egypt", "Government of Egypt (2014-)", 8),
    ("government-of-italy", "Government of Italy (2019-2021)", 8),
    ("united-nations", "United Nations", 8),
)
_EXTRA_ACTOR: Final = ("hor-delegation", "House of Representatives Delegation (Libya)", 1)
_KINDS: Final = (  # event type, sub-event types (a planted sub-event type stays in its type)
    ("Battles", ("Armed clash", "Government regains territory")),
    ("Explosions/Remote violence", ("Air/drone strike", "Shelling/artillery/missile attack")),
    ("Strategic developments", ("Agreement", "Other", "Change to group/activity")),
)
_TAGS: Final = ("date=relative phrase", "location=not reported")
_MEASURES: Final = ("Designation", "Asset freeze", "Travel ban")


@dataclass(frozen=True, kw_only=True)
class Planted:
    """One planted disagreement.

    Attributes
    ----------
    report : str
    kind : str
        ``event`` or ``measure``.
    field : str
        The written key; ``event`` for a dropped or added event.
    ids : dict of str to str or None
        Coder label -> the id of the event or measure (``None`` where not coded).
    """

    report: str
    kind: str
    field: str
    ids: dict[str, str | None]

    def key(self) -> tuple[str, str, str, tuple[str | None, ...]]:
        """The same key as :meth:`libyaevents.coding.agreement.Disagreement.key`."""
        return (self.report, self.kind, self.field, tuple(self.ids.values()))


@dataclass(frozen=True, kw_only=True)
class SyntheticCodings:
    """What :func:`synthetic_codings` wrote and planted.

    Attributes
    ----------
    folders : list of Path
        One sources folder per coder (``a``, ``b``, ...).
    planted : list of Planted
        Every planted difference: values, dropped and added events.
    dropped, added : list of Planted
        The events only coder ``a`` (dropped by another) or only another coder coded.
    """

    folders: list[Path]
    planted: list[Planted]
    dropped: list[Planted]
    added: list[Planted]


def _actor_records(extra: bool) -> list[dict[str, Any]]:
    rows = [*_ACTORS, _EXTRA_ACTOR] if extra else list(_ACTORS)
    return [
        {
            "actor_id": ident,
            "name": name,
            "inter_code": code,
            "country": "International" if code == 8 else gazetteer.COUNTRY,
            "notes": "Synthetic actor for testing.",
            "report": "r00000",
            "section": "Synthetic, para. 1",
        }
        for ident, name, code in rows
    ]


def _place_records() -> list[dict[str, Any]]:
    return [
        {
            "id": location.lower(),
            "country": gazetteer.COUNTRY,
            "iso": gazetteer.ISO,
            "region": gazetteer.REGION,
            "admin1": dict(gazetteer.ADMIN1_OF)[admin2],
            "admin2": admin2,
            "location": location,
            "latitude": lat,
            "longitude": lon,
        }
        for location, admin2, lat, lon in PLACES
    ]


class _Truth:
    """The true events and measures, report by report."""

    def __init__(self, events: int, per_report: int, rng: np.random.Generator) -> None:
        self.rng = rng
        self.reports: list[dict[str, Any]] = []
        start = dt.date(2019, 1, 1)
        for first in range(0, events, per_report):
            number = len(self.reports)
            published = start + dt.timedelta(days=number * 7 % _SPAN)
            count = min(per_report, events - first)
            actors = rng.choice(len(_ACTORS), size=count, replace=False)
            rows = [self._event(first + i + 1, i, published, int(actors[i])) for i in range(count)]
            self.reports.append(
                {"id": f"r{number:05d}", "published": published, "events": rows, "measures": []}
            )
            for row in rows:
                if row["event_type"] == "Strategic developments":
                    self.reports[-1]["measures"] += self._measures(row)

    def _event(self, number: int, index: int, published: dt.date, actor: int) -> dict[str, Any]:
        rng = self.rng
        kind, subs = _KINDS[int(rng.integers(len(_KINDS)))]
        other = (actor + 1 + int(rng.integers(len(_ACTORS) - 1))) % len(_ACTORS)
        record: dict[str, Any] = {
            "event_id_cnty": f"LBY{number}",
            "paragraph": index // 2 + 1,
            "event_date": published - dt.timedelta(days=1 + index * _GAP),
            "time_precision": int(rng.integers(1, 4)),
            "event_type": kind,
            "sub_event_type": subs[int(rng.integers(len(subs)))],
            "actor1": _ACTORS[actor][0],
            "actor2": _ACTORS[other][0],
            "place": PLACES[int(rng.integers(len(PLACES)))][0].lower(),
            "geo_precision": int(rng.integers(1, 4)),
            "fatalities": 0 if kind == "Strategic developments" else int(rng.integers(0, 6)),
            "tags": [_TAGS[int(rng.integers(2))]] if rng.random() < 0.3 else [],
            "notes": f"Synthetic event {number}.",
        }
        if rng.random() < 0.3:
            record["assoc_actor_1"] = [_ACTORS[(actor + 5) % len(_ACTORS)][0]]
        return record

    def _measures(self, event: Mapping[str, Any]) -> list[dict[str, Any]]:
        count = int(self.rng.integers(0, 3))
        number = int(str(event["event_id_cnty"]).removeprefix("LBY"))
        return [
            {
                "measure_id": f"LBYM{number * 10 + i}",
                "paragraph": event["paragraph"],
                "event_id_cnty": event["event_id_cnty"],
                "measure_type": _MEASURES[i],
                "imposing_actor_id": event["actor1"],
                "target_actor_id": event["actor2"],
                "legal_basis": "Synthetic legal basis",
                "status": "Proposed",
                "notes": f"Synthetic measure {number * 10 + i}.",
            }
            for i in range(count)
        ]


def _compared(record: Mapping[str, Any]) -> dict[str, Any]:
    """A raw record's values as alignment compares them (lists as sets)."""
    lists = ("assoc_actor_1", "assoc_actor_2", "source", "tags")
    return {
        key: frozenset(record.get(key) or ()) if key in lists else record.get(key)
        for key in (*EVENT_WEIGHTS, *lists)
    }


class _Coder:
    """One coder other than ``a``: renumbers, drops, adds and plants."""

    def __init__(self, label: str, rng: np.random.Generator, rates: Mapping[str, float]) -> None:
        self.label, self.rng, self.rates = label, rng, rates
        self.planted: list[Planted] = []
        self.unused: dict[str, list[str]] = {}  # per report: actors no event names

    def plant_event(self, report: str, truth: dict[str, Any], ident: str) -> dict[str, Any]:
        record = dict(truth)
        keys = [k for k in sorted(_EVENT_KEYS) if self.rng.random() < self.rates.get(k, 0.0)]
        for key in sorted(keys):
            changed = {**record, key: self._other(key, record, report)}
            cost = event_cost(_compared(truth), 1, _compared(changed), 1)
            if cost <= EVENT_THRESHOLD - _MARGIN:
                record = changed
                ids: dict[str, str | None] = {"a": str(truth["event_id_cnty"]), self.label: ident}
                self.planted.append(Planted(report=report, kind="event", field=key, ids=ids))
        record["event_id_cnty"] = ident
        return record

    def plant_measure(self, report: str, truth: dict[str, Any], ident: str) -> dict[str, Any]:
        record = dict(truth)
        for key in sorted(_MEASURE_KEYS):
            if self.rng.random() < self.rates.get(key, 0.0):
                record[key] = (
                    "Adopted" if key == "status" else f"{truth['legal_basis']} (as read by {ident})"
                )
                ids: dict[str, str | None] = {"a": str(truth["measure_id"]), self.label: ident}
                self.planted.append(Planted(report=report, kind="measure", field=key, ids=ids))
        record["measure_id"] = ident
        return record

    def _other(self, key: str, record: Mapping[str, Any], report: str) -> Any:  # noqa: PLR0911
        rng = self.rng
        value: Any = record.get(key)
        if key == "event_date":
            return value + dt.timedelta(days=int(rng.choice([-2, -1, 1, 2])))
        if key in ("time_precision", "geo_precision"):
            return int(value % 3 + 1)
        if key == "fatalities":
            return int(value) + int(rng.integers(1, 4))
        if key == "sub_event_type":
            subs = dict(_KINDS)[record["event_type"]]
            return subs[(subs.index(value) + 1) % len(subs)]
        if key in ("actor1", "actor2"):  # an actor no event of the report names
            return self.unused[report].pop()
        if key == "assoc_actor_1":
            return [*(value or []), _ACTORS[-1][0]] if value != [_ACTORS[-1][0]] else []
        if key == "place":
            places = [p[0].lower() for p in PLACES]
            return places[(places.index(value) + 1) % len(places)]
        return [] if value else [_TAGS[0]]  # tags


def _write_toml(path: Path, data: Mapping[str, Any]) -> None:
    with atomic_target(path) as tmp:
        Path(tmp).write_bytes(tomli_w.dumps(data).encode("utf-8"))


def _write_folder(folder: Path, reports: list[dict[str, Any]], *, extra_actor: bool) -> None:
    (folder / REPORTS_DIR).mkdir(parents=True, exist_ok=True)
    _write_toml(folder / ACTORS_FILE, {"actors": _actor_records(extra_actor)})
    _write_toml(folder / PLACES_FILE, {"places": _place_records()})
    for report in reports:
        head = {
            "id": report["id"],
            "title": f"Synthetic report {report['id']}",
            "published": report["published"],
            "section": "Synthetic",
            "source": ["Synthetic digest"],
            "source_scale": "International",
            "coded": dt.date(2026, 1, 1),
        }
        data = {"report": head, "events": report["events"], "measures": report["measures"]}
        _write_toml(folder / REPORTS_DIR / f"{report['id']}.toml", data)


def synthetic_codings(
    folder: str | Path,
    *,
    events: int = 100,
    coders: int = 2,
    seed: int = 0,
    rates: Mapping[str, float] | None = None,
    dropped: int = 0,
    added: int = 0,
    per_report: int = 6,
) -> SyntheticCodings:
    """Write ``coders`` codings of the same synthetic reports, with planted disagreements.

    Parameters
    ----------
    folder : path
        Where to write one sources folder per coder (``a``, ``b``, ...).
    events : int
        True events (coder ``a`` codes exactly these).
    coders : int
        Number of codings (2 to 26).
    seed : int
        Seed: the same arguments write the same files.
    rates : mapping of str to float, optional
        Per written key (event keys, and ``status`` / ``legal_basis`` of measures):
        probability that a coder other than ``a`` gives another value.
        :data:`DEFAULT_RATES` by default. A value is not planted when the event would
        then cost too much to align (several deciding keys at once).
    dropped : int
        Events each coder other than ``a`` misses.
    added : int
        Events each coder other than ``a`` codes that ``a`` did not (in reports of
        their own choosing, naming an actor only that coder's registry has).
    per_report : int
        Events per report (at most 8: each event of a report names its own actor1).

    Returns
    -------
    SyntheticCodings
    """
    if not 2 <= coders <= 26 or not 1 <= per_report <= 8 or events < 1:
        msg = (
            "synthetic_codings needs 2 to 26 coders, 1 to 8 events per report and 1 "
            f"event or more; found coders={coders}, per_report={per_report}, events={events}."
        )
        raise InputError(msg)
    if dropped + added > events:
        msg = f"dropped + added ({dropped + added}) must not exceed events ({events})."
        raise InputError(msg)
    rng = np.random.default_rng(seed)
    truth = _Truth(events, per_report, rng)
    root = Path(folder)
    folders = [root / chr(ord("a") + i) for i in range(coders)]
    _write_folder(folders[0], truth.reports, extra_actor=False)
    out = SyntheticCodings(folders=folders, planted=[], dropped=[], added=[])
    for index, path in enumerate(folders[1:], start=1):
        coder = _Coder(path.name, rng, DEFAULT_RATES if rates is None else rates)
        reports = _code_again(truth, coder, dropped=dropped, added=added, offset=index * 10**6)
        _write_folder(path, reports, extra_actor=added > 0)
        out.planted.extend(coder.planted)
        out.dropped.extend(p for p in coder.planted if p.field == "event" and p.ids["a"])
        out.added.extend(p for p in coder.planted if p.field == "event" and not p.ids["a"])
    return out


def _code_again(
    truth: _Truth, coder: _Coder, *, dropped: int, added: int, offset: int
) -> list[dict[str, Any]]:
    rng = coder.rng
    every = [(r, e) for r, report in enumerate(truth.reports) for e in range(len(report["events"]))]
    drop = {every[i] for i in rng.choice(len(every), size=dropped, replace=False)}
    add_to = rng.choice(len(truth.reports), size=added, replace=len(truth.reports) < added)
    measures_count = sum(len(report["measures"]) for report in truth.reports)
    numbers = iter(offset + rng.permutation(len(every) + added + measures_count))
    out = []
    for r, report in enumerate(truth.reports):
        named = {e["actor1"] for e in report["events"]} | {e["actor2"] for e in report["events"]}
        coder.unused[report["id"]] = [a[0] for a in _ACTORS if a[0] not in named]
        new_ids: dict[str, str] = {}
        events = []
        for e, event in enumerate(report["events"]):
            ident = f"LBY{next(numbers)}"
            if (r, e) in drop:
                ids = {"a": str(event["event_id_cnty"]), coder.label: None}
                coder.planted.append(
                    Planted(report=report["id"], kind="event", field="event", ids=ids)
                )
                continue
            new_ids[event["event_id_cnty"]] = ident
            events.append(coder.plant_event(report["id"], event, ident))
        for _ in range(int((add_to == r).sum())):
            ident = f"LBY{next(numbers)}"
            events.append(_added_event(report, ident, len(events)))
            ids = {"a": None, coder.label: ident}
            coder.planted.append(Planted(report=report["id"], kind="event", field="event", ids=ids))
        measures = [
            coder.plant_measure(
                report["id"],
                {**m, "event_id_cnty": new_ids[m["event_id_cnty"]]},
                f"LBYM{next(numbers)}",
            )
            for m in report["measures"]
            if m["event_id_cnty"] in new_ids
        ]
        order = rng.permutation(len(events))
        out.append({**report, "events": [events[i] for i in order], "measures": measures})
    return out


def _added_event(report: Mapping[str, Any], ident: str, index: int) -> dict[str, Any]:
    """An event only this coder found: its own paragraph, an actor only its registry has."""
    last = max((e["paragraph"] for e in report["events"]), default=0)
    return {
        "event_id_cnty": ident,
        "paragraph": last + 1 + index,
        "event_date": report["published"] - dt.timedelta(days=2),
        "time_precision": 1,
        "event_type": "Strategic developments",
        "sub_event_type": "Other",
        "actor1": _EXTRA_ACTOR[0],
        "place": "tripoli",
        "geo_precision": 3,
        "fatalities": 0,
        "tags": [],
        "notes": "Synthetic event only one coder found.",
    }
