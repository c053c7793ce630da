"""The majority's suggestion for each disagreement of three or more codings.

A value: where a strict majority of the coders who coded the unit gave the same
value (as compared: actors by name, lists as sets), the suggestion is the label
of the first of them. A unit only some coders found: ``keep`` when a strict
majority of the coders who could have found it did (those who coded the report,
or, for a measure, those who found its event), ``drop`` when a strict majority
did not. Ties suggest nothing; with two coders there is never a majority.

A suggestion is never a choice: the decisions file shows it as ``suggested`` and
the adjudicator decides, or accepts every suggestion left undecided
(``--accept-majority``).

Examples
--------
>>> import tempfile
>>> from collections import Counter
>>> import libyaevents
>>> from libyaevents.coding.majority import suggestions
>>> made = libyaevents.synthetic_codings(tempfile.mkdtemp(), events=60, coders=3, seed=5)
>>> agreement = libyaevents.agree_codings(made.folders, draws=0)
>>> picked = Counter(suggestions(agreement).values())
>>> picked["a"] > 10 * picked["b"]  # mostly b or c alone differs: a's value is suggested
True
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from libyaevents.coding.agreement import Agreement, Disagreement

__all__ = ["Key", "suggestions", "value_key"]

Key = tuple[str, str, str, tuple[str | None, ...]]


def _could_find(agreement: Agreement) -> Counter[tuple[str, ...]]:
    """How many coders could have found a unit: (report,) -> the report's coders;
    (label, event id) -> the coders who found that event (who could find its measures)."""
    out: Counter[tuple[str, ...]] = Counter()
    for coding in agreement.codings:
        for report in set(map(str, coding.sources.reports["report_id"])):
            out[(report,)] += 1
    for unit in agreement.events:
        for coder, row in unit.rows.items():
            event = str(agreement.codings[coder].raw_events[row]["event_id_cnty"])
            out[(agreement.coders[coder], event)] = len(unit.rows)
    return out


def value_key(value: Any) -> str:
    """A coded value as text that equal values share (sets sorted, whatever their order).

    Examples
    --------
    >>> value_key(frozenset({"Tobruk", "Benghazi"}))
    '["Benghazi", "Tobruk"]'
    >>> value_key({"Benghazi", "Tobruk"}) == value_key(frozenset(["Tobruk", "Benghazi"]))
    True
    """
    return json.dumps(value, sort_keys=True, default=_plain)


def _plain(value: Any) -> Any:
    """What ``json`` cannot write: a set as its sorted members, anything else as text."""
    if isinstance(value, set | frozenset):
        return sorted(value, key=value_key)
    return str(value)


def _suggested(row: Disagreement, could: int) -> str | None:
    """The majority's label (or keep / drop for a unit); None without a strict majority."""
    found = row.found_by
    if row.unit:
        if 2 * len(found) > could:
            return "keep"
        return "drop" if 2 * len(found) < could else None
    groups: dict[str, list[str]] = {}
    for label in found:
        groups.setdefault(value_key(row.values[label]), []).append(label)
    largest = max(groups.values(), key=len, default=[])
    return largest[0] if 2 * len(largest) > len(found) else None


def suggestions(agreement: Agreement) -> dict[Key, str]:
    """The majority's suggestion for each disagreement that has one, by its key."""
    could = _could_find(agreement)
    out = {}
    for row in agreement.disagreements:
        possible = could[(row.report,)]
        if row.kind == "measure" and row.unit:  # the coders who found its event
            label = row.found_by[0]
            coding = agreement.codings[agreement.coders.index(label)]
            event = coding.records[("measure", str(row.ids[label]))]["event_id_cnty"]
            possible = could[(label, str(event))]
        suggestion = _suggested(row, possible)
        if suggestion is not None:
            out[row.key()] = suggestion
    return out
