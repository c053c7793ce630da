"""Where releases live: the store protocol, a local folder, the folder bundled in the wheel.

A store is a folder of release folders (one per version, named by the version)
plus ``releases.json``, an index listing each version with the sha256 of its
manifest. Any local store can be served as it is by a static HTTP server and
read as a remote store (:mod:`libyaevents.releases.remote`); a release
published on Zenodo is read by its DOI (:mod:`libyaevents.releases.doistore`).
:func:`open_store` turns what users pass as ``store=`` into one of them.

Examples
--------
>>> import tempfile
>>> store = LocalStore(tempfile.mkdtemp())
>>> store.versions()
[]
>>> open_store("https://example.org/libyaevents").url
'https://example.org/libyaevents'
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any, Final, Protocol, runtime_checkable

from libyaevents.errors import (
    InputError,
    ReleaseNotFoundError,
    StoreBusyError,
)
from libyaevents.releases.hashes import file_sha256

__all__ = [
    "INDEX_NAME",
    "LOCK_NAME",
    "MANIFEST_NAME",
    "PUBLISHED",
    "WRITER_WAIT",
    "LocalStore",
    "Store",
    "StoreArg",
    "accessed_of",
    "bundled_store",
    "local_store",
    "manifest_at",
    "missing_version",
    "open_store",
    "published_records",
    "version_key",
]

#: The store's index of versions.
INDEX_NAME: Final = "releases.json"

#: The manifest inside each release folder.
MANIFEST_NAME: Final = "datapackage.json"

#: The lock file a writer of a local store holds (readers never take it).
LOCK_NAME: Final = ".writer.lock"

#: Seconds a writer waits by default for another writer of the same store.
WRITER_WAIT: Final = 600.0

#: The index's key for where versions are published (DOI, record URL; see libyaevents.publishing).
PUBLISHED: Final = "published"

_VERSION: Final = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")

_log = logging.getLogger("libyaevents")


def is_version(text: object) -> bool:
    """True for a string of the form ``MAJOR.MINOR.PATCH`` (the whole string, no newline).

    Examples
    --------
    >>> is_version("1.0.0"), is_version("1.0.0\\n"), is_version(1)
    (True, False, False)
    """
    return isinstance(text, str) and _VERSION.fullmatch(text) is not None


def version_key(version: str) -> tuple[int, ...]:
    """Return the sort key of a version ``MAJOR.MINOR.PATCH``.

    Raises
    ------
    InputError
        When the version is not three dot-separated numbers.

    Examples
    --------
    >>> sorted(["1.10.0", "1.2.0"], key=version_key)
    ['1.2.0', '1.10.0']
    """
    if not is_version(version):
        msg = f"Version {version!r} is not MAJOR.MINOR.PATCH (e.g. '2020.12.0')."
        raise InputError(msg)
    return tuple(int(p) for p in version.split("."))


@runtime_checkable
class Store(Protocol):
    """What the release functions need from a store.

    Which version stood at a date (:func:`~libyaevents.releases.asof.version_as_of`)
    is worked out from :meth:`accessed` the same way for every store.
    """

    def versions(self) -> list[str]:
        """Versions present, oldest first."""
        ...

    def folder(self, version: str) -> Path:
        """A local folder holding the release's files (fetched if need be)."""
        ...

    def accessed(self) -> dict[str, str]:
        """When each version's data stood as it holds it (see :func:`accessed_of`), by version."""
        ...

    def published(self, version: str) -> dict[str, Any] | None:
        """Where ``version`` is published (a DOI, a record URL), or None when not known."""
        ...


#: What ``store=`` accepts: a folder, an http(s) URL, a store object, or None (bundled).
StoreArg = str | os.PathLike[str] | Store | None


def missing_version(version: str, where: object, versions: list[str]) -> ReleaseNotFoundError:
    """The error for a version a store does not hold, naming the versions it does."""
    known = ", ".join(versions) or "none"
    msg = f"No release {version!r} in {where}; versions there: {known}."
    return ReleaseNotFoundError(msg)


class LocalStore:
    """Releases in a local folder (the folder may not exist yet)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalStore({str(self.root)!r})"

    def versions(self) -> list[str]:
        """Version folders holding a manifest, oldest first; hidden build folders skipped."""
        if not self.root.is_dir():
            return []
        found = [
            p.name
            for p in self.root.iterdir()
            if is_version(p.name) and (p / MANIFEST_NAME).is_file()
        ]
        return sorted(found, key=version_key)

    def folder(self, version: str) -> Path:
        """The release folder of ``version``."""
        version_key(version)
        path = self.root / version
        if not (path / MANIFEST_NAME).is_file():
            raise missing_version(version, self.root, self.versions())
        return path

    def accessed(self) -> dict[str, str]:
        """When each version's data stood as it is (see :func:`accessed_of`), by version.

        Read from ``releases.json`` (one small file, as remote stores do); a
        version the index does not date is dated from its manifest.
        """
        try:
            listed = json.loads((self.root / INDEX_NAME).read_text(encoding="utf-8"))["versions"]
        except (OSError, ValueError, KeyError, TypeError):
            listed = {}
        found = {}
        for version in self.versions():
            entry = listed.get(version) if isinstance(listed, dict) else None
            dated = entry.get("accessed") if isinstance(entry, dict) else None
            found[version] = (
                dated if isinstance(dated, str) else accessed_of(manifest_at(self.root / version))
            )
        return found

    def published(self, version: str) -> dict[str, Any] | None:
        """Where ``releases.json`` says ``version`` is published (:data:`PUBLISHED`)."""
        return published_records(self.index()).get(version)

    @contextlib.contextmanager
    def writing(self, wait: float = WRITER_WAIT) -> Iterator[None]:
        """Hold the store's writer lock: one sync or build at a time claims versions here.

        Another writer's claim is waited for, up to ``wait`` seconds (0: do not
        wait). The lock is the operating system's (``filelock``), so a writer
        that dies releases it; it is reentrant within a thread (a sync holds it
        around the build it calls). Readers take no lock: a release folder and
        the index each appear in one rename.

        Raises
        ------
        StoreBusyError
            When another writer still holds the store after ``wait`` seconds.
        InputError
            When ``wait`` is not a number of seconds of 0 or more.

        Examples
        --------
        >>> import tempfile
        >>> store = LocalStore(tempfile.mkdtemp())
        >>> with store.writing(wait=0):
        ...     with store.writing(wait=0):  # the same writer may claim again
        ...         pass
        """
        if isinstance(wait, bool) or not isinstance(wait, int | float) or not wait >= 0:
            msg = f"wait must be a number of seconds, 0 or more; found {wait!r}."
            raise InputError(msg)
        # imported by writers only: a script that loads never pays for it (9 ms)
        import filelock  # noqa: PLC0415

        self.root.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(self.root / LOCK_NAME, is_singleton=True)
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            _log.warning(
                "libyaevents: another writer holds %s; waiting up to %g s", self.root, wait
            )
            try:
                lock.acquire(timeout=wait)
            except filelock.Timeout:
                msg = (
                    f"Another writer (a sync or a release build) holds the store {self.root} "
                    f"(lock {self.root / LOCK_NAME}) and did not finish within {wait:g} s. "
                    "Run again once it is done, or wait longer (wait=, --wait SECONDS)."
                )
                raise StoreBusyError(msg) from None
        try:
            yield
        finally:
            lock.release()

    def index(self) -> dict[str, Any]:
        """``releases.json`` as it stands (empty when missing or not JSON)."""
        try:
            found = json.loads((self.root / INDEX_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def write_index(self, published: Mapping[str, Mapping[str, Any]] | None = None) -> Path:
        """Rewrite ``releases.json`` from the folders present (atomically).

        Where versions are published (:data:`PUBLISHED`) is kept; ``published``
        adds or replaces the records of the versions it names.
        """
        index: dict[str, Any] = {
            "versions": {
                v: {
                    MANIFEST_NAME: file_sha256(self.root / v / MANIFEST_NAME),
                    "accessed": accessed_of(manifest_at(self.root / v)),
                }
                for v in self.versions()
            }
        }
        records = {**published_records(self.index()), **(published or {})}
        if records:
            index[PUBLISHED] = {v: dict(records[v]) for v in sorted(records, key=version_key)}
        text = json.dumps(index, indent=2, sort_keys=True) + "\n"
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".index-", suffix=".json")
        os.fchmod(fd, 0o644)  # readable like the release files, not mkstemp's 0600
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        target = self.root / INDEX_NAME
        os.replace(tmp, target)
        return target


def published_records(index: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Where an index says its versions are published: version -> record (DOI, URL, ...).

    Examples
    --------
    >>> published_records({"published": {"1.0.0": {"doi": "10.5281/zenodo.7"}, "x": 1}})
    {'1.0.0': {'doi': '10.5281/zenodo.7'}}
    """
    found = index.get(PUBLISHED)
    if not isinstance(found, Mapping):
        return {}
    return {str(v): dict(r) for v, r in found.items() if is_version(v) and isinstance(r, Mapping)}


def manifest_at(folder: Path) -> dict[str, Any]:
    """A release folder's manifest as a dict; empty when it is missing or not JSON."""
    try:
        found = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def accessed_of(manifest: Mapping[str, Any]) -> str:
    """When a release's data stood as it holds it: a snapshot's access time, else ``created``.

    Snapshots of living data (``x-snapshot``) record when the source was read
    (UTC, ISO 8601); a coded release is dated by the latest date its rows carry.

    Examples
    --------
    >>> accessed_of({"created": "2024-05-01", "x-snapshot": {"accessed": "2026-12-03T10:00:00Z"}})
    '2026-12-03T10:00:00Z'
    >>> accessed_of({"created": "2024-05-01"})
    '2024-05-01'
    """
    snapshot = manifest.get("x-snapshot")
    if isinstance(snapshot, Mapping) and isinstance(snapshot.get("accessed"), str):
        return str(snapshot["accessed"])
    return str(manifest.get("created", ""))


def bundled_store() -> LocalStore:
    """The releases shipped inside the installed package (read offline)."""
    return LocalStore(Path(str(files("libyaevents") / "data" / "releases")))


def local_store(store: StoreArg, *, needs: str, instead: str) -> LocalStore:
    """The local folder store ``store`` names; a remote or DOI store is refused.

    ``needs`` says what needs a local folder and ``instead`` what to do; both
    go into the :class:`~libyaevents.errors.InputError` a read-only store gets.

    Examples
    --------
    >>> import tempfile
    >>> local_store(tempfile.mkdtemp(), needs="x needs a folder", instead="Copy it.").versions()
    []
    >>> try:
    ...     local_store("https://example.org/r", needs="x needs a folder", instead="Copy it.")
    ... except InputError as error:
    ...     print(error)
    store: x needs a folder; RemoteStore('https://example.org/r') is read-only. Copy it.
    """
    found = store if isinstance(store, LocalStore) else open_store(store)
    if not isinstance(found, LocalStore):
        msg = f"store: {needs}; {found!r} is read-only. {instead}"
        raise InputError(msg)
    return found


def open_store(store: StoreArg) -> Store:
    """Turn what users pass as ``store=`` into a store.

    ``None`` is the bundled store; a string starting with ``http://`` or
    ``https://`` a remote one; ``doi:10.5281/zenodo.N`` a release published on
    Zenodo; any other string or path a local folder.
    """
    if store is None:
        return bundled_store()
    if isinstance(store, str) and store.startswith(("http://", "https://")):
        from libyaevents.releases.remote import RemoteStore  # noqa: PLC0415 (it imports this)

        return RemoteStore(store)
    if isinstance(store, str) and store.startswith("doi:"):
        from libyaevents.releases.doistore import DoiStore  # noqa: PLC0415 (it imports this)

        return DoiStore(store)
    if isinstance(store, str | os.PathLike):
        return LocalStore(store)
    if not isinstance(store, Store):
        msg = (
            "store must be a folder, an http(s) URL or a Store (versions, folder, accessed, "
            f"published); found {type(store).__name__}."
        )
        raise InputError(msg)
    return store
