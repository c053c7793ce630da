"""Versioned, immutable, checksummed Parquet releases: build, verify, load, list, diff.

A release is a folder named by its version holding ``events.parquet``,
``actors.parquet``, ``measures.parquet``, ``changes.parquet`` (what changed
against the parent release) and ``datapackage.json``, a manifest in the
Frictionless Data Package shape with each file's bytes, sha256, rows, schema
and a content hash of its rows.

Examples
--------
>>> import tempfile
>>> import libyaevents
>>> from libyaevents.synthetic import synthetic_dataset
>>> store = tempfile.mkdtemp()
>>> _ = libyaevents.build_release(synthetic_dataset(100, seed=1), "1.0.0", store=store)
>>> data = libyaevents.load(store=store, filters={"admin1": "East"})
>>> data.version, sorted(set(data.events["admin1"]))
('1.0.0', ['East'])
>>> libyaevents.verify_release("1.0.0", store=store).ok
True
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import shutil
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, overload

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from libyaevents._version import __version__
from libyaevents.dataset import DatasetLike, tables_of
from libyaevents.errors import (
    InputError,
    IntegrityError,
    ReleaseError,
    ReleaseExistsError,
    ReleaseNotFoundError,
)
from libyaevents.files import output_folder
from libyaevents.formats import parquet
from libyaevents.optional import require
from libyaevents.problems import concat_problems, problem_table
from libyaevents.releases.card import (
    CARD_NAME,
    INDEX_PAGE,
    render_card,
    write_page,
    write_store_page,
)
from libyaevents.releases.changes import CHANGE_COLUMNS, diff_tables, summarise_changes
from libyaevents.releases.filters import Filters, Query, event_query
from libyaevents.releases.hashes import cached_sha256, file_sha256
from libyaevents.releases.licences import REDISTRIBUTION_FIELD, allowed_by
from libyaevents.releases.stores import (
    INDEX_NAME,
    MANIFEST_NAME,
    WRITER_WAIT,
    LocalStore,
    Store,
    accessed_of,
    open_store,
    published_records,
    version_key,
)
from libyaevents.schema.frictionless import table_schema
from libyaevents.schema.tables import SCHEMA_VERSION, TABLES
from libyaevents.validation.validator import validate

__all__ = [
    "DATA_LICENSE",
    "DaskRelease",
    "Release",
    "VerifyResult",
    "accessed_times",
    "build_release",
    "diff",
    "list_releases",
    "load",
    "publish_release",
    "verify_release",
    "version_as_of",
    "write_card",
]

#: The licence of the data this project codes.
DATA_LICENSE: Final = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
_CITATION: Final = (
    "libyaevents maintainers. libyaevents: conflict and political events in Libya, "
    "coded in the style of ACLED. Data release {version}."
)
_CHANGES: Final = "changes"
#: Data Package v2 profiles (``$schema``) of the manifest and of its tabular resources.
PACKAGE_PROFILE: Final = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE: Final = "https://datapackage.org/profiles/2.0/dataresource.json"
_MAINTAINERS: Final = {"title": "libyaevents maintainers", "roles": ["creator", "publisher"]}

#: What ``store=`` accepts: a folder, an http(s) URL, a store object, or None (bundled).
StoreArg = str | os.PathLike[str] | Store | None
#: What ``as_of=`` accepts: a day or an instant.
AsOf = str | dt.date | pd.Timestamp
_log = logging.getLogger("libyaevents")


@dataclass(frozen=True)
class Release:
    """A loaded release: typed tables plus exactly what was loaded.

    Attributes
    ----------
    version : str
        The release version.
    manifest : dict
        The release's ``datapackage.json``.
    events : pandas.DataFrame
        Canonical typed events (filtered when ``filters`` were given).
    actors, measures : pandas.DataFrame
        Canonical typed tables, read when first asked for: ``load`` verified
        their files, and reading checks that they are still those files (a
        load that only needs events reads only events).
    path : pathlib.Path
        The folder the files were read from.
    complete : bool
        False when ``filters`` or ``columns`` narrowed the events.
    """

    version: str
    manifest: dict[str, Any]
    events: pd.DataFrame
    path: Path
    complete: bool = True

    @functools.cached_property
    def actors(self) -> pd.DataFrame:
        """The actors table (read on first use, its file checked against the manifest)."""
        return _small_table(self.path, self.manifest, "actors")

    @functools.cached_property
    def measures(self) -> pd.DataFrame:
        """The measures table (read on first use, its file checked against the manifest)."""
        return _small_table(self.path, self.manifest, "measures")

    def tables(self) -> dict[str, pd.DataFrame]:
        """The three tables by name."""
        return {"events": self.events, "actors": self.actors, "measures": self.measures}

    def changes(self) -> pd.DataFrame:
        """The change table against the parent release."""
        return pq.read_table(self.path / f"{_CHANGES}.parquet").to_pandas()


@dataclass(frozen=True)
class DaskRelease:
    """A release loaded with ``engine="dask"``: events lazy, actors and measures in memory."""

    version: str
    manifest: dict[str, Any]
    events: Any
    actors: pd.DataFrame
    measures: pd.DataFrame
    path: Path


@dataclass(frozen=True)
class VerifyResult:
    """What :func:`verify_release` found: ``problems`` is empty when all is well.

    Attributes
    ----------
    version : str
        The release checked.
    problems : pandas.DataFrame
        One row per problem in the shared shape
        (:data:`libyaevents.problems.PROBLEM_COLUMNS`): ``source`` is the file,
        ``code`` one of the release codes (``hash-mismatch``, ``file-missing``,
        ...) or a validation rule's code.
    """

    version: str
    problems: pd.DataFrame = field(default_factory=lambda: problem_table({}))

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return self.problems.empty

    def messages(self) -> list[str]:
        """Each problem as one line of text: where, then what."""
        return [_problem_line(r) for r in self.problems.to_dict("records")]


def _problem_line(rec: Mapping[Any, Any]) -> str:
    if rec["table"] in TABLES and not pd.isna(rec["row"]):
        rid = "" if pd.isna(rec["record_id"]) else f" ({rec['record_id']})"
        where = f"{rec['table']} row {rec['row']}{rid} {rec['column']}"
        return f"{where}: [{rec['code']}] {rec['message']}"
    return f"{rec['source']}: {rec['message']}"


# -- building ------------------------------------------------------------------


def _valid_tables(data: DatasetLike, today: pd.Timestamp | str | None) -> dict[str, pd.DataFrame]:
    """The typed tables of a dataset that has all three and breaks no rule (validated once)."""
    missing = [n for n in TABLES if n not in tables_of(data, what="data")]
    if missing:
        msg = f"A release needs the tables {', '.join(TABLES)}; missing: {', '.join(missing)}."
        raise InputError(msg)
    report = validate(data, today=today)
    report.raise_if_invalid()
    return dict(report.tables)


def _created(tables: Mapping[str, pd.DataFrame]) -> str:
    """The release date from the sources: the latest date any row carries."""
    dates = [tables["events"]["event_date"].max()]
    stamps = tables["events"].get("timestamp")
    if stamps is not None and stamps.notna().any():
        dates.append(pd.Timestamp(int(stamps.max()), unit="s"))
    for column in ("start_date", "end_date"):
        dates.append(tables["measures"][column].max())
    known = [d for d in dates if pd.notna(d)]
    return str(max(known).date()) if known else "1970-01-01"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _listed(path: Path, name: str, mediatype: str) -> dict[str, Any]:
    """A manifest entry for a file of the release (checked by size and sha256)."""
    return {
        "name": name,
        "path": path.name,
        "format": path.suffix.lstrip("."),
        "mediatype": mediatype,
        "bytes": path.stat().st_size,
        "hash": f"sha256:{file_sha256(path)}",
    }


def _table_listed(path: Path, name: str, rows: int) -> dict[str, Any]:
    """A manifest entry for a Parquet table: a Data Package v2 tabular resource."""
    parquet_file = _listed(path, name, "application/vnd.apache.parquet")
    return {"$schema": RESOURCE_PROFILE, "type": "table", **parquet_file, "rows": rows}


def _resource(folder: Path, name: str, arrow: pa.Table) -> dict[str, Any]:
    """One of the release's tables, with its content hash and schema."""
    return {
        **_table_listed(folder / f"{name}.parquet", name, arrow.num_rows),
        "x-content-hash": f"sha256:{parquet.content_hash(arrow, name)}",
        "schema": _file_schema(name, arrow.column_names),
    }


def _file_schema(name: str, columns: Sequence[str]) -> dict[str, Any]:
    """The table's schema with the fields the file has (optional columns it lacks left out)."""
    schema = table_schema(name)
    present = set(columns)
    fields = [f for f in schema["fields"] if f["name"] in present]
    # Readers that go through pandas (frictionless' Parquet parser) show an empty
    # whole number as NaN: declared missing, as the empty string is.
    return {**schema, "fields": fields, "missingValues": ["", "nan"]}


def _write_plain(folder: Path, name: str, arrow: pa.Table) -> dict[str, Any]:
    """A resource that is not one of the tables (the change table, a fingerprint file)."""
    path = folder / f"{name}.parquet"
    pq.write_table(arrow.replace_schema_metadata(None), path, compression="zstd")
    return _table_listed(path, name, arrow.num_rows)


def _manifest(
    version: str,
    parent: str | None,
    created: str,
    resources: list[dict[str, Any]],
    *,
    changes: pd.DataFrame,
    sources: Sequence[Mapping[str, str]],
    about: Mapping[str, Any],
) -> dict[str, Any]:
    licences = list(about.get("licenses", [DATA_LICENSE]))
    return {
        "$schema": PACKAGE_PROFILE,
        "name": "libyaevents",
        "title": about.get("title", "Conflict and political events in Libya (ACLED style)"),
        "version": version,
        "created": f"{created}T00:00:00Z",
        "licenses": licences,
        "contributors": list(about.get("contributors", [_MAINTAINERS])),
        "x-citation": _CITATION.format(version=version),
        REDISTRIBUTION_FIELD: allowed_by(licences),
        "x-schema-version": SCHEMA_VERSION,
        "x-parent-version": parent,
        "x-library-version": __version__,
        "x-changes": summarise_changes(changes),
        "sources": [dict(s) for s in sources],
        "resources": resources,
    }


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
    store: str | os.PathLike[str] | LocalStore,
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
    store : path or LocalStore
        The folder of releases.
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
    target_store = _claimable(store, version)
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


def _claimable(store: str | os.PathLike[str] | LocalStore, version: str) -> LocalStore:
    """The store, once ``version`` is known to be free in it (stale builds cleared)."""
    if not isinstance(store, LocalStore):
        store = LocalStore(output_folder(store))  # a file there is refused before the work
    target_store = store
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
    store: str | os.PathLike[str] | LocalStore,
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
    target_store = store if isinstance(store, LocalStore) else LocalStore(store)
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
    clash = [k for k in (extra or {}) if k in TABLES or k == _CHANGES]
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
        resources.append(_resource(folder, name, arrow))
    schema = pa.schema([(c, pa.string()) for c in CHANGE_COLUMNS])
    arrow = pa.Table.from_pandas(changes, schema=schema, preserve_index=False)
    resources.append(_write_plain(folder, _CHANGES, arrow))
    resources += [_write_plain(folder, name, table) for name, table in extra.items()]
    manifest = _manifest(
        version, parent, _created(tables), resources, changes=changes, sources=sources,
        about=about,
    )  # fmt: skip
    manifest.update({k: v(resources) if callable(v) else v for k, v in annotations.items()})
    if card:  # the build validated the tables: the card says so, and lists the files' sha256
        page = render_card(manifest, tables, changes, built=True)
        write_page(folder / CARD_NAME, page)
        manifest["resources"].append(_listed(folder / CARD_NAME, "card", "text/html"))
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    (folder / MANIFEST_NAME).write_text(text, encoding="utf-8")
    for path in folder.iterdir():
        _fsync(path)
    _fsync(folder)


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


# -- reading ---------------------------------------------------------------------


def _safe_path(folder: Path, name: object) -> Path:
    """``folder / name`` resolved; ``folder`` must be resolved already."""
    text = str(name)
    path = (folder / text).resolve()
    if "/" in text or "\\" in text or path.parent != folder:
        msg = (
            f"{folder / MANIFEST_NAME}: resource path {text!r} points outside the release "
            "folder; the manifest was tampered with or is broken. Re-fetch the release."
        )
        raise IntegrityError(msg)
    return path


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST_NAME
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        msg = f"{path}: cannot read the manifest ({exc}). Re-fetch or rebuild the release."
        raise IntegrityError(msg) from None
    if not isinstance(manifest.get("resources"), list):
        msg = f"{path}: the manifest lists no resources. Re-fetch or rebuild the release."
        raise IntegrityError(msg)
    return manifest


@functools.lru_cache(maxsize=16)
def _read_verified(sha256: str, path: Path, table: str) -> pd.DataFrame:
    return parquet.read_table(path, table)


def _small_table(folder: Path, manifest: Mapping[str, Any], table: str) -> pd.DataFrame:
    """Actors or measures, read once per verified file content (a copy each call).

    Releases are immutable, so a table whose file hashes the same is the same
    table; the copy is lazy (pandas copy-on-write) and callers may edit it. The
    file must still hash as the manifest says (it may be read long after ``load``).
    """
    listed: Mapping[str, Any] = next(r for r in manifest["resources"] if r.get("name") == table)
    path = _safe_path(folder.resolve(), listed.get("path"))  # listed: load checked it
    try:
        digest = cached_sha256(path)
    except OSError as exc:
        msg = f"{path}: cannot read the {table} table ({exc}). Re-fetch or rebuild the release."
        raise IntegrityError(msg) from None
    if f"sha256:{digest}" != listed.get("hash"):
        msg = (
            f"{path}: sha256 differs from the manifest (changed since the release was "
            "loaded). Re-fetch or rebuild the release, and load it again."
        )
        raise IntegrityError(msg)
    return _read_verified(digest, path, table).copy()


def _rows_in(path: Path, reread: bool) -> int:
    """Rows in a Parquet file; from the footer the reads share unless ``reread``."""
    if reread:
        return pq.ParquetFile(path).metadata.num_rows
    return int(parquet.footer(path).num_rows)


def _file_problem(path: Path, table: Any, code: str, message: str) -> dict[str, Any]:
    return {"source": str(path), "table": table, "code": code, "message": message}


def _check_file(path: Path, res: Mapping[str, Any], rehash: bool) -> dict[str, Any] | None:
    """The first thing wrong with one resource's file, or None."""
    name = res.get("name")
    try:
        stat = path.stat()
    except FileNotFoundError:
        stat = None
    if stat is None or not path.is_file():
        return _file_problem(path, name, "file-missing", "missing (the manifest lists it).")
    if stat.st_size != res.get("bytes"):
        said = f"{stat.st_size} bytes, the manifest says {res.get('bytes')}."
        return _file_problem(path, name, "size-mismatch", said)
    digest = file_sha256(path) if rehash else cached_sha256(path, stat)
    if f"sha256:{digest}" != res.get("hash"):
        said = "sha256 differs from the manifest (corrupted or altered)."
        return _file_problem(path, name, "hash-mismatch", said)
    if res.get("format") != "parquet":  # a page or document: size and sha256 say it all
        return None
    rows = _rows_in(path, rehash)
    if rows != res.get("rows"):
        said = f"{rows} rows, the manifest says {res.get('rows')}."
        return _file_problem(path, name, "rows-mismatch", said)
    return None


def _index_problem(folder: Path, rehash: bool) -> dict[str, Any] | None:
    """The manifest must hash as the store's ``releases.json`` recorded it (when listed)."""
    try:
        index = json.loads((folder.parent / INDEX_NAME).read_text(encoding="utf-8"))
        recorded = str(index["versions"][folder.name][MANIFEST_NAME])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no index, or the version is not in it: nothing recorded to compare
    manifest = folder / MANIFEST_NAME  # like the data files: rehashed only when verifying
    if (file_sha256(manifest) if rehash else cached_sha256(manifest)) == recorded:
        return None
    said = f"differs from the sha256 {INDEX_NAME} recorded (edited or replaced)."
    return _file_problem(folder / MANIFEST_NAME, None, "index-mismatch", said)


def _check_files(folder: Path, manifest: dict[str, Any], *, rehash: bool) -> list[dict[str, Any]]:
    """Check each resource's path, size, sha256 and row count; return problems (as records).

    Records, not a table: ``load`` only needs to know there are none (building an
    empty problem table was 5 ms of a fresh process's first load).
    """
    root = folder.resolve()
    found = [
        _check_file(_safe_path(root, res.get("path")), res, rehash) for res in manifest["resources"]
    ]
    found.append(_index_problem(root, rehash))
    listed = {res.get("name") for res in manifest["resources"]}
    found += [
        _file_problem(
            root / MANIFEST_NAME,
            name,
            "file-unlisted",
            f"lists no {name} table; every release has {', '.join(TABLES)}.",
        )
        for name in TABLES
        if name not in listed
    ]
    return [p for p in found if p is not None]


def _tabled(found: list[dict[str, Any]]) -> pd.DataFrame:
    return problem_table(pd.DataFrame(found))


@overload
def load(
    version: str | None = None,
    *,
    store: StoreArg = None,
    columns: Sequence[str] | None = None,
    filters: Filters = None,
    engine: Literal["pandas"] = "pandas",
    as_of: AsOf | None = None,
) -> Release: ...


@overload
def load(
    version: str | None = None,
    *,
    store: StoreArg = None,
    columns: Sequence[str] | None = None,
    filters: Filters = None,
    engine: Literal["dask"],
    as_of: AsOf | None = None,
) -> DaskRelease: ...


def load(
    version: str | None = None,
    *,
    store: StoreArg = None,
    columns: Sequence[str] | None = None,
    filters: Filters = None,
    engine: Literal["pandas", "dask"] = "pandas",
    as_of: AsOf | None = None,
) -> Release | DaskRelease:
    """Load a release: checksums verified first, then typed tables.

    Parameters
    ----------
    version : str, optional
        The version to load; the latest in the store by default.
    store : path, URL or Store, optional
        The releases bundled with the package by default; a folder; or an
        ``http(s)://`` URL (fetched once into the user cache).
    columns : sequence of str, optional
        Event columns to read (all by default).
    filters : mapping or pyarrow expression, optional
        Event filters pushed into the Parquet read: ``start``/``end`` (dates,
        inclusive), ``year``, ``admin1``, ``event_type``, ``country``, ``actor``
        (actor1 or actor2); a value or a list of values each.
    engine : {"pandas", "dask"}
        ``"dask"`` returns the events as a lazy Dask DataFrame (partitions of
        4 row groups) for data larger than memory; validate it with
        :func:`libyaevents.validation.partitioned.validate_dask`.
    as_of : date, datetime or str, optional
        Instead of ``version``: the data as it stood then, i.e. the newest
        release accessed on or before it (see :func:`version_as_of`);
        ``.version`` says which.

    Returns
    -------
    Release or DaskRelease
        ``.events``, ``.actors``, ``.measures``, ``.version``, ``.manifest``.

    Raises
    ------
    ReleaseNotFoundError
        When the store has no such version (or none at all).
    IntegrityError
        When a file does not match the manifest.
    """
    query = event_query(filters, columns)  # every argument checked before any I/O
    if engine not in ("pandas", "dask"):
        msg = f"engine must be 'pandas' or 'dask'; found {engine!r}."
        raise InputError(msg)
    source = open_store(store)
    if as_of is not None:
        if version is not None:
            msg = f"Pass a version or as_of, not both (found {version!r} and {as_of!r})."
            raise InputError(msg)
        version = version_as_of(as_of, store=source)
    if version is None:
        versions = source.versions()
        if not versions:
            msg = f"No release in {source!r}. Build one, or pass store=... ."
            raise ReleaseNotFoundError(msg)
        version = versions[-1]
        _log.info("libyaevents: loading release %s, the latest in %r", version, source)
    folder = source.folder(version)
    manifest = _read_manifest(folder)
    found = _check_files(folder, manifest, rehash=False)
    if found:
        lines = VerifyResult(version, _tabled(found)).messages()
        raise IntegrityError("Release " + version + " failed its checks:\n" + "\n".join(lines))
    events_path = folder / "events.parquet"
    if engine == "dask":
        return DaskRelease(
            version,
            manifest,
            events=_dask_events(events_path, query),
            path=folder,
            **{name: _small_table(folder, manifest, name) for name in ("actors", "measures")},
        )
    events = parquet.read_table(
        events_path, "events", columns=query.columns, filters=query.pushed, dates=query.dates
    )
    return Release(version, manifest, events=events, path=folder, complete=query.complete)


def _dask_events(path: Path, query: Query) -> Any:
    """Events as a Dask DataFrame, one partition per 4 row groups, filters pushed down."""
    dd = require("dask.dataframe", extra="dask", feature="Lazy loads (engine='dask')")

    if query.expression is not None:
        msg = "With engine='dask', pass filters as a mapping (e.g. {'admin1': 'East'})."
        raise InputError(msg)
    dnf = query.dnf
    events = dd.read_parquet(path, columns=query.columns, split_row_groups=4, filters=dnf)
    keys = list(parquet.SORT_KEYS["events"])
    if dnf is None or len(dnf) == 1 or not set(keys) <= set(events.columns):
        return events
    # An OR of filters comes back out of release order inside a partition;
    # partitions follow the sorted row groups, so sorting each one restores it.
    return events.map_partitions(lambda part: part.sort_values(keys, kind="stable"))


def _cutoff(as_of: AsOf) -> pd.Timestamp:
    """The last instant ``as_of`` covers (UTC): a bare date means the end of that day."""
    if isinstance(as_of, str | dt.date) and not isinstance(as_of, bool):
        try:
            stamp = pd.Timestamp(as_of)
        except (ValueError, TypeError):
            stamp = None
        if stamp is not None and not pd.isna(stamp):
            stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
            bare = (isinstance(as_of, dt.date) and not isinstance(as_of, dt.datetime)) or (
                isinstance(as_of, str) and len(as_of.strip()) == len("2025-06-01")
            )
            return stamp + pd.Timedelta(days=1) - pd.Timedelta(1, "ns") if bare else stamp
    msg = (
        f"as_of must be a date or a date and time (e.g. '2025-06-01' or "
        f"'2025-06-01T12:00:00Z'); found {as_of!r}."
    )
    raise InputError(msg)


def _instant(text: str) -> pd.Timestamp:
    stamp = pd.Timestamp(text)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def accessed_times(store: StoreArg = None) -> dict[str, pd.Timestamp]:
    """When each version's data stood as it holds it (UTC), oldest version first.

    A snapshot of living data records when its source was read; a coded
    release counts from its ``created`` date (see :func:`~libyaevents.releases.stores.accessed_of`).
    """
    source = open_store(store)
    listed = getattr(source, "accessed", None)
    found: dict[str, str] = (
        listed()
        if callable(listed)
        else {v: accessed_of(_read_manifest(source.folder(v))) for v in source.versions()}
    )
    times = {}
    for v, text in found.items():
        try:
            times[v] = _instant(text)
        except (ValueError, TypeError):
            msg = f"Release {v}: its manifest says it was accessed {text!r}, not a date."
            raise IntegrityError(msg) from None
    return times


def version_as_of(as_of: AsOf, *, store: StoreArg = None) -> str:
    """The version holding the data as it stood at ``as_of``: the newest accessed by then.

    Parameters
    ----------
    as_of : date, datetime or str
        A day (its end counts: a snapshot taken that afternoon is included) or
        an instant (naive means UTC).
    store : path, URL or Store, optional
        The store (bundled by default).

    Raises
    ------
    ReleaseNotFoundError
        When no release had been accessed by then.

    Examples
    --------
    >>> version_as_of("2100-01-01")
    '0.1.0'
    """
    cutoff = _cutoff(as_of)
    times = accessed_times(store)
    before = [v for v, at in times.items() if at <= cutoff]
    if not before:
        first = min(times.items(), key=lambda kv: kv[1], default=None)
        held = f"; the first, {first[0]}, was accessed {first[1].isoformat()}" if first else ""
        msg = f"No release in {open_store(store)!r} was accessed on or before {as_of}{held}."
        raise ReleaseNotFoundError(msg)
    return max(before, key=lambda v: (times[v], version_key(v)))


def write_card(
    version: str | Release | None = None,
    *,
    store: StoreArg = None,
    output: str | os.PathLike[str],
    verify: bool = True,
) -> Path:
    """Write a release's data card as ``index.html`` in the folder ``output``.

    Parameters
    ----------
    version : str or Release, optional
        A version in ``store`` (the bundled store by default; the latest when
        omitted), or a release loaded in full.
    output : path
        The folder to write (created if missing).
    verify : bool
        Verify the release first (files, hashes, rules) and show the result.

    Returns
    -------
    pathlib.Path
        The page written.

    Examples
    --------
    >>> import tempfile
    >>> page = write_card("0.1.0", output=tempfile.mkdtemp())
    >>> page.name, 'id="verified">Verified' in page.read_text(encoding="utf-8")
    ('index.html', True)
    """
    release = version if isinstance(version, Release) else load(version, store=store)
    if not release.complete:
        msg = "write_card: pass a release loaded in full (no filters or columns)."
        raise InputError(msg)
    problems = verify_release(release).problems if verify else None
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    page = render_card(release.manifest, release.tables(), release.changes(), problems=problems,
                       published=_published_record(store, release.version))  # fmt: skip
    return write_page(folder / INDEX_PAGE, page)


def _published_record(store: StoreArg, version: str) -> dict[str, Any] | None:
    """Where a store's index says a version is published (a DOI store: its own DOI)."""
    source = open_store(store)
    if isinstance(source, LocalStore):
        return published_records(source.index()).get(version)
    doi = getattr(source, "doi", None)
    return {"doi": doi} if isinstance(doi, str) else None


def list_releases(store: StoreArg = None) -> list[str]:
    """Return the versions in a store, oldest first (the bundled store by default)."""
    return open_store(store).versions()


def verify_release(version: str | Release, *, store: StoreArg = None) -> VerifyResult:
    """Check a release fully: files, sizes, hashes, rows, content hashes, schema, rules.

    Unlike :func:`load`, this recomputes the sha256 of every file and the
    content hash of every table, and validates the whole dataset, cross-table
    references included. Problems are returned, not raised, so that all of
    them are seen at once.

    Parameters
    ----------
    version : str or Release
        A version in ``store``, or a release already loaded in full (its
        tables are checked as loaded, not read again).
    store : path, URL or Store, optional
        Where the version is (the bundled store by default).
    """
    if isinstance(version, Release):
        return _verify_loaded(version)
    folder = open_store(store).folder(version)
    found = _check_files(folder, _read_manifest(folder), rehash=True)
    if found:
        return VerifyResult(version, _tabled(found))
    return _verify_loaded(load(version, store=store), rehashed=True)


def _compatible(old: Any, new: Mapping[str, Any]) -> bool:
    """Whether a release written with schema ``old`` is read by schema ``new``.

    The schema may grow by optional columns; every field the release has keeps
    its name, storage and constraints, and the primary key stays. Descriptions
    and rule messages may be reworded.
    """
    if not isinstance(old, Mapping) or old.get("primaryKey") != new.get("primaryKey"):
        return False

    def shape(f: Mapping[str, Any]) -> tuple[Any, ...]:
        return (f.get("type"), f.get("x-libyaevents-storage"), f.get("constraints"))

    fields = {f.get("name"): f for f in old.get("fields", []) if isinstance(f, Mapping)}
    current = {f["name"]: f for f in new["fields"]}
    kept = all(n in current and shape(f) == shape(current[n]) for n, f in fields.items())
    added = [f for n, f in current.items() if n not in fields]
    return kept and all(f.get("x-libyaevents-optional-column") for f in added)


def _verify_loaded(release: Release, *, rehashed: bool = False) -> VerifyResult:
    """Content hashes, schemas and rules of a loaded release (files too unless ``rehashed``)."""
    folder, manifest = release.path, release.manifest
    by_name = {r.get("name"): r for r in manifest["resources"]}
    if not release.complete:
        msg = (
            f"verify_release: release {release.version} was loaded with filters or columns; "
            "pass the version (or a release loaded in full) to verify it."
        )
        raise InputError(msg)
    found = [] if rehashed else _check_files(folder, manifest, rehash=True)
    if found:
        return VerifyResult(release.version, _tabled(found))
    absent = manifest.get("x-absent-columns")
    gaps = {str(k): list(v) for k, v in absent.items()} if isinstance(absent, Mapping) else {}
    for name, frame in release.tables().items():
        expected = by_name.get(name, {})
        arrow = parquet.release_arrow(frame, name, gaps=gaps.get(name, ()))  # as it was built
        if f"sha256:{parquet.content_hash(arrow, name)}" != expected.get("x-content-hash"):
            said = "content hash differs from manifest."
            found.append(_file_problem(folder / f"{name}.parquet", name, "content-mismatch", said))
        if not _compatible(expected.get("schema"), table_schema(name)):
            said = f"schema of {name} is not one this library reads (a field changed or went)."
            found.append(_file_problem(folder / MANIFEST_NAME, name, "schema-mismatch", said))
    report = validate(release.tables(), today=str(manifest.get("created", ""))[:10] or None)
    if gaps:
        report = report.allowing_absent(gaps)
    return VerifyResult(release.version, concat_problems([_tabled(found), report.failures]))


def diff(a: str | Release, b: str | Release, *, store: StoreArg = None) -> pd.DataFrame:
    """Return what changed from release ``a`` to release ``b``.

    Returns
    -------
    pandas.DataFrame
        ``table, record_id, change, column, old, new``: one row per added or
        deleted id, one per changed cell of a kept id.
    """
    old = a if isinstance(a, Release) else load(a, store=store)
    new = b if isinstance(b, Release) else load(b, store=store)
    return diff_tables(old.tables(), new.tables())
