"""Incremental snapshots in the manifest: layered resources, their files, planning and writing.

The format is described in :mod:`libyaevents.releases.layers`; this module
reads and writes what the manifest says of it. A layered resource (``events``
and ``fingerprints`` of a snapshot written by an incremental sync) has no
``path`` of its own but ``x-layers``: its files, oldest first, each with
``path`` (``<file>`` in the snapshot's folder or ``../<version>/<file>``),
``bytes``, ``hash`` (sha256) and ``rows``, checked like any resource's file,
and for an events layer after the first ``x-revised``, the columns where its
rows hold another value than the first layer's rows of the same ids; and
``x-deletes``: the name of the snapshot's deletes resource.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from libyaevents.errors import IntegrityError
from libyaevents.formats import parquet
from libyaevents.formats.content import ContentSum
from libyaevents.releases.layers import DELETES_COLUMNS, read_layers
from libyaevents.releases.manifest import (
    content_fields,
    file_schema,
    listed_resource,
    safe_path,
    table_entry,
    write_plain,
)
from libyaevents.releases.stores import MANIFEST_NAME

__all__ = [
    "DELETES",
    "EVENTS_ROWS",
    "LAYERS_KEY",
    "MAX_LAYERS",
    "MAX_SHARE",
    "PRINTS_ROWS",
    "REVISED_KEY",
    "Increment",
    "Layering",
    "layer_entries",
    "layer_files",
    "layer_revisions",
    "layered",
    "plan_layers",
    "read_deletes",
    "read_layered",
    "resource_table",
    "write_layers",
]

_KEY: Final = "event_id_cnty"
#: The manifest key of a layered resource: its files, oldest first.
LAYERS_KEY: Final = "x-layers"
#: The key of a layer (after the first) naming the columns where its rows may hold
#: another value than the first layer's rows of the same ids.
REVISED_KEY: Final = "x-revised"
#: A snapshot's own files: its changed events and their fingerprints, and the deletes.
EVENTS_ROWS: Final = "events-rows"
PRINTS_ROWS: Final = "fingerprints-rows"
DELETES: Final = "events-deletes"
#: Compaction: a snapshot is written whole when its chain would hold more files than
#: this, or its rows above the base plus the deletes more than this share of the base.
MAX_LAYERS: Final = 8
MAX_SHARE: Final = 0.1


# -- a snapshot's layers, from its manifest -----------------------------------------------


def layered(resource: Mapping[str, Any]) -> bool:
    """Whether a manifest resource is made of layers (``x-layers``) rather than one file."""
    return isinstance(resource.get(LAYERS_KEY), list)


def layer_path(folder: Path, entry: Mapping[str, Any]) -> Path:
    """Where a layer lives: ``<file>`` in the snapshot's folder or ``../<version>/<file>``.

    ``folder`` must be resolved. Any other path is refused (a manifest must
    not send a reader outside the store).
    """
    text = str(entry.get("path"))
    parts = text.split("/")
    path = (folder / text).resolve()
    inside = len(parts) == 1 and path.parent == folder
    sibling = len(parts) == 3 and parts[0] == ".." and path.parent.parent == folder.parent
    if "\\" in text or not (inside or sibling):
        msg = (
            f"{folder / MANIFEST_NAME}: layer path {text!r} is neither a file of the snapshot "
            "nor ../<version>/<file> of the store; the manifest was tampered with or is "
            "broken. Re-fetch the snapshot."
        )
        raise IntegrityError(msg)
    return path


def layer_entries(folder: Path, manifest: Mapping[str, Any]) -> list[tuple[Path, dict[str, Any]]]:
    """Every layer file the snapshot's layered resources refer to, with its manifest entry.

    The entries carry ``name`` (the resource's), ``bytes``, ``hash``, ``rows``
    and ``format``, so they are checked like any resource's file.
    """
    root = folder.resolve()
    found = []
    for res in manifest.get("resources", []):
        if isinstance(res, Mapping) and layered(res):
            for entry in res[LAYERS_KEY]:
                listed = {"name": res.get("name"), "format": "parquet", **entry}
                found.append((layer_path(root, entry), listed))
    return found


def _resource(manifest: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    found: Mapping[str, Any] = next(r for r in manifest["resources"] if r.get("name") == name)
    return found


def layer_files(folder: Path, manifest: Mapping[str, Any], name: str) -> list[Path]:
    """The files of a layered resource, oldest layer first."""
    root = folder.resolve()
    return [layer_path(root, e) for e in _resource(manifest, name)[LAYERS_KEY]]


def layer_revisions(manifest: Mapping[str, Any], name: str) -> frozenset[str] | None:
    """The columns a layered resource's later layers may have revised (their ``x-revised``).

    None when a later layer does not say (written before layers said it):
    the loader then compares every column.
    """
    later = _resource(manifest, name)[LAYERS_KEY][1:]
    if not all(isinstance(e.get(REVISED_KEY), list) for e in later):
        return None
    return frozenset(str(c) for e in later for c in e[REVISED_KEY])


def read_deletes(folder: Path, manifest: Mapping[str, Any]) -> pa.Table:
    """The snapshot's deletes (``layer``, ``event_id_cnty``, ``row``); empty for a whole release.

    ``row`` (each row's position in its layer's file) is absent from deletes
    written before 2026-12-08; readers find those rows by id.
    """
    listed = listed_resource(manifest, DELETES)
    if listed is None:
        return pa.table({"layer": pa.array([], pa.int32()), _KEY: pa.array([], pa.large_string())})
    return pq.read_table(safe_path(folder.resolve(), listed.get("path")))


def read_layered(
    folder: Path, manifest: Mapping[str, Any], name: str, *,
    columns: Sequence[str] | None = None, expression: pc.Expression | None = None,
) -> pa.Table:  # fmt: skip
    """A layered resource's live rows in its order (events: release order; fingerprints: id)."""
    keys = parquet.SORT_KEYS["events"] if name == "events" else (_KEY,)
    paths = layer_files(folder, manifest, name)
    deletes = read_deletes(folder, manifest)
    if name != "events":  # the deletes' positions are the events files'
        deletes = deletes.select(list(DELETES_COLUMNS))
    return read_layers(paths, deletes, columns=columns, expression=expression, keys=keys,
                       revised=layer_revisions(manifest, name))  # fmt: skip


def resource_table(folder: Path, manifest: Mapping[str, Any], name: str) -> pa.Table:
    """A resource of a snapshot as Arrow, layered or one file (fingerprints, say)."""
    listed = _resource(manifest, name)
    if layered(listed):
        return read_layered(folder, manifest, name)
    return pq.read_table(safe_path(folder.resolve(), listed.get("path")))


# -- planning and writing an incremental snapshot ------------------------------------------


@dataclass(frozen=True)
class Layering:
    """How a new snapshot refers to its parent's files (built by :func:`plan_layers`).

    Attributes
    ----------
    events, fingerprints : list of dict
        The parent's layer entries, with paths relative to the new snapshot's
        folder; the new snapshot's own rows file becomes the last layer.
    deletes : pyarrow.Table
        The cumulative deletes, this sync's included.
    """

    events: list[dict[str, Any]]
    fingerprints: list[dict[str, Any]]
    deletes: pa.Table


def _entries(folder: Path, manifest: Mapping[str, Any], name: str) -> list[dict[str, Any]]:
    """A parent resource's layers as seen from a child folder beside it."""
    listed = _resource(manifest, name)
    own = [listed] if not layered(listed) else list(listed[LAYERS_KEY])
    found = []
    for entry in own:
        path = str(entry["path"])
        relative = path if path.startswith("../") else f"../{folder.name}/{path}"
        kept = {k: entry[k] for k in ("bytes", "hash", "rows", REVISED_KEY) if k in entry}
        found.append(kept | {"path": relative})
    return found


def plan_layers(
    parent: Path, manifest: Mapping[str, Any], deletes: pa.Table, *, rows: int,
    max_layers: int | None = None, max_share: float | None = None,
) -> Layering | None:  # fmt: skip
    """How a child of ``parent`` stores ``rows`` new rows with the cumulative ``deletes``.

    ``deletes`` (``layer``, ``event_id_cnty``, ``row``) lists every row of the
    parent's layers the child does not hold: the parent's deletes and the rows
    of the ids the child replaces or deletes. Returns None when the child
    should be written whole (compaction): the chain would exceed
    ``max_layers`` files, or the rows above the base plus the deletes would
    exceed ``max_share`` of the base's rows (:data:`MAX_LAYERS` and
    :data:`MAX_SHARE` by default).
    """
    max_layers = MAX_LAYERS if max_layers is None else max_layers
    max_share = MAX_SHARE if max_share is None else max_share
    if not any(r.get("name") == "fingerprints" for r in manifest["resources"]):
        return None  # not a snapshot: nothing to refer to by fingerprint
    layers = _entries(parent, manifest, "events")
    above = sum(int(e["rows"]) for e in layers[1:]) + rows
    base = int(layers[0]["rows"])
    if len(layers) + 1 > max_layers or above + deletes.num_rows > max_share * base:
        return None
    return Layering(layers, _entries(parent, manifest, "fingerprints"), deletes)


@dataclass(frozen=True, kw_only=True)
class Increment:
    """What :func:`~libyaevents.releases.build.publish_release` writes for a layered snapshot.

    Attributes
    ----------
    layering : Layering
        The parent's layers and the cumulative deletes.
    rows : pyarrow.Table
        The events the sync added or revised, in release order.
    prints : pyarrow.Table
        Their fingerprints (as :func:`libyaevents.snapshots.fingerprints.fingerprint_arrow`).
    content : ContentSum
        The version 3 content sum of the whole events table the layers make
        up (its columns, row count and hash go in the manifest).
    latest : tuple
        The whole table's latest ``event_date`` and ``timestamp`` (as
        Timestamps; None when it has none): the release's ``created`` date.
    revised : tuple of str
        The columns where a row of ``rows`` holds another value than the first
        layer's row of the same id, if it has one
        (:func:`~libyaevents.releases.layers.revised_columns`): the layer's
        ``x-revised``.
    """

    layering: Layering
    rows: pa.Table
    prints: pa.Table
    content: ContentSum
    latest: tuple[Any, Any]
    revised: tuple[str, ...]


def write_layers(folder: Path, increment: Increment) -> list[dict[str, Any]]:
    """Write a snapshot's own files; return its resources (events and fingerprints layered).

    The layered ``events`` resource carries the row count, version 3 content
    hash (and sum) and schema of the whole table its layers make up.
    """
    layering, content = increment.layering, increment.content
    rows_path = folder / f"{EVENTS_ROWS}.parquet"
    parquet.write_table(increment.rows, "events", str(rows_path), by_year=False)
    own = table_entry(rows_path, EVENTS_ROWS, increment.rows.num_rows)
    own_prints = write_plain(folder, PRINTS_ROWS, increment.prints)
    deletes = write_plain(folder, DELETES, layering.deletes)

    def layer(entry: Mapping[str, Any]) -> dict[str, Any]:
        return {k: entry[k] for k in ("path", "bytes", "hash", "rows")}

    revised = {REVISED_KEY: list(increment.revised)}
    return [
        {
            "name": "events", "type": "table", "rows": content.rows,
            **content_fields(content),
            "schema": file_schema("events", list(content.columns)),
            LAYERS_KEY: [*layering.events, layer(own) | revised], "x-deletes": DELETES,
        },
        {
            "name": "fingerprints", "type": "table", "rows": content.rows,
            LAYERS_KEY: [*layering.fingerprints, layer(own_prints)], "x-deletes": DELETES,
        },
        own, own_prints, deletes,
    ]  # fmt: skip
