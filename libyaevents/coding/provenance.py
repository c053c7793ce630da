"""Does a report's text still match the fingerprints its coding recorded?

A report text file is matched to its coded report by its file name: the stem
is the report id (``f8806eb3f3e19e34.txt``) or ends with ``_`` and the id
(``000_f8806eb3f3e19e34.txt``, the seed reports' naming). The header is not
used: titles change between copies of a report, ids do not.

Each paragraph the coding lists is compared with the text's paragraph of the
same number; a different fingerprint is a ``paragraph-changed`` problem at the
``[[paragraphs]]`` entry, naming both fingerprints. A text with more or fewer
paragraphs than the coding lists is a ``paragraph-count`` problem.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from libyaevents.coding.paragraphs import ReportText, read_report
from libyaevents.errors import InputError
from libyaevents.problems import problem_table
from libyaevents.readers.coded import Sources

__all__ = ["match_texts", "report_id_of", "text_problems"]

#: Per report id: the text file and its parsed text.
Texts = Mapping[str, tuple[Path, ReportText]]


def report_id_of(path: str | Path, ids: Sequence[str]) -> str | None:
    """The coded report id a text file's name names (``<id>.txt`` or ``..._<id>.txt``)."""
    stem = Path(path).stem
    for report_id in sorted(ids, key=len, reverse=True):
        if stem == report_id or stem.endswith(f"_{report_id}"):
            return report_id
    return None


def match_texts(
    paths: Sequence[str | Path], sources: Sources
) -> dict[str, tuple[Path, ReportText]]:
    """Read each report text and match it to its coded report.

    Raises
    ------
    InputError
        When a file's name names no coded report.
    ReadError
        When a file cannot be read as a report text.
    """
    ids = [str(i) for i in sources.reports["report_id"].dropna()]
    found: dict[str, tuple[Path, ReportText]] = {}
    for given in paths:
        path = Path(given)
        report_id = report_id_of(path, ids)
        if report_id is None:
            msg = (
                f"{path}: the file name names no coded report; name it <report id>.txt or "
                f"<anything>_<report id>.txt (coded reports: {', '.join(ids) or 'none'})."
            )
            raise InputError(msg)
        found[report_id] = (path, read_report(path))
    return found


def _short(sha: object) -> str:
    return f"{str(sha)[:12]}..."


def _report_problems(
    report_id: str, path: Path, text: ReportText, listed: pd.DataFrame, file: str
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    have = {p.number: p.fingerprint for p in text.paragraphs}
    base = {"source": file, "table": "paragraphs", "record_id": report_id}
    numbers = {n for n in listed["paragraph"] if isinstance(n, int)}
    for entry in listed.itertuples(index=False):
        found = have.get(entry.paragraph) if isinstance(entry.paragraph, int) else None
        if found is None or found.sha256 == entry.sha256:
            continue
        rows.append({
            **base, "line": entry.line, "column": "sha256", "code": "paragraph-changed",
            "value": found.sha256,
            "message": (
                f"paragraph {entry.paragraph} of {path.name} no longer matches its fingerprint: "
                f"expected {_short(entry.sha256)} ({entry.chars} characters), found "
                f"{_short(found.sha256)} ({found.chars}); check the events citing it against "
                "the text and, if they still hold, update the entry's sha256 and chars"
            ),
        })  # fmt: skip
    if len(have) != len(listed):
        extra, missing = sorted(set(have) - numbers), sorted(numbers - set(have))
        detail = "; ".join(
            f"{what}: {', '.join(map(str, numbers))}"
            for what, numbers in (("not listed", extra), ("not in the text", missing))
            if numbers
        )
        rows.append({
            **base, "line": None if listed.empty else min(int(n) for n in listed["line"]),
            "column": "number", "code": "paragraph-count", "value": str(len(have)),
            "message": (
                f"{path.name} has {len(have)} paragraphs, the coding lists {len(listed)} "
                f"({detail}); code the new paragraphs (and list them), or check the text"
            ),
        })  # fmt: skip
    return rows


def text_problems(sources: Sources, texts: Texts) -> pd.DataFrame:
    """``paragraph-changed`` and ``paragraph-count`` problems of the given texts."""
    rows: list[dict[str, Any]] = []
    paths = dict(zip(sources.reports["report_id"], sources.reports["path"], strict=True))
    paragraphs = sources.paragraphs
    for report_id, (path, text) in texts.items():
        listed = paragraphs[paragraphs["report_id"] == report_id]
        rows += _report_problems(report_id, path, text, listed, str(paths[report_id]))
    return problem_table(pd.DataFrame(rows), severity="error")
