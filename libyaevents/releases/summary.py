"""What a user wants to see first about a release: the ``libyaevents summary`` job.

:func:`summarise` loads a release (the latest bundled one by default), verifies
it fully (hashes, content hashes, schema, every rule) and condenses it: version,
row counts, date range, events by type and by month, the actors and how often
events name them, and the measures in force.

Examples
--------
>>> from libyaevents.releases.summary import summarise
>>> summary = summarise()
>>> summary.verified.ok, summary.rows["events"] > 0
(True, True)
>>> print(summary.text())  # doctest: +ELLIPSIS
libyaevents release ... (schema ...), created ...
verified: files, sha256, content hashes, schema and all rules
...
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from libyaevents.arguments import timestamp
from libyaevents.errors import InputError
from libyaevents.releases.asof import AsOf
from libyaevents.releases.checks import VerifyResult
from libyaevents.releases.loading import Release, load
from libyaevents.releases.stores import StoreArg
from libyaevents.releases.verify import verify_release
from libyaevents.vocab import actortypes

__all__ = ["Summary", "summarise"]

_ACTOR_COLUMNS = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")


@dataclass(frozen=True, kw_only=True)
class Summary:
    """A condensed view of one release.

    Attributes
    ----------
    version, created, schema_version : str
        From the release manifest.
    verified : VerifyResult
        The full verification (``.ok``, ``.problems``).
    rows : dict of str to int
        Rows per table.
    first_date, last_date : str or None
        The range of ``event_date``.
    by_type : DataFrame
        ``event_type``, ``sub_event_type``, ``events``, ``fatalities``.
    by_month : DataFrame
        ``month`` (``YYYY-MM``), ``events``, ``fatalities``.
    actors : DataFrame
        ``actor_id``, ``name``, ``actor_type``, ``country``, ``events`` (events
        naming the actor as a main or associated actor), ``first_seen``.
    measures_in_force : DataFrame
        ``measure_id``, ``measure_type``, ``imposed_by``, ``target``,
        ``legal_basis``, ``start_date``, ``end_date``.
    measures_by_status : DataFrame
        ``status``, ``measures``.
    """

    version: str
    created: str
    schema_version: str
    verified: VerifyResult
    rows: dict[str, int]
    first_date: str | None
    last_date: str | None
    by_type: pd.DataFrame
    by_month: pd.DataFrame
    actors: pd.DataFrame
    measures_in_force: pd.DataFrame
    measures_by_status: pd.DataFrame

    def text(self) -> str:
        """Return the summary as readable text."""
        check = (
            "verified: files, sha256, content hashes, schema and all rules"
            if self.verified.ok
            else f"NOT VERIFIED: {len(self.verified.problems)} problems\n  "
            + "\n  ".join(self.verified.messages()[:20])
        )
        counts = ", ".join(f"{n:,} {t}" for t, n in self.rows.items())
        parts = [
            f"libyaevents release {self.version} (schema {self.schema_version}), "
            f"created {self.created}",
            check,
            f"rows: {counts}",
            f"events from {self.first_date} to {self.last_date}",
            _block("events by type", self.by_type),
            _block("events by month", self.by_month),
            _block("actors", self.actors.drop(columns="actor_id")),
            _block("measures by status", self.measures_by_status),
            _block("measures in force", self.measures_in_force),
        ]
        return "\n".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as JSON-ready data."""

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            out: list[dict[str, Any]] = json.loads(frame.to_json(orient="records"))
            return out

        return {
            "version": self.version,
            "created": self.created,
            "schema_version": self.schema_version,
            "verified": self.verified.ok,
            "problems": json.loads(self.verified.problems.to_json(orient="records")),
            "rows": self.rows,
            "first_date": self.first_date,
            "last_date": self.last_date,
            "by_type": records(self.by_type),
            "by_month": records(self.by_month),
            "actors": records(self.actors),
            "measures_by_status": records(self.measures_by_status),
            "measures_in_force": records(self.measures_in_force),
        }


def _block(title: str, frame: pd.DataFrame) -> str:
    if frame.empty:
        return f"\n{title}: none"
    return f"\n{title}:\n{frame.to_string(index=False, na_rep='-')}"


def _day(value: Any) -> str | None:
    return None if pd.isna(value) else str(pd.Timestamp(value).date())


def _by_type(events: pd.DataFrame) -> pd.DataFrame:
    grouped = events.groupby(["event_type", "sub_event_type"], observed=True)
    out = grouped.agg(events=("event_id_cnty", "size"), fatalities=("fatalities", "sum"))
    return out.reset_index().sort_values("events", ascending=False, kind="stable")


def _by_month(events: pd.DataFrame) -> pd.DataFrame:
    month = events["event_date"].dt.strftime("%Y-%m").rename("month")
    grouped = events.groupby(month)
    out = grouped.agg(events=("event_id_cnty", "size"), fatalities=("fatalities", "sum"))
    return out.reset_index()


def _actors(release: Release) -> pd.DataFrame:
    events = release.events
    named = pd.concat(
        [events[c].str.split("; ").explode() for c in _ACTOR_COLUMNS if c in events]
    ).dropna()
    # One count per event and actor, even when an actor fills two columns.
    pairs = pd.DataFrame({"event": named.index, "name": named.to_numpy()}).drop_duplicates()
    counts = pairs["name"].value_counts()
    actors = release.actors
    out = pd.DataFrame(
        {
            "actor_id": actors["actor_id"],
            "name": actors["name"],
            "actor_type": actors["inter_code"].map(dict(actortypes.INTER_LABEL)),
            "country": actors["country"],
            "events": actors["name"].map(counts).fillna(0).astype("int64"),
            "first_seen": actors["first_seen"].dt.strftime("%Y-%m-%d"),
        }
    )
    return out.sort_values(["events", "name"], ascending=[False, True], kind="stable")


def _measures_in_force(release: Release, on: pd.Timestamp) -> pd.DataFrame:
    measures = release.measures
    name_of = dict(zip(release.actors["actor_id"], release.actors["name"], strict=True))
    started = (measures["start_date"] <= on).fillna(False).astype(bool)
    ended = (measures["end_date"] < on).fillna(False).astype(bool)
    in_force = measures[(measures["status"] == "In force").fillna(False) & started & ~ended]
    return pd.DataFrame(
        {
            "measure_id": in_force["measure_id"],
            "measure_type": in_force["measure_type"],
            "imposed_by": in_force["imposing_actor_id"].map(name_of),
            "target": in_force["target_actor_id"].map(name_of),
            "legal_basis": in_force["legal_basis"],
            "start_date": in_force["start_date"].dt.strftime("%Y-%m-%d"),
            "end_date": in_force["end_date"].dt.strftime("%Y-%m-%d"),
        }
    ).reset_index(drop=True)


def _on_day(on: pd.Timestamp | str) -> pd.Timestamp:
    day = timestamp(on)
    if day is None:
        msg = f"on must be a day (YYYY-MM-DD) for the measures in force; found {on!r}."
        raise InputError(msg)
    return day


def summarise(
    version: str | None = None,
    *,
    store: StoreArg = None,
    on: pd.Timestamp | str | None = None,
    as_of: AsOf | None = None,
) -> Summary:
    """Load, verify and summarise a release.

    Parameters
    ----------
    version : str, optional
        The latest release in the store by default.
    store : path, URL or Store, optional
        The bundled releases by default (see :func:`libyaevents.load`).
    on : Timestamp or str, optional
        The day "in force" refers to: measures with status ``In force`` that
        started on or before it and whose ``end_date`` is not before it. The
        release's creation date by default, which is what its reports could know.
    as_of : date, datetime or str, optional
        Instead of ``version``: summarise the data as it stood then, the
        newest release accessed on or before it (as :func:`libyaevents.load`;
        ``Summary.version`` says which).

    Returns
    -------
    Summary

    Raises
    ------
    ReleaseNotFoundError
        When the store has no such version, or none accessed by ``as_of``.
    IntegrityError
        When a file does not match the manifest (the load refuses it).
    InputError
        When ``on`` is not a day, or both ``version`` and ``as_of`` are given.
    """
    release = load(version, store=store, as_of=as_of)
    verified = verify_release(release)  # the tables as loaded: read once
    manifest = release.manifest
    day = _on_day(on if on is not None else str(manifest["created"])[:10])
    events = release.events
    by_status = release.measures["status"].value_counts().rename("measures")
    return Summary(
        version=release.version,
        created=str(manifest["created"])[:10],
        schema_version=str(manifest["x-schema-version"]),
        verified=verified,
        rows={name: len(frame) for name, frame in release.tables().items()},
        first_date=_day(events["event_date"].min()),
        last_date=_day(events["event_date"].max()),
        by_type=_by_type(events),
        by_month=_by_month(events),
        actors=_actors(release),
        measures_in_force=_measures_in_force(release, day),
        measures_by_status=by_status[by_status > 0].rename_axis("status").reset_index(),
    )
