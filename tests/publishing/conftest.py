"""A fake Zenodo on 127.0.0.1, a token in the environment, private caches, a coded store."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from libyaevents.live.http import Http
from libyaevents.releases.stores import bundled_store
from tests.fake_zenodo import TOKEN, FakeZenodo


@dataclass
class Site:
    server: FakeZenodo
    url: str

    def http(self) -> Http:
        return Http(backoff=0.01, retries=3)


@pytest.fixture
def zenodo(tmp_path, monkeypatch):
    server = FakeZenodo()
    url = server.start()
    monkeypatch.setenv("LIBYAEVENTS_ZENODO_API", url)
    monkeypatch.setenv("ZENODO_TOKEN", TOKEN)
    monkeypatch.setenv("LIBYAEVENTS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LIBYAEVENTS_CONFIG_DIR", str(tmp_path / "config"))
    yield Site(server, url)
    server.stop()


@pytest.fixture
def coded(tmp_path) -> Path:
    """The bundled coded release, copied into a store of its own."""
    store = tmp_path / "coded"
    shutil.copytree(bundled_store().root, store)
    return store
