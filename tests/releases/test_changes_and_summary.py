"""releases.changes (the change table) and releases.summary (the summary job)."""

from __future__ import annotations

import json

import pandas as pd

import libyaevents
from libyaevents.releases.changes import CHANGE_COLUMNS, diff_tables, summarise_changes
from libyaevents.synthetic import synthetic_dataset


def test_added_deleted_and_modified_cells():
    old = synthetic_dataset(40, seed=9)
    events = old["events"].copy()
    events.loc[0, "fatalities"] = events.loc[0, "fatalities"] + 3
    events.loc[1, "notes"] = "Re-worded."
    removed = events.loc[2, "event_id_cnty"]
    events = events.drop(index=2)
    added = old["events"].iloc[[3]].assign(event_id_cnty="LBY999")
    new = {**old, "events": pd.concat([events, added], ignore_index=True)}
    changes = diff_tables(old, new)
    assert tuple(changes.columns) == CHANGE_COLUMNS
    first = old["events"].loc[0]
    cell = changes[(changes["record_id"] == first["event_id_cnty"])]
    assert cell[["change", "column", "old", "new"]].values.tolist() == [
        ["modified", "fatalities", str(first["fatalities"]), str(first["fatalities"] + 3)]
    ]
    assert changes.loc[changes["record_id"] == removed, "change"].tolist() == ["deleted"]
    assert changes.loc[changes["record_id"] == "LBY999", "change"].tolist() == ["added"]
    assert summarise_changes(changes) == {"events": {"added": 1, "deleted": 1, "modified": 2}}


def test_no_change_and_a_table_on_one_side_only():
    data = synthetic_dataset(10, seed=2)
    assert diff_tables(data, data).empty
    assert summarise_changes(diff_tables(data, data)) == {}
    only_new = diff_tables({}, {"actors": data["actors"]})
    assert set(only_new["change"]) == {"added"}
    assert len(only_new) == len(data["actors"])


def test_summary_of_the_bundled_release_is_consistent():
    summary = libyaevents.summarise()
    release = libyaevents.load()
    assert summary.verified.ok
    assert summary.rows == {n: len(f) for n, f in release.tables().items()}
    assert int(summary.by_type["events"].sum()) == len(release.events)
    assert int(summary.by_month["events"].sum()) == len(release.events)
    data = json.loads(json.dumps(summary.to_dict()))
    assert data["verified"] is True
    assert data["problems"] == []
    assert data["version"] == release.version
    assert release.version in summary.text()
