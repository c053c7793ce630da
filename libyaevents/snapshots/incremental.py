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

__all__ = ["Merged", "increment_of", "merged_events"]

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


def merged_events(
    events: pd.DataFrame, increment: pd.DataFrame, replaced: np.ndarray, *, absent: Sequence[str]
) -> pd.DataFrame:
    """``events`` without the ``replaced`` rows and with ``increment``, in release order.

    Done in Arrow, in one ``take``: the frames' text columns are Arrow
    arrays already, so the merged frame costs one copy, not a filter and a
    concatenation of every column.
    """
    parent = parquet.to_arrow(events, "events", gaps=absent)
    rows = parquet.release_arrow(increment, "events", gaps=absent)
    whole = ordered([parent, rows], [np.flatnonzero(~replaced), np.arange(rows.num_rows)])
    return parquet.from_arrow(whole, "events")


def increment_of(old: Release, step: Merged, prints: pa.Table) -> Increment | None:
    """The layered form of an incremental sync's snapshot, or None to write it whole.

    ``step`` holds the merged tables, the fetched rows, which rows of
    ``old.events`` they replace (or the source deleted) and the columns the
    source leaves empty; ``prints`` are the fetched rows' fingerprints.
    """
    if step.increment is None or step.replaced is None:
        return None
    held = pd.Index(old.events[_KEY][step.replaced].array, dtype="str")  # no 1M objects
    layering = plan_layers(old.path, old.manifest, held, rows=len(step.increment))
    if layering is None:
        return None
    rows = parquet.release_arrow(step.increment, "events", gaps=step.absent)
    whole = parquet.to_arrow(step.tables["events"], "events", gaps=step.absent)  # release order
    return Increment(layering, rows, prints, whole)
