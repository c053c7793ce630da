"""Layered tables: a snapshot's events as its parent's files plus its own changed rows and deletes.

A snapshot written by an incremental sync does not rewrite its events. It
stores the rows the sync added or revised (``events-rows.parquet``, release
order) and refers to the files its parent's events are made of, by relative
path (``../<version>/<file>``), size, row count and sha256. Those files are
its *layers*, oldest first: layer 0 is the last snapshot written whole.
``events-deletes.parquet`` (``layer``, ``event_id_cnty``) lists, for the whole
chain, every row a later layer replaced or the source deleted: a row of layer
``i`` with id ``x`` is in the snapshot exactly when ``(i, x)`` is not listed.
Its ``row`` column (written since 2026-12-08) gives each listed row's
position in its events file, so a reader of whole files finds them without
looking the ids up (they are checked to be there first). The snapshot's
fingerprints are layered the same way (``fingerprints-rows``, the same
deletes, found by id). Each events layer after the first says in the
manifest which columns its rows hold other values in than the first layer's
rows of the same ids (``x-revised``): the other columns keep the first
layer's values where a later row takes its row's place.

Any Parquet reader can put a snapshot together from its manifest: read each
layer with its number, anti-join the deletes on (``layer``,
``event_id_cnty``), and sort by ``event_date``, ``event_id_cnty`` (see
docs/releases.md, "Incremental snapshots", for DuckDB, Polars and Dask).

Examples
--------
>>> import tempfile, pathlib
>>> import pyarrow as pa, pyarrow.parquet as pq
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> pq.write_table(pa.table({"event_id_cnty": ["A1", "A2"], "event_date": [2, 1]}),
...                folder / "base.parquet")
>>> pq.write_table(pa.table({"event_id_cnty": ["A2"], "event_date": [3]}), folder / "rows.parquet")
>>> deletes = pa.table({"layer": pa.array([0], pa.int32()), "event_id_cnty": ["A2"]})
>>> read_layers([folder / "base.parquet", folder / "rows.parquet"], deletes).to_pydict()
{'event_id_cnty': ['A1', 'A2'], 'event_date': [2, 3]}
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pds

from libyaevents.compute import loose
from libyaevents.formats import parquet
from libyaevents.releases.splice import gather, merged, values_differ

__all__ = [
    "DELETES_COLUMNS",
    "layered_frame",
    "live_parts",
    "live_rows",
    "read_layers",
    "read_parts",
    "revised_columns",
]

_KEY: Final = "event_id_cnty"
#: The columns of a deletes file (and ``row``, each row's position in its events file).
DELETES_COLUMNS: Final = ("layer", _KEY)


def revised_columns(old: pa.Table, new: pa.Table) -> tuple[str, ...]:
    """The columns where a row of ``new`` holds another value than ``old``'s row of its id.

    What an events layer records as ``x-revised``. A column ``new`` has and
    ``old`` lacks counts as revised; rows of ids ``old`` does not hold do not
    count (they replace no row).

    Examples
    --------
    >>> old = pa.table({"event_id_cnty": ["A1", "A2"], "fatalities": [1, 2], "notes": ["x", "y"]})
    >>> new = pa.table({"event_id_cnty": ["A2", "A3"], "fatalities": [5, 0], "notes": ["y", "z"]})
    >>> revised_columns(old, new)
    ('fatalities',)
    """
    at: Any = pc.index_in(new[_KEY], value_set=old[_KEY].combine_chunks())
    hit = np.flatnonzero(np.asarray(pc.is_valid(at)))
    held = old.take(np.asarray(pc.fill_null(at, 0))[hit])
    mine = new.take(hit)
    return tuple(
        name
        for name in new.column_names
        if name not in held.column_names
        or (
            len(hit)
            and values_differ(held[name].combine_chunks(), mine[name].combine_chunks()).any()
        )
    )


def live_rows(table: pa.Table, dead: pa.ChunkedArray[Any]) -> np.ndarray:
    """Positions of the rows of one layer whose id its deletes do not list."""
    if not len(dead) or not table.num_rows:
        return np.arange(table.num_rows)
    gone: Any = pc.is_in(table[_KEY], value_set=dead.combine_chunks())
    return np.flatnonzero(~np.asarray(gone.combine_chunks() if hasattr(gone, "chunks") else gone))


def read_layers(
    paths: Sequence[Path],
    deletes: pa.Table,
    *,
    columns: Sequence[str] | None = None,
    expression: pc.Expression | None = None,
    keys: Sequence[str] = parquet.SORT_KEYS["events"],
    revised: Collection[str] | None = None,
) -> pa.Table:
    """The live rows of layered files, in release order (by ``keys``).

    ``columns`` and ``expression`` are pushed into each file's scan (the key
    columns are read too, for the deletes and the order, and dropped after).
    ``revised``: the columns the later layers' revisions may change (see
    :func:`merged`).
    """
    wanted = None if columns is None else list(dict.fromkeys([*columns, _KEY, *keys]))
    parts = read_parts(paths, columns=wanted, expression=expression)
    live = live_parts(parts, deletes, positions=expression is None)
    table = merged(parts, live, keys, revised)
    return table if columns is None else table.select(list(columns))


def read_parts(
    paths: Sequence[Path], *, columns: Sequence[str] | None = None,
    expression: pc.Expression | None = None,
) -> list[pa.Table]:  # fmt: skip
    """Each layer file read as it is, ``columns`` and ``expression`` pushed into its scan.

    The later (small) layers are read on another thread while the base is.
    """
    pool = pa.system_memory_pool()
    wanted = None if columns is None else list(columns)

    def read(path: Path) -> pa.Table:
        scan = pds.dataset(path, format="parquet")
        return scan.to_table(columns=wanted, filter=expression, memory_pool=pool)

    if len(paths) < 2:
        return [read(p) for p in paths]
    with ThreadPoolExecutor(1) as side:
        later = side.submit(lambda: [read(p) for p in paths[1:]])
        return [read(paths[0]), *later.result()]


def live_parts(
    parts: Sequence[pa.Table], deletes: pa.Table, *, positions: bool = True
) -> list[np.ndarray]:
    """For each layer, the positions of its rows the deletes do not list (:func:`live_rows`).

    With ``positions`` (the parts are the whole files) and a deletes ``row``
    column, a layer's deleted rows are found at their positions, once the ids
    there are checked to be the ids listed; otherwise (or if they are not) by
    their ids.
    """
    found = []
    at = deletes["row"] if positions and "row" in deletes.column_names else None
    for layer, table in enumerate(parts):
        here: Any = loose.equal(deletes["layer"], layer)
        dead = deletes[_KEY].filter(here)
        rows = None if at is None else np.asarray(at.filter(here), "int64")
        if rows is not None and _listed_at(table, dead, rows):
            keep = np.ones(table.num_rows, bool)
            keep[rows] = False
            found.append(np.flatnonzero(keep))
        else:
            found.append(live_rows(table, dead))
    return found


def _listed_at(table: pa.Table, ids: pa.ChunkedArray[Any], rows: np.ndarray) -> bool:
    """Whether rows ``rows`` of ``table`` hold ``ids`` (the deletes' positions are right)."""
    if not len(rows):
        return True
    if rows.min() < 0 or rows.max() >= table.num_rows:
        return False
    held = gather(table.select([_KEY]), rows)[_KEY]
    same: Any = pc.all(pc.equal(held, ids.cast(held.type)))
    return bool(same.as_py())


def layered_frame(
    paths: Sequence[Path], deletes: pa.Table, *, columns: Sequence[str] | None = None,
    expression: pc.Expression | None = None, revised: Collection[str] | None = None,
) -> pd.DataFrame:  # fmt: skip
    """:func:`read_layers` of event files, as the canonical pandas frame ``load`` returns."""
    table = read_layers(paths, deletes, columns=columns, expression=expression, revised=revised)
    return parquet.from_arrow(table, "events", pa.system_memory_pool())
