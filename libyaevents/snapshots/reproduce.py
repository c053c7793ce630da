"""Re-pull a published snapshot from its manifest and say whether, and how, the source changed.

ACLED's terms let researchers keep data locally but not redistribute it, so a
paper can publish only the manifest of the snapshot it used (``datapackage.json``)
and its ``fingerprints.parquet`` (event ids and one hash per row: no values).
:func:`reproduce` re-runs the same query with the reader's own credentials,
pins the result as a snapshot in the reader's store, and compares the two row
by row: the same content hash means the same data; otherwise it lists every id
added, deleted or modified since. When the reader's store still holds a
release with the published content (an earlier sync of theirs), the
difference is given cell by cell too.

Credentials come from the reader's environment or config and go only to the
reader's configured site: a manifest naming another endpoint is noted, never
followed with the reader's credentials.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from libyaevents.errors import InputError, IntegrityError
from libyaevents.formats import parquet
from libyaevents.live.acled import AcledClient, is_where
from libyaevents.live.credentials import Secret
from libyaevents.releases.hashes import file_sha256
from libyaevents.releases.increments import layer_entries, layer_files, layered, resource_table
from libyaevents.releases.loading import Release, load
from libyaevents.releases.manifest import table_content
from libyaevents.releases.release import diff
from libyaevents.releases.stores import LocalStore, manifest_at
from libyaevents.snapshots.fingerprints import compare_fingerprints, fingerprint
from libyaevents.snapshots.sync import (
    FINGERPRINTS,
    QUERY_ARGUMENTS,
    Synced,
    fingerprint_columns,
    snapshot_of,
    sync,
)

__all__ = ["Reproduced", "reproduce"]


@dataclass(frozen=True)
class Reproduced:
    """How a re-pull compares with a published snapshot.

    Attributes
    ----------
    published : dict
        The published manifest's ``x-snapshot`` (source, query, access time).
    synced : Synced
        The re-pull, pinned in the reader's store.
    matches : bool
        True when every id is present with the same fingerprint.
    content_hash_matches : bool
        True when the events' content hash equals the published one.
    changes : DataFrame
        ``record_id`` and ``change`` (``added``, ``deleted``, ``modified``): what
        the source changed since the published snapshot.
    cells : DataFrame or None
        The cell-by-cell change table, when the reader's store holds a release
        with the published content; None otherwise (fingerprints hold no
        values, so only the ids are known).
    notes : list of str
        Anything the reader should know (e.g. another endpoint).
    """

    published: dict[str, Any]
    synced: Synced
    matches: bool
    content_hash_matches: bool
    changes: pd.DataFrame
    cells: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)

    def summary(self, limit: int = 10) -> str:
        """What matched and, when not, what changed (the first ``limit`` ids)."""
        pub = self.published
        head = (
            f"published snapshot: {pub.get('source')} accessed {pub.get('accessed')}; "
            f"re-pulled {self.synced.snapshot.get('accessed')} as release {self.synced.version}"
        )
        lines = [head, *[f"note: {n}" for n in self.notes]]
        if self.matches:
            lines.append(
                "matches: the re-pull holds the same events, row for row"
                + ("" if self.content_hash_matches else " (content hash differs: see notes)")
            )
            return "\n".join(lines)
        counts = self.changes["change"].value_counts()
        said = ", ".join(f"{counts.get(k, 0):,} {k}" for k in ("added", "modified", "deleted"))
        lines.append(f"differs: {said} since the published snapshot")
        for rec in self.changes.head(limit).itertuples(index=False):
            lines.append(f"  {rec.record_id}: {rec.change}")
        if self.cells is None:
            lines.append(
                "cell-level changes are unknown: fingerprints hold no values (a store holding "
                "the published snapshot would give them)"
            )
        return "\n".join(lines)


def _published(path: Path) -> tuple[dict[str, Any], dict[str, Any], pd.DataFrame]:
    """The manifest, its snapshot record and its fingerprints (checked against the manifest)."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        msg = f"{path}: cannot read the manifest ({exc}). Pass a snapshot's datapackage.json."
        raise InputError(msg) from None
    record = snapshot_of(manifest) if isinstance(manifest, dict) else None
    if record is None:
        msg = f"{path}: not the manifest of a snapshot (no x-snapshot); nothing to re-pull."
        raise InputError(msg)
    resources = {r.get("name"): r for r in manifest.get("resources", []) if isinstance(r, dict)}
    listed = resources.get(FINGERPRINTS, {})
    if layered(listed) and _chain_held(path.parent, manifest):  # a snapshot in its store
        for file, entry in layer_entries(path.parent, manifest):
            if entry.get("name") == FINGERPRINTS and f"sha256:{file_sha256(file)}" != entry["hash"]:
                msg = f"{file}: sha256 differs from {path} (altered or from another snapshot)."
                raise IntegrityError(msg)
        return manifest, record, resource_table(path.parent, manifest, FINGERPRINTS).to_pandas()
    prints = path.parent / str(listed.get("path", f"{FINGERPRINTS}.parquet"))
    if not prints.is_file():
        msg = (
            f"{prints}: missing. A published snapshot is its manifest plus {prints.name} "
            "beside it; ask the authors for the file."
        )
        raise InputError(msg)
    if listed.get("hash") and f"sha256:{file_sha256(prints)}" != listed["hash"]:
        msg = f"{prints}: sha256 differs from the manifest (altered or from another snapshot)."
        raise IntegrityError(msg)
    return manifest, record, pq.read_table(prints).to_pandas()


def _chain_held(folder: Path, manifest: dict[str, Any]) -> bool:
    """Whether every file of an incremental snapshot's chain is where its manifest says.

    A published recipe carries its fingerprints put together in one file
    beside the manifest instead.
    """
    try:
        return all(p.is_file() for p in layer_files(folder, manifest, FINGERPRINTS))
    except IntegrityError:
        return False


def _events_entry(manifest: dict[str, Any]) -> dict[str, Any]:
    for res in manifest.get("resources", []):
        if isinstance(res, dict) and res.get("name") == "events":
            return res
    return {}


def _events_hash(manifest: dict[str, Any]) -> str | None:
    found = _events_entry(manifest).get("x-content-hash")
    return None if found is None else str(found)


def _events_hash_as(release: Release, version: object) -> str | None:
    """The events' content hash by the version a published manifest used (1, 2 or 3).

    A snapshot published before this library wrote version 3 is compared by
    its own version: the re-pull's events are hashed again that way.
    """
    held = _events_entry(release.manifest)
    if held.get("x-content-hash-version") == version:
        return _events_hash(release.manifest)
    absent = release.manifest.get("x-absent-columns") or {}
    gaps = absent.get("events", ()) if isinstance(absent, dict) else ()
    arrow = parquet.release_arrow(release.events, "events", gaps=gaps)
    return str(table_content(arrow, "events", version)["x-content-hash"])


def _filter(recorded: Any) -> Any:
    """A recorded ACLED filter as ``sync`` takes it: ``{"where", "value"}`` is an operator.

    Versions before the ``where`` record wrote an operator filter as the pair
    itself (a JSON list ``["<=", 10]``); a two-item list led by an ACLED
    operator is read as one too (a field's values are never an operator).
    """
    if isinstance(recorded, dict) and set(recorded) == {"where", "value"}:
        return (recorded["where"], recorded["value"])
    if isinstance(recorded, list) and is_where(tuple(recorded)):
        return tuple(recorded)
    return recorded


def _replayed(source: str, recorded: Any) -> dict[str, Any]:
    """The recorded arguments of a sync as :func:`~libyaevents.sync` takes them now.

    Syncs before ``filters=`` recorded an ACLED field beside the query
    (``{"country": "Libya", "event_type": "Battles"}``): such a field goes
    into ``filters``. A key no source takes is refused, before any request.
    """
    arguments = dict(recorded) if isinstance(recorded, dict) else {}
    takes = QUERY_ARGUMENTS.get(source, ())
    others = {k: arguments.pop(k) for k in list(arguments) if k not in takes}
    if source == "acled" and others:
        arguments["filters"] = {**others, **(arguments.get("filters") or {})}
    if source == "acled" and isinstance(arguments.get("filters"), dict):
        arguments["filters"] = {k: _filter(v) for k, v in arguments["filters"].items()}
    elif others:
        msg = (
            f"the manifest records {sorted(others)} among the arguments of a {source} sync, "
            f"which takes {list(takes)}: not a manifest this version of libyaevents can replay."
        )
        raise InputError(msg)
    return arguments


def reproduce(
    manifest: str | os.PathLike[str],
    *,
    store: str | os.PathLike[str],
    client: AcledClient | None = None,
    base_url: str | None = None,
    token: str | Secret | None = None,
    limit: int | None = None,
    work_dir: str | os.PathLike[str] | None = None,
    path: str | os.PathLike[str] | None = None,
) -> Reproduced:
    """Re-run a published snapshot's query and compare the result with it, id by id.

    Parameters
    ----------
    manifest : path
        The published ``datapackage.json`` (its fingerprint file beside it).
    store : path
        The reader's store of snapshots of this query (created if new).
    client, base_url, token, limit, work_dir
        The reader's client options, passed to :func:`libyaevents.sync`
        (``client`` and ``base_url`` for ACLED, ``token`` and ``base_url`` for
        UCDP).
    path : path, optional
        For a file snapshot: the reader's copy of the export.

    The query is the one the manifest records (``x-snapshot.arguments``);
    an ACLED field recorded beside it by an older version goes to
    ``filters=``.

    Returns
    -------
    Reproduced
        ``.matches``, ``.changes`` (ids), ``.cells`` (when known), ``.summary()``.

    Raises
    ------
    InputError
        Not a snapshot manifest, or its fingerprint file is missing.
    IntegrityError
        The fingerprint file does not match the manifest.
    """
    published_manifest, record, published = _published(Path(manifest))
    source = str(record.get("source"))
    arguments = _replayed(source, record.get("arguments"))
    reader = {"client": client, "base_url": base_url, "token": token, "limit": limit,
            "work_dir": work_dir, "path": path}  # fmt: skip
    arguments.update({k: v for k, v in reader.items() if v is not None})
    synced = sync(store, source, full=True, allow_empty=True, **arguments)
    notes = []
    if synced.snapshot.get("endpoint") != record.get("endpoint"):
        notes.append(
            f"published from {record.get('endpoint')}; re-pulled from "
            f"{synced.snapshot.get('endpoint')}"
        )
    target = LocalStore(store)
    release = load(synced.version, store=target)
    columns = record.get("fingerprint_columns")
    mine = (  # the re-pull's own fingerprint file, unless the published ones cover other columns
        pq.read_table(release.path / f"{FINGERPRINTS}.parquet").to_pandas()
        if columns == fingerprint_columns()
        else fingerprint(release.events, columns if isinstance(columns, list) else None)
    )
    changes = compare_fingerprints(published, mine)
    wanted = _events_hash(published_manifest)
    now = _events_hash_as(release, _events_entry(published_manifest).get("x-content-hash-version"))
    if wanted != now and changes.empty:
        notes.append(
            "same rows by fingerprint but another content hash: the library's schema or "
            "storage changed between the two pulls, not the data"
        )
    cells = None
    if not changes.empty:
        held = [
            v
            for v in target.versions()
            if v != synced.version and _events_hash(manifest_at(target.root / v)) == wanted
        ]
        if held:
            cells = diff(held[-1], release, store=target)
    return Reproduced(record, synced, changes.empty, wanted == now, changes, cells, notes)
