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

This module is the sync itself: take the store's lock, pull, publish. Its
parts are rooms of their own: what a sync is asked and records of its query
(:mod:`libyaevents.snapshots.queries`), how each source is pulled
(:mod:`libyaevents.snapshots.plans`), what a pull makes of the store's data
(:mod:`libyaevents.snapshots.steps`) and what a snapshot records and a sync
returns (:mod:`libyaevents.snapshots.records`); the names it has always
offered are importable from here.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import pyarrow as pa

from libyaevents.arguments import choice
from libyaevents.errors import InputError
from libyaevents.files import output_folder
from libyaevents.live.acled import AcledClient
from libyaevents.live.credentials import Secret, cache_dir
from libyaevents.live.pulls import Progress, Pulled
from libyaevents.problems import problem_table
from libyaevents.readers.account import Loaded
from libyaevents.releases.build import publish_release
from libyaevents.releases.stores import WRITER_WAIT, LocalStore, manifest_at
from libyaevents.snapshots import plans, queries, records, steps
from libyaevents.snapshots.incremental import MENTIONS, Parent
from libyaevents.snapshots.plans import Plan
from libyaevents.snapshots.queries import CLIENT_OPTIONS, QUERY_ARGUMENTS, Client
from libyaevents.snapshots.records import (
    FINGERPRINTS,
    TERMS,
    Synced,
    fingerprint_columns,
    snapshot_of,
)
from libyaevents.snapshots.steps import Step, absent_columns
from libyaevents.snapshots.versions import calendar_version

# the names sync has always offered, re-exported from the modules that hold them now
__all__ = [
    "CLIENT_OPTIONS",
    "FINGERPRINTS",
    "QUERY_ARGUMENTS",
    "SOURCES",
    "TERMS",
    "Synced",
    "absent_columns",
    "fingerprint_columns",
    "snapshot_of",
    "sync",
]

#: What ``sync`` pulls from.
SOURCES: Final = ("acled", "ucdp", "file")
_log = logging.getLogger("libyaevents")


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


def _problems_arrow(pulled: Loaded) -> pa.Table:
    table = problem_table(pulled.problems).astype("str").where(pulled.problems.notna(), None)
    return pa.Table.from_pandas(table, preserve_index=False)


def _nothing_returned(plan: Plan, pulled: Pulled, store: Path) -> str:
    """Why a first sync publishes nothing: which query returned no rows, and what to do."""
    query = plan.query if plan.query is not None else pulled.query
    asked = "&".join(f"{k}={v}" for k, v in query.items()) or "(no filters)"
    return (
        f"{plan.source} returned no rows for {asked} ({pulled.endpoint}): nothing was "
        f"published in {store}. Check the query (country names as the source spells them, "
        "the dates); to pin an empty first snapshot anyway, pass allow_empty=True "
        "(--allow-empty)."
    )


def _discard_pages(step: Step) -> None:
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
    typed = queries.query(source, {
        "country": country, "start": start, "end": end, "maritime": maritime, "version": version,
        "type_of_violence": type_of_violence, "path": path, "filters": filters,
        "client": client, "base_url": base_url, "token": token, "limit": limit,
        "work_dir": work_dir,
    })  # fmt: skip
    options = Client(
        client=client, base_url=base_url, token=token, limit=limit, progress=progress,
        work_dir=None if source == "file" else Path(work_dir or _work_dir(target)),
    )  # fmt: skip
    plan = plans.PLANS[source](typed, options)  # a bad query fails here, before the lock
    query = queries.asked(typed)
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
    target: LocalStore, plan: Plan, *, full: bool, check: bool, card: bool,
    query: dict[str, Any], allow_empty: bool,
) -> Synced:  # fmt: skip
    """:func:`sync` once the store's writer lock is held (``query`` without client options)."""
    source = plan.source
    parent, record = _previous(target)
    if record is not None and plan.endpoint is not None:
        queries.same_query(record, plan.source, plan.endpoint, plan.query)
    old = (
        Parent(store=target, version=parent, manifest=manifest_at(target.root / parent))
        if parent is not None
        else None
    )
    incremental = plan.since is not None and not full
    newest = old.newest_timestamp() if old is not None and incremental else None
    if old is not None and newest is not None:  # an incremental pull since then
        step = steps.incremental(plan, old, newest, check=check, card=card)
    else:
        step = steps.full(plan, old, record)
    if parent is None and step.pulled.rows_read == 0 and not allow_empty:
        raise InputError(_nothing_returned(plan, step.pulled, target.root))
    tables, changes, pulled, mode = step.tables, step.changes, step.pulled, step.mode
    since = newest if mode != "full" else None
    pinned = records.record(
        plan,
        pulled,
        mode,
        since,
        counts=step.counts,
        arguments=queries.arguments(source, query),
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
    extra = {} if layered is not None else {FINGERPRINTS: steps.whole_prints(old, tables, step)}
    if step.mentions is not None:
        extra[MENTIONS] = step.mentions
    if len(pulled.problems):
        extra["problems"] = _problems_arrow(pulled)
    folder = publish_release(
        tables, version, store=target, parent=parent, changes=changes, sources=sources,
        snapshot=pinned, extra=extra, absent={"events": step.absent},
        about=records.about(plan.source, pulled, pinned.entry()), card=card, increment=layered,
    )  # fmt: skip
    _discard_pages(step)
    _log.info("libyaevents: %s sync -> release %s", plan.source, version)
    snapshot = snapshot_of(manifest_at(folder)) or {}
    return synced(version, created=True, snapshot=snapshot)
