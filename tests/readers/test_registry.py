"""readers.registry: actors updated from the events a change takes out and puts in.

A snapshot keeps its events' actor mention counts; its child updates them from
the rows it replaces and fetches (``updated_mentions``) instead of counting a
million events again. The actors it derives must be exactly those of the
merged events, whatever the change: revisions that move dates, an actor's only
event deleted, new actors, other inter codes and countries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from libyaevents.readers.registry import (
    actors_from_events,
    actors_from_mentions,
    mention_counts,
    mentions,
    updated_mentions,
)
from libyaevents.synthetic import synthetic_events

KEYS = ["name", "main", "inter", "country"]
NAMES = ("Militia of Zawiya", "Tebu Group", "New Force", "Civilians (Libya)", "Police Forces")


def _sorted(counts: pa.Table) -> pd.DataFrame:
    frame = counts.to_pandas()
    return frame.sort_values(KEYS, na_position="first", ignore_index=True)


@st.composite
def changes(draw: st.DrawFn, events: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Rows taken out (positions) and rows put in: revisions of some, with edits."""
    n = len(events)
    gone = np.array(sorted(draw(st.sets(st.integers(0, n - 1), max_size=40))), dtype="int64")
    picked = draw(st.lists(st.integers(0, n - 1), max_size=30))
    added = events.iloc[picked].copy().reset_index(drop=True)
    for i in range(len(added)):
        edit = draw(st.sampled_from(["date", "actor", "inter", "country", "assoc", "none"]))
        if edit == "date":
            shift = pd.Timedelta(days=draw(st.integers(-4000, 4000)))
            added.loc[i, "event_date"] = added.loc[i, "event_date"] + shift
        elif edit == "actor":
            added.loc[i, "actor1"] = draw(st.sampled_from(NAMES))
        elif edit == "inter":
            added.loc[i, "inter1"] = draw(st.integers(1, 8))
        elif edit == "country":
            added.loc[i, "country"] = draw(st.sampled_from(["Libya", "Tunisia", "Chad"]))
        elif edit == "assoc":
            added.loc[i, "assoc_actor_1"] = draw(st.sampled_from([None, *NAMES]))
    return gone, added


EVENTS = synthetic_events(400, seed=11)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(change=changes(EVENTS), narrow=st.booleans())
def test_updated_mentions_give_the_actors_of_the_merged_events(change, narrow):
    gone, added = change
    kept = EVENTS.drop(index=EVENTS.index[gone])
    after = pd.concat([kept, added], ignore_index=True)
    asked: list[list[str]] = []

    def recount(names: list[str]) -> pa.Table:
        asked.append(names)
        if not narrow:
            return mention_counts(after)
        naming = after[["actor1", "actor2", "assoc_actor_1", "assoc_actor_2"]].fillna("")
        hit = naming.apply(lambda col: col.map(lambda v: any(n in v for n in names))).any(axis=1)
        return mention_counts(after[hit.to_numpy()])

    found = updated_mentions(
        mention_counts(EVENTS), mention_counts(EVENTS.iloc[gone]), mention_counts(added), recount
    )
    pd.testing.assert_frame_equal(actors_from_mentions(found), actors_from_events(after))
    pd.testing.assert_frame_equal(_sorted(found), _sorted(mention_counts(after)))


def test_an_actors_only_event_deleted_removes_the_actor_without_a_recount():
    events = synthetic_events(200, seed=3)
    lonely = events.iloc[[5]].assign(actor1="Lonely Brigade", assoc_actor_1=None)
    held = pd.concat([events, lonely], ignore_index=True)

    def recount(names: list[str]) -> pa.Table:
        raise AssertionError(f"no recount needed, asked {names}")

    found = updated_mentions(
        mention_counts(held), mention_counts(lonely), mention_counts(lonely.iloc[:0]), recount
    )
    assert "Lonely Brigade" not in found["name"].to_pylist()
    pd.testing.assert_frame_equal(actors_from_mentions(found), actors_from_events(events))


def test_a_first_date_taken_out_is_recounted_for_that_actor_only():
    events = synthetic_events(300, seed=5)
    first = events.sort_values("event_date").iloc[[0]]
    name = first["actor1"].iloc[0]
    after = events.drop(index=first.index)
    asked: list[list[str]] = []

    def recount(names: list[str]) -> pa.Table:
        asked.append(names)
        return mention_counts(after)

    found = updated_mentions(
        mention_counts(events), mention_counts(first), mention_counts(first.iloc[:0]), recount
    )
    assert asked
    assert name in asked[0]
    assert set(asked[0]) <= set(pd.concat([first["actor1"], first["actor2"]]).dropna())
    pd.testing.assert_frame_equal(actors_from_mentions(found), actors_from_events(after))


def test_mention_counts_extend_mentions():
    events = synthetic_events(500, seed=2)
    counted, plain = _sorted(mention_counts(events)), _sorted(mentions(events))
    pd.testing.assert_frame_equal(counted[plain.columns], plain)
    assert (counted["mentions"] >= counted["event_date_count"]).all()
    assert (counted["event_date_min_count"] >= 1).all()
    assert (counted["event_date_max_count"] >= 1).all()
