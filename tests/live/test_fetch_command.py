"""`libyaevents fetch acled|ucdp ... -o FILE.parquet` against the fake APIs."""

from __future__ import annotations

import json

import pandas as pd

from libyaevents.cli import main
from tests.fake_apis import FakeUcdp
from tests.live.conftest import needs_api
from tests.live.test_ucdp_api import TOKEN, ged_rows

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
    assert "pages, " in printed.err  # the progress line
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
    assert main(["fetch", "acled", "-o", str(tmp_path / "x")]) == 2  # no credentials
    err = capsys.readouterr().err
    assert "not a day '2020-13-01'" in err
    assert "ACLED credentials are missing" in err
