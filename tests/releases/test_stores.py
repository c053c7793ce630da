"""Stores: versions, file hashes remembered per file state, local and bundled stores."""

from __future__ import annotations

import os

import pytest

from libyaevents.errors import InputError, ReleaseNotFoundError
from libyaevents.releases import stores
from libyaevents.releases.hashes import cached_sha256, file_sha256
from libyaevents.releases.stores import LocalStore, is_version


@pytest.mark.parametrize(
    ("text", "ok"),
    [("1.0.0", True), ("2026.12.3", True), ("1.0.0\n", False), ("1.0", False), (" 1.0.0", False),
     ("1.0.0-rc1", False), ("v1.0.0", False), (None, False), (100, False)],
)  # fmt: skip
def test_versions_are_full_matches(text, ok):
    assert is_version(text) is ok
    if not ok:
        with pytest.raises(InputError, match=r"not MAJOR\.MINOR\.PATCH"):
            stores.version_key(text)


def test_version_order_is_numeric():
    assert sorted(["1.10.0", "1.2.0", "0.9.12"], key=stores.version_key) == [
        "0.9.12", "1.2.0", "1.10.0",
    ]  # fmt: skip


def test_a_changed_file_is_always_rehashed(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"a" * 100)
    first = cached_sha256(path)
    assert first == file_sha256(path)
    before = path.stat()
    path.write_bytes(b"b" * 100)  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old mtime
    assert cached_sha256(path) == file_sha256(path) != first


def test_a_local_store_lists_only_complete_versions(tmp_path):
    store = LocalStore(tmp_path)
    assert store.versions() == []
    (tmp_path / "1.0.0").mkdir()  # no manifest: not a release
    (tmp_path / "1.0.0\n").mkdir()
    assert store.versions() == []
    with pytest.raises(ReleaseNotFoundError):
        store.folder("1.0.0")


def test_a_store_url_with_credentials_is_refused_without_repeating_them():
    with pytest.raises(InputError, match="credentials in it") as caught:
        stores.open_store("https://reader:hunter2@example.org/store")
    assert "hunter2" not in str(caught.value)
