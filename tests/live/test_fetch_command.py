"""`libyaevents fetch acled|ucdp ... -o FILE.parquet` against the fake APIs."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest

from libyaevents.cli import main
from libyaevents.releases.stores import LocalStore
from tests.fake_apis import FakeUcdp, interrupt
from tests.live.conftest import needs_api
from tests.live.test_ucdp_api import TOKEN, ged_rows

READ = "/api/acled/read"
pytestmark = needs_api


def test_fetch_acled_writes_events_and_actors(acled_server, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ACLED_USERNAME", acled_server.username)
    monkeypatch.setenv("ACLED_PASSWORD", acled_server.password)
    out = tmp_path / "libya.parquet"
    code = main(["fetch", "acled", "--country", "Libya", "--start", "2000-01-01",
                 "--base-url", acled_server.base_url, "-o", str(out), "--format", "json",
                 "--progress"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr()
    data = json.loads(printed.out)
    assert data["rows_read"] == data["rows_used"] + data["rows_reported"] == 1_200
    assert data["query"]["country"] == "Libya"
    assert printed.err.endswith("libyaevents: 1 page, 1,200 rows\n")  # the progress line, ended
    assert len(pd.read_parquet(out)) == 1_200
    assert (tmp_path / "libya.actors.parquet").is_file()
    for secret in (acled_server.password, *acled_server.tokens):
        assert secret not in printed.out + printed.err


def test_fetch_ucdp(tmp_path, monkeypatch, capsys):
    server = FakeUcdp(ged_rows(300), token=TOKEN)
    server.start()
    monkeypatch.setenv("UCDP_API_TOKEN", TOKEN)
    try:
        code = main(["fetch", "ucdp", "25.1", "--country", "620", "--base-url", server.base_url,
                     "-o", str(tmp_path / "ged.parquet")])  # fmt: skip
    finally:
        server.stop()
    assert code == 0
    assert "wrote" in capsys.readouterr().out
    assert len(pd.read_parquet(tmp_path / "ged.parquet")) > 0


def test_fetch_usage_errors_exit_2_with_one_line(tmp_path, capsys):
    assert main(["fetch", "acled", "--start", "2020-13-01", "-o", str(tmp_path / "x")]) == 2
    assert main(["fetch", "acled", "-o", str(tmp_path / "x.parquet")]) == 2  # no credentials
    err = capsys.readouterr().err
    assert "not a day '2020-13-01'" in err
    assert "ACLED credentials are missing" in err


@pytest.fixture
def signed_in(acled_server, monkeypatch):
    """The fake ACLED server, its account in the environment."""
    monkeypatch.setenv("ACLED_USERNAME", acled_server.username)
    monkeypatch.setenv("ACLED_PASSWORD", acled_server.password)
    return acled_server


def test_a_filter_without_equals_is_a_usage_error_before_any_request(signed_in, tmp_path, capsys):
    acled_server = signed_in
    site = ["--base-url", acled_server.base_url]
    fetch = ["fetch", "acled", "--filter", "event_type", *site, "-o", str(tmp_path / "x.parquet")]
    sync = ["sync", "acled", "--filter", "=Battles", *site, "--store", str(tmp_path / "store")]
    for command, bad in ((fetch, "'event_type'"), (sync, "'=Battles'")):
        assert main(command) == 2
        assert capsys.readouterr().err.splitlines() == [
            f"libyaevents: error: --filter {bad}: expected FIELD=VALUE, e.g. "
            "--filter event_type=Battles."
        ]
    assert acled_server.log == []  # refused before the first request
    assert LocalStore(tmp_path / "store").versions() == []


def test_a_reversed_date_range_is_refused_before_any_request(signed_in, tmp_path, capsys):
    dates = ["--start", "2021-01-01", "--end", "2020-12-31", "--base-url", signed_in.base_url]
    assert main(["fetch", "acled", *dates, "-o", str(tmp_path / "x.parquet")]) == 2
    assert main(["sync", "acled", *dates, "--store", str(tmp_path / "store")]) == 2
    said = "libyaevents: error: start 2021-01-01 is after end 2020-12-31: the range holds no day"
    assert [line[: len(said)] for line in capsys.readouterr().err.splitlines()] == [said] * 2
    assert signed_in.log == []
    assert LocalStore(tmp_path / "store").versions() == []


def test_fetch_writes_the_format_the_suffix_says(signed_in, tmp_path, capsys):
    site = ["--country", "Libya", "--base-url", signed_in.base_url]
    assert main(["fetch", "acled", *site, "-o", str(tmp_path / "libya.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "libya.csv")) == 1_200
    assert len(pd.read_csv(tmp_path / "libya.actors.csv")) > 0
    assert "wrote 1,200 events to" in capsys.readouterr().out


def test_a_destination_that_cannot_be_written_is_refused_before_any_request(
    signed_in, tmp_path, capsys
):
    site = ["--country", "Libya", "--base-url", signed_in.base_url]
    (tmp_path / "a-file").write_text("not a store")
    refused = {
        "is a folder": ["fetch", "acled", *site, "-o", str(tmp_path)],
        "does not exist": ["fetch", "acled", *site, "-o", str(tmp_path / "no" / "x.parquet")],
        "(found '.json')": ["fetch", "acled", *site, "-o", str(tmp_path / "x.json")],
        "actors.txt": ["fetch", "acled", *site, "-o", str(tmp_path / "x.parquet"),
                       "--actors", str(tmp_path / "actors.txt")],
        "is a file, not a folder": ["sync", "acled", *site, "--store", str(tmp_path / "a-file")],
        "a-file is a file": ["sync", "acled", *site, "--store", str(tmp_path / "a-file" / "s")],
    }  # fmt: skip
    for said, command in refused.items():
        assert main(command) == 2, said
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1, err
        assert err.startswith("libyaevents: error: ")
        assert said in err
    assert signed_in.log == []  # not a request, not even the login
    assert not list(tmp_path.glob("x*"))
    assert (tmp_path / "a-file").read_text() == "not a store"


def _work_folders(tmp_path) -> list[str]:
    """The pull work folders in the test's private cache."""
    pulls = tmp_path / "cache" / "pulls"
    return sorted(p.name for p in pulls.iterdir()) if pulls.is_dir() else []


def test_a_fetch_that_fails_writing_keeps_its_pages_and_the_rerun_resumes(
    signed_in, tmp_path, monkeypatch
):
    import libyaevents.formats.parquet as parquet_format

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    command = ["fetch", "acled", "--country", "Libya", "--base-url", signed_in.base_url,
               "-o", str(tmp_path / "libya.parquet")]  # fmt: skip
    with monkeypatch.context() as patched:
        patched.setattr(parquet_format, "write_table", disk_full)
        with pytest.raises(OSError, match="No space left"):
            main(command)
    first = signed_in.requests_to("/api/acled/read")
    assert first == 2  # the page of 1,200 rows, and the empty one that ends the pull
    assert len(_work_folders(tmp_path)) == 1  # kept
    assert main(command) == 0
    assert signed_in.requests_to("/api/acled/read") - first == 1  # only the empty page again
    assert len(pd.read_parquet(tmp_path / "libya.parquet")) == 1_200
    assert _work_folders(tmp_path) == []  # written: the pages are gone


def test_a_refused_login_leaves_no_work_folder(signed_in, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ACLED_PASSWORD", "wrong")
    site = ["--country", "Libya", "--base-url", signed_in.base_url]
    assert main(["fetch", "acled", *site, "-o", str(tmp_path / "x.parquet")]) == 2
    assert main(["sync", "acled", *site, "--store", str(tmp_path / "store")]) == 2
    assert capsys.readouterr().err.count("ACLED refused the username and password") == 2
    assert signed_in.requests_to("/oauth/token") == 2
    assert _work_folders(tmp_path) == []
    assert LocalStore(tmp_path / "store").versions() == []


def test_ctrl_c_during_a_fetch_keeps_the_pages_and_exits_130(signed_in, tmp_path):
    env = {**os.environ, "ACLED_USERNAME": signed_in.username,
           "ACLED_PASSWORD": signed_in.password}  # fmt: skip
    out = tmp_path / "libya.parquet"
    command = [sys.executable, "-m", "libyaevents", "fetch", "acled", "--country", "Libya",
               "--base-url", signed_in.base_url, "-o", str(out), "--no-progress"]  # fmt: skip
    code, err = interrupt(command, env, signed_in, READ, 2)  # held: the page after the first
    assert code == 130
    [kept] = _work_folders(tmp_path)
    folder = tmp_path / "cache" / "pulls" / kept
    assert err.splitlines() == [
        f"libyaevents: interrupted: 1 page (1,200 rows) kept in {folder}; run the same command "
        "again to resume."
    ]
    assert not out.exists()
    assert main(command[3:]) == 0
    assert signed_in.requests_to(READ) == 3  # the rerun asked only for the page after the kept one
    assert len(pd.read_parquet(out)) == 1_200


def test_a_second_fetch_of_the_same_query_waits_for_none_and_writes_nothing(
    signed_in, tmp_path, capsys
):
    """Two fetches of one query would write pages into one folder: the second is refused."""
    env = {**os.environ, "ACLED_USERNAME": signed_in.username,
           "ACLED_PASSWORD": signed_in.password}  # fmt: skip
    first_out, second_out = tmp_path / "first.parquet", tmp_path / "second.parquet"
    site = ["fetch", "acled", "--country", "Libya", "--base-url", signed_in.base_url,
            "--no-progress"]  # fmt: skip
    gate = threading.Event()
    signed_in.hooks[(READ, 1)] = lambda: gate.wait(30)  # the first fetch's first page, held
    with subprocess.Popen(
        [sys.executable, "-m", "libyaevents", *site, "-o", str(first_out)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    ) as child:  # fmt: skip
        try:
            for _ in range(600):  # bounded: at most 60 s
                if signed_in.requests_to(READ) >= 1 or child.poll() is not None:
                    break
                time.sleep(0.1)
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            code = main([*site, "-o", str(second_out)])
            err = capsys.readouterr().err
            assert signed_in.requests_to(READ) == 1  # the second asked for nothing
        finally:
            gate.set()
        _, child_err = child.communicate(timeout=60)
    assert code == 2, err  # a usage error: the CLI's one line
    assert len(err.splitlines()) == 1, err
    assert "Another pull of the same query is running" in err
    assert not second_out.exists()
    assert child.returncode == 0, child_err
    assert len(pd.read_parquet(first_out)) == 1_200  # the first was not disturbed
    assert main([*site, "-o", str(second_out)]) == 0  # once it is done, the query is free
    assert len(pd.read_parquet(second_out)) == 1_200
