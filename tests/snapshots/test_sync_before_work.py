"""A sync checks what it was given before the first request, and keeps what it fetched.

Bad dates and destinations are refused before any request; a first sync that
finds nothing publishes nothing unless asked; a sync that fails or is
interrupted after its pages arrived leaves the store as it was and keeps the
pages for the next run.
"""

from __future__ import annotations

import errno
import os
import sys

import pytest

import libyaevents
import libyaevents.snapshots.sync as sync_module
from libyaevents.errors import InputError, ValidationError
from libyaevents.releases.stores import LocalStore
from tests.fake_apis import FakeUcdp, interrupt
from tests.live.test_ucdp_api import TOKEN
from tests.snapshots.conftest import DAY1, DAY2, client_of
from tests.snapshots.test_sync_sources import _state as state

READ = "/api/acled/read"


def test_a_reversed_or_malformed_date_range_is_refused_before_any_request(history, tmp_path):
    acled = {"client": client_of(history.server), "country": "Libya"}
    with pytest.raises(InputError, match="start 2021-01-01 is after end 2020-12-31"):
        libyaevents.sync(history.store, "acled", start="2021-01-01", end="2020-12-31", **acled)
    with pytest.raises(InputError, match="end must be a date"):
        libyaevents.sync(history.store, "acled", end="2020-02-30", **acled)
    assert history.server.log == []
    server = FakeUcdp([], token=TOKEN)
    url = server.start()
    try:
        with pytest.raises(InputError, match="start 2021-01-01 is after end 2020-12-31"):
            libyaevents.sync(tmp_path / "ged", "ucdp", version="25.1", token=TOKEN, base_url=url,
                             start="2021-01-01", end="2020-12-31")  # fmt: skip
        assert server.log == []
    finally:
        server.stop()


def test_a_store_that_is_a_file_is_refused_before_any_request(history, tmp_path):
    taken = tmp_path / "notes.txt"
    taken.write_text("mine")
    for store in (taken, taken / "store"):
        with pytest.raises(InputError, match="is a file"):
            libyaevents.sync(store, "acled", client=client_of(history.server), country="Libya")
    assert history.server.log == []
    assert taken.read_text() == "mine"


def _work_folders(tmp_path) -> list[str]:
    """The pulls' folders that hold pages (each store's pulls are in a folder of its own)."""
    pulls = tmp_path / "cache" / "pulls"
    held = (p for p in pulls.rglob("*") if p.is_dir() and any(f.is_file() for f in p.iterdir()))
    return sorted(str(p.relative_to(pulls)) for p in held)


def test_a_sync_that_fails_publishing_keeps_its_pages_and_the_rerun_resumes(
    history, tmp_path, monkeypatch
):
    history.on(DAY1)

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(sync_module, "publish_release", disk_full)
        with pytest.raises(OSError, match="No space left"):
            history.sync()
    assert LocalStore(history.store).versions() == []  # nothing published
    first = history.server.requests_to(READ)
    assert first == 5  # 400 rows in pages of 100, and the empty page that ends the pull
    assert len(_work_folders(tmp_path)) == 1
    done = history.sync()
    assert history.server.requests_to(READ) - first == 1  # only the empty page again
    assert done.created
    assert len(libyaevents.load(store=history.store).events) == 400
    assert _work_folders(tmp_path) == []  # published: the pages are gone


def test_rows_refused_as_invalid_are_asked_for_again_not_resumed(history, tmp_path):
    history.on(DAY1)
    history.server.rows[0]["fatalities"] = "-5"
    with pytest.raises(ValidationError, match="fatalities"):
        history.sync()
    assert _work_folders(tmp_path) == []  # the data was the problem: the next run pulls again
    assert LocalStore(history.store).versions() == []


def test_ctrl_c_during_a_sync_says_what_was_kept_exits_130_and_the_rerun_resumes(history, tmp_path):
    history.on(DAY1)
    history.sync()
    history.day2()
    before = state(history.store)
    env = {**os.environ, "ACLED_USERNAME": history.server.username,
           "ACLED_PASSWORD": history.server.password}  # fmt: skip
    command = [sys.executable, "-m", "libyaevents", "sync", "acled", "--country", "Libya",
               "--store", history.store, "--base-url", history.server.base_url,
               "--page-rows", "2", "--no-progress"]  # fmt: skip
    held = history.server.requests_to(READ) + 3  # pages 1 and 2 of the increment arrive
    code, err = interrupt(command, env, history.server, READ, held)
    assert code == 130
    assert "Traceback" not in err
    [line] = err.splitlines()
    [held_pages] = _work_folders(tmp_path)  # the store's work folder / this query's pages
    kept = tmp_path / "cache" / "pulls" / held_pages
    assert line == (
        f"libyaevents: interrupted: 2 pages (4 rows) kept in {kept}; the store "
        f"{history.store} is as it was; run the same command again to resume."
    )
    assert state(history.store) == before  # no new version, the index unchanged
    history.on(DAY2)
    asked_before = len(history.server.log)
    done = history.sync(limit=2)
    asked = [dict(p) for m, path, p in history.server.log[asked_before:] if path == READ]
    assert asked[0]["page"] == ["3"]  # pages 1 and 2 came from the interrupted run
    assert done.created
    assert _work_folders(tmp_path) == []


def test_a_first_sync_that_returns_nothing_publishes_nothing_unless_asked(history, tmp_path):
    history.on(DAY1)
    client = client_of(history.server)
    with pytest.raises(InputError, match=r"acled returned no rows for country=Lybia \(http") as e:
        libyaevents.sync(history.store, "acled", client=client, country="Lybia")
    assert "allow_empty=True" in str(e.value)
    assert LocalStore(history.store).versions() == []
    done = libyaevents.sync(history.store, "acled", client=client, country="Lybia",
                            allow_empty=True)  # fmt: skip
    assert done.created
    assert len(libyaevents.load(store=history.store).events) == 0
    again = libyaevents.sync(history.store, "acled", client=client, country="Lybia")
    assert not again.created  # later syncs of an empty store are no news, not an error


def test_the_sync_command_says_which_query_returned_nothing(history, tmp_path, capsys):
    from libyaevents.cli import main

    history.on(DAY1)
    store = str(tmp_path / "lybia")
    command = ["sync", "acled", "--country", "Lybia", "--store", store, "--base-url",
               history.server.base_url, "--start", "2020-01-01", "--end", "2020-12-31"]  # fmt: skip
    env = {"ACLED_USERNAME": history.server.username, "ACLED_PASSWORD": history.server.password}
    with pytest.MonkeyPatch.context() as patched:
        for name, value in env.items():
            patched.setenv(name, value)
        assert main(command) == 2
        [line] = capsys.readouterr().err.splitlines()
        assert line.startswith(
            "libyaevents: error: acled returned no rows for country=Lybia&"
            "event_date=2020-01-01|2020-12-31&event_date_where=BETWEEN"
        )
        assert "(--allow-empty)" in line
        assert LocalStore(store).versions() == []
        assert main([*command, "--allow-empty"]) == 0
    assert len(LocalStore(store).versions()) == 1


def test_reproduce_checks_its_output_before_any_request(history, tmp_path, capsys):
    from libyaevents.cli import main

    history.on(DAY1)
    done = history.sync()
    manifest = done.store / done.version / "datapackage.json"
    asked = len(history.server.log)
    out = tmp_path / "no" / "c.csv"
    command = ["reproduce", str(manifest), "--store", str(tmp_path / "mine"),
               "--base-url", history.server.base_url, "-o", str(out)]  # fmt: skip
    assert main(command) == 2
    assert "the folder" in capsys.readouterr().err
    assert len(history.server.log) == asked
