"""Building a release: validate, claim the version, write a temporary folder, rename it in.

One writer at a time holds a store (:meth:`~libyaevents.releases.stores.LocalStore.writing`):
it claims a free version, picks the parent, writes every file into a hidden
``.build-VERSION-PID-*`` folder, fsyncs it, and moves it into place in one
rename (a release never appears half-written, and is never replaced). Build
folders left by a process that died are removed by the next build.

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
import logging
import os
import shutil
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from libyaevents.dataset import DatasetLike, tables_of
from libyaevents.errors import InputError, ReleaseError, ReleaseExistsError
from libyaevents.files import output_folder
from libyaevents.formats import parquet
from libyaevents.releases.card import (
    CARD_NAME,
    INDEX_PAGE,
    render_card,
    write_page,
    write_store_page,
)
from libyaevents.releases.changes import CHANGE_COLUMNS, diff_tables
from libyaevents.releases.loading import load
from libyaevents.releases.manifest import (
    CHANGES_NAME,
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
    open_store,
    version_key,
)
from libyaevents.schema.tables import TABLES
from libyaevents.validation.validator import validate

__all__ = ["build_release", "publish_release"]

_log = logging.getLogger("libyaevents")


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
    target_store = _claimable(_writable(store), version)
    # a load never imports the readers: only a build from coded sources does
    from libyaevents.readers.coded import Sources  # noqa: PLC0415

    if agreement is None and isinstance(data, Sources):
        agreement = data.agreement
    tables = _valid_tables(data, today)
    noted = {"x-agreement": dict(agreement)} if agreement else None
    return publish_release(
        tables, version, store=target_store, parent=parent, sources=sources,
        annotations=noted, card=card, wait=wait,
    )  # fmt: skip


def _writable(store: StoreArg) -> LocalStore:
    """The local store a release is written into (a path given is checked before the work)."""
    source = store if isinstance(store, LocalStore) else open_store(store)
    if not isinstance(source, LocalStore):
        msg = (
            f"store: a release is written into a local folder; {source!r} is read-only. "
            "Build into a folder, then serve it over HTTP or publish it (libyaevents publish)."
        )
        raise InputError(msg)
    if source is store:
        return source
    return LocalStore(output_folder(source.root))  # a file there is refused before the work


def _claimable(target_store: LocalStore, version: str) -> LocalStore:
    """The store, once ``version`` is known to be free in it (stale builds cleared)."""
    version_key(version)
    folder = target_store.root / version
    if folder.exists() and not (folder / MANIFEST_NAME).is_file():
        msg = (
            f"{folder} exists but holds no release (no {MANIFEST_NAME}): a folder left by "
            "hand or by another tool. Remove it, then build again."
        )
        raise ReleaseError(msg)
    if folder.exists():
        msg = f"Release {version} already exists in {target_store.root}; releases are immutable."
        raise ReleaseExistsError(msg)
    _clean_stale_builds(target_store.root)
    return target_store


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
        Extra top-level manifest keys (names starting with ``x-``); a value
        may be a callable, given the manifest's resources (hashes known) and
        returning the value.
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

    Returns
    -------
    pathlib.Path
        The release folder.
    """
    target_store = _writable(store)
    with target_store.writing(wait):
        return _publish_locked(
            tables, version, target_store, parent=parent, changes=changes, sources=sources,
            annotations=annotations, extra=extra, absent=absent, about=about, card=card,
        )  # fmt: skip


def _publish_locked(
    tables: Mapping[str, pd.DataFrame], version: str, store: LocalStore, *,
    parent: str | bool | None, changes: pd.DataFrame | None,
    sources: Sequence[Mapping[str, str]], annotations: Mapping[str, Any] | None,
    extra: Mapping[str, pa.Table] | None, absent: Mapping[str, Sequence[str]] | None,
    about: Mapping[str, Any] | None, card: bool,
) -> Path:  # fmt: skip
    """:func:`publish_release` once the store's writer lock is held."""
    target_store = _claimable(store, version)
    annotations = dict(annotations or {})
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
    target_store.root.mkdir(parents=True, exist_ok=True)
    tmp = target_store.root / f".build-{version}-{os.getpid()}-{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        _write_release(
            tmp, version, parent_version, dict(tables), changes=changes, sources=sources,
            annotations=annotations, extra=extra or {}, gaps=gaps, about=about or {},
            card=card,
        )  # fmt: skip
        _publish(tmp, target_store.root / version)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    target_store.write_index()
    if card or (target_store.root / INDEX_PAGE).is_file():  # a store page lists every version
        write_store_page(target_store)
    return target_store.root / version


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _clean_stale_builds(root: Path) -> None:
    """Remove temporary build folders whose building process is gone (a crash, kill -9)."""
    for tmp in root.glob(".build-*"):
        parts = tmp.name.split("-")
        pid = int(parts[-2]) if len(parts) >= 4 and parts[-2].isdigit() else None
        if pid is None or not _alive(pid):
            shutil.rmtree(tmp, ignore_errors=True)
            _log.info("libyaevents: removed %s, left by a build that did not finish", tmp)


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
) -> None:
    resources = []
    for name, frame in tables.items():
        arrow = parquet.release_arrow(frame, name, gaps=gaps.get(name, ()))
        parquet.write_table(arrow, name, str(folder / f"{name}.parquet"))
        resources.append(table_resource(folder, name, arrow))
    schema = pa.schema([(c, pa.string()) for c in CHANGE_COLUMNS])
    arrow = pa.Table.from_pandas(changes, schema=schema, preserve_index=False)
    resources.append(write_plain(folder, CHANGES_NAME, arrow))
    resources += [write_plain(folder, name, table) for name, table in extra.items()]
    manifest = release_manifest(
        version, parent, created_date(tables), resources, changes=changes, sources=sources,
        about=about,
    )  # fmt: skip
    manifest.update({k: v(resources) if callable(v) else v for k, v in annotations.items()})
    if card:  # the build validated the tables: the card says so, and lists the files' sha256
        page = render_card(manifest, tables, changes, built=True)
        write_page(folder / CARD_NAME, page)
        manifest["resources"].append(file_entry(folder / CARD_NAME, "card", "text/html"))
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    (folder / MANIFEST_NAME).write_text(text, encoding="utf-8")
    for path in folder.iterdir():
        _fsync(path)
    _fsync(folder)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(tmp: Path, target: Path) -> None:
    """Move the finished folder into place in one rename; never replace a release."""
    try:
        target.mkdir()  # claims the name: a concurrent build of the version fails here
    except FileExistsError:
        msg = f"Release {target.name} already exists in {target.parent}; releases are immutable."
        raise ReleaseExistsError(msg) from None
    try:
        os.rename(tmp, target)  # replaces our empty claim atomically
    except OSError:
        target.rmdir()
        raise
    _fsync(target.parent)
