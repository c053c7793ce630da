"""A scripted history on the fake ACLED API, synced day by day: every claim checked against it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import libyaevents
from libyaevents.errors import InputError, ReleaseNotFoundError
from libyaevents.formats import parquet
from libyaevents.formats.content import content_hash_of
from libyaevents.releases.changes import diff_tables
from tests.snapshots.conftest import DAY1, DAY2, DAY3, History, client_of, events_of


def _same(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Every difference between two events tables, dtype-blind (empty when equal)."""
    return diff_tables({"events": a}, {"events": b})


def _three_days(history: History):
    first = history.day1_then_edits()
    second = history.sync()
    history.on(DAY3)
    third = history.sync()
    return first, second, third


def test_first_sync_is_a_full_pull_built_as_a_release(history):
    history.on(DAY1)
    done = history.sync()
    assert (done.mode, done.created, done.parent, done.version) == (
        "full",
        True,
        None,
        "2026.302.0",
    )
    assert libyaevents.verify_release(done.version, store=history.store).ok
    manifest = json.loads((Path(history.store) / done.version / "datapackage.json").read_text())
    snap = manifest["x-snapshot"]
    assert snap["source"] == "acled"
    assert snap["endpoint"] == f"{history.server.base_url}/api/acled/read"
    assert snap["query"] == {"country": "Libya"}
    assert snap["arguments"] == {"country": "Libya"}
    assert snap["accessed"] == DAY1.isoformat()
    assert manifest["licenses"][0]["name"] == "ACLED-terms-of-use"  # not this project's CC BY
    assert manifest["title"].startswith("Snapshot of ACLED (country=Libya)")
    assert (snap["rows_fetched"], snap["rows_deduplicated"], snap["rows_reported"]) == (400, 0, 0)
    events = next(r for r in manifest["resources"] if r["name"] == "events")
    assert snap["content_hash"] == events["x-content-hash"]
    assert _same(libyaevents.load(store=history.store).events, events_of(history.server.rows)).empty


def test_day_two_is_incremental_with_the_scripted_changes_and_day_three_adds_nothing(history):
    first, second, third = _three_days(history)
    assert (second.mode, second.parent, second.version) == (
        "incremental",
        first.version,
        "2026.309.0",
    )
    events = second.changes[second.changes["table"] == "events"]
    kinds = {k: set(g["record_id"]) for k, g in events.groupby("change")}
    assert kinds["added"] == {"LBY90001", "LBY90002"}
    assert kinds["deleted"] == {history.gone}
    assert kinds["modified"] == {history.fatal, history.renamed, history.moved}
    cells = events[events["change"] == "modified"].set_index(["record_id", "column"])
    for event_id, edits in history.edited.items():
        for column, (old, new) in edits.items():
            assert tuple(cells.loc[(event_id, column), ["old", "new"]]) == (old, new)
    assert history.renamed
    assert "Renamed Brigade of Test" in set(
        second.changes.loc[second.changes["table"] == "actors", "record_id"]
    ) | set(libyaevents.load(store=history.store).actors["name"])
    snap = second.snapshot
    assert snap["since_timestamp"] == int(history.server_newest_day1)
    assert (snap["deleted_fetched"], snap["rows_deleted"], snap["deleted_outside_query"]) == (
        2,
        1,
        1,
    )
    # day 3: the same rows again (timestamp >= T re-serves the newest): no new release
    assert (third.mode, third.created, third.version) == ("incremental", False, second.version)
    assert third.changes.empty
    assert libyaevents.list_releases(history.store) == [first.version, second.version]
    assert "no new release" in third.summary()


def test_as_of_loads_equal_the_server_on_each_day(history):
    _three_days(history)
    for day, rows in history.states.items():
        loaded = libyaevents.load(store=history.store, as_of=day)
        assert _same(loaded.events, events_of(rows)).empty, day
    assert libyaevents.load(store=history.store, as_of=DAY1.date()).version == "2026.302.0"
    assert libyaevents.load(store=history.store, as_of="2026-03-08").version == "2026.302.0"
    assert libyaevents.load(store=history.store, as_of=DAY3.isoformat()).version == "2026.309.0"
    with pytest.raises(ReleaseNotFoundError, match="accessed on or before 2026-03-01"):
        libyaevents.load(store=history.store, as_of="2026-03-01")
    with pytest.raises(InputError, match="not both"):
        libyaevents.load("2026.302.0", store=history.store, as_of="2026-03-09")


def test_history_lists_first_sight_each_change_and_deletion(history):
    _three_days(history)
    fatal = libyaevents.history(history.fatal, store=history.store)
    assert fatal[["version", "change"]].values.tolist()[0] == ["2026.302.0", "added"]
    edits = fatal[fatal["change"] == "modified"].set_index("column")
    old, new = history.edited[history.fatal]["fatalities"]
    assert tuple(edits.loc["fatalities", ["old", "new"]]) == (old, new)
    assert set(edits["version"]) == {"2026.309.0"}
    gone = libyaevents.history(history.gone, store=history.store)
    assert gone["change"].tolist() == ["added", "deleted"]
    assert libyaevents.history("LBY0", store=history.store).empty


def test_revision_totals_equal_the_scripted_ones(history, tmp_path):
    _three_days(history)
    found = libyaevents.revisions(history.store)
    totals = found.by_sync().iloc[0]
    assert totals["version"] == "2026.309.0"
    assert (totals["added"], totals["modified"], totals["deleted"]) == (2, 3, 1)
    assert (totals["fatalities_up"], totals["fatalities_down"]) == (7, 0)
    rows = {r["event_id_cnty"]: r for r in history.states["2026-03-09"]}
    assert totals["fatalities_added"] == sum(
        int(rows[i]["fatalities"]) for i in ("LBY90001", "LBY90002")
    )
    most = found.most_changed().set_index("column")["cells"]
    assert most["timestamp"] == 3
    assert most[["fatalities", "actor1", "admin1", "admin2"]].tolist() == [1, 1, 1, 1]
    assert set(found.lag["event_id_cnty"]) == {
        history.fatal,
        history.renamed,
        history.moved,
        history.gone,
    }
    lag = found.lag.set_index("event_id_cnty").loc[history.fatal]
    assert (
        lag["lag_days"]
        == (pd.Timestamp("2026-03-09") - pd.Timestamp(rows[history.fatal]["event_date"])).days
    )
    csv, parquet = found.to_file(tmp_path / "r.csv"), found.to_file(tmp_path / "r.parquet")
    assert pd.read_csv(csv)["added"].sum() == 2
    assert pd.read_parquet(parquet)["deleted"].sum() == 1
    with pytest.raises(InputError, match=r"as \.csv or \.parquet \(found '\.txt'\)"):
        found.to_file(tmp_path / "r.txt")


def test_revisions_are_drawn_as_a_png(history, tmp_path):
    pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")
    _three_days(history)
    png = libyaevents.revisions(history.store).plot(tmp_path / "r.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_stability_shows_how_far_each_panel_cell_moved(history):
    _three_days(history)
    moved = libyaevents.stability(history.store, period="month", level="country")
    per_version = moved.groupby("version")["events"].sum()
    assert per_version.tolist() == [400, 401]  # two added, one deleted
    second = moved[moved["version"] == "2026.309.0"]
    assert second["events_change"].sum() == 1
    assert second["fatalities_change"].sum() == 7 + sum(
        int(r["fatalities"])
        for r in history.states["2026-03-09"]
        if r["event_id_cnty"].startswith("LBY9000")
    ) - int(history.deleted_row["fatalities"])
    assert (moved["events_latest"] >= 0).all()
    assert moved["age_days"].notna().all()


def test_check_agrees_on_the_fake_server_and_reports_a_planted_inconsistency(history):
    history.day1_then_edits()
    agreed = history.sync(check=True)
    assert agreed.mode == "checked"
    assert agreed.differences is not None
    assert agreed.differences.empty
    # An edit ACLED forgot to stamp: invisible to timestamp >= T, seen by the full pull.
    newest = max(int(r["timestamp"]) for r in history.server.rows)
    untouched = next(r for r in history.server.rows if int(r["timestamp"]) < newest)
    history.server.upsert(dict(untouched, notes="A planted edit without a new timestamp."))
    history.on(DAY3)
    found = history.sync(check=True)
    assert found.differences[["record_id", "column", "new"]].values.tolist() == [
        [untouched["event_id_cnty"], "notes", "A planted edit without a new timestamp."]
    ]
    assert found.created  # the full pull, which holds the edit, is kept
    held = libyaevents.load(store=history.store).events.set_index("event_id_cnty")
    planted = "A planted edit without a new timestamp."
    assert held.loc[untouched["event_id_cnty"], "notes"] == planted
    assert "1 differences" in found.summary()


def test_full_resync_and_a_store_of_another_query_is_refused(history):
    history.day1_then_edits()
    done = history.sync(full=True)
    assert done.mode == "full"
    assert set(done.changes.loc[done.changes["change"] == "added", "record_id"]) >= {"LBY90001"}
    with pytest.raises(InputError, match="A store follows one query"):
        libyaevents.sync(
            history.store, "acled", client=client_of(history.server), country="Tunisia"
        )


def test_no_credential_reaches_the_store(history):
    _three_days(history)
    secrets = [history.server.password, *history.server.tokens, *history.server.refresh_tokens]
    for path in Path(history.store).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(s.encode() in data for s in secrets), path


def test_reproduce_matches_an_unchanged_server_and_names_what_changed(history, tmp_path):
    history.on(DAY1)
    first = history.sync()
    published = tmp_path / "paper"
    published.mkdir()
    for name in ("datapackage.json", "fingerprints.parquet"):  # what a paper publishes: no data
        shutil.copy(Path(history.store) / first.version / name, published / name)
    client = client_of(history.server)
    same = libyaevents.reproduce(published / "datapackage.json", store=tmp_path / "mine",
                                 client=client)  # fmt: skip
    assert same.matches
    assert same.content_hash_matches
    assert "matches" in same.summary()
    history.day2()
    history.on(DAY2)
    later = libyaevents.reproduce(published / "datapackage.json", store=tmp_path / "mine",
                                  client=client)  # fmt: skip
    assert not later.matches
    got = dict(zip(later.changes["record_id"], later.changes["change"], strict=True))
    assert got == {"LBY90001": "added", "LBY90002": "added", history.gone: "deleted",
                   history.fatal: "modified", history.renamed: "modified",
                   history.moved: "modified"}  # fmt: skip
    # the reader's store holds the published content (the first reproduce): cells are known
    assert later.cells is not None
    fatal = later.cells[
        (later.cells["record_id"] == history.fatal) & (later.cells["column"] == "fatalities")
    ]
    assert fatal[["old", "new"]].values.tolist() == [
        list(history.edited[history.fatal]["fatalities"])
    ]
    fresh = libyaevents.reproduce(published / "datapackage.json", store=tmp_path / "other",
                                  client=client)  # fmt: skip
    assert fresh.cells is None
    assert "fingerprints hold no values" in fresh.summary()


def test_reproduce_refuses_a_manifest_without_its_fingerprints_or_altered(history, tmp_path):
    history.on(DAY1)
    first = history.sync()
    folder = tmp_path / "paper"
    folder.mkdir()
    shutil.copy(Path(history.store) / first.version / "datapackage.json", folder)
    with pytest.raises(InputError, match=r"fingerprints.parquet: missing"):
        libyaevents.reproduce(folder / "datapackage.json", store=tmp_path / "s",
                              client=client_of(history.server))  # fmt: skip
    (folder / "fingerprints.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(libyaevents.IntegrityError, match="sha256 differs"):
        libyaevents.reproduce(folder / "datapackage.json", store=tmp_path / "s",
                              client=client_of(history.server))  # fmt: skip
    with pytest.raises(InputError, match="not the manifest of a snapshot"):
        libyaevents.reproduce(
            Path(libyaevents.load().path) / "datapackage.json", store=tmp_path / "s"
        )


def test_a_client_option_of_the_other_service_is_refused_not_sent(history, tmp_path):
    before = len(history.server.log)
    with pytest.raises(InputError, match="token= is UCDP's"):
        libyaevents.sync(tmp_path / "a", "acled", client=client_of(history.server),
                         country="Libya", token="a-ucdp-secret")  # fmt: skip
    with pytest.raises(InputError, match="client= is ACLED's"):
        libyaevents.sync(tmp_path / "u", "ucdp", version="25.1", client=client_of(history.server))
    assert len(history.server.log) == before  # nothing was sent, the token least of all


@pytest.mark.parametrize("version", [None, 2])
def test_reproduce_compares_a_snapshot_published_with_an_older_content_hash_by_its_own(
    history, tmp_path, version
):
    """A paper's manifest from before version 3 (1 or 2) still matches an unchanged server."""
    history.on(DAY1)
    first = history.sync()
    published = tmp_path / "paper"
    published.mkdir()
    shutil.copy(Path(history.store) / first.version / "fingerprints.parquet", published)
    manifest = json.loads((Path(history.store) / first.version / "datapackage.json").read_text())
    loaded = libyaevents.load(first.version, store=history.store)
    arrow = parquet.release_arrow(loaded.events, "events")
    events = next(r for r in manifest["resources"] if r["name"] == "events")
    events.pop("x-content-sum")
    events["x-content-hash"] = "sha256:" + content_hash_of(arrow, "events", version)
    if version is None:
        events.pop("x-content-hash-version")
    else:
        events["x-content-hash-version"] = version
    (published / "datapackage.json").write_text(json.dumps(manifest))
    same = libyaevents.reproduce(published / "datapackage.json", store=tmp_path / "mine",
                                 client=client_of(history.server))  # fmt: skip
    assert same.matches
    assert same.content_hash_matches
