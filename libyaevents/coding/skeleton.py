"""From a report's text to the skeleton of its coding: ``reports/<id>.toml``.

The skeleton holds the ``[report]`` table and one ``[[paragraphs]]`` table per
paragraph (``number``, ``sha256``, ``chars``: see
:mod:`libyaevents.coding.paragraphs`). It never holds the report's words, not
even a paragraph's first few: the fingerprints let anyone holding the text
check that a coding still refers to it, without the project redistributing it.

Examples
--------
>>> import tomllib, tempfile
>>> from pathlib import Path
>>> from libyaevents.coding.skeleton import new_report
>>> folder = Path(tempfile.mkdtemp())
>>> text = folder / "digest.txt"
>>> _ = text.write_text("A week in Libya\\n\\nDec 9, 2020 | International actors\\n\\n"
...                     "On 3 December, one thing happened.\\n\\nThen another.\\n")
>>> path = new_report(text, "r0002", folder / "coded", coded_on="2026-12-07")
>>> path.relative_to(folder).as_posix()
'coded/reports/r0002.toml'
>>> written = tomllib.loads(path.read_text(encoding="utf-8"))
>>> written["report"]["published"], written["report"]["section"]
(datetime.date(2020, 12, 9), 'International actors')
>>> [(p["number"], p["chars"]) for p in written["paragraphs"]]
[(1, 34), (2, 13)]
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import tomli_w

from libyaevents.arguments import day
from libyaevents.coding.paragraphs import read_report
from libyaevents.errors import InputError, ReportExistsError
from libyaevents.files import atomic_target
from libyaevents.readers.coded import REPORTS_DIR

__all__ = ["new_report"]

_REPORT_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_DEFAULT_SOURCE: Final = ("Libya weekly digest",)

_PREAMBLE: Final = """\
# Coding of {name}. Paragraphs are numbered from 1 after the dateline
# (docs/coding-manual.md, 1.1); sha256 and chars fingerprint each paragraph's
# normalised text, so `libyaevents code check --report` can tell whether the
# text still matches. Add [[events]] and [[measures]] below, in your own words.

"""


def _coded_ids(reports: Path) -> dict[str, Path]:
    """Report ids already coded in ``reports/`` (by the ``[report]`` tables' ``id``)."""
    found = {}
    for path in sorted(reports.glob("*.toml")):
        found[path.stem] = path
        try:
            head = tomllib.loads(path.read_text(encoding="utf-8")).get("report")
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue  # read_sources reports it; the file name still counts
        if isinstance(head, dict) and isinstance(head.get("id"), str):
            found[head["id"]] = path
    return found


def _header_value(given: Any, parsed: Any, what: str, option: str, path: Path) -> Any:
    if given is not None:
        return given
    if parsed is None:
        msg = (
            f"{path}: the report has no dateline ('Dec 2, 2020 | International actors' "
            f"after the title), so its {what} is not known; pass {option}."
        )
        raise InputError(msg)
    return parsed


def new_report(
    report: str | Path,
    report_id: str,
    folder: str | Path,
    *,
    title: str | None = None,
    published: str | dt.date | None = None,
    section: str | None = None,
    source: Sequence[str] = _DEFAULT_SOURCE,
    source_scale: str = "International",
    coded_on: str | dt.date | None = None,
) -> Path:
    """Write the skeleton of a report's coding: ``<folder>/reports/<report_id>.toml``.

    Parameters
    ----------
    report : path
        The report's text file (UTF-8, UTF-16 with BOM, or Windows-1252).
    report_id : str
        The report's id (letters, digits, ``_``, ``.``, ``-``), also the file name.
    folder : path
        The coded sources folder (``reports/`` is created when missing).
    title, published, section : optional
        The ``[report]`` values; taken from the report's title and dateline
        when not given.
    source, source_scale : optional
        The report's sources and their scale (manual, 2.6).
    coded_on : str or date, optional
        The ``coded`` day; today (UTC) by default.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ReportExistsError
        When the id is already coded in ``folder`` (file name or ``[report]`` id).
    ReadError
        When the report is missing, empty or not a text file.
    InputError
        When the id is not a valid file name, or a header value is neither
        given nor in the report.
    """
    if not isinstance(report_id, str) or not _REPORT_ID.fullmatch(report_id):
        msg = (
            f"report id {report_id!r} is not usable as a file name; use letters, digits, "
            "'_', '.' and '-' (e.g. the 16 hex digits of the seed reports' names)."
        )
        raise InputError(msg)
    reports = Path(folder) / REPORTS_DIR
    existing = _coded_ids(reports)
    if report_id in existing:
        msg = (
            f"report {report_id!r} is already coded in {existing[report_id]}; reports are "
            "never overwritten: edit that file, or choose another id."
        )
        raise ReportExistsError(msg)
    text = read_report(report)
    path = Path(report)
    head = {
        "id": report_id,
        "title": _header_value(title, text.title, "title", "--title / title=", path),
        "published": day(
            _header_value(published, text.published, "publication day", "--published", path),
            "published",
        ).date(),
        "section": _header_value(section, text.section, "section", "--section / section=", path),
        "source": list(source),
        "source_scale": source_scale,
        "coded": day(coded_on or dt.datetime.now(dt.UTC).date(), "coded_on").date(),
    }
    paragraphs = [
        {"number": p.number, "sha256": p.fingerprint.sha256, "chars": p.fingerprint.chars}
        for p in text.paragraphs
    ]
    body = tomli_w.dumps({"report": head, "paragraphs": paragraphs})
    reports.mkdir(parents=True, exist_ok=True)
    target = reports / f"{report_id}.toml"
    with atomic_target(target) as tmp:
        preamble = _PREAMBLE.format(name=" ".join(path.name.split()))
        Path(tmp).write_text(preamble + body, encoding="utf-8")
    return target
