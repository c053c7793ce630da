"""Publish a release on Zenodo: a DOI for open data, the recipe for data that may not be shared.

The first version of a store's data creates a deposition; each later version is
a new version of the same concept record (the concept DOI always points at the
latest), linked to its parent's DOI (``isNewVersionOf``). Every file goes up
through the bucket API, streamed, with the HTTP stack's retries; before
publishing, the md5 Zenodo reports for every file is compared with the local
file's, and a difference stops everything with the file named: nothing is
published. The draft is recorded in the store index (``releases.json``) as
soon as it exists, so a run interrupted anywhere continues it; a version
already published is reported with its DOI and left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from libyaevents.errors import InputError, IntegrityError, ReleaseError
from libyaevents.live.http import Http
from libyaevents.publishing.metadata import zenodo_metadata
from libyaevents.publishing.recipe import full_files, recipe_files
from libyaevents.publishing.zenodo import ZenodoClient, token_from_env
from libyaevents.releases.doistore import zenodo_root
from libyaevents.releases.increments import layered
from libyaevents.releases.licences import redistribution
from libyaevents.releases.loading import Release, load
from libyaevents.releases.manifest import listed_resource
from libyaevents.releases.stores import (
    LocalStore,
    StoreArg,
    local_store,
    manifest_at,
    published_records,
    version_key,
)
from libyaevents.releases.verify import verify_release

__all__ = ["Published", "publish_to_zenodo"]

_log = logging.getLogger("libyaevents")


@dataclass(frozen=True, kw_only=True)
class Published:
    """A release's record on Zenodo.

    Attributes
    ----------
    version : str
        The release.
    doi : str
        The DOI of this version's record (load it with ``store="doi:" + doi``).
    url : str
        The record's page.
    concept_doi : str or None
        The DOI of every version together (it resolves to the latest).
    recipe_only : bool
        True when only the recipe was published (the data may not be shared).
    already : bool
        True when the version was published before this call (nothing was sent).
    files : tuple of str
        The files the record holds.
    site : str
        The Zenodo site root.
    """

    version: str
    doi: str
    url: str
    concept_doi: str | None
    recipe_only: bool
    already: bool
    files: tuple[str, ...] = field(default=())
    site: str = ""

    def summary(self) -> str:
        """Two lines for people: what happened, and the DOI."""
        what = "the recipe of release" if self.recipe_only else "release"
        head = (
            f"{what} {self.version} was already published"
            if self.already
            else f"published {what} {self.version} ({len(self.files)} files)"
        )
        concept = f"; all versions: doi:{self.concept_doi}" if self.concept_doi else ""
        return f"{head} on {self.site}\ndoi:{self.doi} {self.url}{concept}"


def _md5(path: Path) -> str:
    """The checksum as Zenodo reports it (``md5:<hex>``)."""
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, lambda: hashlib.md5(usedforsecurity=False))
    return f"md5:{digest.hexdigest()}"


def _entry(deposition: dict[str, Any], root: str, state: str, recipe: bool) -> dict[str, Any]:
    """The store index's record of a deposition (never the token)."""
    found: dict[str, Any] = {"site": root, "deposition": int(deposition["id"]), "state": state,
                             "recipe_only": recipe}  # fmt: skip
    if state == "published":
        doi = str(deposition.get("doi") or "")
        page = deposition.get("links", {}).get("html") or f"{root}/records/{deposition['id']}"
        found.update(
            doi=doi,
            url=str(page),
            concept_doi=deposition.get("conceptdoi") or None,
        )
    return found


@dataclass
class _Run:
    """One publishing run: the store, the client, the release and what goes up."""

    store: LocalStore
    client: ZenodoClient
    version: str
    manifest: dict[str, Any]
    recipe: bool
    community: str | None

    def records(self) -> dict[str, dict[str, Any]]:
        found = published_records(self.store.index())
        return {v: r for v, r in found.items() if r.get("site") == self.client.root}

    def remember(self, entry: dict[str, Any]) -> None:
        with self.store.writing():  # one writer of the index at a time, as builds and syncs
            self.store.write_index(published={self.version: entry})

    def parent(self) -> dict[str, Any] | None:
        """The newest earlier version published on this site (this one follows it)."""
        done = {v: r for v, r in self.records().items() if r.get("state") == "published"}
        older = [v for v in done if version_key(v) < version_key(self.version)]
        wanted = self.manifest.get("x-parent-version")
        pick = wanted if wanted in older else max(older, key=version_key, default=None)
        return done[pick] if pick else None

    def metadata(self, release: Release, parent: dict[str, Any] | None) -> dict[str, Any]:
        events = release.events["event_date"]
        period = (str(events.min().date()), str(events.max().date())) if len(events) else None
        return zenodo_metadata(
            self.manifest, period=period, today=dt.datetime.now(dt.UTC).date().isoformat(),
            recipe=self.recipe, parent_doi=parent.get("doi") if parent else None,
            community=self.community,
        )  # fmt: skip

    def found_by_listing(self) -> dict[str, Any] | None:
        """A deposition of this version and title (a run whose index write was lost)."""
        title = str(self.manifest.get("title", ""))
        for deposition in self.client.depositions():
            meta = deposition.get("metadata") or {}
            if meta.get("version") == self.version and meta.get("title") == title:
                return deposition
        return None

    def draft(self, meta: dict[str, Any], parent: dict[str, Any] | None) -> dict[str, Any]:
        """The draft to fill: the one a previous run left, or a new one (version)."""
        held = self.records().get(self.version)
        if held is not None:
            deposition = self.client.get(int(held["deposition"]))
            if not deposition.get("submitted"):
                _log.info("libyaevents: continuing draft %s", deposition["id"])
                return deposition
        listed = self.found_by_listing()
        if listed is not None and not listed.get("submitted"):
            return listed
        if parent is not None:
            deposition = self.client.new_version(int(parent["deposition"]))
        else:
            deposition = self.client.create()
        self.client.set_metadata(int(deposition["id"]), meta)  # findable by version from now
        self.remember(_entry(deposition, self.client.root, "draft", self.recipe))
        return deposition

    def already(self) -> dict[str, Any] | None:
        """The published deposition of this version, if there is one."""
        held = self.records().get(self.version)
        if held is not None and held.get("state") == "published":
            return held
        listed = self.found_by_listing()
        if listed is not None and listed.get("submitted"):
            entry = _entry(listed, self.client.root, "published", self.recipe)
            self.remember(entry)
            return entry
        return None

    def upload(self, bucket: str, files: list[Path], local: Mapping[str, str]) -> None:
        """Each file not already held with its md5 (``local``, by name); carried-over files go."""
        held = self.client.bucket_files(bucket)
        names = {p.name for p in files}
        for name in sorted(set(held) - names):
            self.client.delete_file(bucket, name)
        for path in files:
            if held.get(path.name, {}).get("checksum") == local[path.name]:
                continue
            reply = self.client.upload(bucket, path, path.name)
            if reply.get("checksum") != local[path.name]:
                raise _mismatch(path, local[path.name], reply.get("checksum"))

    def check(self, bucket: str, files: list[Path], local: Mapping[str, str]) -> None:
        """What Zenodo holds must be exactly the local files, md5 for md5."""
        held = self.client.bucket_files(bucket)
        for path in files:
            reported = held.get(path.name, {}).get("checksum")
            if reported != local[path.name]:
                raise _mismatch(path, local[path.name], reported)
        extra = sorted(set(held) - {p.name for p in files})
        if extra:
            msg = (
                f"Zenodo holds files this release does not have: {', '.join(extra)}; "
                "nothing was published."
            )
            raise IntegrityError(msg)


def _mismatch(path: Path, local: str, reported: Any) -> IntegrityError:
    msg = (
        f"{path.name}: Zenodo reports checksum {reported or 'none'}, the local file has "
        f"{local} (the upload arrived damaged or incomplete). Nothing was published; run "
        "the same command again to upload it afresh into the same draft."
    )
    return IntegrityError(msg)


def _release_of(store: LocalStore, version: str, recipe: bool) -> Release:
    """The release, checked in full before anything goes out."""
    if not recipe:
        result = verify_release(version, store=store)
        if not result.ok:
            lines = "\n".join(result.messages()[:10])
            msg = f"Release {version} failed verification; nothing was published:\n{lines}"
            raise IntegrityError(msg)
    return load(version, store=store)


def publish_to_zenodo(
    version: str,
    *,
    store: StoreArg = None,
    sandbox: bool = False,
    community: str | None = None,
    rows: bool | None = None,
    http: Http | None = None,
) -> Published:
    """Publish a release on Zenodo (in full, or its recipe) and record its DOI in the store.

    Parameters
    ----------
    version : str
        The release to publish.
    store : path or store, optional
        The store holding it (the bundled releases by default); its
        ``releases.json`` records the draft and then the DOI.
    sandbox : bool
        Publish on Zenodo's sandbox (test DOIs, a separate account and token).
    community : str, optional
        A Zenodo community to submit the record to.
    rows : bool, optional
        ``None`` (default): the data if its licence allows redistribution, the
        recipe otherwise. ``False``: the recipe only. ``True``: the data, refused
        when its licence does not allow it.
    http : Http, optional
        The HTTP client (retries, timeouts).

    Returns
    -------
    Published
        The DOI and record URL (``.already`` when it was published before).

    Raises
    ------
    AuthenticationError
        No token in ``ZENODO_TOKEN``, or Zenodo refused it.
    InputError
        The rows were asked for but the licence does not allow it (the reason
        given), or the release is an incremental snapshot (its rows are layers
        of earlier snapshots), or a recipe cannot be made (no fingerprints).
    IntegrityError
        The release failed verification, or Zenodo holds a file with another
        checksum (the file named; nothing is published).
    ApiError
        Zenodo kept failing after the retries (the draft is kept for the next run).
    """
    target = local_store(
        store,
        needs="publish needs a local store folder (its index records the DOI)",
        instead="Publish from the store folder the release was built in.",
    )
    manifest = manifest_at(target.folder(version))
    terms = redistribution(manifest)
    if rows and not terms.allowed:
        msg = (
            f"Release {version} may not be published with its rows: {terms.reason} Publish its "
            "recipe instead (the default): readers rebuild it with `libyaevents reproduce`."
        )
        raise InputError(msg)
    recipe = not terms.allowed if rows is None else not rows
    if not recipe and layered(listed_resource(manifest, "events") or {}):
        msg = (
            f"Release {version} is an incremental snapshot: its events are layers of earlier "
            "snapshots' files, which a Zenodo record cannot hold. Publish a whole snapshot "
            "(libyaevents.sync(..., full=True)) or this one's recipe (rows=False)."
        )
        raise InputError(msg)
    root = zenodo_root(sandbox=sandbox)
    client = ZenodoClient(root, token_from_env(root), http or Http())
    run = _Run(target, client, version, manifest, recipe, community)
    done = run.already()
    if done is not None:
        return _published(version, done, root, already=True)
    release = _release_of(target, version, recipe)
    parent = run.parent()
    with tempfile.TemporaryDirectory(prefix="libyaevents-publish-") as work:
        files = recipe_files(release, Path(work)) if recipe else full_files(release)
        meta = run.metadata(release, parent)
        deposition = run.draft(meta, parent)
        bucket = str(deposition["links"]["bucket"])
        local = {path.name: _md5(path) for path in files}  # each file read once to hash
        run.upload(bucket, files, local)
        run.check(bucket, files, local)
        client.set_metadata(int(deposition["id"]), meta)
        published = client.publish(int(deposition["id"]))
    entry = _entry(published, root, "published", recipe)
    run.remember(entry)
    return _published(version, entry, root, already=False, files=[p.name for p in files])


def _published(
    version: str, entry: dict[str, Any], root: str, *, already: bool, files: list[str] | None = None
) -> Published:
    if not entry.get("doi"):
        msg = f"Zenodo published release {version} but named no DOI; see {entry.get('url')}."
        raise ReleaseError(msg)
    return Published(
        version=version, doi=str(entry["doi"]), url=str(entry.get("url", "")),
        concept_doi=entry.get("concept_doi"), recipe_only=bool(entry.get("recipe_only")),
        already=already, files=tuple(files or ()), site=root,
    )  # fmt: skip
