"""What a living dataset's revisions look like: one event's history, revision analytics, stability.

Every snapshot of a store carries its change table against its parent, so the
store as a whole is a record of how the source was revised: which events were
added late, which were edited (and which columns), which were deleted, how
fatality counts moved, how long after an event its last change came, and how
far an aggregate panel still moves between snapshots.

Examples
--------
>>> import tempfile
>>> from libyaevents.synthetic import synthetic_dataset
>>> import libyaevents
>>> store = tempfile.mkdtemp()
>>> data = synthetic_dataset(40, seed=2)
>>> _ = libyaevents.build_release(data, "1.0.0", store=store)
>>> data["events"].loc[0, "fatalities"] = 12
>>> _ = libyaevents.build_release(data, "1.1.0", store=store)
>>> history("LBY1", store=store)[["version", "change", "column", "old", "new"]].values.tolist()
[['1.0.0', 'added', nan, nan, nan], ['1.1.0', 'modified', 'fatalities', '0', '12']]
>>> revisions(store).by_sync()[["version", "modified", "fatalities_up"]].values.tolist()
[['1.1.0', 1, 12]]
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from libyaevents.analysis.panels import LEVELS, PERIODS, aggregate, period_start, unit_columns
from libyaevents.analysis.plots import pyplot, save_png
from libyaevents.arguments import choice
from libyaevents.errors import InputError, ReleaseNotFoundError
from libyaevents.files import write_frame
from libyaevents.releases.asof import accessed_times
from libyaevents.releases.loading import load
from libyaevents.releases.stores import open_store
from libyaevents.schema.tables import EVENTS

__all__ = ["Revisions", "history", "revisions", "stability"]

_KEY: Final = EVENTS.primary_key
_CHANGES: Final = "changes.parquet"
#: The columns of :attr:`Revisions.table`, after the unit columns.
COUNTS: Final = (
    "added",
    "modified",
    "deleted",
    "fatalities_up",
    "fatalities_down",
    "fatalities_added",
    "fatalities_deleted",
)

StoreArg = str | os.PathLike[str] | None


def _chain(store: StoreArg) -> list[tuple[str, pd.Timestamp, Path]]:
    """Each version with its access time and folder, oldest first."""
    source = open_store(store)
    times = accessed_times(source)
    if not times:
        msg = f"No release in {source!r}: sync or build one first."
        raise ReleaseNotFoundError(msg)
    return [(v, at, source.folder(v)) for v, at in times.items()]


def _changes(folder: Path, ids: list[str] | None = None) -> pd.DataFrame:
    """A release's change table, events only (optionally of some ids)."""
    expr = pc.field("table") == "events"
    if ids is not None:
        expr = expr & pc.field("record_id").isin(ids)
    return pq.read_table(folder / _CHANGES, filters=expr).to_pandas()


def history(event_id: str, *, store: StoreArg = None) -> pd.DataFrame:
    """Every version of one event across the releases of a store.

    Parameters
    ----------
    event_id : str
        An ``event_id_cnty``.
    store : path or URL, optional
        A store of snapshots (or of any releases); the bundled one by default.

    Returns
    -------
    DataFrame
        ``version``, ``accessed``, ``change`` (``added`` when first seen,
        ``modified`` once per changed column, ``deleted``), ``column``, ``old``,
        ``new``; empty when no release ever held the id.
    """
    if not isinstance(event_id, str) or not event_id:
        msg = f"event_id must be an event_id_cnty (text); found {event_id!r}."
        raise InputError(msg)
    parts = []
    for version, at, folder in _chain(store):
        found = _changes(folder, [event_id])
        if len(found):
            parts.append(found.assign(version=version, accessed=at))
    columns = ["version", "accessed", "change", "column", "old", "new"]
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
    return pd.concat(parts, ignore_index=True)[columns]


def _among(ids: list[str]) -> pc.Expression:
    """A filter on event ids (the release stores them as large strings)."""
    return pc.field(_KEY).isin(pa.array(ids, pa.large_string()))


def _attributes(folder_version: str, store: StoreArg, ids: list[str]) -> pd.DataFrame:
    """Country, admin1, admin2, event_date and fatalities of some events of a release (typed)."""
    wanted = [_KEY, *LEVELS, "event_date", "fatalities"]
    release = load(folder_version, store=store, columns=wanted, filters=_among(ids))
    return release.events


@dataclass(frozen=True)
class Revisions:
    """How the releases of a store revised their parents.

    Attributes
    ----------
    table : DataFrame
        One row per sync, unit and event period: ``version``, ``accessed``,
        the unit columns (``country``, ``admin1`` ...), ``period`` (first day
        of the event period), then ``added``, ``modified`` (events with any
        changed cell), ``deleted``, ``fatalities_up`` and ``fatalities_down``
        (sums of the increases and decreases of modified events' fatalities),
        ``fatalities_added`` and ``fatalities_deleted`` (fatalities of events
        added or deleted).
    columns : DataFrame
        ``version``, ``column``, ``cells``: how many cells of each column each
        sync changed, most first within a sync.
    lag : DataFrame
        One row per event changed by a sync after it was first seen:
        ``event_id_cnty``, ``event_date``, ``last_change`` (the version),
        ``accessed`` and ``lag_days`` (from the event's date to the access
        time of its last change).
    versions : tuple of str
        The store's versions compared, oldest first (one: nothing to compare).
    """

    table: pd.DataFrame
    columns: pd.DataFrame
    lag: pd.DataFrame
    versions: tuple[str, ...] = ()

    def by_sync(self) -> pd.DataFrame:
        """The counts summed per sync."""
        keys = ["version", "accessed"]
        summed = self.table.groupby(keys, observed=True, sort=True)[list(COUNTS)].sum()
        return summed.reset_index()

    def most_changed(self) -> pd.DataFrame:
        """Columns by cells changed over all syncs, most first."""
        total = self.columns.groupby("column", observed=True)["cells"].sum()
        return total.sort_values(ascending=False).rename("cells").reset_index()

    def to_file(self, path: str | os.PathLike[str]) -> Path:
        """Write :attr:`table` as CSV or Parquet (by the file's suffix), in one rename."""
        return write_frame(self.table, path)

    def plot(self, path: str | os.PathLike[str]) -> Path:
        """A PNG: events added, modified, deleted and fatalities revised, per sync."""
        plt = pyplot()
        totals = self.by_sync()
        figure, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
        x = np.arange(len(totals))
        for offset, (name, colour) in enumerate(
            (("added", "#2b8cbe"), ("modified", "#fdae61"), ("deleted", "#d7191c"))
        ):
            top.bar(x + (offset - 1) * 0.27, totals[name], width=0.27, label=name, color=colour)
        top.set_ylabel("events")
        top.legend(frameon=False)
        top.set_title(f"Revisions per sync ({len(totals)} syncs)")
        bottom.bar(x, totals["fatalities_up"], color="#1a9641", label="revised up")
        bottom.bar(x, -totals["fatalities_down"], color="#7b3294", label="revised down")
        bottom.axhline(0, color="black", linewidth=0.5)
        bottom.set_ylabel("fatalities")
        bottom.legend(frameon=False)
        bottom.set_xticks(x, totals["version"], rotation=30, ha="right")
        figure.tight_layout()
        return save_png(figure, Path(path))


def _sync_rows(
    pair: tuple[str, str], at: pd.Timestamp, changes: pd.DataFrame, store: StoreArg, period: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One sync's counts per unit and period, and its changed-column counts."""
    parent, version = pair
    kinds = changes.drop_duplicates(["record_id", "change"])
    by_kind = {k: kinds.loc[kinds["change"] == k, "record_id"].tolist() for k in
               ("added", "modified", "deleted")}  # fmt: skip
    now = _attributes(version, store, by_kind["added"] + by_kind["modified"])
    before = _attributes(parent, store, by_kind["deleted"])
    events = pd.concat([now, before], ignore_index=True).drop_duplicates(_KEY)
    fatal = changes[(changes["change"] == "modified") & (changes["column"] == "fatalities")]
    delta = pd.to_numeric(fatal["new"]).fillna(0) - pd.to_numeric(fatal["old"]).fillna(0)
    moved = pd.Series(delta.to_numpy(), index=fatal["record_id"].to_numpy())
    frame = pd.DataFrame({_KEY: events[_KEY].astype("str")})
    frame[list(LEVELS)] = events[list(LEVELS)].astype("str").to_numpy()
    frame["period"] = period_start(events["event_date"], period).to_numpy()
    ids = frame[_KEY]
    deaths = events["fatalities"].fillna(0).to_numpy()
    for kind in ("added", "modified", "deleted"):
        frame[kind] = ids.isin(by_kind[kind]).astype("int64")
    change = moved.reindex(ids).fillna(0).to_numpy()
    frame["fatalities_up"] = np.where(change > 0, change, 0).astype("int64")
    frame["fatalities_down"] = np.where(change < 0, -change, 0).astype("int64")
    frame["fatalities_added"] = np.where(frame["added"] == 1, deaths, 0).astype("int64")
    frame["fatalities_deleted"] = np.where(frame["deleted"] == 1, deaths, 0).astype("int64")
    keys = [*LEVELS, "period"]
    table = frame.groupby(keys, dropna=False, sort=True)[list(COUNTS)].sum().reset_index()
    table.insert(0, "accessed", at)
    table.insert(0, "version", version)
    cells = changes[changes["change"] == "modified"].groupby("column").size()
    columns = cells.sort_values(ascending=False).rename("cells").reset_index()
    columns.insert(0, "version", version)
    return table, columns


def revisions(store: StoreArg = None, *, period: str = "week") -> Revisions:
    """Revision analytics of a store: per sync, unit and event period.

    Parameters
    ----------
    store : path or URL, optional
        A store of snapshots (any releases with parents work).
    period : {"day", "week", "month", "year"}
        The event period rows are grouped by (weeks start on Saturday, as
        ACLED's do).

    Returns
    -------
    Revisions
        ``.table``, ``.columns``, ``.lag``; ``.by_sync()``, ``.most_changed()``,
        ``.to_file(path)``, ``.plot(path)``.
    """
    choice(period, "period", PERIODS)
    chain = _chain(store)
    tables, columns, lags = [], [], []
    for (parent, _, _), (version, at, folder) in itertools.pairwise(chain):
        changes = _changes(folder)
        if changes.empty:
            continue
        table, cells = _sync_rows((parent, version), at, changes, store, period)
        tables.append(table)
        columns.append(cells)
        edited = changes.loc[changes["change"] != "added", "record_id"].unique().tolist()
        if edited:
            lags.append(pd.DataFrame({_KEY: edited, "last_change": version, "accessed": at}))
    empty_table = pd.DataFrame(columns=["version", "accessed", *LEVELS, "period", *COUNTS])
    table = pd.concat(tables, ignore_index=True) if tables else empty_table
    cells = (
        pd.concat(columns, ignore_index=True)
        if columns
        else pd.DataFrame(columns=["version", "column", "cells"])
    )
    return Revisions(table, cells, _lag(lags, chain, store), tuple(v for v, _, _ in chain))


def _lag(lags: list[pd.DataFrame], chain: list[Any], store: StoreArg) -> pd.DataFrame:
    columns = [_KEY, "event_date", "last_change", "accessed", "lag_days"]
    if not lags:
        return pd.DataFrame(columns=columns)
    last = pd.concat(lags, ignore_index=True).drop_duplicates(_KEY, keep="last")
    dates: dict[str, Any] = {}
    for version, _, _ in reversed(chain):  # an event's date as the newest release holding it has
        wanted = [i for i in last[_KEY] if i not in dates]
        if not wanted:
            break
        found = load(version, store=store, columns=[_KEY, "event_date"],
                     filters=_among(wanted)).events  # fmt: skip
        dates.update(zip(found[_KEY].astype("str"), found["event_date"], strict=True))
    last["event_date"] = pd.to_datetime(last[_KEY].map(dates))
    stamp = pd.to_datetime(last["accessed"], utc=True).dt.tz_localize(None)
    last["lag_days"] = (stamp.dt.normalize() - last["event_date"]).dt.days
    return last[columns].reset_index(drop=True)


def stability(
    store: StoreArg = None, *, period: str = "month", level: str = "admin1"
) -> pd.DataFrame:
    """How far an aggregate panel moved between snapshots.

    Each snapshot's events are aggregated (:func:`libyaevents.aggregate`) and
    each cell compared with the snapshot before it and with the latest one,
    so a researcher can tell how much recent periods still move and from what
    age a period has settled.

    Parameters
    ----------
    store : path or URL, optional
        A store of snapshots.
    period, level
        As :func:`libyaevents.aggregate`.

    Returns
    -------
    DataFrame
        ``version``, ``accessed``, ``period``, the unit columns, ``events``,
        ``fatalities``, ``events_change`` and ``fatalities_change`` (against the
        previous snapshot, empty for the first), ``events_latest`` and
        ``fatalities_latest`` (the latest snapshot's values), and ``age_days``
        (from the period's first day to the snapshot's access).
    """
    choice(period, "period", PERIODS)
    units = unit_columns(level)
    keys = ["period", *units]
    chain = _chain(store)
    panels = []
    for version, at, _ in chain:
        wanted = [_KEY, *units, "event_date", "fatalities", "time_precision", "geo_precision"]
        events = load(version, store=store, columns=wanted).events
        panel = aggregate(events, period=period, level=level)  # type: ignore[arg-type]
        panels.append(panel.assign(version=version, accessed=at))
    frame = pd.concat(panels, ignore_index=True)
    full = frame.set_index(["version", *keys])[["events", "fatalities"]].unstack("version")
    full = full.fillna(0)
    versions = [v for v, _, _ in chain]
    long = full.stack("version", future_stack=True).reset_index()
    long = long.merge(frame[["version", "accessed"]].drop_duplicates(), on="version")
    order = {v: i for i, v in enumerate(versions)}
    long = long.sort_values([*keys, "version"], key=lambda s: s.map(order) if s.name ==
                            "version" else s, kind="stable", ignore_index=True)  # fmt: skip
    grouped = long.groupby(keys, dropna=False, sort=False)
    for what in ("events", "fatalities"):
        long[f"{what}_change"] = grouped[what].diff()
        long[f"{what}_latest"] = grouped[what].transform("last")
    stamp = pd.to_datetime(long["accessed"], utc=True).dt.tz_localize(None)
    long["age_days"] = (stamp.dt.normalize() - pd.to_datetime(long["period"])).dt.days
    columns = ["version", "accessed", *keys, "events", "fatalities", "events_change",
               "fatalities_change", "events_latest", "fatalities_latest", "age_days"]  # fmt: skip
    return long[columns]
