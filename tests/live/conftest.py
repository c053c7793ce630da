"""Fixtures for the API clients: fake servers on 127.0.0.1, a private cache folder."""

from __future__ import annotations

import importlib.util
import io

import pytest

import libyaevents
from libyaevents.synthetic import synthetic_events
from tests.fake_apis import FakeAcled, rows_from_csv

#: The API clients need the api extra; without it the tests of the clients skip, saying so.
API_EXTRA = ("urllib3", "platformdirs")
NO_API = f"the api extra ({', '.join(API_EXTRA)}) is not installed"
needs_api = pytest.mark.skipif(
    any(importlib.util.find_spec(name) is None for name in API_EXTRA), reason=NO_API
)


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    """Every test gets its own cache and config folders, and no real credentials."""
    monkeypatch.setenv("LIBYAEVENTS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LIBYAEVENTS_CONFIG_DIR", str(tmp_path / "config"))
    for name in ("ACLED_USERNAME", "ACLED_PASSWORD", "UCDP_API_TOKEN", "LIBYAEVENTS_ACLED_API",
                 "LIBYAEVENTS_UCDP_API"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def acled_csv(n: int, seed: int, *, labels: bool = True) -> str:
    buffer = io.BytesIO()
    libyaevents.write_acled(synthetic_events(n, seed=seed), buffer, labels=labels)
    return buffer.getvalue().decode()


@pytest.fixture
def acled_server():
    server = FakeAcled(rows_from_csv(acled_csv(1_200, seed=21)))
    server.base_url = server.start()
    yield server
    server.stop()
