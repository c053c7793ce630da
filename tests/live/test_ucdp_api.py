"""The UCDP client against a fake UCDP API on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

import libyaevents
from libyaevents.errors import ApiError, AuthenticationError, InputError, QuotaExceededError
from libyaevents.live.http import Http
from libyaevents.live.ucdp import fetch_ucdp_ged
from tests.fake_apis import FakeUcdp, Fault
from tests.live.conftest import needs_api
from tests.readers.test_ucdp import GED_HEADER

pytestmark = needs_api
TOKEN = "ucdp-test-token"
PATH = "/api/gedevents/25.1"


def ged_rows(n: int) -> list[dict]:
    """GED rows as the API types them: ints, floats, booleans, ISO date-times, nulls."""
    rows = []
    for i in range(n):
        day = f"2019-{1 + i % 12:02d}-{1 + i % 28:02d}"
        kind = 1 + i % 3
        sides = {1: ("Government of Libya", "LNA"), 2: ("Misratah militias", "Zintan militias"),
                 3: ("IS", "Civilians")}[kind]  # fmt: skip
        rows.append({
            "id": 400_000 + i, "relid": f"LIB-2019-{i}", "year": 2019, "active_year": i % 2 == 0,
            "code_status": "Clear", "type_of_violence": kind, "conflict_dset_id": "522",
            "conflict_new_id": 522, "conflict_name": "Libya:Government", "dyad_dset_id": "906",
            "dyad_new_id": 906, "dyad_name": " - ".join(sides), "side_a_dset_id": "620",
            "side_a_new_id": 84, "side_a": sides[0], "side_b_dset_id": "5001",
            "side_b_new_id": 5001, "side_b": sides[1], "number_of_sources": -1 if i % 7 else 2,
            "source_article": "Reuters, clashes", "source_office": "Reuters" if i % 5 else "",
            "source_date": day, "source_headline": "Clashes", "source_original": None,
            "where_prec": 1 + i % 7, "where_coordinates": "Tripoli town",
            "where_description": "", "adm_1": "Tripoli district", "adm_2": None,
            "latitude": 32.8925, "longitude": 13.18, "geom_wkt": "POINT (13.18 32.8925)",
            "priogrid_gid": 174187, "country": "Libya", "country_id": 620 if i % 10 else 651,
            "region": "Africa", "event_clarity": 1, "date_prec": 1 + i % 5,
            "date_start": f"{day}T00:00:00", "date_end": f"{day}T00:00:00",
            "deaths_a": 1, "deaths_b": 1, "deaths_civilians": 0, "deaths_unknown": 0,
            "best": 2 + i % 4, "high": 5 + i % 4, "low": 1, "gwnoa": 620, "gwnob": "",
        })  # fmt: skip
    return rows


def ged_csv(rows: list[dict]) -> str:
    """The same rows as GED's CSV writes them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = GED_HEADER.split(",")
    writer.writerow(names)
    for row in rows:
        cells = []
        for name in names:
            value = row.get(name)
            if name in ("date_start", "date_end"):
                value = value.replace("T", " ") + ".000"
            cells.append("" if value is None else int(value) if isinstance(value, bool) else value)
        writer.writerow(cells)
    return out.getvalue()


@pytest.fixture
def ucdp():
    server = FakeUcdp(ged_rows(2_500), token=TOKEN)
    server.start()
    yield server
    server.stop()


def _fetch(server, *args, **kw):
    kw.setdefault("http", Http(backoff=0.01))
    return fetch_ucdp_ged("25.1", *args, token=TOKEN, base_url=server.base_url, **kw)


def test_the_api_gives_what_the_csv_of_the_same_rows_gives(ucdp):
    pulled = _fetch(ucdp)
    from_csv = libyaevents.read_ucdp_ged(io.StringIO(ged_csv(ucdp.rows)))
    by_id = lambda f: f.sort_values("event_id_cnty", ignore_index=True)  # noqa: E731
    pd.testing.assert_frame_equal(by_id(pulled.events), by_id(from_csv.events))
    where = ["source", "line"]  # a file line vs the row's position in the pull
    pd.testing.assert_frame_equal(
        pulled.notes.drop(columns=where), from_csv.notes.drop(columns=where)
    )
    assert (pulled.notes["line"] == from_csv.notes["line"] - 1).all()  # the CSV has a header
    assert pulled.pages == 3
    assert pulled.rows_read == pulled.rows_used + pulled.rows_reported == 2_500
    assert {"fatalities_low", "fatalities_high"} <= set(pulled.events.columns)  # kept, not lost
    assert (pulled.events["fatalities_low"] <= pulled.events["fatalities"]).all()
    assert ucdp.requests_to(PATH) == 3  # NextPageUrl followed, nothing more


def test_filters_are_sent(ucdp):
    pulled = _fetch(ucdp, 620, "2019-03-01", "2019-06-30", type_of_violence=[1, 3])

    def wanted(r):
        dated = r["date_start"][:10] >= "2019-03-01" and r["date_end"][:10] <= "2019-06-30"
        return r["country_id"] == 620 and r["type_of_violence"] in (1, 3) and dated

    expected = [r for r in ucdp.rows if wanted(r)]
    assert len(pulled.events) + pulled.rows_reported == len(expected)
    sent = ucdp.log[0][2]
    assert sent["Country"] == ["620"]
    assert sent["TypeOfViolence"] == ["1,3"]


def test_a_missing_or_bad_token_says_how_to_get_one(ucdp, monkeypatch):
    with pytest.raises(AuthenticationError, match="UCDP_API_TOKEN"):
        fetch_ucdp_ged("25.1", base_url=ucdp.base_url)
    with pytest.raises(AuthenticationError, match=r"HTTP 401: 'API token required"):
        fetch_ucdp_ged("25.1", token="wrong", base_url=ucdp.base_url)
    monkeypatch.setenv("UCDP_API_TOKEN", TOKEN)
    assert len(fetch_ucdp_ged("25.1", base_url=ucdp.base_url).events) > 0


def test_a_version_that_does_not_exist_is_an_error_not_an_empty_result(ucdp):
    with pytest.raises(ApiError, match=r"no GED version '99\.1'"):
        fetch_ucdp_ged("99.1", token=TOKEN, base_url=ucdp.base_url)
    empty = _fetch(ucdp, 999)  # a filter that matches nothing in a real version
    assert empty.events.empty
    assert empty.rows_read == 0


def test_a_total_count_larger_than_the_rows_delivered_is_reported(ucdp):
    ucdp.missing = 7
    pulled = _fetch(ucdp)
    assert any("7 rows missing" in n for n in pulled.file_notes)


def test_the_request_budget_stops_before_it_is_spent(ucdp):
    with pytest.raises(QuotaExceededError, match="budget of 2 requests"):
        _fetch(ucdp, budget=2, http=Http(backoff=0.01))
    assert ucdp.requests_to(PATH) == 2
    pulled = _fetch(ucdp)  # the next run resumes after the two pages it has
    assert pulled.rows_read == 2_500
    assert ucdp.requests_to(PATH) == 3


def test_retries_count_against_the_budget(ucdp):
    ucdp.faults.append(Fault(PATH, 1, "status", 503, "busy", times=2))
    http = Http(backoff=0.01, budget=10)
    _fetch(ucdp, http=http)
    assert http.sent == 5  # 3 pages + 2 retries


def test_bad_arguments(ucdp):
    with pytest.raises(InputError, match="GED version"):
        fetch_ucdp_ged("latest", token=TOKEN, base_url=ucdp.base_url)
    with pytest.raises(InputError, match="pagesize"):
        _fetch(ucdp, pagesize=5000)


def test_a_next_page_url_to_another_site_is_not_followed(ucdp):
    real = ucdp.handle

    def elsewhere(*args):  # type: ignore[no-untyped-def]
        status, body, headers = real(*args)
        if isinstance(body, dict) and body.get("NextPageUrl"):
            body["NextPageUrl"] = "https://evil.example/api/gedevents/25.1?page=1"
        return status, body, headers

    ucdp.handle = elsewhere
    with pytest.raises(ApiError, match="points to another site"):
        _fetch(ucdp)


def test_the_token_never_appears_in_what_a_failure_says(ucdp, capsys):
    ucdp.faults.append(Fault(PATH, 2, "status", 500, "down", times=50))
    with pytest.raises(ApiError) as failure:
        _fetch(ucdp, http=Http(backoff=0.01, retries=1), progress=print)
    printed = capsys.readouterr()
    for text in (str(failure.value), printed.out, printed.err, json.dumps(ucdp.log)):
        assert TOKEN not in text


def test_bad_dates_and_lists_are_input_errors(ucdp):
    with pytest.raises(InputError, match="end must be a date"):
        _fetch(ucdp, 620, "2019-01-01", "later")
    with pytest.raises(InputError, match="country must be a value or a non-empty list"):
        _fetch(ucdp, [])
    with pytest.raises(InputError, match="start 2020-01-02 is after end 2020-01-01"):
        _fetch(ucdp, 620, "2020-01-02", "2020-01-01")
    assert ucdp.log == []
