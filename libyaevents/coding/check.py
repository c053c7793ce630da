"""The checks a coder runs before asking for review: :func:`check_coding`.

One problem table (the shared shape of :mod:`libyaevents.problems`) from:

1. compiling the sources (missing or unknown keys, wrong TOML types, ids that
   do not resolve, with "did you mean" suggestions from the registries, cited
   paragraphs the report does not list);
2. the schema and cross-table rules, as ``libyaevents validate`` runs them;
3. the coding manual's mechanical conventions (:data:`~libyaevents.coding.conventions.CONVENTIONS`);
4. with report texts: paragraphs whose fingerprint no longer matches
   (:mod:`libyaevents.coding.provenance`);
5. with a release: events that look like a different event already released
   (:mod:`libyaevents.coding.duplicates`).

Every row names the file and line to fix.

Examples
--------
>>> import libyaevents
>>> report = libyaevents.check_coding(today="2026-11-29")
>>> report.ok, report.rows["events"]
(True, 7)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from libyaevents.coding.conventions import CONVENTIONS, Coded, paragraph_numbers
from libyaevents.coding.duplicates import release_duplicates
from libyaevents.coding.provenance import match_texts, text_problems
from libyaevents.problems import concat_problems, problem_table
from libyaevents.readers import suggestions
from libyaevents.readers.coded import ACTORS_FILE, Sources, compile_sources
from libyaevents.releases.stores import StoreArg
from libyaevents.validation.validator import ValidationReport

__all__ = ["check_coding"]


def _values(frame: pd.DataFrame, rows: np.ndarray, column: str) -> pd.Series:
    """The values at ``rows`` of ``column`` as text (days without a time), empty as NA."""
    if column == "paragraph":
        picked = paragraph_numbers(frame.iloc[rows])
    elif column in frame:
        picked = frame[column].iloc[rows]
        if isinstance(picked.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(
            picked.dtype
        ):
            picked = picked.dt.strftime("%Y-%m-%d")
    else:
        picked = pd.Series([None] * len(rows))
    return picked.astype("str").reset_index(drop=True)


def _convention_problems(sources: Sources, coded: Coded) -> pd.DataFrame:
    parts: list[pd.DataFrame] = []
    frames = {"events": coded.events, "actors": coded.actors, "measures": coded.measures}
    for convention in CONVENTIONS.values():
        frame = frames[convention.table]
        if frame.empty:
            continue
        columns = convention.check(coded)
        key = sources.tables[convention.table].columns[0]
        for column, broken in columns.groupby(columns, sort=False):
            rows = frame.index.get_indexer(broken.index)
            parts.append(
                pd.DataFrame({
                    "table": convention.table, "row": rows, "column": str(column),
                    "record_id": frame[key].iloc[rows].astype("str").to_numpy(),
                    "code": convention.code, "value": _values(frame, rows, str(column)),
                    "message": f"{convention.rule.replace('`', '').rstrip('.')} "
                    f"(manual {convention.section}); to fix: {convention.todo}",
                })
            )  # fmt: skip
    if not parts:
        return problem_table({})
    return problem_table(sources.locate(pd.concat(parts, ignore_index=True)), severity="error")


#: Codes of validation failures about an actor id that does not resolve.
_ACTOR_REFERENCES = ("actor-unresolved", "parent-unresolved")


def _with_suggestions(failures: pd.DataFrame, actors: pd.DataFrame) -> pd.DataFrame:
    """Add "did you mean" ids to validation failures about unknown actor ids."""
    names = actors["name"].astype("str").tolist()
    aliases = actors["aliases"].fillna("").astype("str").str.split("; ").tolist()
    known = {
        str(id_): [n, *(a for a in more if a)]
        for id_, n, more in zip(actors["actor_id"], names, aliases, strict=True)
    }
    messages = failures["message"].tolist()
    for i in np.flatnonzero(failures["code"].isin(_ACTOR_REFERENCES).to_numpy()):
        value = failures["value"].iloc[i]
        if pd.isna(value):
            continue
        hint = suggestions.hint(suggestions.did_you_mean(value, known))
        todo = f"write an actor_id of {ACTORS_FILE}, or add the actor there"
        messages[i] = f"{messages[i]}{hint} ({todo})"
    return failures.assign(message=pd.Series(messages, index=failures.index, dtype="str"))


def _without_repeats(validation: pd.DataFrame, compiled: pd.DataFrame) -> pd.DataFrame:
    """Validation failures at a line compiling already reported (an unresolved id) are one."""
    if compiled.empty or validation.empty:
        return validation
    seen = set(zip(compiled["source"], compiled["line"], strict=True))
    pairs = zip(validation["source"], validation["line"], strict=True)
    keep = [pair not in seen for pair in pairs]
    return validation[keep]


def check_coding(
    folder: str | Path | None = None,
    *,
    reports: Sequence[str | Path] = (),
    release: str | None = None,
    store: StoreArg = None,
    today: pd.Timestamp | str | None = None,
) -> ValidationReport:
    """Check a coded sources folder before review: every problem, with file and line.

    Parameters
    ----------
    folder : path, optional
        The coded sources (``places.toml``, ``actors.toml``, ``reports/``);
        the bundled ones by default.
    reports : sequence of path
        Report text files to check the paragraphs' fingerprints against (and
        the notes for copied wording). Each is matched to its coded report by
        its file name: ``<report id>.txt`` or ``<anything>_<report id>.txt``.
    release : str, optional
        A release version: new events that look like a different event of
        that release (same sub-event type, day window, place and actors) are
        reported as ``possible-duplicate``.
    store : path or Store, optional
        Where ``release`` lives; the bundled store by default.
    today : Timestamp or str, optional
        Dates after this day are "in the future" (today by default).

    Returns
    -------
    ValidationReport
        ``.ok``, ``.failures`` (one problem table, sorted by file and line),
        ``.summary()``; ``.tables`` the typed tables checked.

    Raises
    ------
    ReadError
        When a sources file is missing or not UTF-8 TOML, or a report text
        cannot be read.
    InputError
        When a report text matches no coded report.
    ReleaseNotFoundError
        When ``release`` is not in the store.
    """
    sources, compiled = compile_sources(folder)
    texts = match_texts(reports, sources)
    validation = sources.validate(today=today)
    tables = validation.tables
    coded = Coded(
        events=tables.get("events", sources.events),
        actors=tables.get("actors", sources.actors),
        measures=tables.get("measures", sources.measures),
        reports=sources.reports,
        texts={rid: text for rid, (_, text) in texts.items()},
    )
    parts = [
        compiled.table(),
        _with_suggestions(_without_repeats(validation.failures, compiled.table()), sources.actors),
        _convention_problems(sources, coded),
        text_problems(sources, texts),
    ]
    if release is not None:
        parts.append(release_duplicates(sources, coded.events, release, store=store))
    failures = concat_problems(parts)
    failures = failures.sort_values(
        ["source", "line", "column", "code"], na_position="first", kind="stable"
    ).reset_index(drop=True)
    meanings = {c.code: c.rule.replace("`", "") for c in CONVENTIONS.values()}
    return ValidationReport(
        failures=failures, rows=validation.rows, tables=tables, meanings=meanings
    )
