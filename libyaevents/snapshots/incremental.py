"""Incremental snapshots: what a sync writes when its parent can carry the unchanged rows.

An incremental sync changes a few rows of a large table. Instead of writing
the whole table again, the new snapshot stores the rows it added or revised
and the ids it replaced or deleted, and refers to its parent's files (the
format: :mod:`libyaevents.releases.layers`). Every few syncs the chain is
compacted: the snapshot is written whole (:data:`~libyaevents.releases.layers.MAX_LAYERS`,
:data:`~libyaevents.releases.layers.MAX_SHARE`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import pandas as pd
import pyarrow as pa

from libyaevents.formats import parquet
from libyaevents.releases.increments import Increment, plan_layers
from libyaevents.releases.layers import ordered
from libyaevents.releases.release import Release

__all__ = ["Merged", "increment_of", "merged_arrow", "merged_events"]

_KEY = "event_id_cnty"


class Merged(Protocol):
    """What :func:`increment_of` needs of a sync's step (``sync._Step``)."""

    @property
    def tables(self) -> dict[str, pd.DataFrame]: ...
    @property
    def increment(self) -> pd.DataFrame | None: ...
    @property
    def replaced(self) -> np.ndarray | None: ...
    @property
    def absent(self) -> list[str]: ...
    @property
    def merged(self) -> pa.Table | None: ...


def merged_arrow(
    events: pd.DataFrame, increment: pd.DataFrame, replaced: np.ndarray, *, absent: Sequence[str]
) -> pa.Table:
    """``events`` without the ``replaced`` rows and with ``increment``, in release order, in Arrow.

    Done in one ``take``: the frames' text columns are Arrow arrays already,
    so the merged table costs one copy, not a filter and a concatenation of
    every column.
    """
    parent = parquet.to_arrow(events, "events", gaps=absent)
    rows = parquet.release_arrow(increment, "events", gaps=absent)
    return ordered([parent, rows], [np.flatnonzero(~replaced), np.arange(rows.num_rows)])


def merged_events(
    events: pd.DataFrame, increment: pd.DataFrame, replaced: np.ndarray, *, absent: Sequence[str]
) -> pd.DataFrame:
    """:func:`merged_arrow` as the canonical frame a load of it returns."""
    return parquet.from_arrow(merged_arrow(events, increment, replaced, absent=absent), "events")


def increment_of(old: Release, step: Merged, prints: pa.Table) -> Increment | None:
    """The layered form of an incremental sync's snapshot, or None to write it whole.

    ``step`` holds the merged tables (and the merged events in Arrow, when
    the merge kept them), the fetched rows, which rows of ``old.events`` they
    replace (or the source deleted) and the columns the source leaves empty;
    ``prints`` are the fetched rows' fingerprints.
    """
    if step.increment is None or step.replaced is None:
        return None
    held = pd.Index(old.events[_KEY][step.replaced].array, dtype="str")  # no 1M objects
    layering = plan_layers(old.path, old.manifest, held, rows=len(step.increment))
    if layering is None:
        return None
    rows = parquet.release_arrow(step.increment, "events", gaps=step.absent)
    whole = step.merged  # release order; kept from the merge, not converted back from the frame
    if whole is None:
        whole = parquet.to_arrow(step.tables["events"], "events", gaps=step.absent)
    return Increment(layering, rows, prints, whole)
