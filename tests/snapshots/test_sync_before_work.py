"""A sync checks what it was given before the first request, and keeps what it fetched.

Bad dates and destinations are refused before any request; a first sync that
finds nothing publishes nothing unless asked; a sync that fails or is
interrupted after its pages arrived leaves the store as it was and keeps the
pages for the next run.
"""

from __future__ import annotations

import pytest

import libyaevents
from libyaevents.errors import InputError
from tests.fake_apis import FakeUcdp
from tests.live.test_ucdp_api import TOKEN
from tests.snapshots.conftest import client_of


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
