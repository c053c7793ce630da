"""Incremental snapshots: what a sync writes when its parent can carry the unchanged rows.

An incremental sync changes a few rows of a large table. Instead of writing
the whole table again, the new snapshot stores the rows it added or revised
and the ids it replaced or deleted, and refers to its parent's files (the
format: :mod:`libyaevents.releases.layers`). Every few syncs the chain is
compacted: the snapshot is written whole (:data:`~libyaevents.releases.layers.MAX_LAYERS`,
:data:`~libyaevents.releases.layers.MAX_SHARE`).

Such a sync never puts the parent's million rows in release order nor turns
them into pandas: it reads the parent's files as they are stored
(:class:`HeldRows`), takes out the rows of the ids it touches, and updates
what the parent's manifest and files say of the whole table from the rows it
changes alone: the row count, the version 3 content hash
(:class:`~libyaevents.formats.content.ContentSum`), the actors (from the
parent's actor mentions, :func:`~libyaevents.readers.registry.updated_mentions`)
and the latest dates.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from libyaevents.errors import IntegrityError
from libyaevents.formats import parquet
from libyaevents.formats.content import ContentSum, row_digests
from libyaevents.readers.registry import mention_counts, updated_mentions
from libyaevents.releases.checks import VerifyResult, as_problem_table, check_files
from libyaevents.releases.increments import layer_files, layered, read_deletes
from libyaevents.releases.layers import live_parts
from libyaevents.releases.loading import Release, load
from libyaevents.releases.manifest import listed_resource, safe_path
from libyaevents.releases.splice import ordered
from libyaevents.releases.stores import LocalStore

__all__ = [
    "MENTIONS",
    "HeldRows",
    "Parent",
    "content_after",
    "mentions_after",
    "merged_arrow",
]

_KEY: Final = "event_id_cnty"
#: The resource holding a snapshot's actor mention counts (what its child updates).
MENTIONS: Final = "actor-mentions"
#: The event columns actors are counted from.
ACTOR_COLUMNS: Final = (
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "country",
    "event_date",
)  # fmt: skip


def merged_arrow(
    events: pd.DataFrame, increment: pd.DataFrame, replaced: np.ndarray, *, absent: Sequence[str]
) -> pa.Table:
    """``events`` without the ``replaced`` rows and with ``increment``, in release order, in Arrow.

    Done in one ``take``: the frames' text columns are Arrow arrays already,
    so the merged table costs one copy, not a filter and a concatenation of
    every column. (A snapshot written whole needs it; a layered one does not.)
    """
    parent = parquet.to_arrow(events, "events", gaps=absent)
    rows = parquet.release_arrow(increment, "events", gaps=absent)
    return ordered([parent, rows], [np.flatnonzero(~replaced), np.arange(rows.num_rows)])


@dataclass(frozen=True, kw_only=True)
class Parent:
    """The snapshot a sync builds on: its manifest at once, its data only as far as needed.

    An incremental sync written in layers reads :meth:`rows` (the files as
    stored), :meth:`table` (actors, measures) and :meth:`resource` (the actor
    mentions); a sync that writes the whole table, or compares with a full
    pull, loads it all (:attr:`release`).
    """

    store: LocalStore
    version: str
    manifest: dict[str, Any]

    @property
    def path(self) -> Path:
        """The snapshot's folder."""
        return self.store.root / self.version

    @property
    def declared(self) -> list[str]:
        """The event columns the snapshot declares its source does not carry."""
        absent = self.manifest.get("x-absent-columns") or {}
        return list(absent.get("events", [])) if isinstance(absent, Mapping) else []

    @functools.cached_property
    def release(self) -> Release:
        """The whole snapshot, loaded."""
        return load(self.version, store=self.store)

    def check(self) -> Path:
        """The folder, once every file's size and sha256 match the manifest (as ``load`` checks).

        Raises :class:`~libyaevents.errors.IntegrityError` naming the files that do not.
        """
        return self._checked

    @functools.cached_property
    def _checked(self) -> Path:
        found = check_files(self.path, self.manifest, rehash=False)
        if found:
            said = VerifyResult(version=self.version, problems=as_problem_table(found)).messages()
            msg = f"Release {self.version} failed its checks:\n" + "\n".join(said)
            raise IntegrityError(msg)
        return self.path.resolve()

    def rows(self) -> HeldRows:
        """The events as the files store them (read each call)."""
        return HeldRows.read(self._checked, self.manifest)

    def _listed(self, name: str) -> Mapping[str, Any] | None:
        return listed_resource(self.manifest, name)

    def table(self, name: str) -> pd.DataFrame:
        """``actors`` or ``measures``, in the canonical dtypes."""
        listed = self._listed(name) or {}
        return parquet.read_table(safe_path(self._checked, listed.get("path")), name)

    def resource(self, name: str) -> pa.Table | None:
        """Another resource of the snapshot in Arrow (None when it has none of that name)."""
        listed = self._listed(name)
        if listed is None:
            return None
        return pq.read_table(safe_path(self._checked, listed.get("path")))

    def newest_timestamp(self) -> int | None:
        """The newest ``timestamp`` held: from the manifest, or its one column when not there."""
        record = self.manifest.get("x-snapshot") or {}
        said = record.get("newest_timestamp") if isinstance(record, Mapping) else None
        if isinstance(said, int):
            return said
        stamps = load(self.version, store=self.store, columns=["timestamp"]).events
        if "timestamp" not in stamps or not stamps["timestamp"].notna().any():
            return None
        return int(stamps["timestamp"].max())


def _any(masks: Sequence[Any], rows: int) -> np.ndarray:
    found = np.zeros(rows, bool)
    for mask in masks:
        found |= np.asarray(pc.fill_null(mask, False), bool)
    return found


@dataclass(frozen=True)
class HeldRows:
    """A snapshot's events as its files store them: each layer's rows and which are live.

    Read once, in Arrow, in the files' order (no take into release order, no
    pandas): a sync asks it for the ids held, the rows of a few ids, and
    column summaries of the rest.
    """

    layers: list[pa.Table]
    live: list[np.ndarray]  # per layer: whether each row is in the snapshot
    #: The last ids asked for and their masks: a sync asks about the same ids several times.
    _last: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def read(cls, folder: Path, manifest: Mapping[str, Any]) -> HeldRows:
        """The events of the snapshot in ``folder`` (its files already checked by the caller)."""
        listed = next(r for r in manifest["resources"] if r.get("name") == "events")
        paths = (
            layer_files(folder, manifest, "events")
            if layered(listed)
            else [safe_path(folder.resolve(), listed.get("path"))]
        )
        layers = [pq.read_table(path) for path in paths]
        live = []
        for table, rows in zip(layers, live_parts(layers, read_deletes(folder, manifest)),
                               strict=True):  # fmt: skip
            mask = np.zeros(table.num_rows, bool)
            mask[rows] = True
            live.append(mask)
        return cls(layers, live)

    @property
    def rows(self) -> int:
        """How many rows the snapshot holds."""
        return sum(int(mask.sum()) for mask in self.live)

    def kinds(self) -> dict[str, str]:
        """The columns of the table the layers make up, with their content hash kinds."""
        merged = pa.unify_schemas([t.schema for t in self.layers], promote_options="permissive")
        return dict(ContentSum.of(merged.empty_table()).columns)

    def ids(self) -> pa.Array[Any]:
        """Every id held (in the files' order)."""
        parts = [t[_KEY].filter(pa.array(m)) for t, m in zip(self.layers, self.live, strict=True)]
        return pa.chunked_array(
            [c for part in parts for c in part.chunks], pa.large_string()
        ).combine_chunks()

    def _hits(self, ids: pa.Array[Any]) -> list[np.ndarray]:
        """Per layer: the rows of these ids, live or not (the same array object: looked up once)."""
        if self._last.get("ids") is not ids:
            hits = [
                _any([pc.is_in(table[_KEY], value_set=ids)], table.num_rows)
                for table in self.layers
            ]
            self._last.update(ids=ids, hits=hits)
        found: list[np.ndarray] = self._last["hits"]
        return found

    def _masks(self, ids: pa.Array[Any]) -> list[np.ndarray]:
        """Per layer: the live rows of these ids."""
        return [live & hit for live, hit in zip(self.live, self._hits(ids), strict=True)]

    def base_rows(self, ids: pa.Array[Any]) -> pa.Table:
        """The first layer's rows of these ids, live or deleted since.

        What a new layer's rows are compared with for its ``x-revised``: a load
        puts a later row in the place of the first layer's row with its keys, so
        the columns to patch are those where it differs from that row, whatever
        happened to the id in between (revised, or deleted and added again).
        """
        return self.layers[0].filter(pa.array(self._hits(ids)[0]))

    def _picked(self, masks: Sequence[np.ndarray], columns: Sequence[str] | None) -> pa.Table:
        parts = [
            (
                t if columns is None else t.select([c for c in columns if c in t.column_names])
            ).filter(pa.array(m))
            for t, m in zip(self.layers, masks, strict=True)
        ]
        return pa.concat_tables(parts, promote_options="permissive")

    def deletes_after(self, ids: pa.Array[Any]) -> pa.Table:
        """The deletes of a child that replaces or deletes ``ids``: every row not live after it.

        (``layer``, ``event_id_cnty``, ``row``) sorted by layer and id; ``row`` is
        the row's position in its layer's file.
        """
        found = []
        for number, (table, mask) in enumerate(zip(self.layers, self._masks(ids), strict=True)):
            dead = mask | ~self.live[number]
            rows = np.flatnonzero(dead)
            found.append(pa.table({
                "layer": pa.array(np.full(len(rows), number), pa.int32()),
                _KEY: table[_KEY].filter(pa.array(dead)).cast(pa.large_string()).combine_chunks(),
                "row": pa.array(rows, pa.int64()),
            }))  # fmt: skip
        return pa.concat_tables(found).sort_by([("layer", "ascending"), (_KEY, "ascending")])

    def rows_of(self, ids: pa.Array[Any]) -> pa.Table:
        """The rows these ids have in the snapshot, every column (files' order)."""
        return self._picked(self._masks(ids), None)

    def others(
        self, ids: pa.Array[Any], columns: Sequence[str], naming: Sequence[str] | None = None
    ) -> pa.Table:
        """``columns`` of the rows of every other id (those naming an actor of ``naming``)."""
        masks = [live & ~hit for live, hit in zip(self.live, self._masks(ids), strict=True)]
        if naming is not None:
            names = pa.array(list(naming), pa.large_string())
            masks = [mask & _naming(t, names) for t, mask in zip(self.layers, masks, strict=True)]
        return self._picked(masks, columns)

    def latest(self, ids: pa.Array[Any], columns: Sequence[str]) -> list[Any]:
        """The greatest value of each of ``columns`` among the rows of every other id (or None)."""
        found = self.others(ids, columns)
        return [
            pc.max(found[c]).as_py() if c in found.column_names and found.num_rows else None
            for c in columns
        ]


def _naming(table: pa.Table, names: pa.Array[Any]) -> np.ndarray:
    """Rows that may name one of ``names`` (exact for main actors, a substring for associated).

    More rows than those naming them is harmless: they are counted again and
    only the names asked for are kept.
    """
    masks: list[Any] = []
    for column in ("actor1", "actor2"):
        if column in table.column_names:
            masks.append(pc.is_in(table[column].cast(pa.large_string()), value_set=names))
    for column in ("assoc_actor_1", "assoc_actor_2"):
        if column in table.column_names:
            values = table[column].cast(pa.large_string())
            masks += [pc.match_substring(values, str(name)) for name in names.to_pylist()]
    return _any(masks, table.num_rows)


def mentions_after(
    held: pa.Table | None, rows: HeldRows, before: pa.Table, after: pd.DataFrame,
    touched: pa.Array[Any],
) -> pa.Table:  # fmt: skip
    """The actor mention counts once the ``touched`` ids' rows ``before`` became ``after``.

    ``held`` is the parent's (its :data:`MENTIONS` resource); None for a parent
    written before snapshots kept them: then every other row is counted.
    """
    added = mention_counts(after)

    def recount(names: Sequence[str] | None) -> pa.Table:
        others = rows.others(touched, ACTOR_COLUMNS, names)
        fresh = parquet.to_arrow(after, "events", gaps=True)
        columns = [c for c in ACTOR_COLUMNS if c in fresh.column_names]
        both = [others, fresh.select(columns)]
        return mention_counts(pa.concat_tables(both, promote_options="permissive"))

    if held is None:
        return recount(None)
    return updated_mentions(held, mention_counts(before), added, recount)


def content_after(
    listed: Mapping[str, Any], rows: HeldRows, before: pa.Table, after: pa.Table
) -> ContentSum:
    """The version 3 content sum of the events once the rows ``before`` became ``after``.

    ``listed`` is the parent's events resource: its ``x-content-sum`` when it
    has one (version 3), else the parent's rows are summed here once.
    """
    text = listed.get("x-content-sum")
    if listed.get("x-content-hash-version") == 3 and isinstance(text, str):
        held = ContentSum.parse(text, columns=rows.kinds(), rows=rows.rows)
    else:
        whole = pa.concat_tables(
            [t.filter(pa.array(m)) for t, m in zip(rows.layers, rows.live, strict=True)],
            promote_options="permissive",
        )
        held = ContentSum.of(whole)
    moved = held.minus(row_digests(before)).plus(row_digests(after))
    return moved.with_columns(ContentSum.of(after.slice(0, 0)).columns)
