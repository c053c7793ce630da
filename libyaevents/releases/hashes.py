"""File hashes: the sha256 of release files, remembered per file state across processes.

Loading a release checks each file against the sha256 its manifest gives. A
file's *state* is its device, inode, size, and modification and change times
in nanoseconds. Any write to a file changes its change time, which (unlike the
modification time) cannot be set back, so a file whose state is what it was
when it was hashed still has the bytes it had then: :func:`cached_sha256`
hashes each state once and remembers it, in this process and in a small record
in the user cache folder (``verified-files.json``), so a fresh process loading
an unchanged release does not read every byte again. git's index trusts its
working tree the same way.

Racy states: file times come from a coarse clock (milliseconds on Linux, two
seconds on FAT), so a file written again just after it was hashed could keep
its state. A hash is remembered only when the file had not changed for
:data:`SETTLED_NS` before the hashing began and is in the same state after it;
a file changed more recently is hashed on every call until it settles.

What this does not catch is a change that bypasses the file system (a disk
that rots under an unchanged state): :func:`libyaevents.verify_release`
always rehashes every file. On Windows the "change time" Python reports is the
creation time, which a write leaves alone, so there states are remembered for
the process only and never written to the record.

Examples
--------
>>> import os, pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "events.parquet"
>>> _ = path.write_bytes(b"PAR1")
>>> old = 1_500_000_000 * 10**9  # written long ago
>>> os.utime(path, ns=(old, old))
>>> cached_sha256(path) == file_sha256(path)
True
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Final

from libyaevents.files import atomic_target, user_cache_dir

__all__ = ["RECORD_NAME", "SETTLED_NS", "cached_sha256", "file_sha256"]

#: The record of verified file states, in :func:`user_cache_dir`.
RECORD_NAME: Final = "verified-files.json"

#: How long a file must have been unchanged before its hash is remembered (2 s: FAT's
#: time resolution, the coarsest of common file systems).
SETTLED_NS: Final = 2 * 10**9

_KEPT: Final = 512  # states remembered (the record stays a few tens of kB)
_FORMAT: Final = 1

_log = logging.getLogger("libyaevents")

State = tuple[int, int, int, int, int]


def file_sha256(path: Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _state(stat: os.stat_result) -> State:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


class _Record:
    """Verified states: in memory (bounded, oldest out), and in the user cache folder.

    The file is read once per process, merged with what other processes wrote
    before each write, and replaced in one rename. It is only a cache: when it
    cannot be read or written, files are simply hashed again.
    """

    def __init__(self, *, persist: bool = os.name == "posix") -> None:
        self._persist = persist  # only where a write always changes the change time
        self._lock = threading.Lock()
        self._states: OrderedDict[tuple[str, State], str] = OrderedDict()
        self._loaded_from: Path | None = None

    def _path(self) -> Path:
        return user_cache_dir() / RECORD_NAME

    def _read(self, path: Path) -> dict[tuple[str, State], str]:
        if not self._persist:
            return {}
        try:
            raw: Any = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("format") != _FORMAT:
                return {}
            return {(str(f), tuple(s)): str(h) for f, s, h in raw["files"]}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return {}  # absent or unreadable: hash again

    def _load(self) -> None:
        path = self._path()
        if self._loaded_from != path:  # first use, or the cache folder was changed
            self._states.clear()
            self._states.update(self._read(path))
            self._loaded_from = path

    def get(self, name: str, state: State) -> str | None:
        with self._lock:
            self._load()
            found = self._states.get((name, state))
            if found is not None:
                self._states.move_to_end((name, state))
            return found

    def add(self, name: str, state: State, sha256: str) -> None:
        with self._lock:
            self._load()
            path = self._path()
            merged = OrderedDict(self._read(path))
            merged.update(self._states)
            merged[(name, state)] = sha256
            while len(merged) > _KEPT:
                merged.popitem(last=False)
            self._states = merged
            if not self._persist:
                return
            rows = [[f, list(s), h] for (f, s), h in merged.items()]
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with atomic_target(path) as tmp:
                    Path(tmp).write_text(json.dumps({"format": _FORMAT, "files": rows}), "utf-8")
            except OSError as exc:  # a read-only home: remembered in this process only
                _log.debug("libyaevents: cannot write %s (%s)", path, exc)


_RECORD = _Record()


def cached_sha256(path: Path, stat: os.stat_result | None = None) -> str:
    """:func:`file_sha256`, remembered per file state (see the module's notes).

    ``stat`` is the file's, when the caller has it already. Used by ``load``
    so that loading an unchanged release hashes it once, in any process;
    ``verify_release`` always rehashes.
    """
    state = _state(stat if stat is not None else path.stat())
    name = str(path.absolute())
    found = _RECORD.get(name, state)
    if found is not None:
        return found
    started = time.time_ns()
    digest = file_sha256(path)
    settled = max(state[3], state[4]) < started - SETTLED_NS
    if settled and _state(path.stat()) == state:
        _RECORD.add(name, state, digest)
    return digest
