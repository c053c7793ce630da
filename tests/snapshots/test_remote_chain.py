"""A chain of incremental snapshots served over HTTP loads as the whole snapshot.

A layered snapshot refers to its parents' files (``../<version>/<file>``); a
remote store fetches them into the parents' cached folders, each checked by
its sha256, so a store served as it is by a static server needs nothing else.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

import pandas as pd
import pytest

import libyaevents
from libyaevents.errors import IntegrityError
from libyaevents.releases.remote import RemoteStore
from libyaevents.releases.stores import INDEX_NAME
from tests.releases.test_release import NO_POOCH, _QuietHandler
from tests.snapshots.test_incremental import chain  # noqa: F401 (a fixture)


@pytest.fixture
def served(history):
    """The synced store served on 127.0.0.1 (the history's store, as the chain left it)."""
    pytest.importorskip("pooch", reason=NO_POOCH)
    handler = functools.partial(_QuietHandler, directory=history.store)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_remote_store_loads_a_layered_snapshot_as_the_whole(history, chain, served, tmp_path):  # noqa: F811
    versions, wholes = chain
    remote = RemoteStore(served, cache=tmp_path / "cache")
    newest = versions[-1]
    loaded = libyaevents.load(newest, store=remote)
    pd.testing.assert_frame_equal(loaded.events, wholes[newest].events)
    assert libyaevents.verify_release(newest, store=remote).ok
    # the parents' files came into their own cached folders, nothing else of them
    assert (remote.cache / versions[0] / "events.parquet").is_file()
    assert not (remote.cache / versions[0] / "actors.parquet").exists()


def test_a_layer_in_a_version_the_index_does_not_list_is_refused(history, chain, served, tmp_path):  # noqa: F811
    versions, _ = chain
    index_path = Path(history.store) / INDEX_NAME
    index = json.loads(index_path.read_text())
    del index["versions"][versions[0]]  # the base of the chain is no longer served
    index_path.write_text(json.dumps(index))
    remote = RemoteStore(served, cache=tmp_path / "cache")
    with pytest.raises(IntegrityError, match=rf"a layer of its events is in version {versions[0]}"):
        libyaevents.load(versions[-1], store=remote)
