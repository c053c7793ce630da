"""The command line when its reader stops early (``| head``): no traceback, the result's exit code.

``libyaevents validate bad.csv | head -1`` must still exit 1 under ``set -o
pipefail``: a script that reads only the first line is told the data is invalid.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import libyaevents
from libyaevents.synthetic import synthetic_dataset, synthetic_events

PIPE_BUFFER = 65_536  # bytes Linux holds in a pipe: more than this blocks the writer


def _command() -> list[str]:
    """The console script installed beside this interpreter, else ``python -m libyaevents``."""
    script = Path(sys.executable).with_name("libyaevents")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "libyaevents"]


def _head(args: list[str], lines: int = 1) -> subprocess.CompletedProcess[str]:
    """``libyaevents ARGS | head -LINES`` in bash with pipefail: the pipeline's status."""
    command = " ".join(shlex.quote(a) for a in [*_command(), *args])
    script = f"set -o pipefail; {command} | head -{lines}"
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=300,
                          check=False)  # fmt: skip


@pytest.fixture(scope="module")
def bad_events(tmp_path_factory) -> dict[str, Path]:
    """A CSV of events with negative fatalities: a large one and a five-row one."""
    folder = tmp_path_factory.mktemp("pipe")
    events = synthetic_events(3_000, seed=1)
    events["fatalities"] = -1
    paths = {"large": folder / "bad.csv", "short": folder / "bad-short.csv"}
    events.to_csv(paths["large"], index=False)
    events.head(5).to_csv(paths["short"], index=False)
    return paths


def test_a_closed_pipe_is_not_an_error():
    child = subprocess.Popen([sys.executable, "-m", "libyaevents", "summary"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert child.stdout is not None
    child.stdout.readline()  # read one line, then stop reading: the pipe closes
    child.stdout.close()
    _, err = child.communicate(timeout=120)
    assert child.returncode == 0
    assert b"Traceback" not in err


@pytest.mark.parametrize("size", ["large", "short"])
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_invalid_data_exits_1_when_the_reader_stops_early(bad_events, size, fmt):
    path = bad_events[size]
    limit = ["--show", "100000"] if fmt == "text" else []
    whole = subprocess.run([*_command(), "validate", str(path), "--format", fmt, *limit],
                           capture_output=True, check=False)  # fmt: skip
    assert whole.returncode == 1
    if size == "large":
        assert len(whole.stdout) > 2 * PIPE_BUFFER  # the writer is still writing when head quits
    done = _head(["validate", str(path), "--format", fmt, *limit])
    assert done.returncode == 1, done.stderr
    assert len(done.stdout.splitlines()) == 1
    assert done.stderr == ""  # no traceback, no "Exception ignored"


def test_valid_data_exits_0_when_the_reader_stops_early(tmp_path):
    good = tmp_path / "good.csv"
    synthetic_events(3_000, seed=1).to_csv(good, index=False)
    done = _head(["validate", str(good), "--format", "json"])
    assert (done.returncode, done.stderr) == (0, "")


def test_a_differing_reproduction_exits_1_when_the_reader_stops_early(tmp_path):
    data = synthetic_dataset(2_000, seed=5)
    export = tmp_path / "libya.csv"
    libyaevents.write_acled(data, export)
    published = libyaevents.sync(tmp_path / "published", "file", path=export)
    data["events"]["fatalities"] = data["events"]["fatalities"] + 1  # every event edited since
    libyaevents.write_acled(data, export)
    stamp = pd.Timestamp("2030-01-01").timestamp()
    os.utime(export, (stamp, stamp))
    manifest = published.store / published.version / "datapackage.json"
    args = ["reproduce", str(manifest), "--store", str(tmp_path / "mine"), "--export",
            str(export), "--show", "100000", "-o", str(tmp_path / "changes.csv")]  # fmt: skip
    done = _head(args, lines=3)
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    assert "differs" in done.stdout
    assert len(pd.read_csv(tmp_path / "changes.csv")) > 0  # the rest of the command still ran
