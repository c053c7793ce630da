"""A release folder's place in a store: the version claimed, the build folder, the rename.

A build writes into a hidden ``.build-VERSION-PID-HEX`` folder next to the
releases, fsyncs it, and moves it into place in one rename, so a release never
appears half-written and is never replaced. Build folders whose process is gone
(a crash, ``kill -9``) are removed when the next build claims a version.

Examples
--------
>>> import tempfile
>>> store = claimable(writable_store(tempfile.mkdtemp()), "1.0.0")
>>> tmp = build_folder(store, "1.0.0")
>>> tmp.name.startswith(".build-1.0.0-"), move_into_place(tmp, store.root / "1.0.0")
(True, None)
>>> claimable(store, "1.0.0")  # moved in empty: no manifest, so not a release
Traceback (most recent call last):
    ...
libyaevents.errors.ReleaseError: ... exists but holds no release (no datapackage.json): ...
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from pathlib import Path

from libyaevents.errors import ReleaseError, ReleaseExistsError
from libyaevents.files import output_folder
from libyaevents.releases.stores import (
    MANIFEST_NAME,
    LocalStore,
    StoreArg,
    local_store,
    version_key,
)

__all__ = ["build_folder", "claimable", "fsync_tree", "move_into_place", "writable_store"]

_log = logging.getLogger("libyaevents")


def writable_store(store: StoreArg) -> LocalStore:
    """The local store a release is written into (a path given is checked before the work)."""
    source = local_store(
        store,
        needs="a release is written into a local folder",
        instead="Build into a folder, then serve it over HTTP or publish it (libyaevents publish).",
    )
    if source is store:
        return source
    return LocalStore(output_folder(source.root))  # a file there is refused before the work


def claimable(target_store: LocalStore, version: str) -> LocalStore:
    """The store, once ``version`` is known to be free in it (stale builds cleared)."""
    version_key(version)
    folder = target_store.root / version
    if folder.exists() and not (folder / MANIFEST_NAME).is_file():
        msg = (
            f"{folder} exists but holds no release (no {MANIFEST_NAME}): a folder left by "
            "hand or by another tool. Remove it, then build again."
        )
        raise ReleaseError(msg)
    if folder.exists():
        msg = f"Release {version} already exists in {target_store.root}; releases are immutable."
        raise ReleaseExistsError(msg)
    _clean_stale_builds(target_store.root)
    return target_store


def build_folder(store: LocalStore, version: str) -> Path:
    """A new hidden folder in the store to write ``version`` into (its name says whose it is)."""
    store.root.mkdir(parents=True, exist_ok=True)
    tmp = store.root / f".build-{version}-{os.getpid()}-{uuid.uuid4().hex}"
    tmp.mkdir()
    return tmp


def move_into_place(tmp: Path, target: Path) -> None:
    """Move the finished folder into place in one rename; never replace a release."""
    try:
        target.mkdir()  # claims the name: a concurrent build of the version fails here
    except FileExistsError:
        msg = f"Release {target.name} already exists in {target.parent}; releases are immutable."
        raise ReleaseExistsError(msg) from None
    try:
        os.rename(tmp, target)  # replaces our empty claim atomically
    except OSError:
        target.rmdir()
        raise
    _fsync(target.parent)


def fsync_tree(folder: Path) -> None:
    """Flush every file of a finished build folder, then the folder itself, to disk."""
    for path in folder.iterdir():
        _fsync(path)
    _fsync(folder)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _clean_stale_builds(root: Path) -> None:
    """Remove temporary build folders whose building process is gone (a crash, kill -9)."""
    for tmp in root.glob(".build-*"):
        parts = tmp.name.split("-")
        pid = int(parts[-2]) if len(parts) >= 4 and parts[-2].isdigit() else None
        if pid is None or not _alive(pid):
            shutil.rmtree(tmp, ignore_errors=True)
            _log.info("libyaevents: removed %s, left by a build that did not finish", tmp)
