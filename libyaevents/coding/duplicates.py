"""New events that look like a different event already in a release.

A coder extending a release's coding has all of its events in their folder
too. An event is **new** unless the release has an event with its id and the
same day, type, actors and coordinates (a corrected event keeps its id and is
not a duplicate of itself). Each new event is paired with the release's events
by :func:`libyaevents.compare_events` (same ``sub_event_type``, dates at most a
day apart, widened for week and month precision), and a pair is a likely
duplicate when the two events are also at the same place (within
:data:`SAME_PLACE_KM`) between the same actors (``actor1`` and ``actor2`` in
either order) and have different ids. An event that truly is another one says
so with the tag ``distinct-from=<release event id>``.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

from libyaevents.analysis.matching import compare_events
from libyaevents.problems import problem_table
from libyaevents.readers.coded import Sources
from libyaevents.releases.loading import load
from libyaevents.releases.stores import StoreArg

__all__ = ["SAME_PLACE_KM", "release_duplicates"]

#: Events this close (km) are at the same place (places come from one registry).
SAME_PLACE_KM: Final = 1.0

_IDENTITY: Final = (
    "event_id_cnty", "event_date", "sub_event_type", "actor1", "actor2", "latitude", "longitude",
)  # fmt: skip


def _keys(events: pd.DataFrame) -> pd.Series:
    parts = [events[c].astype("str").fillna("") for c in _IDENTITY]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + "\x1f" + part
    return joined


def _actors(events: pd.DataFrame, rows: Any) -> pd.Series:
    picked = events.iloc[rows]
    pairs = zip(picked["actor1"], picked["actor2"], strict=True)
    return pd.Series([frozenset(str(a) for a in pair if not pd.isna(a)) for pair in pairs])


def release_duplicates(
    sources: Sources, events: pd.DataFrame, version: str, *, store: StoreArg = None
) -> pd.DataFrame:
    """``possible-duplicate`` problems of ``events`` (typed, from ``sources``) against a release.

    Raises
    ------
    ReleaseNotFoundError
        When the version is not in the store.
    """
    released = load(version, store=store).events
    new = ~_keys(events).isin(set(_keys(released)))
    candidates = events[new.to_numpy()]
    if candidates.empty or released.empty:
        return problem_table({})
    found = compare_events(
        candidates.reset_index(drop=True), released, days=1, km=SAME_PLACE_KM,
        same="sub_event_type", names=("coded", version),
    ).matches  # fmt: skip
    left, right = found["left_row"].to_numpy(), found["right_row"].to_numpy()
    same = (
        (found["left_id"] != found["right_id"]).to_numpy()
        & (found["km_apart"] <= SAME_PLACE_KM).to_numpy()
        & (_actors(candidates, left) == _actors(released, right)).to_numpy()
    )
    tags = candidates["tags"].fillna("").astype("str").iloc[left].to_numpy()
    rows = []
    for i in range(len(found)):
        other = str(found["right_id"].iloc[i])
        if not same[i] or f"distinct-from={other}" in tags[i].split("; "):
            continue
        row = int(candidates.index[left[i]])
        mine = str(found["left_id"].iloc[i])
        rows.append({
            "table": "events", "record_id": mine,
            "row": row, "column": "event_id_cnty", "code": "possible-duplicate", "value": other,
            "message": (
                f"{mine} looks like {other} of release {version}: same sub-event type, actors "
                f"and place, {int(found['days_apart'].iloc[i])} days apart; if it is the same "
                f"event, remove {mine} (or correct {other} under its own id); if not, add the "
                f'tag "distinct-from={other}"'
            ),
        })  # fmt: skip
    if not rows:
        return problem_table({})
    return problem_table(sources.locate(pd.DataFrame(rows)), severity="error")
