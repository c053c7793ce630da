"""Adjudication: two or more codings and the adjudicator's decisions become one coding.

The first run writes the decisions file (:mod:`libyaevents.coding.decisions`);
once every disagreement is decided, the merged coding is written as a coded
sources folder (how records and registries are merged:
:mod:`libyaevents.coding.combine`): coder a's files are the base, its
``[report]`` and any other tables (``[[paragraphs]]``...) carried through as read.
Beside it, in ``adjudication/``:

- ``decisions.toml``: the decisions file as the adjudicator left it;
- ``agreement.json``: coders, matched share, alpha per field (what a release built
  from the folder records);
- ``decided.json``: what decided each disagreement (the unit's id in the merged
  coding, every coder's id, the choice, ``by`` = ``adjudicator`` or ``majority``,
  the value given, the reason), and the units in, written and dropped.

The folder is written under a temporary name, compiled (from the records as
written, without reading the files back) and validated, and only then renamed
into place: a merge that would not validate leaves nothing behind.

Examples
--------
>>> import tempfile, pathlib
>>> import libyaevents
>>> from libyaevents.readers.coded import sources_folder
>>> out = pathlib.Path(tempfile.mkdtemp()) / "merged"
>>> done = libyaevents.adjudicate([sources_folder(), sources_folder()], out)
>>> done.merged == out, len(libyaevents.read_sources(out).events), done.counts["events"]
(True, 7, {'units': 7, 'written': 7, 'dropped': 0})
"""

from __future__ import annotations

import json
import os
import shutil
import tomllib
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, overload

import pandas as pd

from libyaevents.coding.agreement import Agreement, agree_codings
from libyaevents.coding.combine import Combined
from libyaevents.coding.decisions import Decision, Key, decisions_text, read_decisions, settle
from libyaevents.errors import AdjudicationError, InputError, ValidationError
from libyaevents.readers import collector
from libyaevents.readers.coded import (
    ACTORS_FILE,
    AGREEMENT_FILE,
    AUDIT_DIR,
    DECISIONS_FILE,
    PLACES_FILE,
    REPORTS_DIR,
    compile_sources,
)
from libyaevents.readers.tomldump import dump_toml
from libyaevents.readers.tomlplain import Layout

__all__ = [
    "AGREEMENT_FILE",
    "AUDIT_DIR",
    "DECIDED_FILE",
    "DECISIONS_FILE",
    "Adjudication",
    "adjudicate",
]

#: What decided each disagreement, in the merged coding's ``adjudication/``.
DECIDED_FILE: Final = "decided.json"
_HEADER: Final = "# Merged by `libyaevents code adjudicate`; decisions in adjudication/.\n"
_MIN_CODERS: Final = 2


@dataclass(frozen=True, kw_only=True)
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
        The agreement of the codings.
    decided : DataFrame
        One row per disagreement decided: ``report``, ``kind``, ``field``, ``id``
        (the unit's id in the merged coding; missing where dropped), ``id_a``,
        ``id_b``..., ``choice``, ``by`` (``adjudicator`` or ``majority``),
        ``value``, ``reason`` (as ``adjudication/decided.json`` keeps them).
    counts : dict
        Per ``events`` / ``measures``: ``units`` = ``written`` + ``dropped``.
    """

    decisions: Path
    merged: Path | None
    left: int
    agreement: Agreement
    decided: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def _load(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


Written = dict[str, tuple[dict[str, Any], Layout]]


def _write(path: Path, data: Mapping[str, Any], written: Written) -> None:
    """Write ``data`` (as tomli-w writes it); what reading it back gives goes in ``written``."""
    text, written[str(path)] = dump_toml(data, _HEADER)
    path.write_text(text, encoding="utf-8")


def _write_merged(agreement: Agreement, combined: Combined, folder: Path) -> Written:
    """Write the merged coding's TOML files; their documents and layouts by path."""
    written: Written = {}
    (folder / REPORTS_DIR).mkdir(parents=True)
    _write(folder / ACTORS_FILE, {"actors": combined.actors.records}, written)
    _write(folder / PLACES_FILE, {"places": combined.places.records}, written)
    documents: dict[str, Any] = {}
    paths: dict[str, Path] = {}
    for coding in reversed(agreement.codings):  # a's last: its files win
        documents |= coding.sources.documents
        paths |= {str(r.report_id): Path(str(r.path)) for r in coding.sources.reports.itertuples()}
    for report, path in sorted(paths.items()):
        data = dict(documents[str(path)])  # every table as read; events and measures replaced
        data["events"] = combined.events.get(report, [])
        data["measures"] = combined.measures.get(report, [])
        for name in ("events", "measures"):
            if not data[name]:
                del data[name]
        _write(folder / REPORTS_DIR / path.name, data, written)
    return written


def _decided(
    agreement: Agreement, decided: Mapping[Key, Decision], combined: Combined
) -> list[dict[str, Any]]:
    """Per decided disagreement: its unit's merged id, every coder's id, who chose what."""
    rows = []
    for (report, kind, name, ids), decision in decided.items():
        row = {"report": report, "kind": kind, "field": name,
               "id": combined.merged_ids.get((kind, ids))}  # fmt: skip
        row |= {f"id_{c}": i for c, i in zip(agreement.coders, ids, strict=True)}
        row |= {k: decision.get(k) for k in ("choice", "by", "value", "reason")}
        rows.append(row)
    return rows


def _same_reports(agreement: Agreement) -> None:
    """Refuse codings that share no report, or a report only some of three or more coded."""
    coded_by: dict[str, list[str]] = defaultdict(list)
    for label, coding in zip(agreement.coders, agreement.codings, strict=True):
        for report in sorted(set(map(str, coding.sources.reports["report_id"]))):
            coded_by[report].append(label)
    count = len(agreement.coders)
    if not any(len(labels) > 1 for labels in coded_by.values()):
        listed = "; ".join(
            f"{c} = {coding.folder} codes "
            + (", ".join([r for r, ls in coded_by.items() if c in ls][:3]) or "none")
            for c, coding in zip(agreement.coders, agreement.codings, strict=True)
        )
        msg = (
            f"the codings share no report ({listed}): nothing to adjudicate; give folders "
            "that code the same reports."
        )
        raise InputError(msg)
    partial = {r: ls for r, ls in coded_by.items() if 1 < len(ls) < count}
    if partial:
        report, labels = next(iter(sorted(partial.items())))
        missing = [c for c in agreement.coders if c not in labels]
        folders = ", ".join(
            f"{c} = {agreement.codings[agreement.coders.index(c)].folder}" for c in missing
        )
        msg = (
            f"report {report} is coded by {', '.join(labels)} but not by {folders} "
            f"({len(partial)} such reports): a report several coders coded must be coded by "
            "all of them; code it in those folders too, or leave it out of the others."
        )
        raise InputError(msg)


def _audit(folder: Path, decisions: Path, agreement: Agreement, decided: dict[str, Any]) -> None:
    (folder / AUDIT_DIR).mkdir()
    shutil.copyfile(decisions, folder / AUDIT_DIR / DECISIONS_FILE)
    figures = {**agreement.figures(), "events": agreement.counts("events"),
               "measures": agreement.counts("measures"),
               "disagreements": len(agreement.disagreements)}  # fmt: skip
    for name, data in ((AGREEMENT_FILE, figures), (DECIDED_FILE, decided)):
        (folder / AUDIT_DIR / name).write_text(
            json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
        )


def _default_decisions(output: Path) -> Path:
    return output.with_name(f"{output.name}-{DECISIONS_FILE}")


Folder = str | Path


def _arguments(args: tuple[Any, ...]) -> tuple[list[Path], Path]:
    """The folders and the output, from either form of :func:`adjudicate`'s call."""
    if len(args) == _MIN_CODERS + 1 and all(isinstance(a, str | os.PathLike) for a in args):
        return [Path(args[0]), Path(args[1])], Path(args[2])  # adjudicate(coded_a, coded_b, output)
    if len(args) == _MIN_CODERS and not isinstance(args[0], str | os.PathLike):
        folders = [Path(f) for f in args[0]]
        if len(folders) >= _MIN_CODERS:
            return folders, Path(args[1])
        msg = f"adjudication needs two or more coded folders; found {len(folders)}."
        raise InputError(msg)
    msg = (
        "adjudicate takes a list of two or more coded folders and the output folder "
        f"(adjudicate([a, b, c], output)), or two folders and the output; found {args!r}."
    )
    raise InputError(msg)


@overload
def adjudicate(
    folders: Sequence[Folder],
    output: Folder,
    /,
    *,
    decisions: Folder | None = None,
    today: str | None = None,
    accept_majority: bool = False,
) -> Adjudication: ...
@overload
def adjudicate(
    coded_a: Folder,
    coded_b: Folder,
    output: Folder,
    /,
    *,
    decisions: Folder | None = None,
    today: str | None = None,
    accept_majority: bool = False,
) -> Adjudication: ...
def adjudicate(
    *args: Any, decisions: Folder | None = None, today: str | None = None,
    accept_majority: bool = False,
) -> Adjudication:  # fmt: skip
    """Merge two or more codings of the same reports by the adjudicator's decisions.

    Parameters
    ----------
    folders : sequence of path
        The coded sources folders, coders ``a``, ``b``, ``c``... in this order (as
        :func:`libyaevents.agree_codings` labels them; coder a's ids are kept).
        ``adjudicate(coded_a, coded_b, output)`` is the same for two.
    output : path
        The merged coding's folder (must not exist yet).
    decisions : path, optional
        The decisions file; ``<output>-decisions.toml`` beside the output by default.
        When it does not exist it is written (every disagreement, every coder's value,
        the majority's suggestion where there is one, no choice) and nothing is merged
        yet, unless every disagreement is then decided (none, or all by the majority
        with ``accept_majority``).
    today : str, optional
        Validation date of the merged coding (default: today).
    accept_majority : bool
        Take the majority's suggestion wherever the choice is left empty; the
        audit trail records ``by = "majority"`` for each.

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
        ``output`` exists; fewer than two folders; folders that share no report, or
        a report only some of three or more coded.
    ReadError
        A decisions file written for other coders, or unreadable.
    """
    folders, target = _arguments(args)
    if target.exists():
        msg = f"{target}: exists; give a new folder for the merged coding (or remove it)."
        raise InputError(msg)
    with collector.paused():  # records and tables without cycles: nothing to collect
        return _adjudicate(folders, target, decisions, today, accept_majority=accept_majority)


def _adjudicate(folders: list[Path], target: Path, decisions: Folder | None, today: str | None,
                *, accept_majority: bool) -> Adjudication:  # fmt: skip
    agreement = agree_codings(folders, draws=0)
    _same_reports(agreement)
    path = Path(decisions) if decisions is not None else _default_decisions(target)
    written = not path.exists()
    if written:
        path.write_text(decisions_text(agreement), encoding="utf-8")
    try:
        decided = settle(agreement, read_decisions(path, agreement.coders), str(path),
                         accept_majority=accept_majority)  # fmt: skip
    except AdjudicationError as exc:
        if not written:
            raise
        return Adjudication(decisions=path, merged=None, left=len(exc.left), agreement=agreement)
    return _merge(agreement, decided, path, target, today)


def _merge(agreement: Agreement, decided: Mapping[Key, Decision], path: Path, target: Path,
           today: str | None) -> Adjudication:  # fmt: skip
    registries = {
        name: [_load(c.folder / file).get(name, []) for c in agreement.codings]
        for name, file in (("actors", ACTORS_FILE), ("places", PLACES_FILE))
    }
    combined = Combined(agreement, decided, registries)
    rows = _decided(agreement, decided, combined)
    folders = zip(agreement.coders, agreement.codings, strict=True)
    trail = {
        "coders": {c: str(coding.folder) for c, coding in folders},
        "counts": combined.counts,
        "decided": rows,
    }
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        written = _write_merged(agreement, combined, tmp)
        _audit(tmp, path, agreement, trail)
        sources, problems = compile_sources(tmp, parsed=written)  # compiled, not read back
        problems.raise_if_any()
        report = sources.validate(today=today)
        if not report.ok:
            msg = f"the merged coding would not validate:\n{report.summary()}"
            raise ValidationError(msg, report.failures)
        tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    columns = ["report", "kind", "field", "id", *(f"id_{c}" for c in agreement.coders),
               "choice", "by", "value", "reason"]  # fmt: skip
    return Adjudication(
        decisions=path, merged=target, left=0, agreement=agreement,
        decided=pd.DataFrame(rows, columns=columns, dtype=object), counts=combined.counts,
    )  # fmt: skip
