"""releases.build: the store a release is written into is given as ``load`` takes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import libyaevents
from libyaevents.errors import InputError
from libyaevents.releases import stores
from libyaevents.releases.build import publish_release
from libyaevents.releases.manifest import SnapshotRecord
from libyaevents.releases.stores import LocalStore
from libyaevents.synthetic import synthetic_dataset


@pytest.fixture(scope="module")
def data():
    return synthetic_dataset(30, seed=4)


@pytest.mark.parametrize("kind", [str, Path, LocalStore])
def test_a_release_is_built_and_loaded_through_the_same_store_argument(tmp_path, data, kind):
    store = kind(tmp_path / "store")
    assert libyaevents.build_release(data, "1.0.0", store=store).parent == tmp_path / "store"
    tables = libyaevents.load(store=store).tables()
    assert publish_release(tables, "1.1.0", store=store).name == "1.1.0"
    assert libyaevents.list_releases(store) == ["1.0.0", "1.1.0"]


def test_none_is_the_bundled_store_for_a_build_as_for_a_load(tmp_path, monkeypatch, data):
    monkeypatch.setattr(stores, "bundled_store", lambda: LocalStore(tmp_path))
    libyaevents.build_release(data, "1.0.0", store=None)
    assert libyaevents.load(store=None).version == "1.0.0"
    assert (tmp_path / "1.0.0" / stores.MANIFEST_NAME).is_file()


@pytest.mark.parametrize("store", ["http://127.0.0.1:9/releases", "doi:10.5281/zenodo.7"])
def test_a_read_only_store_is_refused_before_the_work(tmp_path, monkeypatch, data, store):
    monkeypatch.chdir(tmp_path)  # nothing may be written here either
    with pytest.raises(InputError, match=r"is read-only\. Build into a folder"):
        libyaevents.build_release(data, "1.0.0", store=store)
    with pytest.raises(InputError, match="is read-only"):
        publish_release(data, "1.0.0", store=store)
    assert list(tmp_path.iterdir()) == []


def _record(**changed) -> SnapshotRecord:
    fields = {
        "source": "acled", "endpoint": "https://example.org/api/acled/read",
        "query": {"country": "Libya"}, "arguments": {"country": "Libya"},
        "accessed": "2026-03-02T09:00:00+00:00", "mode": "full", "since_timestamp": None,
        "rows_fetched": 50, "rows_deduplicated": 0, "rows_reported": 0,
        "counts": {"rows_deleted": 0}, "fingerprints": "fingerprints.parquet",
        "fingerprint_algorithm": "siphash", "fingerprint_columns": ["actor1"],
        "newest_timestamp": 1_700_000_000,
    }  # fmt: skip
    return SnapshotRecord(**{**fields, **changed})


def test_a_snapshot_record_is_written_with_the_content_hash_of_the_events(tmp_path, data):
    folder = publish_release(data, "1.0.0", store=tmp_path, snapshot=_record(),
                             absent={"events": ["tags"]})  # fmt: skip
    manifest = json.loads((folder / "datapackage.json").read_text())
    events = next(r for r in manifest["resources"] if r["name"] == "events")
    assert manifest["x-snapshot"] == _record().entry(events["x-content-hash"])
    assert list(manifest["x-snapshot"])[-2:] == ["newest_timestamp", "content_hash"]
    assert list(manifest)[-2:] == ["x-snapshot", "x-absent-columns"]
    assert "newest_timestamp" not in _record(newest_timestamp=None).entry()
    with pytest.raises(TypeError):
        SnapshotRecord("acled")  # type: ignore[misc]  # keyword-only


def test_a_snapshot_record_is_given_once(tmp_path, data):
    with pytest.raises(InputError, match="snapshot="):
        publish_release(data, "1.0.0", store=tmp_path, snapshot=_record(),
                        annotations={"x-snapshot": {}})  # fmt: skip
