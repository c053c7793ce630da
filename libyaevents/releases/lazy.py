"""Lazy loads: a release's events as a Dask DataFrame, in release order, typed as ``load``'s.

``load(..., engine="dask")`` reads nothing but footers when called. Each
partition is four row groups of the events file (of the base file for an
incremental snapshot), read with the filters pushed into the scan, and
converted as a pandas load converts (:func:`~libyaevents.formats.parquet.from_arrow`):
the same dtypes in every partition, those of loading the whole table. For a
layered snapshot, the later layers' rows (at most a tenth of the base, by the
compaction rule) are read when the frame is built, and each goes into the
partition whose rows its keys fall among; the deleted rows are dropped by id.
The partitions in order hold the rows in release order.

Examples
--------
>>> import tempfile
>>> import libyaevents
>>> from libyaevents.synthetic import synthetic_dataset
>>> store = tempfile.mkdtemp()
>>> _ = libyaevents.build_release(synthetic_dataset(300, seed=1), "1.0.0", store=store)
>>> lazy = libyaevents.load("1.0.0", store=store, engine="dask").events
>>> eager = libyaevents.load("1.0.0", store=store).events
>>> lazy.npartitions, list(lazy.compute()["event_id_cnty"]) == list(eager["event_id_cnty"])
(4, True)
>>> sorted({str(lazy.dtypes[n]) for n in eager.columns if lazy.dtypes[n] != eager.dtypes[n]})
['string']

Text columns are the one difference: Dask turns pandas' ``str`` into
``string`` (missing values as ``pd.NA``) unless its ``dataframe.convert-string``
setting is off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pds
import pyarrow.parquet as pq

from libyaevents.compute import loose
from libyaevents.errors import InputError
from libyaevents.formats import parquet
from libyaevents.optional import require
from libyaevents.releases.filters import Query
from libyaevents.releases.increments import layer_files, layered, read_deletes
from libyaevents.releases.layers import DELETES_COLUMNS, live_parts, read_parts
from libyaevents.releases.manifest import safe_path
from libyaevents.releases.splice import key_order, live_sorted, rows_before

__all__ = ["GROUPS_PER_PARTITION", "dask_events"]

_KEY: Final = "event_id_cnty"
#: Row groups of the events file per Dask partition.
GROUPS_PER_PARTITION: Final = 4


def dask_events(folder: Path, manifest: Mapping[str, Any], query: Query) -> Any:
    """The events of the release in ``folder`` as a Dask DataFrame (see the module's notes).

    Parameters
    ----------
    folder : pathlib.Path
        The release's folder, its files checked by the caller (``load``).
    manifest : mapping
        Its manifest.
    query : Query
        What ``load`` was asked for: columns and filters (as a mapping, which
        becomes the DNF pushed into each partition's read).

    Returns
    -------
    dask.dataframe.DataFrame
        One partition per :data:`GROUPS_PER_PARTITION` row groups of the
        events file (of the base file for an incremental snapshot), in release
        order, with the dtypes of a pandas load of the whole table.

    Raises
    ------
    InputError
        Dask is not installed (the ``dask`` extra), or the filters are an Arrow
        expression, which the partitions' reads do not take.
    """
    dd = require("dask.dataframe", extra="dask", feature="Lazy loads (engine='dask')")
    if query.expression is not None:
        msg = "With engine='dask', pass filters as a mapping (e.g. {'admin1': 'East'})."
        raise InputError(msg)
    listed = next(r for r in manifest["resources"] if r.get("name") == "events")
    if layered(listed):
        paths = layer_files(folder, manifest, "events")
        deletes = read_deletes(folder, manifest).select(list(DELETES_COLUMNS))
    else:
        paths = [safe_path(folder.resolve(), listed.get("path"))]
        deletes = None
    keys = list(parquet.SORT_KEYS["events"])
    shown = None if query.columns is None else list(query.columns)
    wanted = None if shown is None else list(dict.fromkeys([*shown, _KEY, *keys]))
    expression = query.arrow
    footer = parquet.footer(paths[0])
    groups = list(range(footer.num_row_groups))
    step = GROUPS_PER_PARTITION
    chunks = [groups[i : i + step] for i in range(0, len(groups), step)] or [[]]
    later, dead = _later(paths, deletes, wanted, expression, keys)
    placed = _placed_in(paths[0], chunks, later, keys)
    schema = footer.schema.to_arrow_schema()
    gaps = _gaps(footer, later)

    def frame(table: pa.Table) -> pd.DataFrame:
        return parquet.from_arrow(table if shown is None else table.select(shown), "events",
                                  gaps=gaps)  # fmt: skip

    def partition(number: int) -> pd.DataFrame:
        table = _read(paths[0], chunks[number], wanted, expression)
        if len(dead):
            table = table.filter(pc.invert(pc.is_in(table[_KEY], value_set=dead)))
        mine = later.filter(pa.array(placed == number)) if later.num_rows else later
        if mine.num_rows:
            table = pa.concat_tables([table, mine.cast(table.schema)])
            table = table.take(key_order(table, keys))
        return frame(table)

    meta = frame(schema.empty_table() if wanted is None else schema.empty_table().select(wanted))
    return dd.from_map(partition, range(len(chunks)), meta=meta, enforce_metadata=False)


def _read(
    path: Path, groups: Sequence[int], columns: list[str] | None, expression: pc.Expression | None
) -> pa.Table:
    """Row groups ``groups`` of the file, filtered in the scan (statistics skip groups)."""
    fragment = next(iter(pds.dataset(path, format="parquet").get_fragments()))
    part: Any = fragment.subset(row_group_ids=list(groups))
    table: pa.Table = part.to_table(columns=columns, filter=expression)
    return table


def _later(
    paths: Sequence[Path], deletes: pa.Table | None, columns: list[str] | None,
    expression: pc.Expression | None, keys: list[str],
) -> tuple[pa.Table, pa.Array[Any]]:  # fmt: skip
    """The live rows of the later layers, sorted by ``keys``, and the base's deleted ids."""
    empty: pa.Array[Any] = pa.array([], pa.large_string())
    if deletes is None or len(paths) < 2:
        schema = pq.read_schema(paths[0])
        return (
            schema.empty_table() if columns is None else schema.empty_table().select(columns)
        ), empty
    base_dead = deletes.filter(loose.equal(deletes["layer"], 0))[_KEY].combine_chunks()
    parts = read_parts(paths[1:], columns=columns, expression=expression)
    shifted = deletes.set_column(0, "layer", pc.subtract(deletes["layer"], 1))
    live = live_parts(parts, shifted, positions=False)
    return live_sorted(parts, live, keys, parts[0].schema), base_dead


def _placed_in(
    base: Path, chunks: Sequence[Sequence[int]], later: pa.Table, keys: list[str]
) -> np.ndarray:
    """The partition each later row goes into: the last whose first row sorts before it."""
    if not later.num_rows or len(chunks) < 2:
        return np.zeros(later.num_rows, "int64")
    file = pq.ParquetFile(base)
    firsts = pa.concat_tables(
        [file.read_row_group(c[0], columns=keys).slice(0, 1) for c in chunks[1:]]
    )
    at: np.ndarray = rows_before(firsts, later.select(keys).cast(firsts.schema))
    return at


def _gaps(footer: pq.FileMetaData, later: pa.Table) -> set[str]:
    """The columns holding a gap anywhere: the footer's null counts, the later rows.

    A column whose row groups do not all count their nulls may have one if
    its field is nullable. Every partition converts these as a load of the
    whole table does (:func:`~libyaevents.formats.parquet.from_arrow`'s ``gaps``).
    """
    schema = footer.schema.to_arrow_schema()
    found = {n for n in later.column_names if later[n].null_count}
    for position, name in enumerate(schema.names):
        stats = [
            footer.row_group(g).column(position).statistics for g in range(footer.num_row_groups)
        ]
        counts = [None if s is None else s.null_count for s in stats]
        unknown = any(c is None for c in counts)
        held = sum(c for c in counts if c is not None)
        if (unknown and schema.field(name).nullable) or held > 0:
            found.add(name)
    return found
