"""Building a release: validate, then write the files and the manifest as a new version.

One writer at a time holds a store (:meth:`~libyaevents.releases.stores.LocalStore.writing`):
it claims a free version, picks the parent, computes the change table, writes
every file and the manifest into a hidden build folder, fsyncs it and moves it
into place in one rename (:mod:`~libyaevents.releases.folders`).

Examples
--------
>>> import tempfile
>>> from libyaevents.synthetic import synthetic_dataset
>>> store = tempfile.mkdtemp()
>>> build_release(synthetic_dataset(50, seed=2), "1.0.0", store=store).name
'1.0.0'
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from libyaevents.dataset import DatasetLike, tables_of
from libyaevents.errors import InputError
from libyaevents.formats import parquet
from libyaevents.formats.content import CONTENT_HASH_VERSION
from libyaevents.releases.card import (
    CARD_NAME,
    INDEX_PAGE,
    render_card,
    write_page,
    write_store_page,
)
from libyaevents.releases.changes import CHANGE_COLUMNS, diff_tables
from libyaevents.releases.folders import (
    build_folder,
    claimable,
    fsync_tree,
    move_into_place,
    writable_store,
)
from libyaevents.releases.increments import Increment, write_layers
from libyaevents.releases.loading import load
from libyaevents.releases.manifest import (
    CHANGES_NAME,
    SnapshotRecord,
    created_date,
    file_entry,
    release_manifest,
    table_resource,
    write_plain,
)
from libyaevents.releases.stores import (
    MANIFEST_NAME,
    WRITER_WAIT,
    LocalStore,
    StoreArg,
    version_key,
)
from libyaevents.schema.tables import TABLES
from libyaevents.validation.validator import validate

__all__ = ["build_release", "publish_release"]


def _valid_tables(data: DatasetLike, today: pd.Timestamp | str | None) -> dict[str, pd.DataFrame]:
    """The typed tables of a dataset that has all three and breaks no rule (validated once)."""
    missing = [n for n in TABLES if n not in tables_of(data, what="data")]
    if missing:
        msg = f"A release needs the tables {', '.join(TABLES)}; missing: {', '.join(missing)}."
        raise InputError(msg)
    report = validate(data, today=today)
    report.raise_if_invalid()
    return dict(report.tables)


def _parent_of(store: LocalStore, version: str, parent: str | bool | None) -> str | None:
    if parent is False or parent is None:
        return None
    if isinstance(parent, str):
        store.folder(parent)
        return parent
    older = [v for v in store.versions() if version_key(v) < version_key(version)]
    return older[-1] if older else None


def build_release(
    data: DatasetLike,
    version: str,
    *,
    store: StoreArg,
    parent: str | bool | None = True,
    today: pd.Timestamp | str | None = None,
    sources: Sequence[Mapping[str, str]] = (),
    agreement: Mapping[str, Any] | None = None,
    card: bool = False,
    wait: float = WRITER_WAIT,
) -> Path:
    """Validate the tables and write them as a new, immutable release.

    Parameters
    ----------
    data : dataset
        ``events``, ``actors`` and ``measures``: coded sources (failures then
        name file and line), a loaded release, or a mapping of frames
        (:mod:`libyaevents.dataset`). Validated once.
    version : str
        ``MAJOR.MINOR.PATCH``; must not exist in the store yet.
    store : path, LocalStore or None
        The folder of releases (created if missing), as ``load`` takes it;
        None is the bundled store (a maintainer rebuilding the package's
        release). A remote or DOI store is refused: it is read-only.
    parent : str, True or None
        The release the change table compares with: ``True`` (default) the
        latest older version in the store, a version string, or ``None``.
    today : Timestamp or str, optional
        Passed to :func:`libyaevents.validate`.
    sources : sequence of mappings, optional
        The reports the data was coded from, written to the manifest's
        ``sources`` (Frictionless: ``title`` plus any ``x-`` keys); see
        :meth:`libyaevents.Sources.manifest_sources`.
    agreement : mapping, optional
        The inter-coder agreement of the coding (``coders``, ``matched_share``,
        ``alpha`` per field), recorded in the manifest as ``x-agreement`` and shown
        on the card; by default :attr:`libyaevents.Sources.agreement` of coded
        sources merged by ``libyaevents code adjudicate``.
    card : bool
        Also write the release's data card (``card.html``, listed and hashed
        like the data) and the store's ``index.html`` (see
        :mod:`libyaevents.releases.card`).
    wait : float
        Seconds to wait for another writer of the store (a sync, a build) to
        finish: one writer at a time claims a version, picks the parent and
        updates the index (see :meth:`LocalStore.writing`).

    Returns
    -------
    pathlib.Path
        The release folder.

    Raises
    ------
    ValidationError
        When the data breaks any rule (nothing is written).
    ReleaseExistsError
        When the version exists, or another writer published it meanwhile.
    StoreBusyError
        When another writer still holds the store after ``wait`` seconds.
    """
    target_store = claimable(writable_store(store), version)
    # a load never imports the readers: only a build from coded sources does
    from libyaevents.readers.coded import Sources  # noqa: PLC0415

    if agreement is None and isinstance(data, Sources):
        agreement = data.agreement
    tables = _valid_tables(data, today)
    noted = {"x-agreement": dict(agreement)} if agreement else None
    return publish_release(
        tables, version, store=target_store, parent=parent, sources=sources,
        annotations=noted, card=card, wait=wait, content_hash=1,
    )  # fmt: skip


def publish_release(
    tables: Mapping[str, pd.DataFrame],
    version: str,
    *,
    store: StoreArg,
    parent: str | bool | None = True,
    changes: pd.DataFrame | None = None,
    sources: Sequence[Mapping[str, str]] = (),
    annotations: Mapping[str, Any] | None = None,
    extra: Mapping[str, pa.Table] | None = None,
    absent: Mapping[str, Sequence[str]] | None = None,
    about: Mapping[str, Any] | None = None,
    card: bool = False,
    wait: float = WRITER_WAIT,
    increment: Increment | None = None,
    content_hash: int = CONTENT_HASH_VERSION,
    snapshot: SnapshotRecord | None = None,
) -> Path:
    """Write tables already validated as a new release (the second half of :func:`build_release`).

    For callers that validated what they changed themselves (a snapshot sync
    validates the rows it fetched, not the rows its parent release already
    held) and may know the change table.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        ``events``, ``actors``, ``measures`` in the canonical dtypes, valid.
    version, store, parent, sources
        As for :func:`build_release`.
    changes : DataFrame, optional
        The change table against the parent (computed when omitted).
    annotations : mapping, optional
        Extra top-level manifest keys (names starting with ``x-``).
    extra : mapping of str to pyarrow.Table, optional
        Further Parquet resources to write and list (checked like the tables).
    absent : mapping of table name to column names, optional
        Required columns the source does not carry (UCDP GED has no
        ``timestamp``): stored empty and declared in the manifest
        (``x-absent-columns``), so verification expects them empty.
    about : mapping, optional
        ``title`` and ``licenses`` of data that is not this project's (a
        snapshot of ACLED is under ACLED's terms, not CC BY 4.0).
    card : bool
        Also write the data card and the store's index page (as
        :func:`build_release`).
    wait : float
        As for :func:`build_release`.
    increment : Increment, optional
        Write the events as layers over the parent's files instead of whole
        (an incremental snapshot: :mod:`libyaevents.releases.increments`);
        ``tables`` then needs no ``events``, but a card (``card=True``) does:
        the whole table.
    content_hash : int
        The content hash version of the tables written whole: 3 (a sum of
        row digests, whatever the order: what a layered snapshot's events
        carry too, so that the same content hashes the same written either
        way; :mod:`libyaevents.formats.content`), 2, or 1 (values as text),
        which :func:`build_release` keeps so that a release rebuilt from its
        sources hashes as it did.
    snapshot : SnapshotRecord, optional
        What a sync pulled: written as the manifest's ``x-snapshot``, with the
        content hash of the events written.

    Returns
    -------
    pathlib.Path
        The release folder.
    """
    target_store = writable_store(store)
    with target_store.writing(wait):
        return _publish_locked(
            tables, version, target_store, parent=parent, changes=changes, sources=sources,
            annotations=annotations, extra=extra, absent=absent, about=about, card=card,
            layered=(increment, content_hash), snapshot=snapshot,
        )  # fmt: skip


def _publish_locked(
    tables: Mapping[str, pd.DataFrame], version: str, store: LocalStore, *,
    parent: str | bool | None, changes: pd.DataFrame | None,
    sources: Sequence[Mapping[str, str]], annotations: Mapping[str, Any] | None,
    extra: Mapping[str, pa.Table] | None, absent: Mapping[str, Sequence[str]] | None,
    about: Mapping[str, Any] | None, card: bool, layered: tuple[Increment | None, int],
    snapshot: SnapshotRecord | None,
) -> Path:  # fmt: skip
    """:func:`publish_release` once the store's writer lock is held."""
    target_store = claimable(store, version)
    annotations = dict(annotations or {})
    if "x-snapshot" in annotations and snapshot is not None:
        msg = "Pass the snapshot record as snapshot=, not also as an x-snapshot annotation."
        raise InputError(msg)
    gaps = {t: list(c) for t, c in (absent or {}).items() if c}
    if gaps:
        annotations["x-absent-columns"] = gaps
    bad = [k for k in annotations if not str(k).startswith("x-")]
    clash = [k for k in (extra or {}) if k in TABLES or k == CHANGES_NAME]
    if bad or clash:
        msg = f"annotations must be x- keys and extra resources new names; found {bad + clash}."
        raise InputError(msg)
    parent_version = _parent_of(target_store, version, parent)
    if changes is None:
        old = load(parent_version, store=target_store).tables() if parent_version else {}
        changes = diff_tables(old, tables)
    tmp = build_folder(target_store, version)
    try:
        _write_release(
            tmp, version, parent_version, dict(tables), changes=changes, sources=sources,
            annotations=annotations, extra=extra or {}, gaps=gaps, about=about or {},
            card=card, layered=layered, snapshot=snapshot,
        )  # fmt: skip
        move_into_place(tmp, target_store.root / version)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    target_store.write_index()
    if card or (target_store.root / INDEX_PAGE).is_file():  # a store page lists every version
        write_store_page(target_store)
    return target_store.root / version


def _write_release(
    folder: Path,
    version: str,
    parent: str | None,
    tables: dict[str, pd.DataFrame],
    *,
    changes: pd.DataFrame,
    sources: Sequence[Mapping[str, str]],
    annotations: Mapping[str, Any],
    extra: Mapping[str, pa.Table],
    gaps: Mapping[str, list[str]],
    about: Mapping[str, Any],
    card: bool,
    layered: tuple[Increment | None, int],
    snapshot: SnapshotRecord | None,
) -> None:
    increment, hashed = layered
    resources = write_layers(folder, increment) if increment is not None else []
    for name, frame in tables.items():
        if name == "events" and increment is not None:
            continue
        arrow = parquet.release_arrow(frame, name, gaps=gaps.get(name, ()))
        parquet.write_table(arrow, name, str(folder / f"{name}.parquet"))
        resources.append(table_resource(folder, name, arrow, hashed))
    schema = pa.schema([(c, pa.string()) for c in CHANGE_COLUMNS])
    arrow = pa.Table.from_pandas(changes, schema=schema, preserve_index=False)
    resources.append(write_plain(folder, CHANGES_NAME, arrow))
    resources += [write_plain(folder, name, table) for name, table in extra.items()]
    manifest = release_manifest(
        version, parent, created_date(tables, increment.latest if increment else ()),
        resources, changes=changes, sources=sources,
        about=about,
    )  # fmt: skip
    if snapshot is not None:  # first, where the manifests of earlier versions had it
        hashed = next(r["x-content-hash"] for r in resources if r["name"] == "events")
        manifest["x-snapshot"] = snapshot.entry(hashed)
    manifest.update(annotations)
    if card and "events" not in tables:
        msg = "A data card needs the whole events table: pass tables['events'] with card=True."
        raise InputError(msg)
    if card:  # the build validated the tables: the card says so, and lists the files' sha256
        page = render_card(manifest, tables, changes, built=True)
        write_page(folder / CARD_NAME, page)
        manifest["resources"].append(file_entry(folder / CARD_NAME, "card", "text/html"))
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    (folder / MANIFEST_NAME).write_text(text, encoding="utf-8")
    fsync_tree(folder)
