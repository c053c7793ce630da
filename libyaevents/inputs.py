"""Turn what a user names into a dataset: a release version, a file, or a folder.

:func:`open_dataset` is what the command line uses for every command that takes
an input, and what a notebook can use for the same convenience:

======================================  =============================================
given                                   dataset returned
======================================  =============================================
a version (``0.1.0``) in a store        the loaded, verified :class:`~libyaevents.Release`
an ACLED export (any vintage) or GED    the reader's :class:`~libyaevents.Loaded`
a canonical ``.csv`` / ``.parquet``     ``{table: frame}`` in the canonical dtypes
a coded sources folder                  :class:`~libyaevents.Sources`
a folder of canonical table files       ``{table: frame}`` for each of the three
a dataset already                       itself
======================================  =============================================

Examples
--------
>>> import libyaevents
>>> data = libyaevents.open_dataset("0.1.0")  # the bundled release
>>> data.version, len(data.events) > 0
('0.1.0', True)
>>> libyaevents.open_dataset("no-such-thing.csv")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
libyaevents.errors.ReadError: no-such-thing.csv: no such file or folder, and not a release ...
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from libyaevents.dataset import DatasetLike, tables_of
from libyaevents.errors import ReadError
from libyaevents.readers.coded import is_sources_folder, read_sources
from libyaevents.readers.detect import (
    is_events_export,
    read_events_export,
    read_source_folder,
    read_table,
)
from libyaevents.releases.loading import load
from libyaevents.releases.stores import StoreArg, is_version
from libyaevents.schema.coerce import conform

__all__ = ["open_dataset"]


def _typed(frame: pd.DataFrame, table: str, path: Path) -> pd.DataFrame:
    """A canonical table in its dtypes; a value that does not convert is an error, not a gap."""
    typed, problems = conform(frame, table)
    if len(problems):
        first = problems.iloc[0]
        msg = (
            f"{path}: {len(problems):,} values of the {table} table do not convert to the "
            f"canonical types (first: row {first['row']}, column {first['column']}, "
            f"{first['value']!r}). Run `libyaevents validate {path}` to see each one."
        )
        raise ReadError(msg)
    return typed


def open_dataset(
    source: str | os.PathLike[str] | DatasetLike, *, store: StoreArg = None
) -> DatasetLike:
    """Resolve a version, a file or a folder (or a dataset) into a dataset.

    Parameters
    ----------
    source : str, path or dataset
        See the module's table. A string that is not an existing path and
        looks like ``MAJOR.MINOR.PATCH`` is a release version.
    store : str, path or Store, optional
        Where versions are looked up (the bundled store by default).

    Returns
    -------
    dataset
        Anything :mod:`libyaevents.dataset` accepts: every function that
        takes a dataset takes it.

    Raises
    ------
    ReadError
        When the path does not exist and is not a version, or the file cannot
        be read.
    ReleaseNotFoundError
        When the version is not in the store.
    """
    if not isinstance(source, str | os.PathLike):
        tables_of(source, what="source")  # a dataset already: checked, returned as is
        return source
    path = Path(source)
    if path.is_dir():
        if is_sources_folder(path):
            return read_sources(path)
        return {n: _typed(f, n, path) for n, f in read_source_folder(path).items()}
    if path.is_file():
        if is_events_export(path):
            return read_events_export(path)
        frame, table = read_table(path)
        return {table: _typed(frame, table, path)}
    if isinstance(source, str) and is_version(source):
        return load(source, store=store)
    msg = (
        f"{source}: no such file or folder, and not a release version (MAJOR.MINOR.PATCH). "
        "Give a path to an ACLED/UCDP export, a canonical CSV/Parquet table, a coded sources "
        "folder, or a version in the store."
    )
    raise ReadError(msg)
