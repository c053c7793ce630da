"""One writer per store: concurrent syncs and builds, in real processes, keep one lineage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import libyaevents
from libyaevents import StoreBusyError
from libyaevents.releases.stores import LOCK_NAME, MANIFEST_NAME, LocalStore
from libyaevents.synthetic import synthetic_dataset
from tests.conftest import ROOT

WRITERS = 4
ROUNDS = 3

# Each process imports the library, says so, then waits for the go file: the commands
# start together, after the slow imports, so their reads and claims of the store race.
_RUN = """
import pathlib, sys, time
from libyaevents.cli import main
go = pathlib.Path(sys.argv[1])
print("ready", file=sys.stderr, flush=True)
deadline = time.monotonic() + 120
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.005)
sys.exit(main(sys.argv[2:]))
"""


def _round(tmp_path: Path, commands: list[list[str]]) -> list[tuple[int, str, str]]:
    """Run the CLI commands in parallel processes, started together; (code, out, err) each."""
    go = tmp_path / f"go-{time.monotonic_ns()}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RUN, str(go), *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for argv in commands
    ]
    for proc in procs:  # every process has imported the library
        assert proc.stderr is not None
        assert proc.stderr.readline().strip() == "ready"
    go.touch()
    return [(p.wait(timeout=300), *p.communicate(timeout=60)) for p in procs]


def _lineage(store: Path) -> dict[str, str | None]:
    """Every version's parent, after checking each release verifies."""
    parents = {}
    for version in libyaevents.list_releases(store):
        checked = libyaevents.verify_release(version, store=store)
        assert checked.ok, checked.messages()
        manifest = json.loads((store / version / MANIFEST_NAME).read_text(encoding="utf-8"))
        parents[version] = manifest["x-parent-version"]
    return parents


def _one_chain(store: Path, parents: dict[str, str | None]) -> None:
    versions = list(parents)  # oldest first
    assert [v for v, p in parents.items() if p is None] == versions[:1]  # one root
    assert [parents[v] for v in versions[1:]] == versions[:-1]  # each the child of the last
    index = json.loads((store / "releases.json").read_text(encoding="utf-8"))
    assert sorted(index["versions"]) == sorted(versions)  # the index lists every release


def _export(path: Path, data: dict[str, pd.DataFrame], mark: int) -> Path:
    """An ACLED export of ``data`` with one cell of its own, dated the same day as the others."""
    events = data["events"].copy()
    events.loc[7, "fatalities"] = 100 + mark
    libyaevents.write_acled({**data, "events": events}, path)
    stamp = pd.Timestamp("2026-02-01T10:00:00Z").timestamp() + mark
    os.utime(path, (stamp, stamp))
    return path


def test_concurrent_syncs_wait_their_turn_and_make_one_lineage(tmp_path):
    data = synthetic_dataset(1_500, seed=5)
    store = tmp_path / "store"
    for r in range(ROUNDS):  # the first round is four first syncs of an empty store
        exports = [_export(tmp_path / f"x{r}-{i}.csv", data, r * WRITERS + i)
                   for i in range(WRITERS)]  # fmt: skip
        done = _round(tmp_path, [["sync", "file", str(x), "--store", str(store)] for x in exports])
        for code, out, err in done:
            assert code == 0, err
            assert "Traceback" not in err
            assert "release 2026.201." in out
    parents = _lineage(store)
    assert len(parents) == ROUNDS * WRITERS  # every export differed: every sync published
    _one_chain(store, parents)


def test_concurrent_builds_of_one_version_one_wins_the_others_are_told(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name, frame in synthetic_dataset(3_000, seed=6).items():
        frame.to_csv(source / f"{name}.csv", index=False)
    store = tmp_path / "store"
    for r in range(ROUNDS):
        version = f"1.{r}.0"
        build = ["release", "build", str(source), "--store", str(store), "--version", version,
                 "--today", "2026-01-01"]  # fmt: skip
        done = _round(tmp_path, [build] * WRITERS)
        assert sorted(code for code, _, _ in done) == [0] + [2] * (WRITERS - 1), done
        for code, _, err in done:
            assert "Traceback" not in err
            if code:
                assert f"Release {version} already exists" in err, err
    parents = _lineage(store)
    assert list(parents) == ["1.0.0", "1.1.0", "1.2.0"]
    _one_chain(store, parents)


def test_a_writer_that_will_not_wait_is_told_who_holds_the_store(tmp_path):
    store = LocalStore(tmp_path / "store")
    data = synthetic_dataset(30, seed=2)
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(store.root)], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(StoreBusyError, match=r"Another writer .* holds the store") as caught:
            libyaevents.build_release(data, "1.0.0", store=store, today="2026-01-01", wait=0.2)
        assert "--wait" in str(caught.value)
        assert not (store.root / "1.0.0").exists()
        export = _export(tmp_path / "x.csv", data, 0)
        with pytest.raises(StoreBusyError, match=r"did not finish within 0\.1 s"):
            libyaevents.sync(tmp_path / "store", "file", path=export, wait=0.1)
    finally:
        holder.kill()
        holder.communicate(timeout=30)
    # the holder died without letting go: the operating system released its lock
    libyaevents.build_release(data, "1.0.0", store=store, today="2026-01-01", wait=5)
    assert (store.root / LOCK_NAME).exists()
    assert libyaevents.list_releases(store.root) == ["1.0.0"]
    with pytest.raises(libyaevents.InputError, match="wait must be"):
        libyaevents.build_release(data, "1.1.0", store=store, wait=-1)


_HOLD = """
import sys, time
from libyaevents.releases.stores import LocalStore
with LocalStore(sys.argv[1]).writing(wait=0):
    print("holding", flush=True)
    time.sleep(120)
"""


def test_readers_take_no_lock(tmp_path):
    store = tmp_path / "store"
    libyaevents.build_release(synthetic_dataset(30, seed=2), "1.0.0", store=store,
                              today="2026-01-01")  # fmt: skip
    (store / LOCK_NAME).unlink()
    assert libyaevents.load(store=store).version == "1.0.0"
    assert libyaevents.verify_release("1.0.0", store=store).ok
    assert not (store / LOCK_NAME).exists()
    assert libyaevents.load().version  # the bundled store: read-only, no lock file in the wheel
    assert not (Path(libyaevents.__file__).parent / "data" / "releases" / LOCK_NAME).exists()


def test_a_writer_may_nest_however_the_store_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with LocalStore("store").writing(wait=0), LocalStore(tmp_path / "store").writing(wait=0):
        pass  # a sync holds the store around the build it calls, by another name
