"""Versioned, immutable, checksummed Parquet releases: the whole job in one place.

A release is a folder named by its version holding ``events.parquet``,
``actors.parquet``, ``measures.parquet``, ``changes.parquet`` (what changed
against the parent release) and ``datapackage.json``, a manifest in the
Frictionless Data Package shape with each file's bytes, sha256, rows, schema
and a content hash of its rows.

The work is done by one module per job: :mod:`~libyaevents.releases.manifest`
(entries, schemas, compatibility), :mod:`~libyaevents.releases.build` (validate
and write), :mod:`~libyaevents.releases.folders` (claim a version, rename the
build into place), :mod:`~libyaevents.releases.checks` and
:mod:`~libyaevents.releases.verify` (file checks, full verification),
:mod:`~libyaevents.releases.loading` (load and the small-table cache) and
:mod:`~libyaevents.releases.asof` (as-of dates). This module lists a store's
versions, writes a release's data card and diffs two releases; the public names
of the others stay importable from here.

Examples
--------
>>> import tempfile
>>> import libyaevents
>>> from libyaevents.synthetic import synthetic_dataset
>>> store = tempfile.mkdtemp()
>>> data = synthetic_dataset(100, seed=1)
>>> _ = libyaevents.build_release(data, "1.0.0", store=store)
>>> data["events"].loc[0, "fatalities"] += 1
>>> _ = libyaevents.build_release(data, "1.1.0", store=store)
>>> list_releases(store)
['1.0.0', '1.1.0']
>>> diff("1.0.0", "1.1.0", store=store)["change"].tolist()
['modified']
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from libyaevents.errors import InputError
from libyaevents.releases.asof import AsOf, accessed_times, version_as_of
from libyaevents.releases.build import build_release, publish_release
from libyaevents.releases.card import INDEX_PAGE, render_card, write_page
from libyaevents.releases.changes import diff_tables
from libyaevents.releases.checks import VerifyResult
from libyaevents.releases.loading import DaskRelease, Release, load
from libyaevents.releases.manifest import DATA_LICENSE
from libyaevents.releases.stores import StoreArg, open_store
from libyaevents.releases.verify import verify_release

__all__ = [
    "DATA_LICENSE",
    "AsOf",
    "DaskRelease",
    "Release",
    "StoreArg",
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


def list_releases(store: StoreArg = None) -> list[str]:
    """Return the versions in a store, oldest first (the bundled store by default)."""
    return open_store(store).versions()


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
                       published=open_store(store).published(release.version))  # fmt: skip
    return write_page(folder / INDEX_PAGE, page)


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
