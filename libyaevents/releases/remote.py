"""Releases on an HTTP(S) server: a store folder served as it is, read through a user cache.

Files are fetched once into a per-user cache by pooch, each checked against
the sha256 the store's index or the release's manifest gives; a version's
files, once cached, are never replaced by other content (versions are
immutable).

Examples
--------
>>> store = RemoteStore("https://example.org/libyaevents")
>>> store.url, repr(store)
('https://example.org/libyaevents', "RemoteStore('https://example.org/libyaevents')")
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

from libyaevents.arguments import url_parts
from libyaevents.errors import IntegrityError, ReleaseError, ReleaseNotFoundError
from libyaevents.optional import require
from libyaevents.releases.hashes import file_sha256
from libyaevents.releases.stores import (
    INDEX_NAME,
    MANIFEST_NAME,
    accessed_of,
    is_version,
    manifest_at,
    missing_version,
    version_key,
)

__all__ = ["RemoteStore", "checked_download", "import_pooch"]

_log = logging.getLogger("libyaevents")


def checked_download(
    pooch: Any, url: str, known_hash: str, path: Path, *,
    mismatch: Callable[[Exception], str], failed: str,
) -> Path:  # fmt: skip
    """Download ``url`` to ``path`` once (pooch), checked against ``known_hash``.

    A file whose hash differs is an :class:`~libyaevents.errors.IntegrityError`
    saying ``mismatch(pooch's error)``; any other failure a
    :class:`~libyaevents.errors.ReleaseError` saying ``failed`` and the
    exception's type, never its text.
    """
    try:
        found = pooch.retrieve(
            url, known_hash=known_hash, fname=path.name, path=path.parent, progressbar=False,
            downloader=pooch.HTTPDownloader(progressbar=False, timeout=30),
        )  # fmt: skip
    except ValueError as exc:  # pooch's hash mismatch
        raise IntegrityError(mismatch(exc)) from exc
    except Exception as exc:
        raise ReleaseError(f"{failed} ({type(exc).__name__}).") from None
    return Path(found)


def import_pooch(feature: str = "Remote stores") -> Any:
    """Import pooch, which the stores read over HTTP need (``feature`` names the use)."""
    return require("pooch", extra="remote", feature=feature)


class RemoteStore:
    """Releases on an HTTP(S) server, fetched once into a user cache with sha256 checks.

    Parameters
    ----------
    url : str
        Base URL of the store (the folder holding ``releases.json``).
    cache : path, optional
        Cache folder; defaults to the user cache of ``libyaevents``.
    """

    def __init__(self, url: str, cache: str | os.PathLike[str] | None = None) -> None:
        url_parts(url, "The store URL", "Give it without them: stores are read without logging in.")
        pooch = import_pooch()
        self.url = url.rstrip("/")
        tag = hashlib.sha256(self.url.encode()).hexdigest()[:16]
        base = Path(cache) if cache is not None else Path(pooch.os_cache("libyaevents"))
        self.cache = base / tag

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    def _index(self) -> dict[str, Any]:
        pooch = import_pooch()
        self.cache.mkdir(parents=True, exist_ok=True)
        target = self.cache / INDEX_NAME
        fresh = self.cache / f".{INDEX_NAME}.part"
        url = f"{self.url}/{INDEX_NAME}"
        # The index changes as releases are added: fetch it afresh each time; keep
        # the last good copy when the server cannot be reached or sends a bad one.
        try:
            pooch.HTTPDownloader(progressbar=False, timeout=30)(url, str(fresh), None)
            data = _checked_index(fresh.read_bytes(), url)
            os.replace(fresh, target)
            return data
        except Exception as exc:
            fresh.unlink(missing_ok=True)
            if not target.is_file():
                msg = f"Could not fetch {url}: {exc}. Check the store URL."
                raise ReleaseNotFoundError(msg) from None
            _log.warning("libyaevents: %s; using the copy fetched before", exc)
        return _checked_index(target.read_bytes(), str(target))

    def versions(self) -> list[str]:
        """Versions listed by the server's index, oldest first."""
        return sorted(self._index().get("versions", {}), key=version_key)

    def accessed(self) -> dict[str, str]:
        """When each version's data stood (from the index; a manifest fetched if it lacks it)."""
        listed = self._index().get("versions", {})
        return {
            v: str(listed[v].get("accessed") or accessed_of(manifest_at(self.folder(v))))
            for v in sorted(listed, key=version_key)
        }

    def published(self, version: str) -> dict[str, Any] | None:
        """None: the data card of a remote store's release names no publication."""
        return None

    def _fetch(self, version: str, name: str, sha256: str) -> Path:
        pooch = import_pooch()
        if "/" in name or name.startswith(".") or not _SHA256.fullmatch(sha256):
            msg = f"{self.url}/{version}: manifest entry {name!r} ({sha256!r}) is not a file."
            raise IntegrityError(msg)
        folder = self.cache / version
        cached = folder / name
        if cached.is_file() and (held := file_sha256(cached)) != sha256:
            msg = (
                f"{self.url}/{version}/{name}: the server now publishes other content for "
                f"version {version} (fetched before with sha256 {held[:12]}...). Published "
                "versions are immutable, so the new copy is refused: ask the maintainers for "
                f"a new version, or remove {folder} to accept it."
            )
            raise IntegrityError(msg)
        where = f"{self.url}/{version}/{name}"
        return checked_download(
            pooch, where, f"sha256:{sha256}", folder / name,
            mismatch=lambda error: f"{where} does not match its sha256: {error}",
            failed=f"{where}: the download failed",
        )  # fmt: skip

    def folder(self, version: str) -> Path:
        """Fetch (once) the release's manifest and files; return the cached folder."""
        version_key(version)
        listed = self._index().get("versions", {})
        if version not in listed:
            raise missing_version(version, self.url, sorted(listed, key=version_key))
        manifest = self._fetch(version, MANIFEST_NAME, listed[version][MANIFEST_NAME])
        try:
            resources = json.loads(manifest.read_text(encoding="utf-8"))["resources"]
            files = [f for r in resources for f in _files_of(version, r)]
        except (ValueError, KeyError, TypeError, AttributeError):
            msg = f"{self.url}/{version}/{MANIFEST_NAME}: not a release manifest (resources)."
            raise IntegrityError(msg) from None
        for held, name, sha256 in files:
            if held not in listed:
                msg = (
                    f"{self.url}/{version}/{MANIFEST_NAME}: a layer of its events is in version "
                    f"{held}, which the store's index does not list. Ask the maintainers to "
                    "serve the whole store, or load a snapshot written whole."
                )
                raise IntegrityError(msg)
            self._fetch(held, name, sha256)
        return manifest.parent


#: The manifest key of a resource made of layers (see releases.increments.LAYERS_KEY).
_LAYERS: Final = "x-layers"


def _files_of(version: str, resource: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(version, file name, sha256) of each file a manifest resource is made of.

    A resource is one file of its release, or (a snapshot written by an
    incremental sync) layers: files of its own and ``../<version>/<file>`` of
    its parents, fetched into the parents' cached folders, where the manifest's
    relative paths find them.
    """
    if not isinstance(resource.get(_LAYERS), list):
        return [(version, str(resource["path"]), str(resource["hash"]).split(":")[-1])]
    found = []
    for entry in resource[_LAYERS]:
        parts = str(entry["path"]).split("/")
        held, name = (parts[1], parts[2]) if len(parts) == 3 and parts[0] == ".." else (
            version, "/".join(parts)
        )  # fmt: skip
        found.append((held, name, str(entry["hash"]).split(":")[-1]))
    return found


_SHA256: Final = re.compile(r"[0-9a-f]{64}")


def _checked_index(data: bytes, where: str) -> dict[str, Any]:
    """A store index: ``{"versions": {version: {manifest name: sha256}}}``, checked."""
    try:
        index = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        start = data[:60].decode("utf-8", errors="replace")
        msg = f"{where}: not a store index (JSON expected; starts {start!r})."
        raise IntegrityError(msg) from None
    versions = index.get("versions") if isinstance(index, dict) else None
    good = isinstance(versions, dict) and all(
        is_version(v) and isinstance(e, dict) and _SHA256.fullmatch(str(e.get(MANIFEST_NAME, "")))
        for v, e in versions.items()
    )
    if not good:
        msg = f"{where}: not a store index (versions -> {MANIFEST_NAME} sha256 expected)."
        raise IntegrityError(msg)
    return dict(index)
