"""The coded dataset: the bundled release, its sources, and the seed report it codes."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest

import libyaevents
from libyaevents.cli import main
from libyaevents.releases.stores import LocalStore, bundled_store
from tests.conftest import shared_path

SEED_ID = "f8806eb3f3e19e34"
CODED_ON = "2026-11-29"


@pytest.fixture(scope="module")
def release() -> libyaevents.Release:
    return libyaevents.load()


@pytest.fixture(scope="module")
def sources() -> libyaevents.Sources:
    return libyaevents.read_sources()


@pytest.fixture(scope="module")
def seed_text() -> str:
    seeds = shared_path("seeds", what="the seed reports")
    matches = sorted(seeds.glob(f"*_{SEED_ID}.txt"))
    if not matches:
        pytest.skip(f"seed report {SEED_ID} not found in {seeds} (the seed reports of ../shared)")
    return matches[0].read_text(encoding="utf-8")


# -- the bundled release ---------------------------------------------------------


def test_bundled_release_loads_offline_verifies_and_validates(release):
    assert release.version == libyaevents.list_releases()[-1]
    assert release.path.is_relative_to(bundled_store().root)
    result = libyaevents.verify_release(release.version)
    assert result.ok, result.problems
    assert libyaevents.validate(release.tables(), today=CODED_ON).ok


def test_rebuilding_from_the_sources_gives_the_bundled_content(release, sources, tmp_path):
    built = libyaevents.build_release(
        sources.tables, release.version, store=tmp_path, parent=None,
        sources=sources.manifest_sources(), today=CODED_ON,
    )  # fmt: skip
    rebuilt = json.loads((built / "datapackage.json").read_text(encoding="utf-8"))
    hashes = {r["name"]: r.get("x-content-hash") for r in rebuilt["resources"]}
    bundled = {r["name"]: r.get("x-content-hash") for r in release.manifest["resources"]}
    assert hashes == bundled
    # the same day; the bundled 0.1.0 wrote it as a date (Data Package v1), builds now
    # write a date-time (v2)
    assert rebuilt["created"] == f"{CODED_ON}T00:00:00Z"
    assert release.manifest["created"] == CODED_ON
    assert rebuilt["sources"] == release.manifest["sources"]


def test_every_reference_resolves(release):
    events, actors, measures = release.events, release.actors, release.measures
    names = set(actors["name"])
    for column in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"):
        named = events[column].dropna().str.split("; ").explode()
        assert set(named) <= names, column
    ids = set(actors["actor_id"])
    assert set(measures["imposing_actor_id"]) <= ids
    assert set(measures["target_actor_id"].dropna()) <= ids
    assert set(actors["parent_id"].dropna()) <= ids
    assert set(measures["event_id_cnty"]) <= set(events["event_id_cnty"])


def test_every_row_names_its_report_and_section(release, sources):
    reports = set(sources.reports["report_id"])
    for name in ("events", "actors", "measures"):
        frame = release.tables()[name]
        assert frame["report_id"].notna().all(), name
        assert set(frame["report_id"]) <= reports, name
        assert frame["report_section"].str.match(r"International actors, para\. [1-3]\Z").all()


# -- coding of the seed report ---------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'"))


def _shingles(text: str, n: int) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_notes_are_paraphrased_not_copied(release, seed_text):
    """No note shares a run of eight words with the report (names alone are shorter)."""
    copied = _shingles(seed_text, 8)
    for name in ("events", "actors", "measures"):
        for row in release.tables()[name].itertuples(index=False):
            shared = _shingles(str(row.notes), 8) & copied
            assert not shared, (name, row[0], shared)


def test_the_report_exists_for_every_report_id(release, seed_text):
    assert "US sanctions Kaniyat" in seed_text
    assert set(release.events["report_id"]) == {SEED_ID}


def test_dates_and_precision_follow_the_report(release):
    events = release.events.set_index("event_id_cnty")
    day = events["event_date"].dt.strftime("%Y-%m-%d")
    assert (day["LBY7"], events.at["LBY7", "time_precision"]) == ("2020-11-25", 1)
    assert (day["LBY5"], events.at["LBY5", "time_precision"]) == ("2020-11-24", 1)
    assert day[["LBY3", "LBY4"]].tolist() == ["2020-11-23"] * 2
    # "the previous week" before 25 November: 16-22 November, mid-point, week precision
    assert (day["LBY2"], events.at["LBY2", "time_precision"]) == ("2020-11-19", 2)
    # "one month prior" to the 23 November briefing: month precision
    assert (day["LBY1"], events.at["LBY1", "time_precision"]) == ("2020-10-23", 3)
    assert (events["fatalities"] == 0).all()
    assert (events["event_type"] == "Strategic developments").all()


def test_events_outside_libya_are_located_where_they_happened(release):
    events = release.events.set_index("event_id_cnty")
    moscow = events.loc["LBY5"]
    assert (moscow["country"], moscow["iso"], moscow["location"]) == ("Russia", 643, "Moscow")
    assert moscow["geo_precision"] == 1
    us = events.loc["LBY7"]
    assert (us["country"], us["iso"], us["geo_precision"]) == ("United States", 840, 3)
    assert "location=seat of acting body" in us["tags"]


def test_the_leader_is_linked_to_his_group(release):
    actors = release.actors.set_index("actor_id")
    assert actors.at["mohammed-al-kani", "parent_id"] == "kaniyat-militia"
    assert actors.at["mohammed-al-kani", "role"] == "leader"
    assert actors.at["aqeela-saleh", "parent_id"] == "house-of-representatives"
    assert "HoR" in actors.at["house-of-representatives", "aliases"].split("; ")
    assert actors.at["kaniyat-militia", "inter_code"] == 3


def test_measures_carry_legal_basis_and_status_as_reported(release):
    measures = release.measures.set_index("measure_id")
    us = measures[measures["imposing_actor_id"] == "government-of-the-united-states"]
    assert set(us["measure_type"]) == {"Designation", "Asset freeze", "Business prohibition"}
    assert (us["status"] == "In force").all()
    assert (us["legal_basis"].str.contains("Global Magnitsky")).all()
    assert (us["start_date"] == pd.Timestamp("2020-11-25")).all()
    blocked = measures[measures["status"] == "Blocked"]
    assert blocked["target_actor_id"].tolist() == ["kaniyat-militia"]
    embargo = measures[measures["measure_type"] == "Monitoring mission"]
    assert embargo["status"].tolist() == ["Adopted"]
    assert embargo["legal_basis"].str.contains("arms embargo").all()


# -- the summary job ---------------------------------------------------------------


def test_summary_reports_what_the_release_holds(release):
    summary = libyaevents.summarise()
    assert summary.verified.ok
    assert summary.version == release.version
    assert summary.rows == {n: len(f) for n, f in release.tables().items()}
    assert (summary.first_date, summary.last_date) == ("2020-10-23", "2020-11-25")
    assert summary.by_type["events"].sum() == len(release.events)
    assert summary.by_month.set_index("month")["events"].to_dict() == {"2020-10": 1, "2020-11": 6}
    assert set(summary.measures_in_force["measure_id"]) == {"LBYM2", "LBYM3", "LBYM4"}
    kaniyat = summary.actors.set_index("actor_id").loc["kaniyat-militia"]
    assert kaniyat["events"] == 1  # LBY7 names it; the blocked listing is a measure
    # Before the measures started, none was in force.
    assert libyaevents.summarise(on="2020-11-24").measures_in_force.empty


def test_summary_command_prints_text_and_json(release, capsys):
    assert main(["summary"]) == 0
    out = capsys.readouterr().out
    assert f"libyaevents release {release.version}" in out
    assert "verified: files, sha256, content hashes, schema and all rules" in out
    assert "Kaniyat Militia" in out
    assert "Global Magnitsky Act" in out
    assert main(["summary", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verified"] is True
    assert data["rows"]["events"] == len(release.events)


def test_summary_of_a_tampered_store_exits_nonzero(release, tmp_path, capsys):
    store = tmp_path / "store"
    shutil.copytree(bundled_store().root, store)
    manifest = store / release.version / "datapackage.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["resources"][0]["x-content-hash"] = "sha256:" + "0" * 64
    manifest.write_text(json.dumps(data), encoding="utf-8")
    LocalStore(store).write_index()  # re-indexed: only the content hash betrays the edit
    assert main(["summary", "--store", str(store)]) == 1
    assert "NOT VERIFIED" in capsys.readouterr().out
