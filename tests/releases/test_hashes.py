"""Release files hashed once per file state, remembered across processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import libyaevents
from libyaevents.errors import IntegrityError
from libyaevents.releases import hashes
from libyaevents.releases.hashes import RECORD_NAME, cached_sha256, file_sha256
from libyaevents.synthetic import synthetic_dataset


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A cache folder of the test's own, and a process that has remembered nothing yet."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("LIBYAEVENTS_CACHE_DIR", str(folder))
    monkeypatch.setattr(hashes, "_RECORD", hashes._Record())
    return folder


def _settled_now(monkeypatch):
    """Files count as settled as soon as they are written (instead of 2 s later)."""
    monkeypatch.setattr(hashes, "SETTLED_NS", 0)


def _new_process(monkeypatch):
    """What a fresh process knows: the record on disk only; hashing a file fails loudly."""
    monkeypatch.setattr(hashes, "_RECORD", hashes._Record())

    def no_hashing(path):
        raise AssertionError(f"{path} was hashed again")

    monkeypatch.setattr(hashes, "file_sha256", no_hashing)


def _recorded(cache) -> list:
    return json.loads((cache / RECORD_NAME).read_text())["files"]


def test_a_settled_file_is_hashed_once_for_every_process(cache, tmp_path, monkeypatch):
    _settled_now(monkeypatch)
    path = tmp_path / "events.parquet"
    path.write_bytes(b"x" * 1000)
    digest = cached_sha256(path)
    assert digest == file_sha256(path)
    assert [row[2] for row in _recorded(cache)] == [digest]
    _new_process(monkeypatch)
    assert cached_sha256(path) == digest  # from the record: not hashed again


def test_a_real_second_process_reads_the_record(cache, tmp_path, monkeypatch):
    _settled_now(monkeypatch)
    path = tmp_path / "events.parquet"
    path.write_bytes(b"y" * 1000)
    digest = cached_sha256(path)
    code = (
        "import sys; from pathlib import Path; from libyaevents.releases import hashes\n"
        "hashes.file_sha256 = lambda p: sys.exit('hashed again')\n"
        "print(hashes.cached_sha256(Path(sys.argv[1])))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True,
        env={**os.environ, "LIBYAEVENTS_CACHE_DIR": str(cache)},
    )  # fmt: skip
    assert out.stdout.strip() == digest


def test_a_file_written_again_is_rehashed_though_its_old_state_is_recorded(
    cache, tmp_path, monkeypatch
):
    _settled_now(monkeypatch)
    path = tmp_path / "events.parquet"
    path.write_bytes(b"a" * 100)
    first = cached_sha256(path)
    before = path.stat()
    path.write_bytes(b"b" * 100)  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old mtime
    assert cached_sha256(path) == file_sha256(path) != first  # the change time differs


def test_a_file_changed_just_before_it_was_hashed_is_not_remembered(cache, tmp_path):
    # racy: a write within the file system's time resolution could keep the state
    path = tmp_path / "events.parquet"
    path.write_bytes(b"c" * 100)
    assert cached_sha256(path) == file_sha256(path)
    assert not (cache / RECORD_NAME).exists()


def test_the_record_is_bounded(cache, tmp_path, monkeypatch):
    _settled_now(monkeypatch)
    monkeypatch.setattr(hashes, "_KEPT", 20)
    for i in range(30):
        path = tmp_path / f"f{i}.bin"
        path.write_bytes(str(i).encode())
        cached_sha256(path)
    names = [row[0] for row in _recorded(cache)]
    assert len(names) == 20
    assert names[-1].endswith("f29.bin")  # the oldest went first


@pytest.mark.parametrize("content", ["{not json", '{"format": 99, "files": []}', '{"files": 3}'])
def test_an_unreadable_record_means_hashing_again(cache, tmp_path, monkeypatch, content):
    _settled_now(monkeypatch)
    cache.mkdir()
    (cache / RECORD_NAME).write_text(content)
    path = tmp_path / "events.parquet"
    path.write_bytes(b"d" * 100)
    assert cached_sha256(path) == file_sha256(path)
    assert len(_recorded(cache)) == 1  # written anew


def test_a_cache_folder_that_cannot_be_written_only_costs_speed(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("LIBYAEVENTS_CACHE_DIR", str(blocked / "cache"))
    monkeypatch.setattr(hashes, "_RECORD", hashes._Record())
    _settled_now(monkeypatch)
    path = tmp_path / "events.parquet"
    path.write_bytes(b"e" * 100)
    assert cached_sha256(path) == file_sha256(path)


def test_load_trusts_the_record_and_still_catches_an_edited_file(cache, tmp_path, monkeypatch):
    _settled_now(monkeypatch)
    store = tmp_path / "store"
    libyaevents.build_release(synthetic_dataset(50, seed=3), "1.0.0", store=store)
    first = libyaevents.load("1.0.0", store=store)
    with monkeypatch.context() as fresh:
        _new_process(fresh)
        again = libyaevents.load("1.0.0", store=store)  # nothing hashed
        assert again.events.equals(first.events)
    events = store / "1.0.0" / "events.parquet"
    data = bytearray(events.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte flipped in place: size and mtime kept
    stat = events.stat()
    events.write_bytes(bytes(data))
    os.utime(events, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    monkeypatch.setattr(hashes, "_RECORD", hashes._Record())
    with pytest.raises(IntegrityError, match="sha256 differs"):
        libyaevents.load("1.0.0", store=store)


def test_where_a_write_may_keep_the_change_time_nothing_is_written(cache, tmp_path, monkeypatch):
    # Windows reports the creation time as st_ctime: states stay in the process
    monkeypatch.setattr(hashes, "_RECORD", hashes._Record(persist=False))
    _settled_now(monkeypatch)
    path = tmp_path / "events.parquet"
    path.write_bytes(b"f" * 100)
    assert cached_sha256(path) == file_sha256(path)
    assert not (cache / RECORD_NAME).exists()
    monkeypatch.setattr(hashes, "file_sha256", lambda p: "rehashed")
    assert cached_sha256(path) != "rehashed"  # remembered in the process all the same
