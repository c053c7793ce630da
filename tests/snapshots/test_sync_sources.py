"""Sync from UCDP and from re-downloaded exports; the sync command line; a sync killed midway."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import libyaevents
from libyaevents.cli import main
from libyaevents.errors import InputError, ReleaseError
from libyaevents.synthetic import synthetic_dataset
from tests.fake_apis import FakeUcdp
from tests.live.test_ucdp_api import TOKEN, ged_rows
from tests.snapshots.conftest import DAY1, DAY2, events_of

READ = "/api/acled/read"


def _state(folder: str | Path) -> dict[str, str]:
    root = Path(folder)
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}  # fmt: skip


def test_ucdp_syncs_are_full_pulls_with_a_change_table(tmp_path, history):
    rows = ged_rows(60)
    server = FakeUcdp(rows, token=TOKEN)
    url = server.start()
    store = tmp_path / "ged"
    try:
        history.on(DAY1)
        first = libyaevents.sync(store, "ucdp", version="25.1", country=620, token=TOKEN,
                                 base_url=url, limit=25)  # fmt: skip
        rows[3] = {**rows[3], "best": rows[3]["best"] + 10}
        history.on(DAY2)
        second = libyaevents.sync(store, "ucdp", version="25.1", country=620, token=TOKEN,
                                  base_url=url, limit=25)  # fmt: skip
    finally:
        server.stop()
    assert (first.mode, second.mode) == ("full", "full")
    assert first.snapshot["query"]["Country"] == "620"
    assert first.snapshot["arguments"] == {"version": "25.1", "country": 620}
    cells = second.changes[second.changes["change"] == "modified"]
    assert cells["column"].tolist() == ["fatalities", "notes"]  # the notes carry low-best-high
    assert int(cells["new"].iloc[0]) - int(cells["old"].iloc[0]) == 10
    assert TOKEN not in "".join(str(v) for v in _state(store)) + str(second.snapshot)
    for path in store.rglob("*.json"):
        assert TOKEN not in path.read_text()


def _export(path: Path, data: dict, when: str) -> Path:
    libyaevents.write_acled(data, path)
    stamp = pd.Timestamp(when).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_a_re_downloaded_export_is_a_snapshot_dated_by_its_file(tmp_path):
    data = synthetic_dataset(80, seed=4)
    export = _export(tmp_path / "libya.csv", data, "2026-02-01T10:00:00Z")
    store = tmp_path / "store"
    first = libyaevents.sync(store, "file", path=export)
    assert first.version == "2026.201.0"
    assert first.snapshot["arguments"] == {"path": "libya.csv"}
    assert first.snapshot["accessed"] == "2026-02-01T10:00:00+00:00"
    data["events"].loc[5, "fatalities"] = 40
    _export(export, data, "2026-02-01T18:00:00Z")
    second = libyaevents.sync(store, "file", path=export)
    assert second.version == "2026.201.1"  # a second sync on the same day has its own version
    modified = second.changes[second.changes["change"] == "modified"]
    assert modified[["record_id", "column", "new"]].values.tolist() == [
        ["LBY6", "fatalities", "40"]
    ]
    assert second.snapshot["rows_deleted"] == 0
    _export(export, data, "2026-01-15T00:00:00Z")  # an older file: versions follow access order
    data["events"].loc[6, "fatalities"] = 41
    _export(export, data, "2026-01-15T00:00:00Z")
    with pytest.raises(ReleaseError, match="does not sort after"):
        libyaevents.sync(store, "file", path=export)
    with pytest.raises(InputError, match="no such file"):
        libyaevents.sync(store, "file", path=tmp_path / "gone.csv")
    with pytest.raises(InputError, match="source must be one of"):
        libyaevents.sync(store, "gdelt")


def test_a_store_of_coded_releases_is_not_synced_into(tmp_path):
    store = tmp_path / "coded"
    libyaevents.build_release(synthetic_dataset(20, seed=1), "1.0.0", store=store)
    export = _export(tmp_path / "x.csv", synthetic_dataset(20, seed=1), "2026-02-01")
    with pytest.raises(InputError, match="not a snapshot"):
        libyaevents.sync(store, "file", path=export)


def _env(history) -> dict[str, str]:
    return {**os.environ, "ACLED_USERNAME": history.server.username,
            "ACLED_PASSWORD": history.server.password}  # fmt: skip


def test_the_sync_history_revisions_and_reproduce_commands(history, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ACLED_USERNAME", history.server.username)
    monkeypatch.setenv("ACLED_PASSWORD", history.server.password)
    base = ["--store", history.store, "--base-url", history.server.base_url]
    history.on(DAY1)
    assert main(["sync", "acled", "--country", "Libya", *base, "--page-rows", "150"]) == 0
    history.day2()
    history.on(DAY2)
    assert main(["sync", "acled", "--country", "Libya", *base, "--check"]) == 0
    out = capsys.readouterr().out
    assert "checked sync" in out
    assert "agree" in out
    assert main(["history", history.fatal, "--store", history.store]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "version,accessed,change,column,old,new"
    assert any(",modified,fatalities," in line for line in lines)
    assert main(["history", "LBY0", "--store", history.store]) == 1
    table = tmp_path / "rev.parquet"
    assert main(["revisions", "--store", history.store, "-o", str(table)]) == 0
    out = capsys.readouterr().out
    assert "columns changed most" in out
    assert "revision lag" in out
    assert pd.read_parquet(table)["added"].sum() == 2
    assert main(["stability", "--store", history.store, "--level", "country"]) == 0
    assert capsys.readouterr().out.startswith("version,accessed,period,country,events")
    manifest = Path(history.store) / "2026.302.0" / "datapackage.json"
    mine = tmp_path / "mine"
    code = main(["reproduce", str(manifest), "--store", str(mine),
                 "--base-url", history.server.base_url, "-o", str(tmp_path / "c.csv")])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    assert "differs: 2 added, 3 modified, 1 deleted" in out
    assert main(["sync", "acled", "--store", str(tmp_path / "s"), "--start", "2026-13-01"]) == 2
    assert main(["sync", "file", str(tmp_path / "none.csv"), "--store", str(tmp_path / "t")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_the_revisions_command_draws_a_png(history, tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")
    history.day1_then_edits()
    history.sync()
    png = tmp_path / "rev.png"
    assert main(["revisions", "--store", history.store, "--png", str(png)]) == 0
    assert f"wrote {png}" in capsys.readouterr().out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 1000


def test_a_sync_killed_midway_leaves_the_store_as_it_was_and_the_next_run_resumes(history):
    history.on(DAY1)
    history.sync()
    history.day2()
    before = _state(history.store)
    gate = threading.Event()
    blocked = history.server.requests_to(READ) + 3  # token, then pages 1 and 2 of the increment
    history.server.hooks[(READ, blocked)] = lambda: gate.wait(30)
    command = [sys.executable, "-m", "libyaevents", "sync", "acled", "--country", "Libya",
               "--store", history.store, "--base-url", history.server.base_url,
               "--page-rows", "2", "--no-progress"]  # fmt: skip
    with subprocess.Popen(command, env=_env(history), stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE) as child:  # fmt: skip
        try:
            for _ in range(600):  # bounded: at most 60 s
                if history.server.requests_to(READ) >= blocked or child.poll() is not None:
                    break
                time.sleep(0.1)
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
        finally:
            gate.set()
            if child.poll() is None:
                child.kill()
    assert child.returncode == -signal.SIGKILL
    assert _state(history.store) == before  # nothing half-written, nothing lost
    history.on(DAY2)
    pages_before = len(history.server.log)
    done = history.sync(limit=2)
    asked = [dict(p) for m, path, p in history.server.log[pages_before:] if path == READ]
    assert asked[0]["page"] == ["3"]  # pages 1 and 2 came from the killed run's work folder
    assert done.mode == "incremental"
    assert done.created
    truth = events_of(history.states["2026-03-09"])
    from libyaevents.releases.changes import diff_tables

    assert diff_tables({"events": libyaevents.load(store=history.store).events},
                       {"events": truth}).empty  # fmt: skip
