"""Releases: build, verify, load, list, diff; immutability, atomicity, faults, stores."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import libyaevents
from libyaevents import (
    InputError,
    IntegrityError,
    ReleaseExistsError,
    ReleaseNotFoundError,
    ValidationError,
)
from libyaevents.cli import main
from libyaevents.formats import parquet
from libyaevents.formats.parquet import sort_rows
from libyaevents.releases.remote import RemoteStore
from libyaevents.releases.stores import LocalStore
from libyaevents.synthetic import synthetic_dataset, synthetic_events
from tests.conftest import ROOT

TODAY = "2026-01-01"
FILES = ("events.parquet", "actors.parquet", "measures.parquet", "changes.parquet")


@pytest.fixture(scope="module")
def data():
    return synthetic_dataset(3_000, seed=11)


def _deletable(data):
    """Two event rows no measure points at."""
    used = set(data["measures"]["event_id_cnty"])
    events = data["events"]
    return [i for i in range(20, 200) if events.loc[i, "event_id_cnty"] not in used][:2]


def _edited(data):
    new = {k: v.copy() for k, v in data.items()}
    new["events"].loc[7, "fatalities"] = 42
    new["events"].loc[8, "notes"] = "Rewritten note for a test."
    new["events"] = new["events"].drop(index=_deletable(data))
    extra = data["events"].iloc[[0]].assign(event_id_cnty="LBY999999")
    new["events"] = pd.concat([new["events"], extra], ignore_index=True)
    return new


@pytest.fixture
def store(tmp_path, data):
    root = tmp_path / "store"
    libyaevents.build_release(data, "1.0.0", store=root, today=TODAY)
    libyaevents.build_release(_edited(data), "1.1.0", store=root, today=TODAY)
    return root


def test_round_trip_is_exact_and_sorted(store, data):
    release = libyaevents.load("1.0.0", store=store)
    for name, frame in data.items():
        assert release.tables()[name].equals(sort_rows(frame, name)), name
    events = release.events
    assert list(events["event_date"]) == sorted(events["event_date"])
    assert events["event_date"].dtype == "datetime64[ms]"


def test_loaded_frames_can_be_edited(store):
    events = libyaevents.load("1.0.0", store=store).events
    events.loc[0, "fatalities"] = 99
    events.loc[1, "notes"] = "edited"
    assert events.loc[0, "fatalities"] == 99
    actors = libyaevents.load("1.0.0", store=store).actors
    actors.loc[0, "name"] = "Renamed"
    assert libyaevents.load("1.0.0", store=store).actors.loc[0, "name"] != "Renamed"


def test_manifest_says_what_was_loaded(store, data):
    release = libyaevents.load(store=store)
    manifest = release.manifest
    assert release.version == manifest["version"] == "1.1.0"
    assert manifest["x-parent-version"] == "1.0.0"
    assert manifest["licenses"][0]["name"] == "CC-BY-4.0"
    expected_created = max(
        data["events"]["event_date"].max(),
        pd.Timestamp(int(data["events"]["timestamp"].max()), unit="s"),
        data["measures"]["end_date"].max(),
    )
    assert manifest["created"] == f"{expected_created.date()}T00:00:00Z"
    resources = {r["name"]: r for r in manifest["resources"]}
    assert resources["events"]["rows"] == len(data["events"]) - 1
    assert resources["events"]["hash"].startswith("sha256:")
    assert manifest["x-changes"] == {"events": {"added": 1, "deleted": 2, "modified": 2}}


def test_building_twice_gives_the_same_bytes(tmp_path, data):
    for name in ("a", "b"):
        shuffled = {k: v.sample(frac=1, random_state=len(name)) for k, v in data.items()}
        libyaevents.build_release(shuffled, "1.0.0", store=tmp_path / name, today=TODAY)
    for name in (*FILES, "datapackage.json"):
        first = (tmp_path / "a" / "1.0.0" / name).read_bytes()
        assert first == (tmp_path / "b" / "1.0.0" / name).read_bytes(), name


def test_parquet_layout(store):
    meta = pq.ParquetFile(store / "1.0.0" / "events.parquet").metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"
    assert meta.row_group(0).sorting_columns[0].column_index == 1  # event_date
    assert meta.row_group(0).column(1).statistics.has_min_max
    keys = set(pq.read_schema(store / "1.0.0" / "events.parquet").metadata)
    assert keys == {b"libyaevents"}


def _row_groups(path):
    meta = pq.ParquetFile(path).metadata
    year = meta.schema.to_arrow_schema().get_field_index("year")
    groups = [meta.row_group(i) for i in range(meta.num_row_groups)]
    return [(g.num_rows, g.column(year).statistics.min, g.column(year).statistics.max)
            for g in groups]  # fmt: skip


def _two_years(seed):
    """80,000 events over 2020-2021: several full 32k row groups per year."""
    events = synthetic_events(80_000, seed=seed)
    days = pd.to_timedelta(np.arange(len(events)) * 730 // len(events), unit="D")
    events["event_date"] = (pd.Timestamp("2020-01-01") + days).astype("datetime64[ms]")
    events["year"] = events["event_date"].dt.year.astype("int16")
    return events


def test_row_groups_hold_one_year_each_and_at_most_32k_rows(tmp_path):
    events = _two_years(seed=3)
    parquet.write_table(events, "events", str(tmp_path / "events.parquet"))
    groups = _row_groups(tmp_path / "events.parquet")
    assert all(low == high for _, low, high in groups)  # a year filter reads only its groups
    by_year = {y: [n for n, low, _ in groups if low == y] for y in (2020, 2021)}
    expected = {y: int((events["year"] == y).sum()) for y in (2020, 2021)}
    assert {y: sum(ns) for y, ns in by_year.items()} == expected
    assert by_year[2020][:-1] == [32_768] * (len(by_year[2020]) - 1)  # full groups, then the rest


def test_filtered_read_of_many_row_groups_matches_pandas(tmp_path):
    # 80k events in two years: several 32k groups per year, read on threads,
    # label columns (places, actors) read as dictionaries and decoded back
    events = _two_years(seed=4)
    path = str(tmp_path / "events.parquet")
    parquet.write_table(events, "events", path)
    full = parquet.read_table(path, "events")
    march = dt.date(2020, 3, 1)
    dnf = [[("admin1", "in", {"West"}), ("year", "in", {2021})],
           [("actor2", "in", {"Wagner Group"}), ("event_date", ">=", march)]]  # fmt: skip
    bounds = (march, None)
    want = full[
        ((full["admin1"] == "West") & (full["year"] == 2021))
        | ((full["actor2"] == "Wagner Group") & (full["event_date"] >= "2020-03-01"))
    ].reset_index(drop=True)
    assert len(_row_groups(path)) >= 4
    assert 0 < len(want) < len(full)
    filtered = parquet.read_table(path, "events", filters=dnf, dates=bounds)
    assert list(filtered.dtypes) == list(full.dtypes)  # labels decoded, not categorical
    assert filtered.equals(want)
    nothing = parquet.read_table(path, "events", filters=dnf, dates=(dt.date(2030, 1, 1), None))
    assert nothing.empty
    assert list(nothing.dtypes) == list(full.dtypes)


def test_existing_version_is_never_overwritten(store, data):
    before = (store / "1.0.0" / "events.parquet").read_bytes()
    with pytest.raises(ReleaseExistsError, match=r"1\.0\.0 already exists.*immutable"):
        libyaevents.build_release(_edited(data), "1.0.0", store=store, today=TODAY)
    assert (store / "1.0.0" / "events.parquet").read_bytes() == before


def test_a_store_that_is_a_file_is_refused_before_the_build(tmp_path, data, capsys):
    taken = tmp_path / "notes.txt"
    taken.write_text("mine")
    for store in (taken, taken / "store"):
        with pytest.raises(InputError, match="is a file"):
            libyaevents.build_release(data, "1.0.0", store=store, today=TODAY)
    folder = tmp_path / "tables"
    folder.mkdir()
    for name, frame in data.items():
        frame.to_parquet(folder / f"{name}.parquet")
    code = main(["release", "build", str(folder), "--version", "1.0.0",
                 "--store", str(taken), "--today", TODAY])  # fmt: skip
    assert code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "is a file" in line
    assert taken.read_text() == "mine"


def test_invalid_data_is_refused_and_nothing_written(tmp_path, data):
    bad = {k: v.copy() for k, v in data.items()}
    bad["events"].loc[3, "fatalities"] = -1
    with pytest.raises(ValidationError, match="out-of-range"):
        libyaevents.build_release(bad, "1.0.0", store=tmp_path, today=TODAY)
    assert list(tmp_path.iterdir()) == []


def test_list_and_latest(store, data, caplog):
    libyaevents.build_release(data, "1.10.0", store=store, today=TODAY)
    assert libyaevents.list_releases(store) == ["1.0.0", "1.1.0", "1.10.0"]
    with caplog.at_level("INFO", logger="libyaevents"):
        assert libyaevents.load(store=store).version == "1.10.0"
    assert "loading release 1.10.0, the latest" in caplog.text
    index = json.loads((store / "releases.json").read_text())
    assert sorted(index["versions"]) == ["1.0.0", "1.1.0", "1.10.0"]


def test_missing_version_and_empty_store(store, tmp_path):
    with pytest.raises(ReleaseNotFoundError, match=r"No release '9\.9\.9'.*1\.0\.0, 1\.1\.0"):
        libyaevents.load("9.9.9", store=store)
    with pytest.raises(ReleaseNotFoundError, match="No release in"):
        libyaevents.load(store=tmp_path / "empty")
    with pytest.raises(InputError, match=r"MAJOR\.MINOR\.PATCH"):
        libyaevents.load("v1", store=store)


def test_diff_and_change_table(store, data):
    changes = libyaevents.diff("1.0.0", "1.1.0", store=store)
    assert changes.equals(libyaevents.load("1.1.0", store=store).changes())
    columns = changes["column"].fillna("-")
    found = set(zip(changes["record_id"], changes["change"], columns, strict=True))
    assert ("LBY999999", "added", "-") in found
    for row in _deletable(data):
        assert (data["events"].loc[row, "event_id_cnty"], "deleted", "-") in found
    assert ("LBY8", "modified", "fatalities") in found
    modified = changes[changes["column"] == "fatalities"].iloc[0]
    assert modified["new"] == "42"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"admin1": "East"}, lambda e: e["admin1"] == "East"),
        ({"admin1": ["East", "South"]}, lambda e: e["admin1"].isin(["East", "South"])),
        ({"start": "2015-01-01", "end": "2015-12-31"}, lambda e: e["year"] == 2015),
        ({"event_type": "Battles", "year": 2020},
         lambda e: (e["event_type"] == "Battles") & (e["year"] == 2020)),
        ({"actor": "Wagner Group"},
         lambda e: (e["actor1"] == "Wagner Group") | (e["actor2"] == "Wagner Group")),
        # with a date bound the row groups are chosen from statistics and the
        # filter evaluated directly: one-sided events (no actor2) must still match
        ({"actor": "Wagner Group", "start": "2014-01-01", "admin1": ["East", "West"]},
         lambda e: ((e["actor1"] == "Wagner Group") | (e["actor2"] == "Wagner Group"))
         & (e["event_date"] >= "2014-01-01") & e["admin1"].isin(["East", "West"])),
        ({"year": [2013, 2014], "country": "Libya"},
         lambda e: e["year"].isin([2013, 2014]) & (e["country"] == "Libya")),
        ({"end": "2012-06-30", "event_type": ["Riots", "Protests"]},
         lambda e: (e["event_date"] <= "2012-06-30") & e["event_type"].isin(["Riots", "Protests"])),
    ],
)  # fmt: skip
def test_filters_match_pandas(store, filters, expected):
    full = libyaevents.load("1.0.0", store=store).events
    filtered = libyaevents.load("1.0.0", store=store, filters=filters).events
    want = full[expected(full).fillna(False).astype(bool)].reset_index(drop=True)
    assert len(want) > 0
    assert filtered.equals(want)


def test_columns_and_unknown_filter(store):
    events = libyaevents.load(store=store, columns=["event_id_cnty", "admin1"]).events
    assert list(events.columns) == ["event_id_cnty", "admin1"]
    with pytest.raises(InputError, match=r"unknown key\(s\) \['region'\]"):
        libyaevents.load(store=store, filters={"region": "x"})


def test_empty_store_says_so(tmp_path):
    with pytest.raises(ReleaseNotFoundError, match="No release in"):
        libyaevents.load(store=tmp_path)


# -- faults ----------------------------------------------------------------------


def _flip_byte(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))


def _manifest(store: Path) -> Path:
    return store / "1.0.0" / "datapackage.json"


def _edit_manifest(store: Path, **changes: object) -> None:
    """Tamper with the manifest and re-index the store, as a consistent forger would."""
    manifest = json.loads(_manifest(store).read_text())
    manifest["resources"][0].update(changes)
    _write_manifest(store, manifest)


def _write_manifest(store: Path, manifest: dict) -> None:
    _manifest(store).write_text(json.dumps(manifest))
    LocalStore(store).write_index()


def test_a_manifest_edited_behind_the_index_is_refused(store):
    manifest = json.loads(_manifest(store).read_text())
    manifest["resources"][0]["description"] = "edited"
    _manifest(store).write_text(json.dumps(manifest))  # the index still has the old sha256
    with pytest.raises(IntegrityError, match=r"differs from the sha256 releases\.json recorded"):
        libyaevents.load("1.0.0", store=store)
    result = libyaevents.verify_release("1.0.0", store=store)
    assert list(result.problems["code"]) == ["index-mismatch"]


@pytest.mark.parametrize(
    ("damage", "message", "code"),
    [
        (lambda s: _flip_byte(s / "1.0.0" / "events.parquet"), r"events\.parquet: sha256",
         "hash-mismatch"),
        (lambda s: (s / "1.0.0" / "actors.parquet").write_bytes(
            (s / "1.0.0" / "actors.parquet").read_bytes()[:100]), r"actors\.parquet: 100 bytes",
         "size-mismatch"),
        (lambda s: (s / "1.0.0" / "measures.parquet").unlink(), r"measures\.parquet: missing",
         "file-missing"),
        (lambda s: _edit_manifest(s, rows=5), r"events\.parquet: \d+ rows, the manifest says 5",
         "rows-mismatch"),
        (lambda s: _edit_manifest(s, hash="sha256:" + "0" * 64), r"events\.parquet: sha256",
         "hash-mismatch"),
    ],
)  # fmt: skip
def test_damaged_release_is_refused_naming_the_file(store, damage, message, code):
    damage(store)
    with pytest.raises(IntegrityError, match=message):
        libyaevents.load("1.0.0", store=store)
    result = libyaevents.verify_release("1.0.0", store=store)
    assert not result.ok
    assert any(pd.Series(result.messages()).str.contains(message))
    assert list(result.problems["code"]) == [code]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_flip_byte, r"actors\.parquet: sha256 differs from the manifest"),
        (Path.unlink, r"actors\.parquet: cannot read the actors table"),
    ],
)
def test_actors_read_when_asked_for_are_still_the_verified_file(store, data, damage, message):
    # a load reads the events; actors and measures are read on first use, and
    # must then still be the files load verified
    release = libyaevents.load("1.0.0", store=store, filters={"year": 2020})
    assert release.measures.equals(sort_rows(data["measures"], "measures"))
    damage(store / "1.0.0" / "actors.parquet")
    with pytest.raises(IntegrityError, match=message):
        release.actors  # noqa: B018 - the read is the point
    assert release.measures is release.measures  # read once


def test_manifest_path_outside_the_folder_is_refused(store):
    _edit_manifest(store, path="../1.1.0/events.parquet")
    with pytest.raises(IntegrityError, match="points outside the release folder"):
        libyaevents.load("1.0.0", store=store)


def test_unreadable_manifest(store):
    _manifest(store).write_text("{not json")
    with pytest.raises(IntegrityError, match=r"datapackage\.json: cannot read the manifest"):
        libyaevents.load("1.0.0", store=store)


def test_verify_recomputes_content_hashes(store):
    result = libyaevents.verify_release("1.1.0", store=store)
    assert result.ok, result.problems
    manifest = json.loads((store / "1.1.0" / "datapackage.json").read_text())
    manifest["resources"][1]["x-content-hash"] = "sha256:" + "1" * 64
    (store / "1.1.0" / "datapackage.json").write_text(json.dumps(manifest))
    LocalStore(store).write_index()  # a consistent forgery: only the content hash betrays it
    problems = libyaevents.verify_release("1.1.0", store=store)
    assert problems.messages() == [
        f"{store / '1.1.0' / 'actors.parquet'}: content hash differs from manifest."
    ]
    assert list(problems.problems["code"]) == ["content-mismatch"]


_BUILD_SCRIPT = """
import sys
import libyaevents
from libyaevents.synthetic import synthetic_dataset
data = synthetic_dataset(int(sys.argv[3]), seed=3)
print("ready", flush=True)
try:
    libyaevents.build_release(data, sys.argv[2], store=sys.argv[1], today="2026-01-01")
except libyaevents.ReleaseExistsError as exc:
    print("exists:", exc, flush=True)
    sys.exit(3)
print("built", flush=True)
"""


def _build_process(store: Path, version: str, rows: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", _BUILD_SCRIPT, str(store), version, str(rows)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_kill_9_during_build_leaves_the_store_as_it_was(store):
    before = libyaevents.list_releases(store)
    index_before = (store / "releases.json").read_bytes()
    proc = _build_process(store, "2.0.0", 300_000)
    deadline = time.monotonic() + 120
    while not list(store.glob(".build-2.0.0-*/events.parquet")):
        assert time.monotonic() < deadline, "the build never started writing"
        assert proc.poll() is None, "the build ended before it could be killed"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert libyaevents.list_releases(store) == before
    assert not (store / "2.0.0").exists()
    assert (store / "releases.json").read_bytes() == index_before
    assert libyaevents.load(store=store).version == before[-1]
    assert list(store.glob(".build-2.0.0-*"))  # the killed build's temporary folder
    libyaevents.build_release(synthetic_dataset(50, seed=3), "2.0.1", store=store, today=TODAY)
    assert not list(store.glob(".build-*"))  # cleaned by the next build: its process is gone


def test_an_empty_version_folder_is_reported_not_taken_for_a_release(store):
    (store / "3.0.0").mkdir()
    with pytest.raises(libyaevents.ReleaseError, match="holds no release"):
        libyaevents.build_release(synthetic_dataset(20, seed=2), "3.0.0", store=store,
                                  today=TODAY)  # fmt: skip
    assert "3.0.0" not in libyaevents.list_releases(store)


def test_concurrent_builds_of_one_version_one_wins(tmp_path):
    procs = [_build_process(tmp_path, "1.0.0", 20_000) for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    outcomes = sorted(p.returncode for p in procs)
    assert outcomes == [0, 3], outputs
    assert any("already exists" in out for out in outputs)
    assert libyaevents.verify_release("1.0.0", store=tmp_path).ok
    assert not list(tmp_path.glob(".build-*"))


# -- remote store ------------------------------------------------------------------

NO_POOCH = "remote stores need the remote extra (pooch), which is not installed"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def server(store):
    """The store served over HTTP on 127.0.0.1, for a RemoteStore (pooch) to read."""
    pytest.importorskip("pooch", reason=NO_POOCH)
    handler = functools.partial(_QuietHandler, directory=str(store))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_remote_store_fetches_once_and_verifies(server, store, tmp_path):
    remote = RemoteStore(server, cache=tmp_path / "cache")
    assert libyaevents.list_releases(remote) == ["1.0.0", "1.1.0"]
    release = libyaevents.load("1.0.0", store=remote)
    local = libyaevents.load("1.0.0", store=store)
    assert release.events.equals(local.events)
    cached = remote.cache / "1.0.0" / "events.parquet"
    stamp = cached.stat().st_mtime_ns
    libyaevents.load("1.0.0", store=remote)
    assert cached.stat().st_mtime_ns == stamp  # not fetched again


def test_remote_store_refuses_a_tampered_file(server, store, tmp_path):
    _flip_byte(store / "1.1.0" / "events.parquet")
    remote = RemoteStore(server, cache=tmp_path / "cache")
    with pytest.raises(IntegrityError, match=r"1\.1\.0/events\.parquet does not match its sha256"):
        libyaevents.load("1.1.0", store=remote)


def test_remote_store_unreachable(tmp_path):
    pytest.importorskip("pooch", reason=NO_POOCH)
    remote = RemoteStore("http://127.0.0.1:9", cache=tmp_path / "cache")
    with pytest.raises(
        ReleaseNotFoundError, match=r"Could not fetch http://127\.0\.0\.1:9/releases\.json"
    ):
        libyaevents.list_releases(remote)


def test_diff_reports_a_column_added_to_aligned_rows(data):
    from libyaevents.releases.changes import diff_tables

    old = {"actors": data["actors"]}
    new = {"actors": data["actors"].drop(columns=["notes"])}
    changes = diff_tables(old, new)
    assert set(changes["column"]) == {"notes"}
    assert len(changes) == len(data["actors"])
    assert changes["new"].isna().all()


def test_verify_a_loaded_release_reads_nothing_twice_and_refuses_a_narrowed_one(store):
    release = libyaevents.load("1.0.0", store=store)
    assert libyaevents.verify_release(release).ok
    narrowed = libyaevents.load("1.0.0", store=store, filters={"year": 2020})
    with pytest.raises(InputError, match="loaded with filters or columns"):
        libyaevents.verify_release(narrowed)
    expression = libyaevents.load("1.0.0", store=store, filters=pc.field("year") == 2020)
    assert not expression.complete


def test_a_table_removed_from_the_manifest_is_refused(store):
    manifest = json.loads(_manifest(store).read_text())
    manifest["resources"] = [r for r in manifest["resources"] if r["name"] != "measures"]
    _write_manifest(store, manifest)
    with pytest.raises(IntegrityError, match="lists no measures table"):
        libyaevents.load("1.0.0", store=store)
    result = libyaevents.verify_release("1.0.0", store=store)
    assert list(result.problems["code"]) == ["file-unlisted"]


def test_a_schema_that_grew_by_optional_columns_still_verifies_but_a_changed_field_does_not(store):
    manifest = json.loads(_manifest(store).read_text())
    events = next(r for r in manifest["resources"] if r["name"] == "events")
    events["schema"]["fields"] = [
        f for f in events["schema"]["fields"] if f["name"] != "fatalities_high"
    ]  # as written before the column existed
    events["schema"]["fields"][0]["description"] = "Reworded."
    _write_manifest(store, manifest)
    assert libyaevents.verify_release("1.0.0", store=store).ok
    fatalities = next(f for f in events["schema"]["fields"] if f["name"] == "fatalities")
    fatalities["type"] = "number"
    _write_manifest(store, manifest)
    result = libyaevents.verify_release("1.0.0", store=store)
    assert list(result.problems["code"]) == ["schema-mismatch"]


def test_a_bad_index_neither_escapes_nor_replaces_the_good_cached_one(server, store, tmp_path):
    remote = RemoteStore(server, cache=tmp_path / "cache")
    assert libyaevents.list_releases(remote) == ["1.0.0", "1.1.0"]  # cached now
    good = (remote.cache / "releases.json").read_bytes()
    for bad in (b"<html><body>Not here</body></html>", b'{"versions": ["1.0.0"]}',
                b'{"versions": {"1.0.0": {}}}'):  # fmt: skip
        (store / "releases.json").write_bytes(bad)
        assert libyaevents.list_releases(remote) == ["1.0.0", "1.1.0"]  # the last good copy
        assert (remote.cache / "releases.json").read_bytes() == good
    fresh = RemoteStore(server, cache=tmp_path / "other")  # no good copy to fall back on
    with pytest.raises(ReleaseNotFoundError, match="not a store index"):
        libyaevents.list_releases(fresh)


def test_a_republished_version_is_refused_on_the_client_too(server, store, tmp_path):
    remote = RemoteStore(server, cache=tmp_path / "cache")
    libyaevents.load("1.0.0", store=remote)
    index = json.loads((store / "releases.json").read_text())
    index["versions"]["1.0.0"]["datapackage.json"] = "a" * 64  # the server says: new content
    (store / "releases.json").write_text(json.dumps(index))
    with pytest.raises(IntegrityError, match="Published versions are immutable"):
        libyaevents.load("1.0.0", store=remote)


def test_a_manifest_of_the_wrong_shape_is_an_integrity_error(server, store, tmp_path):
    manifest = store / "1.1.0" / "datapackage.json"
    manifest.write_text('{"resources": [{"name": "events"}]}')
    index = json.loads((store / "releases.json").read_text())
    index["versions"]["1.1.0"]["datapackage.json"] = hashlib.sha256(
        manifest.read_bytes()
    ).hexdigest()
    (store / "releases.json").write_text(json.dumps(index))
    remote = RemoteStore(server, cache=tmp_path / "cache")
    with pytest.raises(IntegrityError, match="not a release manifest"):
        libyaevents.load("1.1.0", store=remote)
