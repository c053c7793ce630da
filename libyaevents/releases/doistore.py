"""A release published on Zenodo, read by its DOI: ``load(store="doi:10.5281/zenodo.N")``.

The record is resolved through the Zenodo API root this library is configured
with (``LIBYAEVENTS_ZENODO_API``, else zenodo.org, or its sandbox for the
sandbox's DOI prefix 10.5072), not through doi.org: pooch's own DOI support
resolves every DOI at https://doi.org and reads Zenodo records at
https://zenodo.org only, so it could read neither the sandbox nor a test
server. Each file is then fetched once into the user cache with
``pooch.retrieve`` and the md5 the record lists, and :func:`libyaevents.load`
checks every file against the sha256 of the manifest as for any store.

A record of a release whose data may not be redistributed (an ACLED snapshot)
holds only its recipe: the manifest and the fingerprints are fetched, and the
error says how to rebuild the data with ``libyaevents reproduce``.

Examples
--------
>>> DoiStore("doi:10.5281/zenodo.123").doi
'10.5281/zenodo.123'
>>> zenodo_root(sandbox=True)  # doctest: +SKIP
'https://sandbox.zenodo.org'
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import re
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from libyaevents.errors import InputError, IntegrityError, ReleaseError
from libyaevents.files import user_cache_dir
from libyaevents.releases.licences import redistribution
from libyaevents.releases.manifest import read_manifest
from libyaevents.releases.remote import checked_download, import_pooch
from libyaevents.releases.stores import MANIFEST_NAME, accessed_of, version_key

__all__ = ["ZENODO_API_ENV", "DoiStore", "doi_of", "zenodo_root"]

#: The environment variable naming the Zenodo site root (tests: a server on 127.0.0.1).
ZENODO_API_ENV: Final = "LIBYAEVENTS_ZENODO_API"
ZENODO: Final = "https://zenodo.org"
ZENODO_SANDBOX: Final = "https://sandbox.zenodo.org"
#: The DOI prefix of Zenodo's sandbox (its DOIs are not registered).
SANDBOX_PREFIX: Final = "10.5072"

_DOI: Final = re.compile(r"(?:doi:)?(10\.[0-9]+)/zenodo\.([0-9]+)")


def zenodo_root(*, sandbox: bool = False) -> str:
    """The Zenodo site root: ``LIBYAEVENTS_ZENODO_API``, else zenodo.org or its sandbox.

    Raises
    ------
    InputError
        When the root is not https (plain http only to a loopback test server).
    """
    root = (os.environ.get(ZENODO_API_ENV) or (ZENODO_SANDBOX if sandbox else ZENODO)).rstrip("/")
    parts = urlsplit(root)
    host = parts.hostname or ""
    loopback = host == "localhost" or (_is_ip(host) and ipaddress.ip_address(host).is_loopback)
    if (parts.scheme == "https" and host) or (parts.scheme == "http" and loopback):
        return root
    msg = f"{ZENODO_API_ENV}: https:// expected (http to loopback only); found {root!r}."
    raise InputError(msg)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def doi_of(text: str) -> tuple[str, int]:
    """A Zenodo DOI (``doi:`` prefix optional) as the DOI and its record id.

    Examples
    --------
    >>> doi_of("doi:10.5281/zenodo.42")
    ('10.5281/zenodo.42', 42)
    """
    found = _DOI.fullmatch(text.strip()) if isinstance(text, str) else None
    if found is None:
        msg = f"A Zenodo DOI such as 'doi:10.5281/zenodo.1234' expected; found {text!r}."
        raise InputError(msg)
    return f"{found[1]}/zenodo.{found[2]}", int(found[2])


#: What the pooch of a DOI store is for (the hint a missing extra gets).
_FEATURE: Final = "Releases read by DOI"


class DoiStore:
    """One Zenodo record of a release, fetched once into the user cache.

    Parameters
    ----------
    doi : str
        ``doi:10.5281/zenodo.N`` (the record of one version).
    cache : path, optional
        Cache folder; defaults to the user cache of ``libyaevents``
        (``LIBYAEVENTS_CACHE_DIR`` when set).
    """

    def __init__(self, doi: str, cache: str | os.PathLike[str] | None = None) -> None:
        self.doi, self.record_id = doi_of(doi)
        self.root = zenodo_root(sandbox=self.doi.startswith(SANDBOX_PREFIX + "/"))
        tag = hashlib.sha256(f"{self.root}\0{self.doi}".encode()).hexdigest()[:16]
        base = Path(cache) if cache is not None else user_cache_dir()
        self.cache = base / "zenodo" / tag

    def __repr__(self) -> str:
        return f"DoiStore('doi:{self.doi}')"

    def record(self) -> dict[str, Any]:
        """The record as the Zenodo API gives it (fetched afresh; the cached copy offline)."""
        url = f"{self.root}/api/records/{self.record_id}"
        self.cache.mkdir(parents=True, exist_ok=True)
        target, fresh = self.cache / "record.json", self.cache / ".record.json.part"
        try:
            pooch = import_pooch(_FEATURE)
            pooch.HTTPDownloader(progressbar=False, timeout=30)(url, str(fresh), None)
            os.replace(fresh, target)
        except Exception as exc:
            fresh.unlink(missing_ok=True)
            if not target.is_file():
                msg = f"doi:{self.doi}: could not read {url} ({type(exc).__name__}). Check the DOI."
                raise ReleaseError(msg) from exc
        try:
            found = json.loads(target.read_text(encoding="utf-8"))
            files = {str(f["key"]): f for f in found["files"]}
        except (ValueError, KeyError, TypeError):
            msg = f"{url}: not a Zenodo record with files (JSON with 'files' expected)."
            raise IntegrityError(msg) from None
        return {**found, "files": files}

    def versions(self) -> list[str]:
        """The one version the record holds."""
        version = self.record().get("metadata", {}).get("version")
        return [str(version)] if version else []

    def accessed(self) -> dict[str, str]:
        """When the record's version's data stood (from its manifest, fetched with the files)."""
        return {v: accessed_of(read_manifest(self.folder(v))) for v in self.versions()}

    def published(self, version: str) -> dict[str, Any] | None:
        """The record's own DOI."""
        return {"doi": self.doi}

    def _fetch(self, version: str, entry: dict[str, Any]) -> Path:
        pooch = import_pooch(_FEATURE)
        name, checksum = str(entry.get("key")), str(entry.get("checksum", ""))
        url = str((entry.get("links") or {}).get("self") or "")
        if "/" in name or name.startswith(".") or not checksum.startswith("md5:"):
            msg = f"doi:{self.doi}: the record lists {name!r} ({checksum!r}), not a release file."
            raise IntegrityError(msg)
        return checked_download(
            pooch, url, checksum, self.cache / version / name,
            mismatch=lambda error: (
                f"doi:{self.doi}: {name} does not match the checksum the record lists "
                f"({checksum}): {error} The record or the download is corrupt; try again later."
            ),
            failed=f"doi:{self.doi}: the download of {name} failed",
        )  # fmt: skip

    def folder(self, version: str) -> Path:
        """Fetch (once) the manifest and every file it lists; return the cached folder.

        Raises
        ------
        ReleaseError
            When the record holds only the recipe of the release (say how to rebuild it).
        """
        version_key(version)
        record = self.record()
        held = record.get("metadata", {}).get("version")
        if held != version:
            msg = f"doi:{self.doi} holds release {held!r}, not {version!r}; load {held!r}."
            raise ReleaseError(msg)
        files = record["files"]
        if MANIFEST_NAME not in files:
            msg = f"doi:{self.doi}: the record has no {MANIFEST_NAME}; not a libyaevents release."
            raise IntegrityError(msg)
        manifest_path = self._fetch(version, files[MANIFEST_NAME])
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        listed = [str(r.get("path")) for r in manifest.get("resources", [])]
        if "events.parquet" in listed and "events.parquet" not in files:
            self._recipe(version, manifest, files)
        for name in listed:
            if name not in files:
                msg = f"doi:{self.doi}: the record lacks {name}, which its manifest lists."
                raise IntegrityError(msg)
            self._fetch(version, files[name])
        return manifest_path.parent

    def _recipe(self, version: str, manifest: dict[str, Any], files: dict[str, Any]) -> None:
        """Fetch a recipe-only record's files, then say how to rebuild its data."""
        for entry in files.values():
            self._fetch(version, entry)
        folder = self.cache / version
        terms = redistribution(manifest)
        msg = (
            f"doi:{self.doi} publishes only the recipe of release {version}: its data "
            f"({terms.licence}) may not be redistributed. The manifest and fingerprints are in "
            f"{folder}; rebuild and check the data with your own account: libyaevents "
            f"reproduce {folder / MANIFEST_NAME} --store YOUR_STORE."
        )
        raise ReleaseError(msg)
