"""A Zenodo record's metadata, read from a release's manifest.

Title, version, description (counts, period, source and coding or collection
process, agreement figures where the manifest has them, licence, how to load
or rebuild it), creators, licence, keywords, publication date, the
related-identifier to the parent version, and the community.

Examples
--------
>>> import libyaevents
>>> release = libyaevents.load("0.1.0")
>>> meta = zenodo_metadata(release.manifest, period=("2020-10-23", "2020-11-25"),
...                        today="2026-12-07")
>>> meta["title"], meta["version"], meta["license"], meta["upload_type"]
('Conflict and political events in Libya (ACLED style)', '0.1.0', 'cc-by-4.0', 'dataset')
>>> "7 events" in meta["description"]
True
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any, Final

from libyaevents.releases.licences import redistribution

__all__ = ["RECIPE_LICENCE", "zenodo_metadata"]

#: The licence of a recipe-only record's own files (manifest, fingerprints, card):
#: the project's work; the data they describe stays under its source's terms.
RECIPE_LICENCE: Final = "cc-by-4.0"
_KEYWORDS: Final = ("conflict events", "political violence", "Libya", "ACLED style")


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _rows(manifest: Mapping[str, Any]) -> dict[str, int]:
    return {
        str(r.get("name")): int(r.get("rows") or 0)
        for r in manifest.get("resources", [])
        if isinstance(r, Mapping) and isinstance(r.get("rows"), int)
    }


def _process(manifest: Mapping[str, Any]) -> str:
    """How the data came to be: a snapshot's pull, or the reports coded by hand."""
    snap = manifest.get("x-snapshot")
    if isinstance(snap, Mapping):
        query = ", ".join(f"{k}={v}" for k, v in (snap.get("query") or {}).items()) or "none"
        return (
            f"A snapshot of {_e(snap.get('source'))}: pulled from {_e(snap.get('endpoint'))} "
            f"with the filters {_e(query)}, accessed {_e(snap.get('accessed'))} "
            f"({_e(snap.get('mode'))} sync, {_e(snap.get('rows_fetched'))} rows fetched); "
            "one fingerprint per event id in fingerprints.parquet."
        )
    sources = [s for s in manifest.get("sources") or [] if isinstance(s, Mapping)]
    listed = "".join(f"<li>{_e(s.get('title'))}</li>" for s in sources)
    return (
        "Coded by hand in ACLED's style from public reports, each row traceable to its "
        "report and paragraph (the project's coding manual). Reports coded for this "
        f"release:<ul>{listed or '<li>none listed</li>'}</ul>"
    )


def _agreement(manifest: Mapping[str, Any]) -> str:
    """Inter-coder agreement, when the manifest records it (``x-agreement``)."""
    found = manifest.get("x-agreement")
    if not isinstance(found, Mapping) or not found:
        return ""
    items = "".join(f"<li>{_e(k)}: {_e(v)}</li>" for k, v in found.items())
    return f"<p>Inter-coder agreement:</p><ul>{items}</ul>"


def _how_to_use(version: str, recipe: bool, licence: str) -> str:
    if not recipe:
        call = f"libyaevents.load('{_e(version)}', store='doi:THIS_DOI')"
        return (
            f"<p>Load it with <code>{call}</code>: every file is checked against the sha256 "
            "of datapackage.json.</p>"
        )
    return (
        f"<p><b>This record holds the recipe of the release, not its data</b>: the data is "
        f"under {_e(licence)}, which does not allow redistribution. It holds the manifest "
        "(datapackage.json, with the query and every file's checksum), the fingerprints "
        "(event ids and one hash per row, no values), the change table without values and a "
        "data card with counts only. Rebuild the data with your own ACLED account "
        "(ACLED_USERNAME and ACLED_PASSWORD) and check it against the fingerprints, row by "
        "row: <code>libyaevents reproduce datapackage.json --store my-snapshots</code> "
        "(fingerprints.parquet beside it).</p>"
    )


def _description(manifest: Mapping[str, Any], period: tuple[str, str] | None, recipe: bool) -> str:
    rows = _rows(manifest)
    counts = ", ".join(f"{rows[t]:,} {t}" for t in ("events", "actors", "measures") if t in rows)
    span = f" from {_e(period[0])} to {_e(period[1])}" if period else ""
    terms = redistribution(manifest)
    version = str(manifest.get("version", ""))
    return "".join(
        [
            f"<p>{_e(manifest.get('title', ''))}, release {_e(version)}: {counts}{span}.</p>",
            f"<p>{_process(manifest)}</p>",
            _agreement(manifest),
            f"<p>Licence of the data: {_e(terms.licence)}. {_e(terms.reason)}</p>",
            _how_to_use(version, recipe, terms.licence),
            f"<p>Cite as: {_e(manifest.get('x-citation', ''))}</p>",
        ]
    )


def _creators(manifest: Mapping[str, Any]) -> list[dict[str, str]]:
    people = [
        {"name": str(c.get("title"))}
        for c in manifest.get("contributors") or []
        if isinstance(c, Mapping) and c.get("title") and "creator" in (c.get("roles") or [])
    ]
    return people or [{"name": "libyaevents maintainers"}]


def _keywords(manifest: Mapping[str, Any]) -> list[str]:
    snap = manifest.get("x-snapshot")
    source = str(snap.get("source", "")) if isinstance(snap, Mapping) else ""
    extra = {"acled": ["ACLED"], "ucdp": ["UCDP", "UCDP GED"]}.get(source, ["event data"])
    return [*_KEYWORDS, *extra]


def zenodo_metadata(
    manifest: Mapping[str, Any],
    *,
    period: tuple[str, str] | None,
    today: str,
    recipe: bool = False,
    parent_doi: str | None = None,
    community: str | None = None,
) -> dict[str, Any]:
    """The deposition metadata of a release.

    Parameters
    ----------
    manifest : mapping
        The release's ``datapackage.json``.
    period : (str, str), optional
        The first and last event dates.
    today : str
        The publication date (``YYYY-MM-DD``).
    recipe : bool
        The record holds the recipe only (the description says how to rebuild).
    parent_doi : str, optional
        The DOI of the version this one follows (``isNewVersionOf``).
    community : str, optional
        A Zenodo community identifier to submit the record to.
    """
    terms = redistribution(manifest)
    meta: dict[str, Any] = {
        "upload_type": "dataset",
        "title": str(manifest.get("title", "libyaevents release")),
        "version": str(manifest.get("version", "")),
        "publication_date": today,
        "description": _description(manifest, period, recipe),
        "creators": _creators(manifest),
        "access_right": "open",
        "license": RECIPE_LICENCE if recipe else terms.licence.lower(),
        "keywords": _keywords(manifest),
    }
    if parent_doi:
        meta["related_identifiers"] = [
            {"identifier": parent_doi, "relation": "isNewVersionOf", "scheme": "doi"}
        ]
    if community:
        meta["communities"] = [{"identifier": community}]
    return meta
