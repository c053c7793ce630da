"""Loading a release: files checked against the manifest, then typed tables.

``load`` checks every file's size and sha256 (cached by file identity) before
reading the events; actors and measures are read on first use, once per
verified file content (the small-table cache), and checked again then.

Examples
--------
>>> import tempfile
>>> import libyaevents
>>> from libyaevents.synthetic import synthetic_dataset
>>> store = tempfile.mkdtemp()
>>> _ = libyaevents.build_release(synthetic_dataset(100, seed=1), "1.0.0", store=store)
>>> data = load(store=store, filters={"admin1": "East"})
>>> data.version, sorted(set(data.events["admin1"]))
('1.0.0', ['East'])
>>> len(data.actors) > 0
True
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, overload

import pandas as pd
import pyarrow.parquet as pq

from libyaevents.errors import InputError, IntegrityError, ReleaseNotFoundError
from libyaevents.formats import parquet
from libyaevents.releases.asof import AsOf, version_as_of
from libyaevents.releases.checks import VerifyResult, as_problem_table, check_files
from libyaevents.releases.filters import Filters, event_query
from libyaevents.releases.hashes import cached_sha256
from libyaevents.releases.increments import (
    layer_files,
    layer_revisions,
    layered,
    read_deletes,
)
from libyaevents.releases.layers import layered_frame
from libyaevents.releases.lazy import dask_events
from libyaevents.releases.manifest import (
    CHANGES_NAME,
    listed_resource,
    read_manifest,
    safe_path,
)
from libyaevents.releases.stores import StoreArg, open_store

__all__ = ["DaskRelease", "Release", "load"]

_log = logging.getLogger("libyaevents")


@dataclass(frozen=True, kw_only=True)
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
        return pq.read_table(self.path / f"{CHANGES_NAME}.parquet").to_pandas()


@dataclass(frozen=True, kw_only=True)
class DaskRelease:
    """A release loaded with ``engine="dask"``: events lazy, actors and measures in memory."""

    version: str
    manifest: dict[str, Any]
    events: Any
    actors: pd.DataFrame
    measures: pd.DataFrame
    path: Path


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
    path = safe_path(folder.resolve(), listed.get("path"))  # listed: load checked it
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
    manifest = read_manifest(folder)
    found = check_files(folder, manifest, rehash=False)
    if found:
        lines = VerifyResult(version=version, problems=as_problem_table(found)).messages()
        raise IntegrityError("Release " + version + " failed its checks:\n" + "\n".join(lines))
    events_path = folder / "events.parquet"
    listed = listed_resource(manifest, "events") or {}
    if engine == "dask":
        return DaskRelease(
            version=version,
            manifest=manifest,
            events=dask_events(folder, manifest, query),
            actors=_small_table(folder, manifest, "actors"),
            measures=_small_table(folder, manifest, "measures"),
            path=folder,
        )
    if layered(listed):  # an incremental snapshot: its parents' files, its rows, the deletes
        events = layered_frame(
            layer_files(folder, manifest, "events"), read_deletes(folder, manifest),
            columns=query.columns, expression=query.arrow,
            revised=layer_revisions(manifest, "events"),
        )  # fmt: skip
    else:
        events = parquet.read_table(
            events_path, "events", columns=query.columns, filters=query.pushed, dates=query.dates
        )
    return Release(
        version=version, manifest=manifest, events=events, path=folder, complete=query.complete
    )
