"""What a record holds: a release in full, or, where its data may not be shared, its recipe.

A release whose licence allows redistribution (:mod:`libyaevents.releases.licences`)
is published file for file as its manifest lists it. Otherwise only what lets a
reader rebuild and check it with their own account goes out: the manifest (the
query, the access time, every file's sha256), the fingerprints (event ids and
one hash per row, no values), the change table without its values (which ids
were added, modified or deleted, and which columns changed) and a data card
with counts, but no event rows and no actor names.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Final

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from libyaevents.errors import InputError
from libyaevents.releases.increments import layered, resource_table
from libyaevents.releases.licences import redistribution
from libyaevents.releases.loading import Release
from libyaevents.releases.manifest import listed_resource
from libyaevents.releases.stores import MANIFEST_NAME
from libyaevents.snapshots.sync import FINGERPRINTS

__all__ = ["RECIPE_CARD", "RECIPE_CHANGES", "full_files", "recipe_files"]

#: The change table of a recipe: ids and columns, no values.
RECIPE_CHANGES: Final = "changes-without-values.parquet"
#: The data card of a recipe: counts only.
RECIPE_CARD: Final = "card-counts-only.html"
_ID_COLUMNS: Final = ["table", "record_id", "change", "column"]


def full_files(release: Release) -> list[Path]:
    """The manifest and every file it lists."""
    listed = [release.path / str(r["path"]) for r in release.manifest["resources"]]
    return [release.path / MANIFEST_NAME, *listed]


def _count_table(counts: pd.Series, label: str) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(str(k))}</td><td>{int(n):,}</td></tr>" for k, n in counts.items()
    )
    return f"<table><tr><th>{label}</th><th>events</th></tr>{rows}</table>"


def _card(release: Release) -> str:
    """A page of counts: no event row, no actor name, no note."""
    manifest, events = release.manifest, release.events
    rows = {str(r.get("name")): r.get("rows") for r in manifest["resources"]}
    terms = redistribution(manifest)
    months = events["event_date"].dt.strftime("%Y-%m").value_counts().sort_index()
    kinds = events["event_type"].astype("str").value_counts().sort_index()
    figures = ", ".join(f"{rows.get(t) or 0:,} {t}" for t in ("events", "actors", "measures"))
    title = html.escape(f"{manifest.get('title', '')} {manifest.get('version', '')}")
    return (
        f'<!doctype html><html lang="en"><meta charset="utf-8"><title>{title}</title>'
        f"<h1>{title}</h1><p>{figures}. Counts only: the data is under "
        f"{html.escape(terms.licence)} and may not be redistributed; rebuild it with "
        "<code>libyaevents reproduce datapackage.json --store my-snapshots</code> and your "
        f"own account.</p>{_count_table(kinds, 'event type')}{_count_table(months, 'month')}"
        "</html>\n"
    )


def recipe_files(release: Release, work: Path) -> list[Path]:
    """The manifest, the fingerprints, the change table without values and a counts-only card.

    ``release`` is loaded in full (its counts are read); the derived files are
    written into ``work``.

    Raises
    ------
    InputError
        When the release has no fingerprints: without them nobody could check
        a rebuild, so there is no recipe to publish.
    """
    prints = listed_resource(release.manifest, FINGERPRINTS)
    if prints is None:
        msg = (
            f"Release {release.version} may not be redistributed and has no {FINGERPRINTS} "
            "file, so its recipe could not be checked by anyone rebuilding it: publish "
            "snapshots made by `libyaevents sync` (they carry fingerprints)."
        )
        raise InputError(msg)
    changes = release.changes()[_ID_COLUMNS]
    schema = pa.schema([(c, pa.string()) for c in _ID_COLUMNS])
    pq.write_table(pa.Table.from_pandas(changes, schema=schema, preserve_index=False),
                   work / RECIPE_CHANGES, compression="zstd")  # fmt: skip
    (work / RECIPE_CARD).write_text(_card(release), encoding="utf-8")
    if layered(prints):  # an incremental snapshot: its fingerprints put together, in one file
        whole = resource_table(release.path, release.manifest, FINGERPRINTS)
        pq.write_table(whole, work / f"{FINGERPRINTS}.parquet", compression="zstd")
    return [
        release.path / MANIFEST_NAME,
        work / f"{FINGERPRINTS}.parquet" if layered(prints) else release.path / str(prints["path"]),
        work / RECIPE_CHANGES,
        work / RECIPE_CARD,
    ]
