"""How to pull each source: the whole query and, for ACLED, what changed since a time.

A :class:`Plan` holds the calls a sync makes, built from the typed query and
the client options (:mod:`libyaevents.snapshots.queries`) before the store is
locked, so a bad query is refused before any request: ACLED pulls its query
whole or by ``timestamp`` with the ids deleted since (incremental syncs); UCDP
pulls one GED version whole; a file is an export downloaded again, read
whole, its modification time the access time. :data:`PLANS` holds one maker
per source.

Examples
--------
>>> import tempfile
>>> from libyaevents import write_acled
>>> from libyaevents.snapshots.queries import Client, query
>>> from libyaevents.synthetic import synthetic_dataset
>>> export = tempfile.mkdtemp() + "/acled.csv"
>>> _ = write_acled(synthetic_dataset(20, seed=1), export)
>>> plan = PLANS["file"](query("file", {"path": export}), Client())
>>> plan.source, plan.query == {"file": "acled.csv"}, plan.since is None
('file', True, True)
>>> plan.full().rows_read
20
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pandas as pd

from libyaevents.arguments import day_range
from libyaevents.errors import InputError
from libyaevents.live.acled import AcledClient, acled_query, fetch_acled, fetch_acled_deleted
from libyaevents.live.pulls import Pulled
from libyaevents.live.ucdp import fetch_ucdp_ged
from libyaevents.readers.detect import read_events_export
from libyaevents.snapshots.queries import (
    NOT_FILTERS,
    AcledQuery,
    Client,
    FileQuery,
    UcdpQuery,
)

__all__ = ["PLANS", "Plan"]


@dataclass(frozen=True)
class Plan:
    """How to pull one source: the whole query, and (ACLED) what changed since a time."""

    source: str
    endpoint: str | None  # None: known once pulled
    query: dict[str, Any] | None
    full: Callable[[], Pulled]
    since: Callable[[int], Pulled] | None = None
    deleted: Callable[[int], pd.DataFrame] | None = None


def _acled_plan(query: AcledQuery, options: Client) -> Plan:
    for name in query.filters:
        if name in NOT_FILTERS:
            msg = f"filters= holds {name!r}: {NOT_FILTERS[name]}; remove {name} from filters=."
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

    return Plan(
        "acled", client.endpoint("acled/read"), sent, lambda: fetch_acled(**pull, **sent),
        since, deleted,
    )  # fmt: skip


def _ucdp_plan(query: UcdpQuery, options: Client) -> Plan:
    day_range(query.start, query.end)  # refused now, not after loading the store
    pagesize: dict[str, Any] = {} if options.limit is None else {"pagesize": options.limit}

    def full() -> Pulled:
        return fetch_ucdp_ged(
            query.version, query.country, query.start, query.end,
            type_of_violence=query.type_of_violence, token=options.token,
            base_url=options.base_url, work_dir=options.work_dir, progress=options.progress,
            keep_pages=True, **pagesize,
        )  # fmt: skip

    return Plan("ucdp", None, None, full)


def _file_plan(query: FileQuery, options: Client) -> Plan:
    del options  # a file needs no client
    source = Path(query.path)
    if not source.is_file():
        msg = f"{source}: no such file. Pass the export downloaded again."
        raise InputError(msg)
    return Plan("file", "file", {"file": source.name}, lambda: _read_file(source))


def _read_file(path: Path) -> Pulled:
    loaded = read_events_export(path)
    modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(microsecond=0)
    return Pulled(
        **{f: getattr(loaded, f) for f in loaded.__dataclass_fields__},
        endpoint="file", query={"file": path.name}, accessed=modified.isoformat(), pages=1,
    )  # fmt: skip


PLANS: Final[dict[str, Callable[[Any, Client], Plan]]] = {
    "acled": _acled_plan, "ucdp": _ucdp_plan, "file": _file_plan,
}  # fmt: skip
