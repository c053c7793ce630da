"""Each sync's pull keeps its pages in a work folder of its own store."""

from __future__ import annotations

import pytest

import libyaevents
from libyaevents.errors import ApiError
from tests.fake_apis import Fault
from tests.live.test_acled_api import READ
from tests.snapshots.conftest import DAY1, client_of


def _asked_pages(history, since: int) -> list[str]:
    return [p["page"][0] for _, path, p in history.server.log[since:] if path == READ]


def test_two_stores_of_one_query_never_share_a_pull(history, tmp_path):
    history.on(DAY1)
    history.server.faults.append(Fault(READ, 2, "status", 502, "bad gateway", times=50))
    with pytest.raises(ApiError, match="page 2"):  # store A's first sync fails on page 2
        history.sync()
    history.server.faults.clear()
    other = tmp_path / "other"
    since = len(history.server.log)
    libyaevents.sync(other, "acled", client=client_of(history.server), country="Libya",
                     limit=100)  # fmt: skip
    assert _asked_pages(history, since)[0] == "1"  # B pulled its own pages, not A's
    since = len(history.server.log)
    done = history.sync()  # A's rerun resumes its own pull: B did not clear it
    assert _asked_pages(history, since)[0] == "2"
    assert done.created
    assert libyaevents.load(store=other).events.equals(libyaevents.load(store=history.store).events)
