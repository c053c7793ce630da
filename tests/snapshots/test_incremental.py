"""Incremental snapshots: a chain of syncs on the fake ACLED API stores only what changed.

Each later sync of the scripted history writes the rows it fetched and the ids
it replaced or deleted, and refers to its parent's files; every claim is checked
against a whole snapshot of the same server state (a first sync into a store of
its own), and against DuckDB and Polars reading the files without the library.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest

import libyaevents
from libyaevents.errors import IntegrityError
from libyaevents.releases import increments
from libyaevents.releases.stores import LocalStore
from tests.snapshots.conftest import DAY1, History, client_of

KEY = "event_id_cnty"


def _week(n: int) -> dt.datetime:
    return DAY1 + dt.timedelta(weeks=n)


def _revise(history: History, week: int, *, edits: int = 3, deletes: int = 1) -> None:
    """The server's changes of a week: ``edits`` fatality counts, ``deletes`` ids, one new event."""
    day = _week(week)
    stamp = int(day.timestamp()) - 3600
    ids = sorted((r[KEY] for r in history.server.rows), key=lambda i: int(i[3:]))
    picked = ids[week * 7 : week * 7 + edits + deletes]
    for event_id in picked[:edits]:
        row = dict(history.row(event_id))
        row.update(fatalities=str(int(row["fatalities"]) + 1), timestamp=str(stamp))
        history.server.upsert(row)
    for event_id in picked[edits:]:
        history.server.delete(event_id, stamp + 60)
    new = dict(history.row(ids[-1]), timestamp=str(stamp))
    new[KEY] = f"LBY{95000 + week}"
    history.server.upsert(new)
    history.on(day)


def _whole(history: History, tmp_path: Path, week: int) -> libyaevents.Release:
    """The server as it stands, pinned by a first (whole) sync into a store of its own."""
    store = tmp_path / f"whole-{week}"
    done = libyaevents.sync(store, "acled", client=client_of(history.server), country="Libya",
                            limit=100)  # fmt: skip
    return libyaevents.load(done.version, store=store)


def _events(manifest: dict) -> dict:
    return next(r for r in manifest["resources"] if r["name"] == "events")


def _own_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir())


@pytest.fixture
def chain(history: History, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Day 1 whole, then three weeks of revisions synced: (versions, whole releases by version).

    The server holds 400 events, so a week's few changes are a few percent of
    them: the share that compacts is raised to keep the chain (a test below
    checks the rule itself).
    """
    monkeypatch.setattr(increments, "MAX_SHARE", 0.5)
    history.on(DAY1)
    versions = [history.sync().version]
    wholes = {versions[0]: _whole(history, tmp_path, 0)}
    for week in (1, 2, 3):
        _revise(history, week)
        done = history.sync()
        assert done.created
        assert done.mode == "incremental"
        versions.append(done.version)
        wholes[done.version] = _whole(history, tmp_path, week)
    return versions, wholes


def test_each_sync_stores_its_rows_and_loads_as_the_whole_snapshot(history, chain):
    versions, wholes = chain
    store = Path(history.store)
    for version in versions[1:]:
        folder = store / version
        layers = _events(json.loads((folder / "datapackage.json").read_text()))["x-layers"]
        assert not (folder / "events.parquet").exists()
        assert not (folder / "fingerprints.parquet").exists()
        assert layers[0]["path"] == f"../{versions[0]}/events.parquet"
        assert layers[-1]["path"] == "events-rows.parquet"
        assert len(layers) == versions.index(version) + 1
        manifest = json.loads((folder / "datapackage.json").read_text())
        # the rows fetched (three revised, one added, and the ones at the newest time held,
        # which a pull since that time returns again)
        assert 4 <= layers[-1]["rows"] == manifest["x-snapshot"]["rows_fetched"] < 10
        loaded = libyaevents.load(version, store=store)
        whole = wholes[version]
        pd.testing.assert_frame_equal(loaded.events, whole.events)  # same rows, same order
        assert (
            _events(loaded.manifest)["x-content-hash"] == _events(whole.manifest)["x-content-hash"]
        )
        assert _events(loaded.manifest)["rows"] == len(whole.events)
        assert libyaevents.verify_release(version, store=store).ok
        assert _own_bytes(folder) < 0.6 * _own_bytes(whole.path)


def test_the_deletes_give_positions_and_each_layer_what_it_revised(history, chain):
    """What a layered load uses instead of looking ids up and comparing every column."""
    versions, wholes = chain
    store = Path(history.store)
    for version in versions[1:]:
        folder = store / version
        manifest = json.loads((folder / "datapackage.json").read_text())
        layers = _events(manifest)["x-layers"]
        # the weeks revise fatality counts and times only (a new event revises nothing)
        assert [layer["x-revised"] for layer in layers[1:]] == [["fatalities", "timestamp"]] * (
            len(layers) - 1
        )
        deletes = pq.read_table(folder / "events-deletes.parquet").to_pylist()
        assert deletes
        assert all(set(d) == {"layer", KEY, "row"} for d in deletes)
        for d in deletes:  # each listed row is where the deletes say
            held = pq.read_table((folder / layers[d["layer"]]["path"]).resolve(), columns=[KEY])
            assert held[KEY][d["row"]].as_py() == d[KEY]
        # a manifest whose layers do not say what they revised loads the same
        for layer in layers[1:]:
            del layer["x-revised"]
        (folder / "datapackage.json").write_text(json.dumps(manifest))
        LocalStore(store).write_index()  # the index records each manifest's sha256
        pd.testing.assert_frame_equal(
            libyaevents.load(version, store=store).events, wholes[version].events
        )


def test_the_same_content_hashes_the_same_written_whole_or_in_layers(history, chain):
    """Version 3 both ways; the actors a layered sync updated are those of the whole pull."""
    versions, wholes = chain
    store = Path(history.store)
    for version in versions[1:]:
        manifest = json.loads((store / version / "datapackage.json").read_text())
        whole = wholes[version]
        mine, theirs = _events(manifest), _events(whole.manifest)
        assert mine["x-content-hash-version"] == theirs["x-content-hash-version"] == 3
        assert mine["x-content-hash"] == theirs["x-content-hash"]
        assert mine["x-content-sum"] == theirs["x-content-sum"]
        assert manifest["x-snapshot"]["content_hash"] == mine["x-content-hash"]
        assert manifest["x-snapshot"]["newest_timestamp"] == int(whole.events["timestamp"].max())
        loaded = libyaevents.load(version, store=store)
        pd.testing.assert_frame_equal(loaded.actors, whole.actors)
        pd.testing.assert_frame_equal(loaded.measures, whole.measures)
        assert manifest["created"] == whole.manifest["created"]


def _as_written_before(folder: Path) -> None:
    """A snapshot's manifest as syncs wrote it before version 3: no sum, counts, newest time."""
    path = folder / "datapackage.json"
    manifest = json.loads(path.read_text())
    manifest["resources"] = [r for r in manifest["resources"] if r["name"] != "actor-mentions"]
    for resource in manifest["resources"]:
        if resource.get("x-content-hash-version") == 3:
            resource.pop("x-content-sum")
            resource["x-content-hash-version"] = 2  # (not verified here: only read by the sync)
    del manifest["x-snapshot"]["newest_timestamp"]
    path.write_text(json.dumps(manifest, indent=2))
    LocalStore(folder.parent).write_index()  # the index records each manifest's sha256


def test_a_parent_written_before_version_three_is_built_on_all_the_same(
    history, tmp_path, monkeypatch
):
    monkeypatch.setattr(increments, "MAX_SHARE", 0.5)
    history.on(DAY1)
    first = history.sync()
    _as_written_before(Path(history.store) / first.version)
    _revise(history, 1)
    done = history.sync()
    assert done.mode == "incremental"
    manifest = json.loads((Path(history.store) / done.version / "datapackage.json").read_text())
    assert "x-layers" in _events(manifest)
    whole = _whole(history, tmp_path, 1)
    assert _events(manifest)["x-content-hash"] == _events(whole.manifest)["x-content-hash"]
    loaded = libyaevents.load(done.version, store=history.store)
    pd.testing.assert_frame_equal(loaded.events, whole.events)
    pd.testing.assert_frame_equal(loaded.actors, whole.actors)


def test_as_of_diff_and_history_read_the_chain(history, chain):
    versions, wholes = chain
    store = history.store
    day = _week(2).date()
    assert libyaevents.load(store=store, as_of=day).version == versions[2]
    found = libyaevents.diff(versions[0], versions[3], store=store)
    expected = libyaevents.diff(wholes[versions[0]], wholes[versions[3]])
    pd.testing.assert_frame_equal(found, expected)
    deleted = found[(found["change"] == "deleted") & (found["table"] == "events")]
    first = deleted["record_id"].iloc[0]
    assert libyaevents.history(first, store=store)["change"].tolist() == ["added", "deleted"]


def test_a_large_revision_compacts_and_the_next_sync_builds_on_it(history, tmp_path):
    history.on(DAY1)
    history.sync()
    _revise(history, 1, edits=60)  # 15% of the 400 events: more than MAX_SHARE
    compacted = history.sync()
    folder = Path(history.store) / compacted.version
    assert (folder / "events.parquet").is_file()
    assert "x-layers" not in _events(json.loads((folder / "datapackage.json").read_text()))
    # a pull since the newest time held returns the rows edited at that time again: the
    # 60 rows come back once more (whole again), then only the next week's few
    _revise(history, 2)
    again = history.sync()
    _revise(history, 3)
    after = history.sync()
    manifest = json.loads((Path(history.store) / after.version / "datapackage.json").read_text())
    base = next(v for v in (again.version, compacted.version)
                if (Path(history.store) / v / "events.parquet").is_file())  # fmt: skip
    assert _events(manifest)["x-layers"][0]["path"] == f"../{base}/events.parquet"
    pd.testing.assert_frame_equal(
        libyaevents.load(after.version, store=history.store).events,
        _whole(history, tmp_path, 3).events,
    )


def test_a_chain_longer_than_the_rule_is_written_whole(history, monkeypatch):
    monkeypatch.setattr(increments, "MAX_LAYERS", 3)
    history.on(DAY1)
    history.sync()
    kinds = []
    for week in (1, 2, 3):
        _revise(history, week)
        done = history.sync()
        kinds.append((Path(history.store) / done.version / "events.parquet").is_file())
    assert kinds == [False, False, True]  # base + 2 layers, then the third would be a 4th file


def test_a_corrupted_file_of_a_parent_is_named(history, chain):
    versions, _ = chain
    store = Path(history.store)
    base = store / versions[0] / "events.parquet"
    data = bytearray(base.read_bytes())
    data[len(data) // 2] ^= 0xFF
    base.write_bytes(bytes(data))
    found = libyaevents.verify_release(versions[-1], store=store)
    assert not found.ok
    assert str(base.resolve()) in found.problems["source"].tolist()
    assert "hash-mismatch" in found.problems["code"].tolist()
    with pytest.raises(IntegrityError, match=str(base.resolve())):
        libyaevents.load(versions[-1], store=store)


def _documented(folder: Path) -> tuple[list[str], str]:
    """The files and the deletes of a snapshot, as docs/releases.md reads them."""
    manifest = json.loads((folder / "datapackage.json").read_text())
    events = next(r for r in manifest["resources"] if r["name"] == "events")
    return [str(folder / f["path"]) for f in events.get("x-layers", [events])], str(
        folder / "events-deletes.parquet"
    )


def test_duckdb_and_polars_read_a_chain_through_the_documented_call(history, chain):
    versions, wholes = chain
    files, deletes = _documented(Path(history.store) / versions[-1])
    union = " UNION ALL BY NAME ".join(
        f"SELECT {i} AS layer, * FROM read_parquet('{f}')" for i, f in enumerate(files)
    )
    by_duckdb = duckdb.sql(
        f"SELECT * EXCLUDE (layer) FROM ({union}) ANTI JOIN read_parquet('{deletes}') "
        "USING (layer, event_id_cnty) ORDER BY event_date, event_id_cnty"
    ).df()
    rows = pl.concat(
        [pl.scan_parquet(f).with_columns(pl.lit(i, pl.Int32).alias("layer"))
         for i, f in enumerate(files)], how="diagonal_relaxed",
    )  # fmt: skip
    by_polars = (
        rows.join(pl.scan_parquet(deletes), on=["layer", KEY], how="anti")
        .drop("layer").sort(["event_date", KEY]).collect().to_pandas()
    )  # fmt: skip
    whole = wholes[versions[-1]].events
    for found in (by_duckdb, by_polars):
        assert found[KEY].tolist() == whole[KEY].tolist()
        assert found["fatalities"].astype("int64").tolist() == whole["fatalities"].tolist()
        assert found["notes"].tolist() == whole["notes"].tolist()


def test_filters_columns_and_dask_read_a_chain_as_the_whole(history, chain):
    versions, wholes = chain
    store, whole = history.store, wholes[versions[-1]]
    admin = whole.events["admin1"].iloc[0]
    narrowed = libyaevents.load(versions[-1], store=store, filters={"admin1": admin},
                                columns=["event_id_cnty", "fatalities"])  # fmt: skip
    expected = whole.events.loc[whole.events["admin1"] == admin, ["event_id_cnty", "fatalities"]]
    pd.testing.assert_frame_equal(narrowed.events, expected.reset_index(drop=True))
    lazy = libyaevents.load(versions[-1], store=store, engine="dask").events
    assert lazy.npartitions > 1
    found = lazy.compute()  # the partitions in order: release order, no sort
    assert found[KEY].tolist() == whole.events[KEY].tolist()
    assert found["fatalities"].tolist() == whole.events["fatalities"].tolist()
    differ = {n for n in whole.events.columns if found[n].dtype != whole.events[n].dtype}
    assert differ == {n for n in differ if whole.events[n].dtype == "str"}  # Dask's strings
    some = libyaevents.load(versions[-1], store=store, engine="dask", filters={"admin1": admin},
                            columns=["event_id_cnty", "fatalities"]).events.compute()  # fmt: skip
    pd.testing.assert_frame_equal(
        some.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False
    )


def test_publishing_a_layered_snapshot_with_its_rows_is_refused_before_any_request(history, chain):
    """A Zenodo record cannot refer to the parents' files: a whole snapshot or the recipe."""
    from libyaevents.publishing.publish import publish_to_zenodo

    versions, _ = chain
    folder = Path(history.store) / versions[-1]
    manifest = json.loads((folder / "datapackage.json").read_text())
    manifest["x-redistributable"] = True  # as if the source's terms allowed it
    (folder / "datapackage.json").write_text(json.dumps(manifest))
    LocalStore(history.store).write_index()
    for rows in (True, None):
        with pytest.raises(libyaevents.InputError, match=r"incremental snapshot.*full=True"):
            publish_to_zenodo(versions[-1], store=history.store, rows=rows)


def test_an_event_deleted_then_added_again_loads_as_the_whole(history, tmp_path, monkeypatch):
    """Its new row takes the base row's place: what it changed is known against the base."""
    monkeypatch.setattr(increments, "MAX_SHARE", 0.5)
    history.on(DAY1)
    history.sync()
    victim = sorted((r[KEY] for r in history.server.rows), key=lambda i: int(i[3:]))[50]
    row = dict(history.row(victim))
    history.server.delete(victim, int(_week(1).timestamp()) - 3600)
    history.on(_week(1))
    assert history.sync().mode == "incremental"
    back = dict(row, notes=row["notes"] + " Restored.", timestamp=str(int(_week(2).timestamp())))
    history.server.upsert(back)  # the same id and date, another note
    history.on(_week(2))
    done = history.sync()
    assert done.mode == "incremental"
    manifest = json.loads((Path(history.store) / done.version / "datapackage.json").read_text())
    assert "notes" in _events(manifest)["x-layers"][-1]["x-revised"]
    loaded = libyaevents.load(done.version, store=history.store).events
    pd.testing.assert_frame_equal(loaded, _whole(history, tmp_path, 2).events)
