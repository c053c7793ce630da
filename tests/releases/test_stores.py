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


class _Mirror:
    """A store of the user's own: the bundled release, dated and published its own way."""

    def versions(self):
        return stores.bundled_store().versions()

    def folder(self, version):
        return stores.bundled_store().folder(version)

    def accessed(self):
        return dict.fromkeys(self.versions(), "2020-01-01T00:00:00Z")

    def published(self, version):
        return {"doi": "10.5281/zenodo.9"}


def test_every_store_kind_is_a_store_and_so_is_ones_own(tmp_path):
    from libyaevents.releases.doistore import DoiStore
    from libyaevents.releases.remote import RemoteStore

    remote = RemoteStore("http://127.0.0.1:9/s", cache=tmp_path)  # never contacted
    kinds = [LocalStore(tmp_path), remote, DoiStore("doi:10.5281/zenodo.1", cache=tmp_path)]
    assert all(isinstance(s, stores.Store) for s in [*kinds, _Mirror()])
    assert stores.open_store(mirror := _Mirror()) is mirror


def test_as_of_and_the_card_ask_the_store_itself(tmp_path):
    import libyaevents
    from libyaevents.releases.asof import version_as_of

    mirror = _Mirror()
    assert libyaevents.load(store=mirror).version == "0.1.0"
    # the store's own dates, not its manifests' (the bundled release is dated 2026)
    assert version_as_of("2020-01-01", store=mirror) == "0.1.0"
    with pytest.raises(ReleaseNotFoundError, match="accessed on or before 2019-12-31"):
        libyaevents.load(store=mirror, as_of="2019-12-31")
    page = libyaevents.write_card("0.1.0", store=mirror, output=tmp_path, verify=False)
    assert 'href="https://doi.org/10.5281/zenodo.9"' in page.read_text(encoding="utf-8")


def test_an_object_without_the_store_methods_is_refused_before_any_read():
    class Partial:  # no accessed, no published
        versions = _Mirror.versions
        folder = _Mirror.folder

    with pytest.raises(InputError, match=r"a Store \(versions, folder, accessed, published\)"):
        stores.open_store(Partial())
