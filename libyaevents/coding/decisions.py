"""The adjudicator's decisions file: one ``[[decisions]]`` table per disagreement.

Written by the first run of ``code adjudicate`` with every coder's value as
they wrote it (actor and place ids, dates, lists) under the coder's label
(``a``, ``b``, ``c``..., as ``code agree`` labels the codings), their ids as
``id_a``, ``id_b``..., and an empty ``choice``; the adjudicator fills in each
choice and runs the command again:

============  ================================================================
``"a"``, ...  that coder's value (a coder who coded the unit)
``"value"``   the value given in ``value`` (written as in a coded file; ids of
              the merged registries)
``"keep"``    for an event or measure only some coders found (``found_by``
              lists them): keep it
``"drop"``    for the same: leave it out (its other decisions are then moot)
============  ================================================================

Where a strict majority of the coders who coded a unit agree, the table says so
in ``suggested`` (a label, or ``keep`` / ``drop`` for a unit; the rule is in
:mod:`libyaevents.coding.majority`). A suggestion is never a choice: the
adjudicator decides, or accepts every suggestion left undecided with
``--accept-majority`` (``accept_majority=True``), which the merged coding's audit
trail then records.

A decision is matched to its disagreement by report, kind, field and every
coder's id, so the file stays valid while nothing is recoded; a decision that
matches no disagreement any more (a coding changed) is reported, never applied
silently. Files written for two coders before there could be more (no
``[coders]`` table) are read as coders ``a`` and ``b``.

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
{'choice': 'b', 'number': 1}
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import tomli_w

from libyaevents.coding.agreement import Agreement, Disagreement
from libyaevents.coding.majority import Key, suggestions
from libyaevents.errors import AdjudicationError, ReadError
from libyaevents.readers.tomlplain import parse_plain

__all__ = [
    "BY_ADJUDICATOR",
    "BY_MAJORITY",
    "UNIT_CHOICES",
    "Decision",
    "Key",
    "decisions_text",
    "parse_decisions",
    "read_decisions",
    "settle",
]

#: Choices for an event or measure only some coders found.
UNIT_CHOICES: Final = ("keep", "drop")
#: Who made a decision, as the merged coding's audit trail records it.
BY_ADJUDICATOR: Final = "adjudicator"
BY_MAJORITY: Final = "majority"
_TWO: Final = ("a", "b")  # the coders of a file without a [coders] table
_ID_KEY: Final = re.compile(r"id_([a-z])\Z")
_WITH_UNIT: Final = "dropped with its unit"

Decision = dict[str, Any]

_HEADER: Final = """\
# Adjudication of {count} codings: {folders}.
# For each [[decisions]] below, set choice to a coder's label ({labels}: whose value to
# keep), or to "value" and add value = ... (written as in a coded file). For an event or
# measure only some coders found (field = "event" / "measure"; found_by lists who found
# it), set choice to "keep" or "drop".
{majority}# Say why in reason (the manual's section, what the report says): the file is kept
# beside the merged coding as its audit trail. Then run `libyaevents code adjudicate`
# again with --decisions pointing here.

"""
_MAJORITY: Final = """\
# suggested names what a strict majority of the coders who coded the unit agree on: a
# suggestion, never a choice. Copy it into choice, or run with --accept-majority to
# accept every suggestion whose choice is left empty (the audit trail records it).
"""


def decisions_text(agreement: Agreement) -> str:
    """The decisions file to fill in: every disagreement, every coder's value, no choice."""
    tables = []
    suggested = suggestions(agreement)
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
            record = agreement.codings[coder].records[(row.kind, ident)]
            if not row.unit and record.get(row.field) is not None:
                table[label] = record[row.field]
        if row.unit:
            table["found_by"] = row.found_by
        if row.key() in suggested:
            table["suggested"] = suggested[row.key()]
        table["choice"] = ""
        table["reason"] = ""  # the adjudicator's why, kept in the audit trail
        tables.append(table)
    folders = {
        c: str(coding.folder) for c, coding in zip(agreement.coders, agreement.codings, strict=True)
    }
    header = _HEADER.format(
        count=len(folders),
        folders=", ".join(f"{c} = {f}" for c, f in folders.items()),
        labels=", ".join(folders),
        majority=_MAJORITY if len(folders) > len(_TWO) else "",
    )
    return header + tomli_w.dumps({"coders": folders, "decisions": tables})


def _labels(data: Mapping[str, Any], coders: Sequence[str], where: str) -> None:
    """Refuse a file written for other coders than ``coders``."""
    named = data.get("coders")
    written = tuple(named) if isinstance(named, Mapping) else _TWO
    if written != tuple(coders):
        msg = (
            f"{where}: written for coders {', '.join(written)}, but {len(coders)} codings are "
            f"adjudicated ({', '.join(coders)}); give the decisions file written for these "
            "codings, or a new path with --decisions to write one."
        )
        raise ReadError(msg)
    for number, table in enumerate(data.get("decisions", []), start=1):
        stray = [m[1] for k in table if (m := _ID_KEY.match(k)) and m[1] not in coders]
        if stray:
            msg = (
                f"{where}: decision {number} names coder {stray[0]}'s id, but the coders are "
                f"{', '.join(coders)}; give the decisions file written for these codings."
            )
            raise ReadError(msg)


def parse_decisions(text: str, where: str, coders: Sequence[str] = _TWO) -> dict[Key, Decision]:
    """Decisions by key (report, kind, field, ids); ``choice``, ``value``, ``reason``, ``number``.

    Parameters
    ----------
    text : str
        The file's text.
    where : str
        Its name, for messages.
    coders : sequence of str
        The coders' labels (``a``, ``b``... as :func:`libyaevents.agree_codings` gives them).

    Raises
    ------
    ReadError
        Not TOML; a ``[[decisions]]`` table without report, kind or field; one that
        repeats another; a file written for other coders.
    """
    try:
        plain = parse_plain(text)  # the file as written: one fast pass (else tomllib)
        data = plain[0] if plain is not None else tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{where}: not valid TOML: {exc}. Fix the syntax at that line."
        raise ReadError(msg) from None
    _labels(data, coders, where)
    out: dict[Key, Decision] = {}
    for number, table in enumerate(data.get("decisions", []), start=1):
        missing = [k for k in ("report", "kind", "field") if k not in table]
        if missing:
            msg = f"{where}: decision {number} has no {', '.join(missing)}; keep what was written."
            raise ReadError(msg)
        ids = tuple(table.get(f"id_{label}") for label in coders)
        key = (table["report"], table["kind"], table["field"], ids)
        if key in out:
            msg = (
                f"{where}: decision {number} repeats decision {out[key]['number']} (same report, "
                "kind, field and ids); keep one of the two."
            )
            raise ReadError(msg)
        decision = {"choice": str(table.get("choice", "")).strip(), "number": number}
        decision |= {k: table[k] for k in ("value", "reason") if table.get(k) not in (None, "")}
        out[key] = decision
    return out


def _problem(row: Disagreement, decision: Decision | None) -> str | None:
    """What is wrong with the decision for ``row`` (None: it can be applied)."""
    allowed = UNIT_CHOICES if row.unit else (*row.found_by, "value")
    choice = "" if decision is None else decision["choice"]
    if not choice:
        return "no choice"
    if choice in row.ids and not row.unit and choice not in allowed:
        return f"coder {choice} did not code this {row.kind}; choose one of {', '.join(allowed)}"
    if choice not in allowed:
        return f"choice {choice!r} is not one of {', '.join(allowed)}"
    if choice == "value" and decision is not None and "value" not in decision:
        return 'choice "value" needs value = ...'
    return None


def _taken(row: Disagreement, decision: Decision | None, suggested: str | None) -> Decision | None:
    """The decision as applied: the adjudicator's, else the majority's when accepted."""
    if decision is not None and decision["choice"]:
        return {**decision, "by": BY_ADJUDICATOR}
    if suggested is None:
        return decision
    return {**(decision or {}), "choice": suggested, "by": BY_MAJORITY}


def _where(decision: Decision | None) -> str:
    return "(no decision)" if decision is None else f"decision {decision['number']}:"


def settle(
    agreement: Agreement,
    decisions: Mapping[Key, Decision],
    where: str,
    *,
    accept_majority: bool = False,
) -> dict[Key, Decision]:
    """The decision for every disagreement, checked; ``by`` says who made it.

    With ``accept_majority``, a disagreement whose choice is empty takes the
    majority's suggestion (``by = "majority"``). The values of a unit dropped
    need no decision: they are dropped with it (``choice = "drop"``, ``by`` as
    the unit's decision, whatever the file said of them).

    Raises
    ------
    AdjudicationError
        Listing every disagreement without a valid decision, and every decision
        that matches no disagreement.
    """
    majority = suggestions(agreement) if accept_majority else {}
    taken = {
        row.key(): _taken(row, decisions.get(row.key()), majority.get(row.key()))
        for row in agreement.disagreements
    }
    dropped = {
        (kind, ids): d for (_, kind, field, ids), d in taken.items()
        if field == kind and d is not None and d["choice"] == "drop"
    }  # fmt: skip
    left: list[dict[str, object]] = []
    lines: list[str] = []
    out: dict[Key, Decision] = {}
    for row in agreement.disagreements:
        decision = taken[row.key()]
        unit = dropped.get((row.kind, row.key()[3]))
        if unit is not None and not row.unit:  # moot: dropped with its unit
            out[row.key()] = {"choice": "drop", "by": unit["by"], "reason": _WITH_UNIT}
            continue
        problem = _problem(row, decision)
        if problem is None and decision is not None:
            out[row.key()] = decision
            continue
        left.append({**row.to_dict(), "problem": problem})
        ids = ", ".join(f"{c}={i}" for c, i in row.ids.items())
        lines.append(
            f"  {_where(decisions.get(row.key()))} {row.report} para. {row.paragraph} "
            f"{row.kind} {row.field} ({ids}): {problem}"
        )
    known = {row.key() for row in agreement.disagreements}
    for key, decision in decisions.items():
        if key not in known:
            left.append({"report": key[0], "kind": key[1], "field": key[2], "problem": "stale"})
            ids = ", ".join(f"{c}={i}" for c, i in zip(agreement.coders, key[3], strict=True))
            lines.append(
                f"  {_where(decision)} {key[0]} {key[1]} {key[2]} ({ids}): "
                "matches no disagreement now"
            )
    if left:
        listed = "\n".join(lines)
        msg = (
            f"{where}: {len(left)} decisions left before the codings can be merged:\n{listed}\n"
            f"Fill in each choice ({', '.join(agreement.coders)}, value, keep or drop) and run "
            "again; a decision that matches no disagreement came from codings that have "
            "changed since: delete it."
        )
        raise AdjudicationError(msg, left)
    return out


def read_decisions(path: Path, coders: Sequence[str] = _TWO) -> dict[Key, Decision]:
    """Parse a decisions file (see :func:`parse_decisions`)."""
    return parse_decisions(path.read_text(encoding="utf-8"), str(path), coders)
