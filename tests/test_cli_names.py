"""Names that mean one thing: --on vs --as-of, --show vs --page-rows, what a store's pages say."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest

import libyaevents
from libyaevents.cli import main
from libyaevents.errors import InputError, ReleaseNotFoundError
from libyaevents.synthetic import synthetic_dataset
from tests.fake_apis import FakeAcled, Fault, rows_from_csv
from tests.live.conftest import acled_csv, private_dirs  # noqa: F401  (autouse fixture)

READ = "/api/acled/read"


def _export(path: Path, data: dict[str, pd.DataFrame], when: str) -> Path:
    libyaevents.write_acled(data, path)
    stamp = pd.Timestamp(when).timestamp()
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def snapshots(tmp_path) -> Path:
    """A store of two file snapshots: 1 February (with a card), then 3 February (without)."""
    data = synthetic_dataset(60, seed=8)
    store = tmp_path / "store"
    export = _export(tmp_path / "x.csv", data, "2026-02-01T10:00:00Z")
    assert main(["sync", "file", str(export), "--store", str(store), "--card"]) == 0
    data["events"] = data["events"].drop(index=[3, 4])
    _export(export, data, "2026-02-03T10:00:00Z")
    assert main(["sync", "file", str(export), "--store", str(store)]) == 0
    return store


def test_summary_as_of_is_the_snapshot_then_and_on_is_the_day_in_force(snapshots, capsys):
    capsys.readouterr()
    assert main(["summary", "--store", str(snapshots), "--as-of", "2026-02-02",
                 "--format", "json"]) == 0  # fmt: skip
    then = json.loads(capsys.readouterr().out)
    assert then["version"] == "2026.201.0"
    assert then["rows"]["events"] == 60
    assert main(["summary", "--store", str(snapshots), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"]["events"] == 58
    summary = libyaevents.summarise(store=snapshots, as_of="2026-02-03")
    assert summary.version == "2026.203.0"
    with pytest.raises(ReleaseNotFoundError):  # nothing accessed yet then
        libyaevents.summarise(store=snapshots, as_of="2026-01-15")
    # the day for "measures in force" has its own name; --as-of no longer means it
    assert libyaevents.summarise(on="2020-11-24").measures_in_force.empty
    assert not libyaevents.summarise(on="2020-12-31").measures_in_force.empty
    assert main(["summary", "--on", "2020-11-24", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["measures_in_force"] == []
    assert main(["summary", "--as-of", "2020-11-24"]) == 2  # before the bundled release
    assert "2020-11-24" in capsys.readouterr().err
    with pytest.raises(InputError, match="on must be a day"):
        libyaevents.summarise(on="someday")


def test_revisions_of_one_snapshot_is_a_sentence(tmp_path, capsys):
    export = _export(tmp_path / "x.csv", synthetic_dataset(30, seed=2), "2026-02-01T10:00:00Z")
    store = tmp_path / "one"
    assert main(["sync", "file", str(export), "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["revisions", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    sentence = (
        f"one snapshot in {store} (2026.201.0): nothing to compare yet; revisions appear "
        "after the next sync\n"
    )
    assert out == sentence
    table = tmp_path / "r.csv"
    assert main(["revisions", "--store", str(store), "-o", str(table)]) == 0
    assert capsys.readouterr().out == f"wrote {table}\n{sentence}"  # the file a script asked for
    assert pd.read_csv(table).empty


def test_the_store_page_lists_every_version_and_links_each_card(snapshots):
    page = (snapshots / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<tr><td><b>([0-9.]+)</b>", page) == ["2026.203.0", "2026.201.0"]
    assert 'href="2026.201.0/card.html"' in page
    assert 'href="2026.203.0/events.parquet"' in page  # synced without a card: listed anyway
    assert 'href="2026.203.0/card.html"' not in page


def test_show_counts_lines_listed_and_limit_is_gone(tmp_path, capsys):
    data = synthetic_dataset(40, seed=3)
    data["events"].loc[[1, 2, 3], "year"] = 1990
    path = tmp_path / "events.csv"
    data["events"].to_csv(path, index=False)
    assert main(["validate", str(path), "--show", "1", "--today", "2026-01-01"]) == 1
    out = capsys.readouterr().out
    assert "first 1:" in out
    assert main(["validate", str(path), "--limit", "1"]) == 2  # no flag of that name now
    assert "unrecognized arguments: --limit" in capsys.readouterr().err
    for argv in (["convert", str(path), "-o", str(tmp_path / "o.parquet")],
                 ["reproduce", str(tmp_path / "m.json"), "--store", str(tmp_path)],
                 ["fetch", "ucdp", "25.1", "-o", str(tmp_path / "g.parquet")]):  # fmt: skip
        assert main([*argv, "--limit", "3"]) == 2
        assert "unrecognized arguments: --limit" in capsys.readouterr().err


@pytest.fixture
def acled(monkeypatch):
    server = FakeAcled(rows_from_csv(acled_csv(120, seed=4)))
    server.base_url = server.start()
    monkeypatch.setenv("ACLED_USERNAME", server.username)
    monkeypatch.setenv("ACLED_PASSWORD", server.password)
    yield server
    server.stop()


def test_fetch_page_rows_is_the_page_size_and_progress_ends_its_line(acled, tmp_path, capsys):
    out = str(tmp_path / "e.parquet")
    fetch = ["fetch", "acled", "--base-url", acled.base_url, "-o", out, "--progress"]
    assert main([*fetch, "--page-rows", "50", "--show", "0"]) == 0
    sent = [p["limit"] for _, path, p in acled.log if path == READ]
    assert sent == [["50"]] * 4  # three pages of 50 and the empty one that ends it
    err = capsys.readouterr().err
    assert err.endswith("libyaevents: 3 pages, 120 rows\n")
    assert main([*fetch, "--page-rows", "500"]) == 0
    assert capsys.readouterr().err.endswith("libyaevents: 1 page, 120 rows\n")
    acled.faults.append(Fault(READ, acled.requests_to(READ) + 2, "status", 400, "no", times=50))
    assert main([*fetch, "--page-rows", "50"]) == 2  # fails on page 2: the line is ended first
    err = capsys.readouterr().err
    assert "libyaevents: 1 page, 50 rows\nlibyaevents: error: " in err
