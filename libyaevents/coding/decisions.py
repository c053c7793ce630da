"""The adjudicator's decisions file: one ``[[decisions]]`` table per disagreement.

Written by the first run of ``code adjudicate`` with both coders' values as
they wrote them (actor and place ids, dates, lists) and an empty ``choice``;
the adjudicator fills in each choice and runs the command again:

==========  ================================================================
``"a"``     coder a's value (or: keep coder a's event / measure)
``"b"``     coder b's value
``"value"`` the value given in ``value`` (written as in a coded file; ids of
            the merged registries)
``"keep"``  for an event or measure only one coder found: keep it
``"drop"``  for the same: leave it out
==========  ================================================================

A decision is matched to its disagreement by report, kind, field and both ids,
so the file stays valid while nothing is recoded; a decision that matches no
disagreement any more (a coding changed) is reported, never applied silently.

Examples
--------
>>> from libyaevents.coding.decisions import parse_decisions
>>> text = '''
... [[decisions]]
... report = "r1"
... kind = "event"
... field = "fatalities"
... id_a = "LBY1"
... id_b = "LBY9"
... a = 0
... b = 2
... choice = "b"
... '''
>>> parse_decisions(text, "decisions.toml")[("r1", "event", "fatalities", ("LBY1", "LBY9"))]
{'choice': 'b'}
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import tomli_w

from libyaevents.coding.agreement import Agreement, Disagreement
from libyaevents.errors import AdjudicationError, ReadError

__all__ = [
    "CHOICES",
    "Decision",
    "Key",
    "decisions_text",
    "parse_decisions",
    "read_decisions",
    "settle",
]

#: Choices for a value, and for a unit only one coder found.
CHOICES: Final = {"value": ("a", "b", "value"), "unit": ("keep", "drop")}

Key = tuple[str, str, str, tuple[str | None, ...]]
Decision = dict[str, Any]

_HEADER: Final = """\
# Adjudication of two codings: a = {a}, b = {b}.
# For each [[decisions]] below, set choice to "a" or "b" (whose value to keep), or to
# "value" and add value = ... (written as in a coded file). For an event or measure
# only one coder found (field = "event" / "measure"), set choice to "keep" or "drop".
# Say why in reason (the manual's section, what the report says): the file is kept
# beside the merged coding as its audit trail. Then run `libyaevents code adjudicate`
# again with --decisions pointing here.

"""


def _unit(disagreement: Disagreement) -> bool:
    return disagreement.field in ("event", "measure")


def _by_id(agreement: Agreement) -> list[dict[tuple[str, str], dict[str, Any]]]:
    """Per coder: (kind, id) -> the record as written."""
    out = []
    for coding in agreement.codings:
        records = {("event", str(r["event_id_cnty"])): r for r in coding.raw_events}
        records |= {("measure", str(r["measure_id"])): r for r in coding.raw_measures}
        out.append(records)
    return out


def decisions_text(agreement: Agreement) -> str:
    """The decisions file to fill in: every disagreement, both values, no choice."""
    tables = []
    written = _by_id(agreement)
    for row in agreement.disagreements:
        table: dict[str, Any] = {
            "report": row.report,
            "paragraph": row.paragraph,
            "kind": row.kind,
            "field": row.field,
        }
        for coder, label in enumerate(agreement.coders):
            ident = row.ids[label]
            if ident is None:
                continue
            table[f"id_{label}"] = ident
            value = None if _unit(row) else written[coder][(row.kind, ident)].get(row.field)
            if value is not None:
                table[label] = value
        table["choice"] = ""
        table["reason"] = ""  # the adjudicator's why, kept in the audit trail
        tables.append(table)
    folders = {c: str(coding.folder) for c, coding in zip("ab", agreement.codings, strict=False)}
    return _HEADER.format(**folders) + tomli_w.dumps({"decisions": tables})


def parse_decisions(text: str, where: str) -> dict[Key, Decision]:
    """Decisions by key (report, kind, field, ids); ``choice`` and ``value`` of each.

    Raises
    ------
    ReadError
        Not TOML, or a ``[[decisions]]`` table without report, kind or field.
    """
    try:
        tables = tomllib.loads(text).get("decisions", [])
    except tomllib.TOMLDecodeError as exc:
        msg = f"{where}: not valid TOML: {exc}. Fix the syntax at that line."
        raise ReadError(msg) from None
    out: dict[Key, Decision] = {}
    for number, table in enumerate(tables, start=1):
        missing = [k for k in ("report", "kind", "field") if k not in table]
        if missing:
            msg = f"{where}: decision {number} has no {', '.join(missing)}; keep what was written."
            raise ReadError(msg)
        key = (
            table["report"],
            table["kind"],
            table["field"],
            (table.get("id_a"), table.get("id_b")),
        )
        decision = {"choice": str(table.get("choice", "")).strip()}
        if "value" in table:
            decision["value"] = table["value"]
        out[key] = decision
    return out


def _problem(row: Disagreement, decision: Decision | None) -> str | None:
    """What is wrong with the decision for ``row`` (None: it can be applied)."""
    allowed = CHOICES["unit" if _unit(row) else "value"]
    choice = "" if decision is None else decision["choice"]
    if not choice:
        return "no choice"
    if choice not in allowed:
        return f"choice {choice!r} is not one of {', '.join(allowed)}"
    if choice == "value" and decision is not None and "value" not in decision:
        return 'choice "value" needs value = ...'
    return None


def settle(
    agreement: Agreement, decisions: Mapping[Key, Decision], where: str
) -> dict[Key, Decision]:
    """The decision for every disagreement, checked.

    Raises
    ------
    AdjudicationError
        Listing every disagreement without a valid decision, and every decision
        that matches no disagreement.
    """
    left: list[dict[str, object]] = []
    lines: list[str] = []
    for row in agreement.disagreements:
        problem = _problem(row, decisions.get(row.key()))
        if problem:
            left.append({**row.to_dict(), "problem": problem})
            ids = ", ".join(f"{c}={i}" for c, i in row.ids.items())
            lines.append(
                f"  {row.report} para. {row.paragraph} {row.kind} {row.field} ({ids}): {problem}"
            )
    known = {row.key() for row in agreement.disagreements}
    for key in decisions:
        if key not in known:
            left.append({"report": key[0], "kind": key[1], "field": key[2], "problem": "stale"})
            lines.append(f"  {key[0]} {key[1]} {key[2]} {key[3]}: matches no disagreement now")
    if left:
        listed = "\n".join(lines)
        msg = (
            f"{where}: {len(left)} decisions left before the codings can be merged:\n{listed}\n"
            "Fill in each choice (a, b, value, keep or drop) and run again; a decision "
            "that matches no disagreement came from codings that have changed since: delete it."
        )
        raise AdjudicationError(msg, left)
    return {row.key(): dict(decisions[row.key()]) for row in agreement.disagreements}


def read_decisions(path: Path) -> dict[Key, Decision]:
    """Parse a decisions file."""
    return parse_decisions(path.read_text(encoding="utf-8"), str(path))
