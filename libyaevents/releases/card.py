"""A data card for every release: one self-contained HTML page, and an index page per store.

The card follows "Datasheets for Datasets" (Gebru et al.): motivation,
composition, collection and coding, preprocessing, uses, distribution and
licence, maintenance; with the release's version, citation and checksums,
counts by event type and month, a timeline and a map (inline SVG: Libya's
outline from Natural Earth 1:10m, the admin1 regions labelled), the actors, the
measures with their statuses, the change table against the parent release cell
by cell, and the validation summary. It needs no network to view (inline CSS,
inline SVG, no script) and no plotting library to write.

Every value that comes from the data is HTML-escaped and wrapped in ``<bdi>``,
so names in Arabic, right-to-left marks or markup in a note show as text.

Examples
--------
>>> import libyaevents
>>> release = libyaevents.load("0.1.0")
>>> page = render_card(release.manifest, release.tables(), release.changes())
>>> page.startswith("<!doctype html>"), '<b id="version"><bdi>0.1.0</bdi></b>' in page
(True, True)
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

import pandas as pd

from libyaevents.files import atomic_target, output_folder
from libyaevents.formats import charts
from libyaevents.formats.html import document as _document
from libyaevents.formats.html import escape as _e
from libyaevents.formats.html import section as _section
from libyaevents.formats.html import table as _table
from libyaevents.releases.stores import (
    LocalStore,
    accessed_of,
    local_store,
    manifest_at,
    version_key,
)
from libyaevents.vocab import taxonomy

__all__ = [
    "CARD_NAME",
    "INDEX_PAGE",
    "citation_of",
    "render_card",
    "write_page",
    "write_store_page",
]

#: The card's file name inside a release folder (``build_release(card=True)``).
CARD_NAME: Final = "card.html"
#: The store's index page, beside ``releases.json``.
INDEX_PAGE: Final = "index.html"
#: Rows of the change table shown on the card (the full table is ``changes.parquet``).
SHOWN_CHANGES: Final = 500

_ACTOR_COLUMNS: Final = ("name", "inter_code", "country", "role")
_MEASURE_COLUMNS: Final = ("measure_id", "measure_type", "status", "imposing_actor_id",
                           "target_actor_id", "start_date", "end_date")  # fmt: skip


def _resources(manifest: Mapping[str, Any]) -> pd.DataFrame:
    rows = [
        (
            r.get("path"),
            r.get("rows"),
            r.get("bytes"),
            str(r.get("hash", "")).removeprefix("sha256:"),
        )
        for r in manifest.get("resources", [])
        if isinstance(r, Mapping)
    ]
    return pd.DataFrame(rows, columns=["file", "rows", "bytes", "sha256"])


def _snapshot_text(snap: Mapping[str, Any]) -> dict[str, str]:
    query = ", ".join(f"{k}={v}" for k, v in (snap.get("query") or {}).items()) or "none"
    return {
        "motivation": (
            f"A pinned copy of what {_e(snap.get('source'))} served for one query, so that "
            "analyses of a source that changes every week can be repeated and their "
            "inputs compared over time."
        ),
        "collection": (
            f"Pulled from {_e(snap.get('endpoint'))} with the filters {_e(query)}, accessed "
            f"{_e(snap.get('accessed'))} ({_e(snap.get('mode'))} sync); "
            f"{_e(snap.get('rows_fetched'))} rows fetched, "
            f"{_e(snap.get('rows_deduplicated'))} repeated while paging, "
            f"{_e(snap.get('rows_reported'))} kept out by the reader and reported, "
            f"{_e(snap.get('rows_deleted'))} deleted since the parent."
        ),
        "maintenance": (
            "Each sync adds a release whose parent is this one; this release never changes. "
            "Re-pull the same query with <code>libyaevents reproduce</code>."
        ),
    }


def _alpha_text(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.3f}"
    return "undefined (no variation)"


def _agreement(figures: Any) -> str:
    """The inter-coder agreement an adjudicated coding recorded (``x-agreement``)."""
    if not isinstance(figures, Mapping):
        return ""
    share = figures.get("matched_share")
    found = f"{share:.1%}" if isinstance(share, int | float) else "an unknown share"
    said = figures.get("alpha")
    alphas: Mapping[str, Any] = said if isinstance(said, Mapping) else {}
    table = pd.DataFrame(
        {"field": list(alphas), "Krippendorff's alpha": [_alpha_text(v) for v in alphas.values()]}
    )
    return (
        '<h3 id="agreement">Inter-coder agreement</h3>'
        f'<p>Coded independently by <b id="coders">{_e(figures.get("coders"))}</b> coders, '
        "then adjudicated (<code>libyaevents code adjudicate</code>); "
        f'<b id="matched-share">{html.escape(found)}</b> of the events were found by more '
        "than one coder. Krippendorff's alpha per field over those events (.800 and above "
        "reliable, .667 to .800 tentative):</p>" + _table(table, table_id="alpha")
    )


def _coded_text(manifest: Mapping[str, Any]) -> dict[str, str]:
    sources = manifest.get("sources") or []
    listed = "".join(f"<li>{_e(s.get('title'))}</li>" for s in sources if isinstance(s, Mapping))
    return {
        "motivation": (
            "Conflict and political events in Libya, and the sanctions, embargoes and "
            "similar measures around them, coded in ACLED's style so that they can be "
            "analysed with ACLED and UCDP data."
        ),
        "collection": (
            "Coded by hand from public reports, in the coders' own words, each row "
            "traceable to its report and paragraph (see the coding manual). Reports coded "
            f"for this release:<ul>{listed or '<li>none listed</li>'}</ul>"
        ),
        "agreement": _agreement(manifest.get("x-agreement")),
        "maintenance": (
            "Releases are immutable; corrections come as new versions whose change table "
            "says what changed. Issues and corrections: the project's repository."
        ),
    }


def render_card(
    manifest: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
    changes: pd.DataFrame,
    *,
    problems: pd.DataFrame | None = None,
    built: bool = False,
    published: Mapping[str, Any] | None = None,
) -> str:
    """The data card of a release as one HTML document (a string).

    Parameters
    ----------
    manifest : mapping
        The release's manifest (its resources hashed).
    tables : mapping of str to DataFrame
        ``events``, ``actors``, ``measures`` as loaded.
    changes : DataFrame
        The change table against the parent.
    problems : DataFrame, optional
        What verification found (empty: verified); None: not verified.
    built : bool
        Written by the build that validated the tables (the files are then
        new: their sha256 are listed, not yet verified).
    published : mapping, optional
        Where the release is published (``doi``, ``url``; the store index's
        record): shown and added to the citation.
    """
    events, actors_all, measures_all = (tables[n] for n in ("events", "actors", "measures"))
    snap = manifest.get("x-snapshot")
    text = _snapshot_text(snap) if isinstance(snap, Mapping) else _coded_text(manifest)
    deaths = int(events["fatalities"].fillna(0).sum()) if len(events) else 0
    first = events["event_date"].min() if len(events) else None
    last = events["event_date"].max() if len(events) else None
    events_sha = next(
        (str(r.get("hash", "")).removeprefix("sha256:") for r in manifest.get("resources", [])
         if isinstance(r, Mapping) and r.get("name") == "events"), "",
    )  # fmt: skip
    figures = [
        ("events", "event-count", f"{len(events):,}"),
        ("fatalities", "fatality-count", f"{deaths:,}"),
        ("actors", "actor-count", f"{len(actors_all):,}"),
        ("measures", "measure-count", f"{len(measures_all):,}"),
    ]
    figure_html = "".join(
        f'<div class="figure"><b id="{ident}">{value}</b>{name}</div>'
        for name, ident, value in figures
    )
    by_type = (
        events["event_type"].astype("str").value_counts().reindex(taxonomy.EVENT_TYPES).dropna()
    )
    type_table = pd.DataFrame({"event type": by_type.index, "events": by_type.astype("int64")})
    licences = "".join(
        f"<li>{_e(lic.get('title') or lic.get('name'))} (<code>{_e(lic.get('path'))}</code>)</li>"
        for lic in manifest.get("licenses", [])
        if isinstance(lic, Mapping)
    )
    if built:
        validation = (
            '<p class="ok" id="verified">Validated when built: every validation rule; each '
            "file's sha256 is listed below for <code>libyaevents release verify</code>.</p>"
        )
    elif problems is None:
        validation = '<p class="muted">Not verified when this card was written.</p>'
    elif problems.empty:
        validation = (
            '<p class="ok" id="verified">Verified: files, sizes, sha256, rows, content '
            "hashes, schema and every validation rule.</p>"
        )
    else:
        counts = problems.groupby("code").size().rename("problems").reset_index()
        validation = f'<p class="bad" id="verified">{len(problems)} problems:</p>' + _table(counts)
    summary = manifest.get("x-changes", {}).get("events", {})
    said = ", ".join(f"{n:,} {k}" for k, n in summary.items()) or "no change"
    parent = manifest.get("x-parent-version")
    shown = changes.head(SHOWN_CHANGES)
    more = (
        f'<p class="muted">First {SHOWN_CHANGES} of {len(changes):,} rows; all in '
        "<code>changes.parquet</code>.</p>"
        if len(changes) > SHOWN_CHANGES
        else ""
    )
    change_html = (
        f"<p>Against {_e(parent)}: events {html.escape(said)}.</p>"
        + (_table(shown, table_id="changes") + more if len(shown) else "")
        if parent
        else "<p>The first release: no parent to compare with.</p>"
    )
    actors = actors_all[[c for c in _ACTOR_COLUMNS if c in actors_all]]
    measures = measures_all[[c for c in _MEASURE_COLUMNS if c in measures_all]]
    statuses = measures_all["status"].astype("str").value_counts() if len(measures) else None
    status_line = (
        ", ".join(f"{n} {html.escape(str(s))}" for s, n in statuses.items())
        if statuses is not None
        else "none"
    )
    title = str(manifest.get("title", "libyaevents release"))
    version = str(manifest.get("version", ""))
    body = [
        f"<h1>{_e(title)}</h1>",
        f'<p>Release <b id="version">{_e(version)}</b>, created {_e(manifest.get("created"))}'
        f"; accessed {_e(accessed_of(manifest))}; schema {_e(manifest.get('x-schema-version'))}"
        f"; library {_e(manifest.get('x-library-version'))}.</p>",
        f'<div class="figures">{figure_html}</div>',
        f"<p>Events from {_e(first.date() if first is not None else None)} to "
        f"{_e(last.date() if last is not None else None)}. Events file sha256: "
        f'<span class="hash" id="events-sha256">{html.escape(events_sha)}</span></p>',
        _section("Motivation", f"<p>{text['motivation']}</p>", "motivation"),
        _section(
            "Composition",
            "<p>One row per event (ACLED's columns), one per actor, one per measure.</p>"
            + _table(type_table, table_id="event-types")
            + charts.timeline(events)
            + charts.by_month(events)
            + charts.libya_map(events),
            "composition",
        ),
        _section(
            "Collection and coding process",
            f"<p>{text['collection']}</p>{text.get('agreement', '')}",
            "collection",
        ),
        _section(
            "Preprocessing",
            "<p>Values are typed and checked against the canonical schema (closed "
            "vocabularies, ranges, cross-table references); rows that could not be typed are "
            "kept out and reported, never silently changed. The validation summary:</p>"
            + validation,
            "preprocessing",
        ),
        _section(
            "Uses",
            "<p>Event counts, fatalities and measures by period and area "
            "(<code>libyaevents.aggregate</code>); comparison with other event datasets "
            "(<code>libyaevents.compare_events</code>). Reported fatalities are estimates "
            "from the sources; precision codes say how exact dates and places are.</p>",
            "uses",
        ),
        _section(
            "Distribution and licence",
            f"<ul>{licences}</ul>{_doi_line(published)}"
            f'<p>Cite as: <span id="citation">{_e(citation_of(manifest, published))}</span></p>'
            + _table(_resources(manifest), table_id="files"),
            "distribution",
        ),
        _section("Maintenance", f"<p>{text['maintenance']}</p>", "maintenance"),
        _section("Actors", _table(actors, table_id="actors"), "actors"),
        _section(
            "Measures",
            f"<p>Statuses: {status_line}.</p>" + _table(measures, table_id="measures"),
            "measures",
        ),
        _section("Changes", change_html, "changes-section"),
    ]
    return _document(f"{title} {version}", "".join(body))


def citation_of(manifest: Mapping[str, Any], published: Mapping[str, Any] | None = None) -> str:
    """The release's citation text, ending with its DOI once it is published.

    Examples
    --------
    >>> citation_of({"x-citation": "Data release 1.0.0."}, {"doi": "10.5281/zenodo.7"})
    'Data release 1.0.0. https://doi.org/10.5281/zenodo.7'
    """
    text = str(manifest.get("x-citation", ""))
    doi = (published or {}).get("doi")
    return f"{text} https://doi.org/{doi}" if doi else text


def _doi_line(published: Mapping[str, Any] | None) -> str:
    doi, url = (published or {}).get("doi"), (published or {}).get("url")
    if not doi:
        return ""
    record = f' (<a href="{html.escape(str(url))}">record</a>)' if url else ""
    link = html.escape(f"https://doi.org/{doi}")
    return f'<p>DOI: <a id="doi" href="{link}">{_e(doi)}</a>{record}</p>'


def write_page(path: Path, text: str) -> Path:
    """Write an HTML page in one rename."""
    with atomic_target(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return path


def _index_rows(store: LocalStore, base: str = "") -> Iterable[str]:
    """One table row per version; links start with ``base`` (the way to the store's root)."""
    for version in sorted(store.versions(), key=version_key, reverse=True):
        folder = store.root / version
        files = sorted(p.name for p in folder.iterdir() if p.is_file())
        at = html.escape(base + version)
        links = " ".join(
            f'<a href="{at}/{html.escape(name)}">{html.escape(name)}</a>' for name in files
        )
        card = (
            f'<a href="{at}/{CARD_NAME}">card</a>'
            if CARD_NAME in files
            else '<span class="muted">no card</span>'
        )
        manifest = manifest_at(folder)
        yield (
            f"<tr><td><b>{html.escape(version)}</b></td><td>{_e(manifest.get('title'))}</td>"
            f"<td>{_e(accessed_of(manifest))}</td><td>{card}</td><td>{links}</td></tr>"
        )


def write_store_page(
    store: str | os.PathLike[str] | LocalStore, output: str | os.PathLike[str] | None = None
) -> Path:
    """Write ``index.html`` listing a store's versions, newest first, with links.

    Served by any static HTTP server, a store is then a browsable site: each
    version links to its card (when built with one) and to its files.

    Parameters
    ----------
    store : path or LocalStore
        A local store folder.
    output : path, optional
        The folder to write ``index.html`` into (created if missing); its links
        lead to the store from there. Default: the store's root.
    """
    target = local_store(
        store,
        needs="write_store_page writes into a local store folder",
        instead="Write the page in the folder the store is served from.",
    )
    folder = target.root if output is None else output_folder(output)
    folder.mkdir(parents=True, exist_ok=True)
    way = Path(os.path.relpath(target.root.resolve(), folder.resolve())).as_posix()
    base = "" if way == "." else f"{way}/"
    rows = "".join(_index_rows(target, base))
    page = _document(
        "libyaevents store",
        "<h1>Releases in this store</h1><p>Newest first; "
        f'<a href="{html.escape(base)}releases.json">releases.json</a> is the index '
        "libyaevents reads.</p>"
        '<table id="versions"><thead><tr><th>version</th><th>title</th><th>accessed</th>'
        f"<th>card</th><th>files</th></tr></thead><tbody>{rows}</tbody></table>",
    )
    return write_page(folder / INDEX_PAGE, page)
