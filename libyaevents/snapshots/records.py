"""What a sync writes down and hands back: the snapshot record, its terms, the result.

Each snapshot's manifest records under ``x-snapshot`` the source, endpoint,
query (never a credential), access time, rows fetched, deduplicated, reported
and deleted, and the fingerprints (:func:`record`; :func:`snapshot_of` reads
it back); its title and licence are the source's (:data:`TERMS`,
:func:`about`). :class:`Synced` is what one sync did.

Examples
--------
>>> snapshot_of({"x-snapshot": {"source": "file", "mode": "full"}})
{'source': 'file', 'mode': 'full'}
>>> snapshot_of({"name": "a release built, not synced"}) is None
True
>>> "event_id_cnty" in fingerprint_columns(), "fatalities" in fingerprint_columns()
(False, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd

from libyaevents.live.pulls import Pulled
from libyaevents.readers.account import Loaded
from libyaevents.releases.changes import summarise_changes
from libyaevents.releases.manifest import SnapshotRecord
from libyaevents.schema.tables import EVENTS
from libyaevents.snapshots.fingerprints import FINGERPRINT_ALGORITHM
from libyaevents.snapshots.plans import Plan

__all__ = [
    "FINGERPRINTS",
    "TERMS",
    "Synced",
    "about",
    "fingerprint_columns",
    "record",
    "snapshot_of",
]


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


def snapshot_of(manifest: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``x-snapshot`` record of a release manifest (None for a release not synced)."""
    record = manifest.get("x-snapshot")
    return dict(record) if isinstance(record, Mapping) else None


def record(
    plan: Plan, pulled: Pulled, mode: str, since: int | None, *, counts: Mapping[str, int],
    arguments: dict[str, Any], newest: int | None,
) -> SnapshotRecord:  # fmt: skip
    """What the manifest records under ``x-snapshot`` of a sync's pull."""
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


def about(source: str, pulled: Loaded, snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """Title and licence of a snapshot: the source's data under the source's terms."""
    origin = "ucdp" if source == "ucdp" or pulled.vintage.startswith("ucdp") else "acled"
    name = "UCDP GED" if origin == "ucdp" else "ACLED"
    query = snapshot.get("query") or {}
    said = ", ".join(f"{k}={v}" for k, v in query.items()) or "no filters"
    return {
        "title": f"Snapshot of {name} ({said}) accessed {snapshot.get('accessed', '')}",
        "licenses": [TERMS[origin]],
    }
