"""Sync: pin every pull of living data (ACLED, UCDP, a re-downloaded export) as a release.

The first sync of a store pulls the whole query and builds a release from it;
each later one pulls only what changed (ACLED: rows whose ``timestamp`` is at or
after the newest one held, and the ids deleted since), merges it into the
previous release and publishes the result as a new release whose parent is the
previous one, with the change table (added, modified, deleted ids; which cells
changed from what to what). Versions are calendar versions from the access
date (:mod:`libyaevents.snapshots.versions`), so ``list_releases`` reads as a
history and ``load(as_of=...)`` returns the data as it stood on a day.

An incremental sync writes only what changed when it can: the fetched rows,
their fingerprints and the ids replaced or deleted, referring to the parent's
files (:mod:`libyaevents.snapshots.incremental`); every few syncs the chain is
written whole again.

Each snapshot's manifest records, under ``x-snapshot``, the source, endpoint,
query (never a credential), access time, rows fetched, deduplicated, reported
and deleted, and the content hash; ``fingerprints.parquet`` holds one hash per
event id (no values), so the manifest and that file can be published in place
of the data (see :mod:`libyaevents.snapshots.reproduce`).

A sync that fails or is interrupted midway leaves the store as it was: the
pull's pages are kept in the user cache until the release is published (the
next run resumes from them instead of downloading again; rows refused as
invalid are the exception, asked for again) and the release is written to a
temporary folder and renamed into place only when complete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from libyaevents.arguments import choice, day_range
from libyaevents.errors import InputError, ValidationError
from libyaevents.files import output_folder
from libyaevents.formats import parquet
from libyaevents.live.acled import (
    AcledClient,
    acled_query,
    fetch_acled,
    fetch_acled_deleted,
    is_where,
)
from libyaevents.live.credentials import Secret, cache_dir
from libyaevents.live.pulls import Progress, Pulled
from libyaevents.live.ucdp import fetch_ucdp_ged
from libyaevents.problems import problem_table
from libyaevents.readers.account import Loaded
from libyaevents.readers.detect import read_events_export
from libyaevents.readers.registry import actors_from_mentions, mention_counts
from libyaevents.releases.build import publish_release
from libyaevents.releases.changes import diff_tables, summarise_changes
from libyaevents.releases.increments import Increment, Layering, plan_layers, resource_table
from libyaevents.releases.manifest import SnapshotRecord
from libyaevents.releases.stores import WRITER_WAIT, LocalStore, manifest_at
from libyaevents.schema.tables import EVENTS, isin
from libyaevents.snapshots.fingerprints import (
    FINGERPRINT_ALGORITHM,
    fingerprint,
    fingerprint_arrow,
)
from libyaevents.snapshots.incremental import (
    MENTIONS,
    HeldRows,
    Parent,
    content_after,
    mentions_after,
    merged_arrow,
)
from libyaevents.snapshots.versions import calendar_version
from libyaevents.validation.validator import validate

__all__ = ["SOURCES", "Synced", "fingerprint_columns", "snapshot_of", "sync"]

#: What ``sync`` pulls from.
SOURCES: Final = ("acled", "ucdp", "file")
#: The fingerprint resource of a snapshot.
FINGERPRINTS: Final = "fingerprints"
_KEY: Final = EVENTS.primary_key
#: Whose terms a snapshot's data is under, by the reader's layout.
TERMS: Final = {
    "acled": {
        "name": "ACLED-terms-of-use",
        "path": "https://acleddata.com/terms-of-use/",
        "title": "ACLED Terms of Use: keep locally, do not redistribute the data",
    },
    "ucdp": {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "UCDP data: Creative Commons Attribution 4.0",
    },
}
_log = logging.getLogger("libyaevents")


def fingerprint_columns() -> list[str]:
    """The event columns a snapshot's fingerprints cover (every canonical one but the id)."""
    return sorted(f.name for f in EVENTS.fields if f.name != _KEY)


@dataclass(frozen=True, kw_only=True)
class Synced:
    """What one sync did.

    Attributes
    ----------
    store : pathlib.Path
        The store synced.
    version : str
        The release holding the data now: the new one, or the parent when
        nothing changed (``created`` is then False).
    parent : str or None
        The release before this sync.
    mode : str
        ``full`` (first or ``full=True``), ``incremental``, or ``checked``
        (``check=True``: incremental and full both pulled; the full pull is
        the one kept).
    created : bool
        Whether a release was written. A sync that finds no change writes
        none: a release identical to its parent would only repeat it, and
        ``load(as_of=...)`` of a later day rightly returns the parent.
    changes : DataFrame
        The change table against the parent (empty when nothing changed).
    snapshot : dict
        What the manifest records under ``x-snapshot``.
    differences : DataFrame or None
        With ``check=True``: what the incremental result holds that the full
        pull does not, cell by cell (``old`` is the incremental value, ``new``
        the full pull's); empty when they agree.
    pulled : Loaded
        The (last) pull: its problems and notes, as a reader gives them.
    """

    store: Path
    version: str
    parent: str | None
    mode: str
    created: bool
    changes: pd.DataFrame
    snapshot: dict[str, Any]
    differences: pd.DataFrame | None = None
    pulled: Loaded | None = field(default=None, repr=False)

    def summary(self) -> str:
        """A few lines: what was pulled, what changed, which release holds it."""
        counts = summarise_changes(self.changes).get("events", {})
        said = ", ".join(f"{n:,} {k}" for k, n in counts.items()) or "no change"
        snap = self.snapshot
        lines = [
            f"{snap['source']} {self.mode} sync, accessed {snap['accessed']}: "
            f"{snap['rows_fetched']:,} rows fetched, {snap.get('rows_deleted', 0):,} deleted",
            f"events: {said}",
        ]
        if self.created:
            lines.append(f"release {self.version} (parent {self.parent}) in {self.store}")
        else:
            lines.append(
                f"no change since {self.version}: no new release (as-of loads of later days "
                f"return {self.version}, the data as it still stands)"
            )
        if self.differences is not None:
            n = len(self.differences)
            lines.append(
                "check: the incremental sync and a full pull agree"
                if n == 0
                else f"check: {n:,} differences between the incremental sync and a full pull "
                "(the full pull is kept)"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data (for ``--format json``)."""
        return {
            "store": str(self.store),
            "version": self.version,
            "parent": self.parent,
            "mode": self.mode,
            "created": self.created,
            "changes": summarise_changes(self.changes),
            "snapshot": self.snapshot,
            "differences": None if self.differences is None else len(self.differences),
        }


# -- sources ----------------------------------------------------------------------

#: The query arguments each source takes (recorded in the manifest, replayed by reproduce).
QUERY_ARGUMENTS: Final = {
    "acled": ("country", "start", "end", "maritime", "filters"),
    "ucdp": ("version", "country", "start", "end", "type_of_violence"),
    "file": ("path",),
}
#: The client options each source takes (never recorded).
CLIENT_OPTIONS: Final = {
    "acled": ("client", "base_url", "limit", "work_dir"),
    "ucdp": ("token", "base_url", "limit", "work_dir"),
    "file": (),
}
#: Why an argument of the other service is refused, where a pointer helps more.
_OTHER_SERVICE: Final = {
    ("acled", "token"): (
        "token= is UCDP's; ACLED signs in with ACLED_USERNAME / ACLED_PASSWORD (or the "
        "config file), or pass client=AcledClient(...)."
    ),
    ("ucdp", "client"): "client= is ACLED's; UCDP takes token= (or UCDP_API_TOKEN) and base_url=.",
}
#: Names filters= may not hold: sync sets them itself, or they are arguments of their own.
_NOT_FILTERS: Final = {
    "timestamp": "sync sets the timestamp filter itself (incremental pulls)",
    "event_date": "pass start= / end=",
    "maritime_pairs": "pass maritime=True",
    **{name: f"pass {name}=" for name in ("country", "start", "end", "maritime")},
    **{name: f"{name}= is a client option: pass it to sync itself"
       for name in ("client", "base_url", "limit", "work_dir", "progress", "keep_pages")},
}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class _AcledQuery:
    """An ACLED query: ``country``, the ``event_date`` range, sea events, any other field."""

    country: str | Sequence[str] | None = None
    start: Any = None
    end: Any = None
    maritime: bool = False
    filters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class _UcdpQuery:
    """A UCDP GED query: one version, and its country, date and violence-type filters."""

    version: str
    country: int | Sequence[int] | None = None
    start: Any = None
    end: Any = None
    type_of_violence: int | Sequence[int] | None = None


@dataclass(frozen=True, kw_only=True)
class _FileQuery:
    """An export downloaded again."""

    path: str | os.PathLike[str]


_QUERIES: Final = {"acled": _AcledQuery, "ucdp": _UcdpQuery, "file": _FileQuery}


@dataclass(frozen=True, kw_only=True)
class _Client:
    """How to reach a service (none of it is part of the query, none of it is recorded)."""

    client: AcledClient | None = None
    base_url: str | None = None
    token: str | Secret | None = None
    limit: int | None = None
    work_dir: Path | None = None
    progress: Progress | None = None


def _taken(source: str) -> str:
    """What a source takes, for an error message."""
    query = ", ".join(f"{n}=" for n in QUERY_ARGUMENTS[source])
    client = ", ".join(f"{n}=" for n in CLIENT_OPTIONS[source])
    return f"{source} takes {query} (the query)" + (
        f" and {client} (client options)" if client else " only"
    )


def _query(source: str, given: Mapping[str, Any]) -> _AcledQuery | _UcdpQuery | _FileQuery:
    """The typed query of ``source`` from the arguments given (None and False: not given).

    An argument another source takes is refused, before any request.
    """
    asked = {k: v for k, v in given.items() if _given(v)}
    others = sorted(set(asked) - {*QUERY_ARGUMENTS[source], *CLIENT_OPTIONS[source]})
    for name in others:
        if (source, name) in _OTHER_SERVICE:
            raise InputError(_OTHER_SERVICE[source, name])
    if others:
        said = ", ".join(f"{n}=" for n in others)
        msg = f"sync({source!r}) does not take {said}: {_taken(source)}."
        raise InputError(msg)
    required = {"ucdp": ("version", "a GED version such as '25.1'"),
                "file": ("path", "an ACLED or UCDP export")}.get(source)  # fmt: skip
    if required is not None and required[0] not in asked:
        msg = f"sync({source!r}): pass {required[0]}= ({required[1]}); {_taken(source)}."
        raise InputError(msg)
    typed: _AcledQuery | _UcdpQuery | _FileQuery = _QUERIES[source](
        **{k: v for k, v in asked.items() if k in QUERY_ARGUMENTS[source]}
    )
    return typed


def _given(value: Any) -> bool:
    """Whether an argument was given: None, False and no filters are the defaults."""
    return (
        value is not None and value is not False and not (isinstance(value, Mapping) and not value)
    )


def _asked(query: _AcledQuery | _UcdpQuery | _FileQuery) -> dict[str, Any]:
    """The query arguments given (what re-runs the sync), without the defaults."""
    values = {f.name: getattr(query, f.name) for f in fields(query)}
    return {k: v for k, v in values.items() if _given(v)}


@dataclass(frozen=True)
class _Plan:
    """How to pull one source: the whole query, and (ACLED) what changed since a time."""

    source: str
    endpoint: str | None  # None: known once pulled
    query: dict[str, Any] | None
    full: Callable[[], Pulled]
    since: Callable[[int], Pulled] | None = None
    deleted: Callable[[int], pd.DataFrame] | None = None


def _acled_plan(query: _AcledQuery, options: _Client) -> _Plan:
    for name in query.filters:
        if name in _NOT_FILTERS:
            msg = f"filters= holds {name!r}: {_NOT_FILTERS[name]}; remove {name} from filters=."
            raise InputError(msg)
    client = options.client or AcledClient(base_url=options.base_url)
    sent: dict[str, Any] = acled_query(query.country, query.start, query.end, **query.filters)
    if query.maritime:
        sent["maritime_pairs"] = "true"
    limit: dict[str, Any] = {} if options.limit is None else {"limit": options.limit}
    pull: dict[str, Any] = {"client": client, "work_dir": options.work_dir,
                            "progress": options.progress, "keep_pages": True, **limit}  # fmt: skip

    def since(stamp: int) -> Pulled:
        return fetch_acled(**pull, **sent, timestamp=(">=", stamp))

    def deleted(stamp: int) -> pd.DataFrame:
        return fetch_acled_deleted(stamp, client=client, **limit)

    return _Plan(
        "acled", client.endpoint("acled/read"), sent, lambda: fetch_acled(**pull, **sent),
        since, deleted,
    )  # fmt: skip


def _ucdp_plan(query: _UcdpQuery, options: _Client) -> _Plan:
    day_range(query.start, query.end)  # refused now, not after loading the store
    pagesize: dict[str, Any] = {} if options.limit is None else {"pagesize": options.limit}

    def full() -> Pulled:
        return fetch_ucdp_ged(
            query.version, query.country, query.start, query.end,
            type_of_violence=query.type_of_violence, token=options.token,
            base_url=options.base_url, work_dir=options.work_dir, progress=options.progress,
            keep_pages=True, **pagesize,
        )  # fmt: skip

    return _Plan("ucdp", None, None, full)


def _file_plan(query: _FileQuery, options: _Client) -> _Plan:
    del options  # a file needs no client
    source = Path(query.path)
    if not source.is_file():
        msg = f"{source}: no such file. Pass the export downloaded again."
        raise InputError(msg)
    return _Plan("file", "file", {"file": source.name}, lambda: _read_file(source))


def _read_file(path: Path) -> Pulled:
    loaded = read_events_export(path)
    modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(microsecond=0)
    return Pulled(
        **{f: getattr(loaded, f) for f in loaded.__dataclass_fields__},
        endpoint="file", query={"file": path.name}, accessed=modified.isoformat(), pages=1,
    )  # fmt: skip


_PLANS: Final[dict[str, Callable[[Any, _Client], _Plan]]] = {
    "acled": _acled_plan, "ucdp": _ucdp_plan, "file": _file_plan,
}  # fmt: skip


# -- the previous snapshot ----------------------------------------------------------


def snapshot_of(manifest: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``x-snapshot`` record of a release manifest (None for a release not synced)."""
    record = manifest.get("x-snapshot")
    return dict(record) if isinstance(record, Mapping) else None


def _previous(store: LocalStore) -> tuple[str | None, dict[str, Any] | None]:
    versions = store.versions()
    if not versions:
        return None, None
    latest = versions[-1]
    manifest = manifest_at(store.root / latest)
    record = snapshot_of(manifest)
    if record is None:
        msg = (
            f"{store.root} holds release {latest}, which is not a snapshot (no x-snapshot in "
            "its manifest): sync into a store of its own."
        )
        raise InputError(msg)
    return latest, record


def _same_query(record: Mapping[str, Any], source: str, endpoint: Any, query: Any) -> None:
    held: tuple[Any, ...] = (record.get("source"), record.get("endpoint"), record.get("query"))
    now: tuple[Any, ...] = (source, endpoint, query)
    if source == "file":
        held, now = held[:1], now[:1]
    if held != now:
        msg = (
            f"The store holds snapshots of {held[0]} {held[1:] if len(held) > 1 else ''}; this "
            f"sync asks {source} {now[1:] if len(now) > 1 else ''}. A store follows one query: "
            "sync into another store."
        )
        raise InputError(msg)


# -- merging ---------------------------------------------------------------------


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


def _fingerprints(previous: pd.DataFrame | None, events: pd.DataFrame, step: _Step) -> pd.DataFrame:
    """Fingerprints of ``events``: the parent's kept for untouched ids, the fetched rows hashed."""
    columns = fingerprint_columns()
    if previous is None or step.touched is None or step.increment is None:
        return fingerprint(events, columns)
    kept = previous[~previous[_KEY].isin(step.touched)]
    return pd.concat([kept, fingerprint(step.increment, columns)], ignore_index=True)


def _whole_prints(old: Parent | None, tables: dict[str, pd.DataFrame], step: _Step) -> pa.Table:
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


# -- sync ------------------------------------------------------------------------


def _day(accessed: str) -> str:
    return str(pd.Timestamp(accessed).date())


def _plain(value: Any) -> Any:
    """A query argument as JSON: dates as ISO text, sequences as lists, filters as an object."""
    if isinstance(value, dt.date | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _arguments(source: str, query: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments that re-run this sync (a file by its name only).

    An operator filter (``("<=", 10)``) is recorded as ``{"where": "<=", "value":
    10}``: as JSON a pair would read back as two values of the field.
    """
    if source == "file":
        return {"path": Path(str(query.get("path", ""))).name}
    found = {k: _plain(v) for k, v in query.items()}
    filters = query.get("filters")
    if isinstance(filters, Mapping):
        found["filters"] = {
            str(k): {"where": v[0], "value": _plain(v[1])} if is_where(v) else _plain(v)
            for k, v in filters.items()
        }
    return found


def _record(
    plan: _Plan, pulled: Pulled, mode: str, since: int | None, *, counts: Mapping[str, int],
    arguments: dict[str, Any], newest: int | None,
) -> SnapshotRecord:  # fmt: skip
    # ACLED: the query synced, not an increment's (which adds the timestamp filter)
    query = plan.query if plan.source == "acled" else pulled.query
    return SnapshotRecord(
        source=plan.source, endpoint=pulled.endpoint, query=query, arguments=arguments,
        accessed=pulled.accessed, mode=mode, since_timestamp=since,
        rows_fetched=pulled.rows_read, rows_deduplicated=pulled.rows_deduplicated,
        rows_reported=pulled.rows_reported, counts=dict(counts),
        fingerprints=f"{FINGERPRINTS}.parquet", fingerprint_algorithm=FINGERPRINT_ALGORITHM,
        fingerprint_columns=fingerprint_columns(), newest_timestamp=newest,
    )  # fmt: skip


def absent_columns(events: pd.DataFrame) -> list[str]:
    """Required event columns a source does not carry: empty in every row of a pull."""
    if events.empty:
        return []
    return [
        f.name
        for f in EVENTS.fields
        if f.required and (f.name not in events or events[f.name].isna().all())
    ]


def _about(source: str, pulled: Loaded, snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """Title and licence of a snapshot: the source's data under the source's terms."""
    origin = "ucdp" if source == "ucdp" or pulled.vintage.startswith("ucdp") else "acled"
    name = "UCDP GED" if origin == "ucdp" else "ACLED"
    query = snapshot.get("query") or {}
    said = ", ".join(f"{k}={v}" for k, v in query.items()) or "no filters"
    return {
        "title": f"Snapshot of {name} ({said}) accessed {snapshot.get('accessed', '')}",
        "licenses": [TERMS[origin]],
    }


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


def _problems_arrow(pulled: Loaded) -> pa.Table:
    table = problem_table(pulled.problems).astype("str").where(pulled.problems.notna(), None)
    return pa.Table.from_pandas(table, preserve_index=False)


@dataclass(frozen=True)
class _Step:
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


def _full(plan: _Plan, old: Parent | None, record: Mapping[str, Any] | None) -> _Step:
    pulled = plan.full()
    if record is not None:
        _same_query(record, plan.source, pulled.endpoint, pulled.query)
    tables, absent = _valid(pulled, _day(pulled.accessed))
    changes = diff_tables(old.release.tables() if old is not None else {}, tables)
    deleted = int((changes["change"] == "deleted").sum()) if old is not None else 0
    counted = mention_counts(tables["events"]) if plan.since is not None else None
    return _Step(tables, changes, pulled, "full", {"rows_deleted": deleted}, absent=absent,
                 mentions=counted, newest=_newest_timestamp(tables["events"]))  # fmt: skip


@dataclass(frozen=True)
class _Fetched:
    """What an incremental pull brought: the pull, its typed rows, the ids touched, counts."""

    pulled: Pulled
    increment: pd.DataFrame
    touched: pd.Index
    counts: dict[str, int]


def _incremental(plan: _Plan, old: Parent, newest: int, *, check: bool, card: bool) -> _Step:
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
    layering = None if check else plan_layers(
        old.path, old.manifest, pd.Index(before[_KEY].to_pylist(), dtype="str"),
        rows=len(increment),
    )  # fmt: skip
    fetched = _Fetched(pulled, increment, touched, counts)
    if layering is None:  # written whole, or checked against a full pull: the whole table
        return _merged_whole(plan, old, fetched, check=check)
    return _layered_step(old, fetched, held, (before, ids), layering, card=card)


def _layered_step(
    old: Parent, fetched: _Fetched, held: HeldRows, touched: tuple[pa.Table, pa.Array[Any]],
    layering: Layering, *, card: bool,
) -> _Step:  # fmt: skip
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
    )  # fmt: skip
    tables = {"actors": actors, "measures": old.table("measures")}
    if card:  # the card shows the whole table
        replaced = isin(old.release.events[_KEY], fetched.touched.to_series()).to_numpy()
        whole = merged_arrow(old.release.events, increment, replaced, absent=declared)
        tables = {"events": parquet.from_arrow(whole, "events"), **tables}
    return _Step(tables, changes, fetched.pulled, "incremental", fetched.counts, fetched.touched,
                 increment, absent=declared, layered=layered, mentions=mentions,
                 newest=None if stamp is None else int(stamp))  # fmt: skip


def _greatest(held: Any, fetched: pd.Series) -> Any:
    """The greatest of a value of the rows kept (None: none) and of a fetched column."""
    found = [v for v in (held, fetched.max() if fetched.notna().any() else None) if v is not None]
    return max(pd.Timestamp(v) if isinstance(v, dt.date) else v for v in found) if found else None


def _merged_whole(plan: _Plan, old: Parent, fetched: _Fetched, *, check: bool) -> _Step:
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
        return _Step(tables, changes, pulled, "incremental", counts, fetched.touched, increment,
                     absent=declared, mentions=mentions,
                     newest=_newest_timestamp(tables["events"]))  # fmt: skip
    whole = plan.full()
    truth, absent = _valid(whole, _day(whole.accessed))
    differences = diff_tables({"events": tables["events"]}, {"events": truth["events"]})
    changes = diff_tables(old.release.tables(), truth)
    return _Step(truth, changes, whole, "checked", counts, differences=differences, absent=absent,
                 also=(pulled,), mentions=mention_counts(truth["events"]),
                 newest=_newest_timestamp(truth["events"]))  # fmt: skip


def _nothing_returned(plan: _Plan, pulled: Pulled, store: Path) -> str:
    """Why a first sync publishes nothing: which query returned no rows, and what to do."""
    query = plan.query if plan.query is not None else pulled.query
    asked = "&".join(f"{k}={v}" for k, v in query.items()) or "(no filters)"
    return (
        f"{plan.source} returned no rows for {asked} ({pulled.endpoint}): nothing was "
        f"published in {store}. Check the query (country names as the source spells them, "
        "the dates); to pin an empty first snapshot anyway, pass allow_empty=True "
        "(--allow-empty)."
    )


def _discard_pages(step: _Step) -> None:
    """The pulls' pages, once what was made of them is in the store (or held already)."""
    for pulled in (step.pulled, *step.also):
        pulled.discard_pages()


def sync(
    store: str | os.PathLike[str],
    source: str = "acled",
    *,
    country: str | int | Sequence[str] | Sequence[int] | None = None,
    start: Any = None,
    end: Any = None,
    maritime: bool = False,
    version: str | None = None,
    type_of_violence: int | Sequence[int] | None = None,
    path: str | os.PathLike[str] | None = None,
    filters: Mapping[str, Any] | None = None,
    client: AcledClient | None = None,
    base_url: str | None = None,
    token: str | Secret | None = None,
    limit: int | None = None,
    work_dir: str | os.PathLike[str] | None = None,
    full: bool = False,
    check: bool = False,
    progress: Progress | None = None,
    card: bool = False,
    allow_empty: bool = False,
    wait: float = WRITER_WAIT,
) -> Synced:
    """Pull a source and pin what it holds now as a release in ``store``.

    An argument the source does not take (``token=`` or ``version=`` for
    ACLED, ``client=`` or ``filters=`` for UCDP, anything but ``path=`` for a
    file) is refused with an :class:`~libyaevents.errors.InputError` naming
    what the source takes, before any request. The query arguments (never the
    client options) are recorded in the manifest's ``x-snapshot.arguments``,
    which :func:`libyaevents.reproduce` replays.

    Parameters
    ----------
    store : path
        The folder of snapshots (one query per store).
    source : {"acled", "ucdp", "file"}
        ``acled``: ACLED's API (credentials from the environment or config,
        or ``client=``); ``ucdp``: UCDP GED of ``version=``; ``file``: an export
        downloaded again (``path=``; its modification time is the access time).
    country : str, int or list, optional
        ACLED country names (``"Libya"``), or UCDP Gleditsch-Ward codes (``620``).
    start, end : date-like, optional
        Bounds of the event date, inclusive (ACLED and UCDP).
    maritime : bool
        ACLED: ask for events at sea with the sea as ``country``.
    version : str
        UCDP: the GED version (``"25.1"``); required for UCDP.
    type_of_violence : int or list of int, optional
        UCDP: 1 state-based, 2 non-state, 3 one-sided.
    path : path
        ``file``: the export downloaded again; required for a file, the only
        argument a file takes.
    filters : mapping, optional
        ACLED: any other ACLED field, as :func:`libyaevents.fetch_acled` takes
        it (``{"event_type": ["Battles", "Riots"]}``, or an operator as
        ``{"fatalities": (">=", 10)}``). Not ``timestamp`` (sync sets it for
        incremental pulls) nor a name that is an argument of its own.
    client : AcledClient, optional
        ACLED: an authenticated client (default: one from the environment
        or config, for ``base_url``).
    base_url : str, optional
        ACLED and UCDP: the API's site root (default: the real service).
    token : str, optional
        UCDP: the API token (default: ``UCDP_API_TOKEN`` or the config).
    limit : int, optional
        ACLED and UCDP: rows per page (default: the API's).
    work_dir : path, optional
        ACLED and UCDP: where the pull keeps its pages (default: a folder of
        the user cache named for the store).
    full : bool
        Pull the whole query even when the store already holds a snapshot
        (ACLED syncs are incremental otherwise; UCDP and files are always full).
    check : bool
        Do the incremental sync and a full pull and report any difference in
        ``Synced.differences`` (the full pull is the one kept).
    progress : callable, optional
        ``progress(pages, rows)`` after each page.
    card : bool
        Also write the snapshot's data card and the store's index page.
    allow_empty : bool
        Pin a first snapshot even when the source returned no rows (by
        default that is refused: a query that matches nothing is most often
        a misspelt country or a wrong date range).
    wait : float
        Seconds to wait for another writer of the store. One sync or build
        holds a store at a time (:meth:`~libyaevents.releases.stores.LocalStore.writing`),
        from reading the latest release to publishing the next, so a sync
        that waited pulls against what the other wrote and becomes its child;
        a second first sync never makes a second parentless release.

    Returns
    -------
    Synced
        The version holding the data, the change table and what the manifest
        recorded.

    Raises
    ------
    InputError
        A store that holds another query or releases that are not snapshots,
        or that is a file (refused before any request); a first sync that
        returned no rows, unless ``allow_empty``.
    StoreBusyError
        When another writer still holds the store after ``wait`` seconds.
    ValidationError
        When fetched rows break a rule (the store is left as it was).
    ApiError, AuthenticationError, AccessDeniedError
        From the API clients; the pages fetched so far are kept and the next
        run resumes them.

    Examples
    --------
    >>> import tempfile
    >>> export = tempfile.mkdtemp() + "/acled.csv"
    >>> from libyaevents.synthetic import synthetic_dataset
    >>> from libyaevents import write_acled
    >>> _ = write_acled(synthetic_dataset(50, seed=3), export)
    >>> done = sync(tempfile.mkdtemp(), "file", path=export)
    >>> done.mode, done.created, done.changes["table"].value_counts()["events"]
    ('full', True, np.int64(50))
    """
    choice(source, "source", SOURCES)
    target = LocalStore(output_folder(store))  # a file there is refused before any request
    typed = _query(source, {
        "country": country, "start": start, "end": end, "maritime": maritime, "version": version,
        "type_of_violence": type_of_violence, "path": path, "filters": filters,
        "client": client, "base_url": base_url, "token": token, "limit": limit,
        "work_dir": work_dir,
    })  # fmt: skip
    options = _Client(
        client=client, base_url=base_url, token=token, limit=limit, progress=progress,
        work_dir=None if source == "file" else Path(work_dir or _work_dir(target)),
    )  # fmt: skip
    plan = _PLANS[source](typed, options)  # a bad query fails here, before the lock
    query = _asked(typed)
    with target.writing(wait):
        return _sync_held(
            target, plan, full=full, check=check, card=card, query=query, allow_empty=allow_empty
        )


def _work_dir(store: LocalStore) -> Path:
    """Where this store's pulls keep their pages: a folder per store.

    Syncs of one store take turns (its writer lock), so each pull has its
    work folder to itself: a sync of the same query into another store never
    resumes, or clears, this one's pages.
    """
    digest = hashlib.sha256(str(store.root.resolve()).encode()).hexdigest()[:16]
    return cache_dir() / "pulls" / f"store-{digest}"


def _sync_held(
    target: LocalStore, plan: _Plan, *, full: bool, check: bool, card: bool,
    query: dict[str, Any], allow_empty: bool,
) -> Synced:  # fmt: skip
    """:func:`sync` once the store's writer lock is held (``query`` without client options)."""
    source = plan.source
    parent, record = _previous(target)
    if record is not None and plan.endpoint is not None:
        _same_query(record, plan.source, plan.endpoint, plan.query)
    old = (
        Parent(store=target, version=parent, manifest=manifest_at(target.root / parent))
        if parent is not None
        else None
    )
    incremental = plan.since is not None and not full
    newest = old.newest_timestamp() if old is not None and incremental else None
    if old is not None and newest is not None:  # an incremental pull since then
        step = _incremental(plan, old, newest, check=check, card=card)
    else:
        step = _full(plan, old, record)
    if parent is None and step.pulled.rows_read == 0 and not allow_empty:
        raise InputError(_nothing_returned(plan, step.pulled, target.root))
    tables, changes, pulled, mode = step.tables, step.changes, step.pulled, step.mode
    since = newest if mode != "full" else None
    pinned = _record(
        plan,
        pulled,
        mode,
        since,
        counts=step.counts,
        arguments=_arguments(source, query),
        newest=step.newest,
    )

    def synced(version: str, *, created: bool, snapshot: dict[str, Any]) -> Synced:
        return Synced(
            store=target.root, version=version, parent=parent, mode=mode, created=created,
            changes=changes, snapshot=snapshot, differences=step.differences, pulled=pulled,
        )  # fmt: skip

    if parent is not None and changes.empty:
        _discard_pages(step)
        return synced(parent, created=False, snapshot=pinned.entry())
    layered = step.layered
    version = calendar_version(pinned.accessed, target.versions())
    sources = [{"title": f"{plan.source} ({pinned.endpoint})", "path": pinned.endpoint,
                "x-accessed": pinned.accessed}]  # fmt: skip
    extra = {} if layered is not None else {FINGERPRINTS: _whole_prints(old, tables, step)}
    if step.mentions is not None:
        extra[MENTIONS] = step.mentions
    if len(pulled.problems):
        extra["problems"] = _problems_arrow(pulled)
    folder = publish_release(
        tables, version, store=target, parent=parent, changes=changes, sources=sources,
        snapshot=pinned, extra=extra, absent={"events": step.absent},
        about=_about(plan.source, pulled, pinned.entry()), card=card, increment=layered,
    )  # fmt: skip
    _discard_pages(step)
    _log.info("libyaevents: %s sync -> release %s", plan.source, version)
    snapshot = snapshot_of(manifest_at(folder)) or {}
    return synced(version, created=True, snapshot=snapshot)
