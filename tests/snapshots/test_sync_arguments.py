"""sync's typed arguments: the query, ACLED fields through filters=, client options, refusals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import libyaevents
from libyaevents.cli import main
from libyaevents.errors import InputError
from libyaevents.releases.stores import LocalStore
from libyaevents.synthetic import synthetic_dataset
from tests.snapshots.conftest import DAY1, DAY2, client_of

READ = "/api/acled/read"


def _battles(history) -> set[str]:
    return {r["event_id_cnty"] for r in history.server.rows if r["event_type"] == "Battles"}


def _reads(history) -> list[dict[str, list[str]]]:
    return [params for _, path, params in history.server.log if path == READ]


def test_an_acled_field_goes_through_filters_and_stays_on_every_pull(history):
    wanted = _battles(history)
    assert 0 < len(wanted) < len(history.server.rows)
    history.on(DAY1)
    first = history.sync(filters={"event_type": "Battles"})
    assert set(libyaevents.load(first.version, store=history.store).events["event_id_cnty"]) == (
        wanted
    )
    assert first.snapshot["arguments"] == {"country": "Libya", "filters": {"event_type": "Battles"}}
    assert first.snapshot["query"]["event_type"] == "Battles"
    history.day2()
    history.on(DAY2)
    history.server.log.clear()
    second = history.sync(filters={"event_type": "Battles"})
    assert second.mode == "incremental"
    reads = _reads(history)
    assert reads
    assert all(p["event_type"] == ["Battles"] and "timestamp" in p for p in reads)


@pytest.mark.parametrize(
    ("source", "kwargs", "message"),
    [
        ("acled", {"token": "a-ucdp-secret"}, "token= is UCDP's"),
        ("acled", {"version": "25.1"}, r"sync\('acled'\) does not take version=: acled takes "
                                       r"country=, start=, end=, maritime=, filters="),
        ("acled", {"path": "export.csv"}, r"does not take path=: acled takes"),
        ("acled", {"filters": {"timestamp": (">=", 1)}}, "sync sets the timestamp filter itself"),
        ("acled", {"filters": {"country": "Tunisia"}}, r"filters= holds 'country': pass country="),
        ("acled", {"filters": {"limit": 5}}, "limit= is a client option"),
        ("ucdp", {"version": "25.1", "client": None, "filters": {"event_type": "Battles"}},
         r"sync\('ucdp'\) does not take filters=: ucdp takes version=, country=, start=, end=, "
         r"type_of_violence= \(the query\) and token=, base_url=, limit=, work_dir="),
        ("ucdp", {"version": "25.1", "maritime": True}, "does not take maritime="),
        ("ucdp", {"country": 620}, r"sync\('ucdp'\): pass version= \(a GED version"),
        ("file", {"path": "x.csv", "limit": 10}, r"does not take limit=: file takes path= "
                                                 r"\(the query\) only"),
        ("file", {}, r"sync\('file'\): pass path= \(an ACLED or UCDP export\)"),
    ],
)  # fmt: skip
def test_an_argument_the_source_does_not_take_is_refused_before_any_request(
    history, tmp_path, source, kwargs, message
):
    if source == "acled":
        kwargs = {"client": client_of(history.server), "country": "Libya", **kwargs}
    with pytest.raises(InputError, match=message):
        libyaevents.sync(tmp_path / "store", source, **kwargs)
    assert history.server.log == []
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").iterdir())


def _published(history, tmp_path, version: str) -> Path:
    folder = tmp_path / "paper"
    folder.mkdir()
    for name in ("datapackage.json", "fingerprints.parquet"):
        shutil.copy(Path(history.store) / version / name, folder / name)
    return folder / "datapackage.json"


def test_a_snapshot_recorded_with_a_field_beside_the_query_still_reproduces(history, tmp_path):
    history.on(DAY1)
    first = history.sync(filters={"event_type": "Battles"})
    manifest = _published(history, tmp_path, first.version)
    data = json.loads(manifest.read_text())
    # how versions before filters= recorded an ACLED field: beside country, start, end
    data["x-snapshot"]["arguments"] = {"country": "Libya", "event_type": "Battles"}
    manifest.write_text(json.dumps(data))
    history.server.log.clear()
    again = libyaevents.reproduce(manifest, store=tmp_path / "mine",
                                  client=client_of(history.server))  # fmt: skip
    assert again.matches, again.summary()
    assert again.synced.snapshot["arguments"]["filters"] == {"event_type": "Battles"}
    assert _reads(history)
    assert all(p["event_type"] == ["Battles"] for p in _reads(history))


def test_an_operator_filter_is_recorded_as_one_and_reproduces(history, tmp_path):
    history.on(DAY1)
    wanted = {r["event_id_cnty"] for r in history.server.rows if int(r["fatalities"]) >= 1}
    assert 0 < len(wanted) < len(history.server.rows)
    first = history.sync(filters={"fatalities": (">=", 1)})
    assert first.snapshot["arguments"]["filters"] == {"fatalities": {"where": ">=", "value": 1}}
    loaded = libyaevents.load(first.version, store=history.store).events
    assert set(loaded["event_id_cnty"]) == wanted
    manifest = _published(history, tmp_path, first.version)
    history.server.log.clear()
    again = libyaevents.reproduce(manifest, store=tmp_path / "mine",
                                  client=client_of(history.server))  # fmt: skip
    assert again.matches, again.summary()
    assert all(p["fatalities_where"] == [">="] for p in _reads(history))
    # a manifest written before the where record held the pair as a JSON list
    data = json.loads(manifest.read_text())
    data["x-snapshot"]["arguments"]["filters"] = {"fatalities": [">=", 1]}
    manifest.write_text(json.dumps(data))
    again = libyaevents.reproduce(manifest, store=tmp_path / "older",
                                  client=client_of(history.server))  # fmt: skip
    assert again.matches, again.summary()


def test_a_manifest_with_an_argument_no_sync_takes_is_refused(tmp_path):
    export = tmp_path / "export.csv"
    libyaevents.write_acled(synthetic_dataset(20, seed=4), export)
    done = libyaevents.sync(tmp_path / "published", "file", path=export)
    manifest = tmp_path / "published" / done.version / "datapackage.json"
    data = json.loads(manifest.read_text())
    data["x-snapshot"]["arguments"]["sheet"] = 2
    manifest.write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"records \['sheet'\] among the arguments of a file"):
        libyaevents.reproduce(manifest, store=tmp_path / "mine", path=export)


def test_the_sync_command_sends_filter_options_as_filters(history, monkeypatch, capsys):
    monkeypatch.setenv("ACLED_USERNAME", history.server.username)
    monkeypatch.setenv("ACLED_PASSWORD", history.server.password)
    history.on(DAY1)
    history.server.log.clear()
    code = main(["sync", "acled", "--country", "Libya", "--filter", "event_type=Battles",
                 "--base-url", history.server.base_url, "--store", history.store])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    (version,) = LocalStore(history.store).versions()
    record = libyaevents.load(version, store=history.store).manifest["x-snapshot"]
    assert record["arguments"] == {"country": ["Libya"], "filters": {"event_type": "Battles"}}
    assert all(p["event_type"] == ["Battles"] for p in _reads(history))
