"""Which events (and measures) of several codings of one report are the same.

Coders number events their own way, so events are aligned by content, never by
id, within each report that several coders coded. The cost of pairing two
events adds a weight for each deciding value that differs:

==================  =====================================================
paragraph           1.0 (events are paired across paragraphs only when
                    nothing else differs)
event_date          days apart / 30, at most 1.0
actor1              0.6
actor2              0.4
event_type          0.3
sub_event_type      0.3
place               0.05 (breaks ties only; place and notes may differ)
other values        0.02 each (time and geo precision, associated actors,
                    fatalities, sources, tags): break ties between
                    events alike in all of the above
==================  =====================================================

Pairs costing more than :data:`EVENT_THRESHOLD` (1.0) are never paired. Within a
report the pairing is one-to-one and optimal: the most pairs, then the least total
cost (the Hungarian method, :func:`scipy.optimize.linear_sum_assignment`). With
more than two coders, each next coder's events are paired with the units found
so far (by their first coder's event); the rest start units of their own.

Measures are aligned within each aligned event, by type (0.6), target (0.3),
imposing actor (0.3), status (0.1), legal basis and start date (0.02), at most
:data:`MEASURE_THRESHOLD` (0.7).

Examples
--------
>>> from libyaevents.coding.align import event_cost
>>> from libyaevents.coding.codings import read_coding
>>> from libyaevents.readers.coded import sources_folder
>>> seed = read_coding(sources_folder())
>>> [seed.raw_events[i]["event_id_cnty"] for i in (3, 4)]
['LBY5', 'LBY6']
>>> event_cost(seed.event_values[3], 2, seed.event_values[4], 2)  # alike but for ties
0.08
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from libyaevents.coding.codings import Coding

__all__ = [
    "EVENT_THRESHOLD",
    "EVENT_WEIGHTS",
    "MEASURE_THRESHOLD",
    "MEASURE_WEIGHTS",
    "Unit",
    "align_events",
    "align_measures",
    "event_cost",
    "measure_cost",
]

#: Values that only break ties between otherwise equal events (two meetings of one day).
_TIE_BREAKERS: Final = (
    "time_precision",
    "assoc_actor_1",
    "assoc_actor_2",
    "geo_precision",
    "fatalities",
    "source",
    "tags",
)
_COMPARED: Final = ("actor1", "actor2", "event_type", "sub_event_type", "place", *_TIE_BREAKERS)
#: Weight of each differing deciding value of two events (event_date: per 30 days).
EVENT_WEIGHTS: Final = {
    "paragraph": 1.0,
    "event_date": 1.0,
    "actor1": 0.6,
    "actor2": 0.4,
    "event_type": 0.3,
    "sub_event_type": 0.3,
    "place": 0.05,
    **dict.fromkeys(_TIE_BREAKERS, 0.02),
}
EVENT_THRESHOLD: Final = 1.0
_DAYS: Final = 30
MEASURE_WEIGHTS: Final = {
    "measure_type": 0.6,
    "target_actor_id": 0.3,
    "imposing_actor_id": 0.3,
    "status": 0.1,
    "legal_basis": 0.02,
    "start_date": 0.02,
}
MEASURE_THRESHOLD: Final = 0.7
_NEVER: Final = 1e6  # cost of a pair above the threshold: paired only when nothing else is


@dataclass(frozen=True, kw_only=True)
class Unit:
    """One event (or measure) as several coders coded it.

    Attributes
    ----------
    report : str
        The report id.
    paragraph : int
        The paragraph the unit's first coder cites.
    rows : dict of int to int
        Coder index -> the row of that coder's events (or measures) table.
    """

    report: str
    paragraph: int
    rows: dict[int, int]


def _day(value: Any) -> int:
    return value.toordinal() if isinstance(value, dt.date) else 0


def event_cost(a: Mapping[str, Any], para_a: int, b: Mapping[str, Any], para_b: int) -> float:
    """The cost of pairing two events (compared values by written key, and paragraphs)."""
    days = min(abs(_day(a["event_date"]) - _day(b["event_date"])), _DAYS) / _DAYS
    cost = EVENT_WEIGHTS["paragraph"] * (para_a != para_b) + EVENT_WEIGHTS["event_date"] * days
    for key in _COMPARED:
        cost += EVENT_WEIGHTS[key] * (a[key] != b[key])
    return round(cost, 10)


def measure_cost(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """The cost of pairing two measures of one aligned event."""
    return round(sum(w * float(a[k] != b[k]) for k, w in MEASURE_WEIGHTS.items()), 10)


_Codes = npt.NDArray[np.int64]


class _Features:
    """The deciding values of every coder's events as integer codes, for broadcasting."""

    def __init__(self, codings: Sequence[Coding]) -> None:
        keys: dict[str, dict[Any, int]] = defaultdict(dict)
        self.columns: list[dict[str, _Codes]] = []
        for coding in codings:
            values = coding.event_columns
            columns = {"paragraph": np.asarray(coding.paragraphs, dtype=np.int64)}
            columns["event_date"] = np.asarray(
                [_day(v) for v in values["event_date"]], dtype=np.int64
            )
            for key in _COMPARED:
                codes = keys[key]
                columns[key] = np.asarray(
                    [codes.setdefault(v, len(codes)) for v in values[key]], dtype=np.int64
                )
            self.columns.append(columns)

    def cost(self, left: tuple[int, _Codes], right: tuple[int, _Codes]) -> npt.NDArray[np.float64]:
        """Cost of every pair of ``left`` x ``right`` events: (coder, rows) each."""
        a = {k: v[left[1]][:, None] for k, v in self.columns[left[0]].items()}
        b = {k: v[right[1]][None, :] for k, v in self.columns[right[0]].items()}
        days = np.minimum(np.abs(a["event_date"] - b["event_date"]), _DAYS) / _DAYS
        cost = EVENT_WEIGHTS["event_date"] * days
        for key in ("paragraph", *_COMPARED):
            cost = cost + EVENT_WEIGHTS[key] * (a[key] != b[key])
        return np.asarray(np.round(cost, 10), dtype=np.float64)


def _pairs(cost: npt.NDArray[np.float64], threshold: float) -> list[tuple[int, int]]:
    """Optimal one-to-one pairs of rows and columns costing at most ``threshold``."""
    if cost.size == 0:
        return []
    allowed = cost <= threshold
    rows, cols = linear_sum_assignment(np.where(allowed, cost, _NEVER))
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if allowed[r, c]]


def _by_report(coding: Coding) -> dict[str, list[int]]:
    """Rows of each report's events; a report coded with no event is there, empty."""
    groups: dict[str, list[int]] = {str(r): [] for r in coding.sources.reports["report_id"]}
    for row, report in enumerate(coding.events["report_id"].tolist()):
        groups[str(report)].append(row)
    return groups


def align_events(codings: Sequence[Coding]) -> list[Unit]:
    """The event units of every report that two or more of ``codings`` coded."""
    features = _Features(codings)
    groups = [_by_report(c) for c in codings]
    shared = sorted(r for r in set().union(*groups) if sum(r in g for g in groups) >= 2)
    units: list[Unit] = []
    for report in shared:
        found: list[dict[int, int]] = []
        for coder, group in enumerate(groups):
            rows = group.get(report, [])
            heads = [next(iter(u.items())) for u in found]
            taken: set[int] = set()
            for head_index, row_index in _heads_pairs(features, heads, coder, rows):
                found[head_index][coder] = rows[row_index]
                taken.add(row_index)
            found += [{coder: row} for i, row in enumerate(rows) if i not in taken]
        units += [
            Unit(
                report=report,
                paragraph=codings[next(iter(u))].paragraphs[next(iter(u.values()))],
                rows=u,
            )
            for u in found
        ]
    return sorted(units, key=lambda u: (u.report, u.paragraph, *next(iter(u.rows.items()))))


def _heads_pairs(
    features: _Features, heads: list[tuple[int, int]], coder: int, rows: list[int]
) -> list[tuple[int, int]]:
    if not heads:
        return []
    cost = np.empty((len(heads), len(rows)))
    right = (coder, np.asarray(rows, dtype=np.int64))
    by_coder: dict[int, list[int]] = defaultdict(list)
    for i, (head_coder, _) in enumerate(heads):
        by_coder[head_coder].append(i)
    for head_coder, indices in by_coder.items():
        left = (head_coder, np.asarray([heads[i][1] for i in indices], dtype=np.int64))
        cost[indices] = features.cost(left, right)
    return _pairs(cost, EVENT_THRESHOLD)


def align_measures(codings: Sequence[Coding], events: Sequence[Unit]) -> list[Unit]:
    """The measure units: measures of each event unit, aligned by content."""
    attached = []
    for coding in codings:
        index: dict[tuple[str, str], list[int]] = defaultdict(list)
        keys = zip(coding.measures["report_id"], coding.measures["event_id_cnty"], strict=True)
        for row, key in enumerate(keys):
            index[(str(key[0]), str(key[1]))].append(row)
        attached.append(index)
    ids = [c.events["event_id_cnty"].tolist() for c in codings]
    units = []
    for event in events:
        found: list[dict[int, int]] = []
        for coder, row in event.rows.items():
            rows = attached[coder].get((event.report, str(ids[coder][row])), [])
            values = codings[coder].measure_values
            heads = [next(iter(u.items())) for u in found]
            cost = np.array(
                [
                    [measure_cost(codings[c].measure_values[r], values[m]) for m in rows]
                    for c, r in heads
                ]
            ).reshape(len(heads), len(rows))
            taken = set()
            for head, col in _pairs(cost, MEASURE_THRESHOLD):
                found[head][coder] = rows[col]
                taken.add(col)
            found += [{coder: m} for i, m in enumerate(rows) if i not in taken]
        units += [
            Unit(
                report=event.report,
                paragraph=codings[next(iter(u))].measure_paragraphs[next(iter(u.values()))],
                rows=u,
            )
            for u in found
        ]
    return units
