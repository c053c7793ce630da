"""What a pull makes of the store's data: the new tables, the change table, the fingerprints.

A first sync, or a full one, validates the whole pull and compares it with the
parent (:func:`full`). An incremental one (:func:`incremental`) validates the
rows fetched since the parent's newest ``timestamp``, keeps of ACLED's deleted
feed the ids the store holds, and either writes layers over the parent's files
from the rows it changes alone (:mod:`libyaevents.snapshots.incremental`) or,
when the chain is compacted or checked against a full pull, merges the whole
table. Either way the result is a :class:`Step`, which
:func:`~libyaevents.snapshots.sync.sync` publishes.

Examples
--------
>>> from libyaevents.synthetic import synthetic_events
>>> events = synthetic_events(200, seed=0)
>>> absent_columns(events)  # required columns no row fills
['assoc_actor_2', 'admin3']
>>> absent_columns(events.assign(tags=None))
['assoc_actor_2', 'admin3', 'tags']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from libyaevents.errors import InputError, ValidationError
from libyaevents.formats import parquet
from libyaevents.live.pulls import Pulled
from libyaevents.readers.account import Loaded
from libyaevents.readers.registry import actors_from_mentions, mention_counts
from libyaevents.releases.changes import diff_tables
from libyaevents.releases.increments import Increment, Layering, plan_layers, resource_table
from libyaevents.releases.layers import revised_columns
from libyaevents.schema.tables import EVENTS, isin
from libyaevents.snapshots.fingerprints import fingerprint, fingerprint_arrow
from libyaevents.snapshots.incremental import (
    MENTIONS,
    HeldRows,
    Parent,
    content_after,
    mentions_after,
    merged_arrow,
)
from libyaevents.snapshots.plans import Plan
from libyaevents.snapshots.queries import same_query
from libyaevents.snapshots.records import FINGERPRINTS, fingerprint_columns
from libyaevents.validation.validator import validate

__all__ = ["Step", "absent_columns", "full", "incremental", "whole_prints"]

_KEY: Final = EVENTS.primary_key


def _newest_timestamp(events: pd.DataFrame) -> int | None:
    if "timestamp" not in events or not events["timestamp"].notna().any():
        return None
    return int(events["timestamp"].max())


def _deleted_held(
    deleted: pd.DataFrame, held: pa.Array[Any], increment: pd.DataFrame
) -> tuple[pd.Index, int]:
    """Ids of the deleted feed that this store holds; a row edited after its deletion stays.

    The feed is global (every country): only the ids the store holds are its
    query's; the rest are counted.
    """
    if not len(deleted):
        return pd.Index([], dtype="str"), 0
    feed = deleted.drop_duplicates(_KEY, keep="last")
    ids = feed[_KEY].astype("str")
    # the big side asks the small one: a hash set of the feed, not of every id held
    asked = pa.array(ids.to_numpy(object), pa.large_string())
    found: Any = pc.is_in(held, value_set=asked)
    present = pd.Index(held.filter(found).to_pylist(), dtype="str")
    inside = ids.isin(present).to_numpy()
    mine = pd.Series(feed["deleted_timestamp"].to_numpy()[inside], index=ids[inside])
    if len(increment) and "timestamp" in increment and len(mine):
        again = increment.set_index(_KEY)["timestamp"]
        back = again[again.index.isin(mine.index)].reindex(mine.index)
        mine = mine[~(back.notna() & (back > mine)).to_numpy()]
    return pd.Index(mine.index.astype("str")), int((~inside).sum())


def _merge(
    old: dict[str, pd.DataFrame], increment: pd.DataFrame, touched: pd.Index, absent: list[str]
) -> tuple[dict[str, pd.DataFrame], np.ndarray]:
    """The old tables with the increment's rows replacing theirs and the deleted ids dropped.

    Returns the new tables (actors still the old ones) and which old rows the
    touched ids had (a mask; the new rows of those ids are the increment
    itself). The merged events are in release order, as a load of them would
    return them.
    """
    events = old["events"]
    replaced = isin(events[_KEY], touched.to_series()).to_numpy()  # in Arrow: 1M ids
    whole = merged_arrow(events, increment, replaced, absent=absent)
    merged = parquet.from_arrow(whole, "events")
    return {"events": merged, "actors": old["actors"], "measures": old["measures"]}, replaced


def _fingerprints(previous: pd.DataFrame | None, events: pd.DataFrame, step: Step) -> pd.DataFrame:
    """Fingerprints of ``events``: the parent's kept for untouched ids, the fetched rows hashed."""
    columns = fingerprint_columns()
    if previous is None or step.touched is None or step.increment is None:
        return fingerprint(events, columns)
    kept = previous[~previous[_KEY].isin(step.touched)]
    return pd.concat([kept, fingerprint(step.increment, columns)], ignore_index=True)


def whole_prints(old: Parent | None, tables: dict[str, pd.DataFrame], step: Step) -> pa.Table:
    """The fingerprint file of a snapshot written whole (the parent's reused where it can)."""
    listed = old is not None and any(
        r.get("name") == FINGERPRINTS for r in old.manifest["resources"]
    )
    previous = (
        resource_table(old.path, old.manifest, FINGERPRINTS).to_pandas()
        if old is not None and listed
        else None
    )
    return fingerprint_arrow(_fingerprints(previous, tables["events"], step))


def _day(accessed: str) -> str:
    return str(pd.Timestamp(accessed).date())


def absent_columns(events: pd.DataFrame) -> list[str]:
    """Required event columns a source does not carry: empty in every row of a pull."""
    if events.empty:
        return []
    return [
        f.name
        for f in EVENTS.fields
        if f.required and (f.name not in events or events[f.name].isna().all())
    ]


def _valid(
    pulled: Loaded, today: str, absent: list[str] | None = None
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The typed tables of a pull that breaks no rule, and the columns it may leave empty.

    ``absent`` is what the store's snapshots already declare; a full pull
    works it out (:func:`absent_columns`).
    """
    report = validate(pulled, today=today)
    lacking = absent if absent is not None else absent_columns(pulled.events)
    try:
        report.allowing_absent({"events": lacking}).raise_if_invalid()
    except ValidationError:
        if isinstance(pulled, Pulled):
            pulled.discard_pages()  # the rows are the problem: the next run asks for them again
        raise
    return dict(report.tables), lacking


@dataclass(frozen=True)
class Step:
    """What a pull made of the store's data: the new tables and how they differ."""

    tables: dict[str, pd.DataFrame]
    changes: pd.DataFrame
    pulled: Pulled
    mode: str
    counts: dict[str, int]
    touched: pd.Index | None = None  # the ids an incremental sync replaced or dropped
    increment: pd.DataFrame | None = None  # the rows it fetched (typed)
    differences: pd.DataFrame | None = None
    absent: list[str] = field(default_factory=list)  # required columns the source lacks
    also: tuple[Pulled, ...] = ()  # the increment's pull, when a checked sync kept the full one
    layered: Increment | None = None  # the events as layers over the parent's files
    mentions: pa.Table | None = None  # the actor mention counts of the events (ACLED)
    newest: int | None = None  # the newest timestamp the events hold


def full(plan: Plan, old: Parent | None, record: Mapping[str, Any] | None) -> Step:
    """A sync that pulls the whole query, compared with the parent (None: a first sync)."""
    pulled = plan.full()
    if record is not None:
        same_query(record, plan.source, pulled.endpoint, pulled.query)
    tables, absent = _valid(pulled, _day(pulled.accessed))
    changes = diff_tables(old.release.tables() if old is not None else {}, tables)
    deleted = int((changes["change"] == "deleted").sum()) if old is not None else 0
    counted = mention_counts(tables["events"]) if plan.since is not None else None
    return Step(tables, changes, pulled, "full", {"rows_deleted": deleted}, absent=absent,
                 mentions=counted, newest=_newest_timestamp(tables["events"]))  # fmt: skip


@dataclass(frozen=True)
class _Fetched:
    """What an incremental pull brought: the pull, its typed rows, the ids touched, counts."""

    pulled: Pulled
    increment: pd.DataFrame
    touched: pd.Index
    counts: dict[str, int]


def incremental(plan: Plan, old: Parent, newest: int, *, check: bool, card: bool) -> Step:
    """A sync that pulls what changed since ``newest``, merged into the parent."""
    if plan.since is None or plan.deleted is None:
        msg = f"{plan.source} has no incremental pulls."
        raise InputError(msg)
    declared = old.declared
    old.check()  # a broken parent is named before any request
    with ThreadPoolExecutor(1) as pool:  # the parent's files are read while the pull is checked
        reading = pool.submit(old.rows)
        pulled = plan.since(newest)
        deleted = plan.deleted(newest)
        increment = _valid(pulled, _day(pulled.accessed), declared)[0]["events"]
        held = reading.result()
    gone, outside = _deleted_held(deleted, held.ids(), increment)
    counts = {"deleted_fetched": len(deleted), "rows_deleted": len(gone),
              "deleted_outside_query": outside}  # fmt: skip
    touched = pd.Index(increment[_KEY].astype("str")).union(gone)
    ids = pa.array(touched.to_numpy(object), pa.large_string())
    before = held.rows_of(ids)
    layering = (
        None
        if check
        else plan_layers(old.path, old.manifest, held.deletes_after(ids), rows=len(increment))
    )
    fetched = _Fetched(pulled, increment, touched, counts)
    if layering is None:  # written whole, or checked against a full pull: the whole table
        return _merged_whole(plan, old, fetched, check=check)
    return _layered_step(old, fetched, held, (before, ids), layering, card=card)


def _layered_step(
    old: Parent, fetched: _Fetched, held: HeldRows, touched: tuple[pa.Table, pa.Array[Any]],
    layering: Layering, *, card: bool,
) -> Step:  # fmt: skip
    """An incremental sync written in layers, from the rows it changes alone.

    ``touched``: the parent's rows of the ids replaced or deleted, and those ids.
    """
    before, ids = touched
    increment, declared = fetched.increment, old.declared
    rows = parquet.release_arrow(increment, "events", gaps=declared)
    mentions = mentions_after(old.resource(MENTIONS), held, before, increment, ids)
    actors = actors_from_mentions(mentions)
    changes = diff_tables(
        {"events": parquet.from_arrow(before, "events"), "actors": old.table("actors")},
        {"events": increment, "actors": actors},
    )
    listed = next(r for r in old.manifest["resources"] if r.get("name") == "events")
    columns = ("event_date", "timestamp")
    found = zip(held.latest(ids, columns), columns, strict=True)
    day, stamp = (_greatest(value, increment[column]) for value, column in found)
    layered = Increment(
        layering=layering, rows=rows, content=content_after(listed, held, before, rows),
        prints=fingerprint_arrow(fingerprint(increment, fingerprint_columns())),
        latest=(day, None if stamp is None else pd.Timestamp(int(stamp), unit="s")),
        revised=revised_columns(held.base_rows(ids), rows),
    )  # fmt: skip
    tables = {"actors": actors, "measures": old.table("measures")}
    if card:  # the card shows the whole table
        replaced = isin(old.release.events[_KEY], fetched.touched.to_series()).to_numpy()
        whole = merged_arrow(old.release.events, increment, replaced, absent=declared)
        tables = {"events": parquet.from_arrow(whole, "events"), **tables}
    return Step(tables, changes, fetched.pulled, "incremental", fetched.counts, fetched.touched,
                 increment, absent=declared, layered=layered, mentions=mentions,
                 newest=None if stamp is None else int(stamp))  # fmt: skip


def _greatest(held: Any, fetched: pd.Series) -> Any:
    """The greatest of a value of the rows kept (None: none) and of a fetched column."""
    found = [v for v in (held, fetched.max() if fetched.notna().any() else None) if v is not None]
    return max(pd.Timestamp(v) if isinstance(v, dt.date) else v for v in found) if found else None


def _merged_whole(plan: Plan, old: Parent, fetched: _Fetched, *, check: bool) -> Step:
    """An incremental sync written whole (compaction), or checked against a full pull."""
    declared = old.declared
    tables, replaced = _merge(old.release.tables(), fetched.increment, fetched.touched, declared)
    pulled, increment, counts = fetched.pulled, fetched.increment, fetched.counts
    mentions = mention_counts(tables["events"])
    tables["actors"] = actors_from_mentions(mentions)
    if not check:  # only the touched ids can differ: compare those rows, and the actors
        changes = diff_tables(
            {"events": old.release.events[replaced], "actors": old.release.actors},
            {"events": increment, "actors": tables["actors"]},
        )
        return Step(tables, changes, pulled, "incremental", counts, fetched.touched, increment,
                     absent=declared, mentions=mentions,
                     newest=_newest_timestamp(tables["events"]))  # fmt: skip
    whole = plan.full()
    truth, absent = _valid(whole, _day(whole.accessed))
    differences = diff_tables({"events": tables["events"]}, {"events": truth["events"]})
    changes = diff_tables(old.release.tables(), truth)
    return Step(truth, changes, whole, "checked", counts, differences=differences, absent=absent,
                 also=(pulled,), mentions=mention_counts(truth["events"]),
                 newest=_newest_timestamp(truth["events"]))  # fmt: skip
