"""What a sync is asked: the query of each source, its client options, what is recorded.

:func:`~libyaevents.snapshots.sync.sync` takes the arguments of every source
as keywords; :func:`query` sorts those given into the typed query of one
source (:class:`AcledQuery`, :class:`UcdpQuery`, :class:`FileQuery`) and
refuses, before any request, an argument the source does not take. The client
options (:class:`Client`) reach the service and are never recorded; the query
arguments are, as JSON (:func:`arguments`), in the manifest's
``x-snapshot.arguments``, which :func:`libyaevents.reproduce` replays. A store
follows one query (:func:`same_query`).

Examples
--------
>>> typed = query("ucdp", {"version": "25.1", "country": 620, "token": None})
>>> asked(typed)
{'version': '25.1', 'country': 620}
>>> arguments("ucdp", {"start": dt.date(2024, 1, 1), "country": [620]})
{'start': '2024-01-01', 'country': [620]}
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final

import pandas as pd

from libyaevents.errors import InputError
from libyaevents.live.acled import AcledClient, is_where
from libyaevents.live.credentials import Secret
from libyaevents.live.pulls import Progress

__all__ = [
    "CLIENT_OPTIONS",
    "NOT_FILTERS",
    "QUERY_ARGUMENTS",
    "AcledQuery",
    "Client",
    "FileQuery",
    "UcdpQuery",
    "arguments",
    "asked",
    "query",
    "same_query",
]


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
NOT_FILTERS: Final = {
    "timestamp": "sync sets the timestamp filter itself (incremental pulls)",
    "event_date": "pass start= / end=",
    "maritime_pairs": "pass maritime=True",
    **{name: f"pass {name}=" for name in ("country", "start", "end", "maritime")},
    **{name: f"{name}= is a client option: pass it to sync itself"
       for name in ("client", "base_url", "limit", "work_dir", "progress", "keep_pages")},
}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class AcledQuery:
    """An ACLED query: ``country``, the ``event_date`` range, sea events, any other field."""

    country: str | Sequence[str] | None = None
    start: Any = None
    end: Any = None
    maritime: bool = False
    filters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class UcdpQuery:
    """A UCDP GED query: one version, and its country, date and violence-type filters."""

    version: str
    country: int | Sequence[int] | None = None
    start: Any = None
    end: Any = None
    type_of_violence: int | Sequence[int] | None = None


@dataclass(frozen=True, kw_only=True)
class FileQuery:
    """An export downloaded again."""

    path: str | os.PathLike[str]


_QUERIES: Final = {"acled": AcledQuery, "ucdp": UcdpQuery, "file": FileQuery}


@dataclass(frozen=True, kw_only=True)
class Client:
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


def query(source: str, given: Mapping[str, Any]) -> AcledQuery | UcdpQuery | FileQuery:
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
    typed: AcledQuery | UcdpQuery | FileQuery = _QUERIES[source](
        **{k: v for k, v in asked.items() if k in QUERY_ARGUMENTS[source]}
    )
    return typed


def _given(value: Any) -> bool:
    """Whether an argument was given: None, False and no filters are the defaults."""
    return (
        value is not None and value is not False and not (isinstance(value, Mapping) and not value)
    )


def asked(query: AcledQuery | UcdpQuery | FileQuery) -> dict[str, Any]:
    """The query arguments given (what re-runs the sync), without the defaults."""
    values = {f.name: getattr(query, f.name) for f in fields(query)}
    return {k: v for k, v in values.items() if _given(v)}


def same_query(record: Mapping[str, Any], source: str, endpoint: Any, query: Any) -> None:
    """Refuse a sync that asks another query than the one the store follows."""
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


def arguments(source: str, query: Mapping[str, Any]) -> dict[str, Any]:
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
