"""The ACLED client against a fake ACLED API on 127.0.0.1: every row accounted for, exact errors."""

from __future__ import annotations

import io
import os
import stat
import time

import pandas as pd
import pytest

import libyaevents
from libyaevents.errors import AccessDeniedError, ApiError, AuthenticationError, InputError
from libyaevents.live.acled import (
    AcledClient,
    fetch_acled,
    fetch_acled_deleted,
    fetch_acled_lookup,
)
from libyaevents.live.http import Http
from tests.conftest import SHARED
from tests.fake_apis import FakeAcled, Fault, rows_from_csv
from tests.live.conftest import acled_csv, needs_api

pytestmark = needs_api
READ = "/api/acled/read"


def _client(server: FakeAcled, **kw) -> AcledClient:
    return AcledClient(username=server.username, password=server.password,
                       base_url=server.base_url, http=Http(backoff=0.01, **kw))  # fmt: skip


def _by_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("event_id_cnty", ignore_index=True)


def _balanced(pulled) -> None:
    assert pulled.rows_read == pulled.rows_used + pulled.rows_reported
    assert pulled.events["event_id_cnty"].is_unique


def test_a_pull_equals_reading_the_same_rows_as_an_export(acled_server):
    pulled = fetch_acled(client=_client(acled_server), limit=500)
    from_file = libyaevents.read_acled(io.StringIO(acled_csv(1_200, seed=21)))
    pd.testing.assert_frame_equal(_by_id(pulled.events), _by_id(from_file.events))
    assert pulled.pages == 3
    assert acled_server.requests_to(READ) == 4  # three pages and the empty one that ends it
    _balanced(pulled)
    assert pulled.query == {}
    assert pulled.endpoint == f"{acled_server.base_url}/api/acled/read"


def test_numeric_codes_and_text_labels_give_the_same_tables():
    server = FakeAcled(rows_from_csv(acled_csv(300, seed=5, labels=False)))
    server.base_url = server.start()
    try:
        codes = fetch_acled(client=_client(server), limit=100)
    finally:
        server.stop()
    labels = libyaevents.read_acled(io.StringIO(acled_csv(300, seed=5, labels=True)))
    pd.testing.assert_frame_equal(_by_id(codes.events), _by_id(labels.events))


def test_filters_are_sent_and_applied(acled_server):
    rows = acled_server.rows
    day = sorted(r["event_date"] for r in rows)[600]
    pulled = fetch_acled("Libya", start="2000-01-01", end=day, client=_client(acled_server))
    expected = sum(1 for r in rows if r["event_date"] <= day)
    assert len(pulled.events) == expected
    sent = acled_server.log[-1][2]
    assert sent["event_date"] == [f"2000-01-01|{day}"]
    assert sent["event_date_where"] == ["BETWEEN"]
    assert sent["country"] == ["Libya"]


def test_token_expiry_mid_pull_is_renewed_once(acled_server):
    acled_server.hooks[(READ, 2)] = acled_server.expire_tokens
    pulled = fetch_acled(client=_client(acled_server), limit=500)
    assert len(pulled.events) == 1_200
    assert acled_server.requests_to("/oauth/token") == 2  # login, then the refresh


@pytest.mark.parametrize(
    ("denial", "error", "advice"),
    [("Access denied", AccessDeniedError, "tier has no API access"),
     ("Consent must be accepted", AccessDeniedError, "accept the terms of use")],
)  # fmt: skip
def test_403_access_and_consent_have_their_own_advice(acled_server, denial, error, advice):
    acled_server.denial = denial
    with pytest.raises(error, match=advice):
        fetch_acled(client=_client(acled_server))


def test_a_token_refused_after_renewal_fails_clearly(acled_server):
    body = '{"message": "The resource owner or authorization server denied the request."}'
    acled_server.faults.append(Fault(READ, 1, "status", 403, body, times=5))
    with pytest.raises(AuthenticationError, match="refused the token after renewing it"):
        fetch_acled(client=_client(acled_server))
    assert acled_server.requests_to(READ) == 2  # renewed once, not in a loop


def test_wrong_or_missing_credentials(acled_server):
    with pytest.raises(AuthenticationError, match="refused the username and password"):
        fetch_acled(client=AcledClient(username="a@b.org", password="nope",
                                       base_url=acled_server.base_url))  # fmt: skip
    with pytest.raises(AuthenticationError, match="ACLED_USERNAME and ACLED_PASSWORD"):
        AcledClient(base_url=acled_server.base_url)


def test_credentials_from_the_environment_and_the_config_file(acled_server, monkeypatch, tmp_path):
    monkeypatch.setenv("ACLED_USERNAME", acled_server.username)
    monkeypatch.setenv("ACLED_PASSWORD", acled_server.password)
    monkeypatch.setenv("LIBYAEVENTS_ACLED_API", acled_server.base_url)
    assert len(fetch_acled(limit=5000).events) == 1_200
    monkeypatch.delenv("ACLED_PASSWORD")
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text(f'[acled]\npassword = "{acled_server.password}"\n')
    assert len(fetch_acled(limit=5000).events) == 1_200


def test_429_waits_for_retry_after(acled_server):
    acled_server.faults.append(Fault(READ, 2, "status", 429, "{}", {"Retry-After": "1"}))
    began = time.monotonic()
    pulled = fetch_acled(client=_client(acled_server), limit=500)
    assert time.monotonic() - began >= 1.0
    assert len(pulled.events) == 1_200


def test_5xx_and_a_dropped_connection_are_retried(acled_server):
    acled_server.faults += [Fault(READ, 2, "status", 500, "oops", times=2),
                            Fault(READ, 5, "drop")]  # fmt: skip
    pulled = fetch_acled(client=_client(acled_server), limit=500)
    assert len(pulled.events) == 1_200
    _balanced(pulled)


def test_a_page_that_keeps_failing_names_page_and_query_and_the_next_run_resumes(acled_server):
    acled_server.faults.append(Fault(READ, 2, "status", 502, "bad gateway", times=50))
    with pytest.raises(ApiError, match=r"page 2 of country=Libya: HTTP 502 after 2 retries"):
        fetch_acled("Libya", client=_client(acled_server, retries=2), limit=500)
    acled_server.faults.clear()
    before = acled_server.requests_to(READ)
    pulled = fetch_acled("Libya", client=_client(acled_server), limit=500)
    assert len(pulled.events) == 1_200  # nothing fetched before is lost
    assert acled_server.requests_to(READ) - before == 3  # pages 2, 3 and the empty 4th
    assert pulled.pages == 3


def test_a_body_that_is_not_json_is_named(acled_server):
    acled_server.faults.append(Fault(READ, 2, "garbage", times=50))
    with pytest.raises(ApiError, match=r"page 2 .*not JSON"):
        fetch_acled(client=_client(acled_server), limit=500)


def test_rows_changing_between_pages_are_neither_lost_silently_nor_duplicated(acled_server):
    rows = sorted(acled_server.rows, key=lambda r: (r["event_date"], r["event_id_cnty"]),
                  reverse=True)  # fmt: skip
    last_of_page_1 = rows[499]

    def change() -> None:  # between page 1 and page 2
        newest = dict(rows[0], event_id_cnty="LBY99999", event_date="2030-01-01")
        acled_server.upsert(newest)  # a new event on top: page 1's last row moves to page 2
        edited = dict(last_of_page_1, fatalities="77",
                      timestamp=str(int(last_of_page_1["timestamp"]) + 10))  # fmt: skip
        acled_server.upsert(edited)
        acled_server.delete(rows[800]["event_id_cnty"], int(time.time()))

    acled_server.hooks[(READ, 2)] = change
    pulled = fetch_acled(client=_client(acled_server), limit=500)
    _balanced(pulled)
    assert pulled.rows_deduplicated == 1
    kept = pulled.events.set_index("event_id_cnty").loc[last_of_page_1["event_id_cnty"]]
    assert kept["fatalities"] == 77  # the newest version of the repeated row
    assert any("fewer rows arrived than announced" in n for n in pulled.file_notes)


def test_an_empty_result_is_empty_and_balanced(acled_server):
    pulled = fetch_acled("Atlantis", client=_client(acled_server))
    assert pulled.events.empty
    assert pulled.rows_read == 0
    _balanced(pulled)


def test_a_restricted_account_is_told_not_given_an_empty_pull(acled_server):
    acled_server.restrictions = {"date_recency": {"quantity": 12, "unit": "Months",
                                                  "date": "2025-05-06"}}  # fmt: skip
    with pytest.raises(AccessDeniedError, match=r"date_recency.*incomplete by the account's tier"):
        fetch_acled("Libya", client=_client(acled_server))


def test_deleted_ids_since_a_time(acled_server):
    acled_server.delete("LBY1", 1_700_000_000)
    acled_server.delete("LBY2", 1_800_000_000)
    deleted = fetch_acled_deleted(1_750_000_000, client=_client(acled_server))
    assert deleted["event_id_cnty"].tolist() == ["LBY2"]


def test_events_at_sea_are_accepted():
    rows = rows_from_csv(acled_csv(20, seed=4))
    rows[0].update(country="Mediterranean Sea", admin1="", admin2="", admin3="",
                   location="Off Tripoli", latitude="33.5", longitude="13.0")  # fmt: skip
    server = FakeAcled(rows)
    server.base_url = server.start()
    try:
        pulled = fetch_acled(client=_client(server), maritime=True)
    finally:
        server.stop()
    assert server.log[-1][2]["maritime_pairs"] == ["true"]
    assert "Mediterranean Sea" in set(pulled.events["country"])
    report = libyaevents.validate(pulled, today="2030-01-01")
    at_sea = report.failures[report.failures["record_id"] == rows[0]["event_id_cnty"]]
    assert at_sea.empty, at_sea[["column", "code"]]


def test_plain_http_is_refused_except_loopback():
    with pytest.raises(InputError, match="plain http is only allowed for loopback"):
        AcledClient(username="a", password="b", base_url="http://acleddata.com")


def test_no_credential_or_token_in_anything_a_failing_pull_prints_or_writes(
    acled_server, capsys, caplog, private_dirs
):
    acled_server.faults.append(Fault(READ, 2, "status", 500, "down", times=50))
    client = _client(acled_server, retries=1)
    with pytest.raises(ApiError) as failure:
        fetch_acled("Libya", client=client, limit=500, progress=print)
    secrets_ = [acled_server.password, *acled_server.tokens, *acled_server.refresh_tokens]
    printed = capsys.readouterr()
    texts = [str(failure.value), repr(client), printed.out, printed.err, caplog.text]
    cache = private_dirs / "cache"
    token_files = list((cache / "tokens").glob("*.json"))
    assert token_files, "the token cache was not written"
    for path in token_files:  # the one place tokens live: readable by the user only
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    texts += [p.read_bytes().decode("latin-1") for p in cache.rglob("*")
              if p.is_file() and p not in token_files]  # fmt: skip
    for text in texts:
        for secret in secrets_:
            assert secret not in text


@pytest.mark.slow
def test_a_query_over_100000_rows():
    server = FakeAcled(rows_from_csv(acled_csv(100_500, seed=8)))
    server.base_url = server.start()
    try:
        pulled = fetch_acled(client=_client(server))
    finally:
        server.stop()
    assert len(pulled.events) == 100_500
    assert pulled.pages == 21
    _balanced(pulled)


def test_a_real_export_served_by_the_fake_api(shared_acled):
    text = (shared_acled / "acled_somalia_2025_modern31.csv").read_text(encoding="utf-8")
    server = FakeAcled(rows_from_csv(text))
    server.base_url = server.start()
    try:
        pulled = fetch_acled(client=_client(server), limit=2000)
    finally:
        server.stop()
    from_file = libyaevents.read_acled(io.StringIO(text))
    pd.testing.assert_frame_equal(_by_id(pulled.events), _by_id(from_file.events))
    assert pulled.rows_reported == from_file.rows_reported
    _balanced(pulled)


_ = SHARED  # the real exports live beside the project (skipped when absent)


def test_reference_lists(acled_server):
    countries = fetch_acled_lookup("country", client=_client(acled_server), limit=1)
    assert countries["country"].tolist() == sorted({r["country"] for r in acled_server.rows})
    assert int(countries.loc[countries["country"] == "Libya", "event_count"].iloc[0]) > 0
    with pytest.raises(InputError, match="kind must be one of"):
        fetch_acled_lookup("weather", client=_client(acled_server))


def test_bad_query_arguments_are_input_errors_before_any_request(acled_server):
    client = _client(acled_server)
    with pytest.raises(InputError, match="start must be a date"):
        fetch_acled("Libya", start="soon", client=client)
    with pytest.raises(InputError, match="filter country must be a value or a non-empty list"):
        fetch_acled([], client=client)
    with pytest.raises(InputError, match="start 2021-01-01 is after end 2020-12-31"):
        fetch_acled("Libya", start="2021-01-01", end="2020-12-31", client=client)
    with pytest.raises(InputError, match="start must be a date"):  # before the credentials
        fetch_acled("Libya", start="2020-02-30", base_url=acled_server.base_url)
    assert acled_server.log == []
