"""What a release's manifest says: its entries, file schemas, and which schemas read it.

A release's ``datapackage.json`` is a Frictionless Data Package (v2) listing
each file with its bytes and sha256; each table also with its rows, schema and
a content hash of its rows. This module builds those entries, reads a manifest
back (refusing paths that leave the release folder), and says whether a schema
a release was written with is read by the library's current one.

Examples
--------
>>> from libyaevents.schema.frictionless import table_schema
>>> compatible(table_schema("events"), table_schema("events"))
True
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from libyaevents._version import __version__
from libyaevents.errors import IntegrityError
from libyaevents.formats.content import ContentSum, content_hash_of
from libyaevents.releases.changes import summarise_changes
from libyaevents.releases.hashes import file_sha256
from libyaevents.releases.licences import REDISTRIBUTION_FIELD, allowed_by
from libyaevents.releases.stores import MANIFEST_NAME
from libyaevents.schema.frictionless import table_schema
from libyaevents.schema.tables import SCHEMA_VERSION

__all__ = [
    "CHANGES_NAME",
    "DATA_LICENSE",
    "PACKAGE_PROFILE",
    "RESOURCE_PROFILE",
    "SnapshotRecord",
    "compatible",
    "content_fields",
    "created_date",
    "file_entry",
    "file_schema",
    "listed_resource",
    "read_manifest",
    "release_manifest",
    "safe_path",
    "table_content",
    "table_entry",
    "table_resource",
    "write_plain",
]

#: The licence of the data this project codes.
DATA_LICENSE: Final = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}

_CITATION: Final = (
    "libyaevents maintainers. libyaevents: conflict and political events in Libya, "
    "coded in the style of ACLED. Data release {version}."
)

#: The name of the change table (``changes.parquet``) in a release.
CHANGES_NAME: Final = "changes"
#: Data Package v2 profiles (``$schema``) of the manifest and of its tabular resources.
PACKAGE_PROFILE: Final = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE: Final = "https://datapackage.org/profiles/2.0/dataresource.json"

_MAINTAINERS: Final = {"title": "libyaevents maintainers", "roles": ["creator", "publisher"]}


@dataclass(frozen=True, kw_only=True)
class SnapshotRecord:
    """What a manifest records of a snapshot under ``x-snapshot`` (see docs/snapshots.md).

    A sync builds it; :func:`~libyaevents.releases.build.publish_release`
    writes it with the content hash of the events it wrote.

    Attributes
    ----------
    source, endpoint : str
        What was pulled (``acled``, ``ucdp``, ``file``) and from where.
    query, arguments : mapping
        The query sent (never a credential) and the keyword arguments that
        re-run the sync (what :func:`libyaevents.reproduce` replays).
    accessed : str
        When the source was read (ISO 8601).
    mode : str
        ``full``, ``incremental`` or ``checked``.
    since_timestamp : int or None
        An incremental pull's lower bound of ``timestamp``.
    rows_fetched, rows_deduplicated : int
        Rows the pull read, and rows it dropped as repeats.
    rows_reported : int
        Rows the pull reported as problems.
    counts : mapping of str to int
        What else the sync counted (rows deleted; for an incremental sync the
        deleted feed's rows and those outside the query), in that order.
    fingerprints, fingerprint_algorithm : str
        The fingerprint file and how its hashes are made.
    fingerprint_columns : sequence of str
        The columns the fingerprints cover.
    newest_timestamp : int or None
        The newest ``timestamp`` the snapshot holds, where the next
        incremental pull starts (snapshots before 2026-12-07 lack it: their
        events' column is read instead).
    """

    source: str
    endpoint: str
    query: Mapping[str, Any] | None
    arguments: Mapping[str, Any]
    accessed: str
    mode: str
    since_timestamp: int | None
    rows_fetched: int
    rows_deduplicated: int
    rows_reported: int
    counts: Mapping[str, int] = field(default_factory=dict)
    fingerprints: str
    fingerprint_algorithm: str
    fingerprint_columns: Sequence[str]
    newest_timestamp: int | None = None

    def entry(self, content_hash: str | None = None) -> dict[str, Any]:
        """The ``x-snapshot`` object, with the events' content hash when it is known."""
        found = {
            "source": self.source, "endpoint": self.endpoint, "query": self.query,
            "arguments": dict(self.arguments), "accessed": self.accessed, "mode": self.mode,
            "since_timestamp": self.since_timestamp, "rows_fetched": self.rows_fetched,
            "rows_deduplicated": self.rows_deduplicated, "rows_reported": self.rows_reported,
            **self.counts, "fingerprints": self.fingerprints,
            "fingerprint_algorithm": self.fingerprint_algorithm,
            "fingerprint_columns": list(self.fingerprint_columns),
        }  # fmt: skip
        if self.newest_timestamp is not None:  # where the next sync starts (none: read it)
            found["newest_timestamp"] = self.newest_timestamp
        return found if content_hash is None else {**found, "content_hash": content_hash}


def created_date(tables: Mapping[str, pd.DataFrame], latest: Sequence[Any] = ()) -> str:
    """The release date from the sources: the latest date any row carries.

    ``latest``: the events' latest date and time when ``tables`` has no events
    (a snapshot written in layers knows them without the whole table).
    """
    dates = list(latest)
    if "events" in tables:
        dates = [tables["events"]["event_date"].max()]
        stamps = tables["events"].get("timestamp")
        if stamps is not None and stamps.notna().any():
            dates.append(pd.Timestamp(int(stamps.max()), unit="s"))
    for column in ("start_date", "end_date"):
        dates.append(tables["measures"][column].max())
    known = [d for d in dates if pd.notna(d)]
    return str(max(known).date()) if known else "1970-01-01"


def file_entry(path: Path, name: str, mediatype: str) -> dict[str, Any]:
    """A manifest entry for a file of the release (checked by size and sha256)."""
    return {
        "name": name,
        "path": path.name,
        "format": path.suffix.lstrip("."),
        "mediatype": mediatype,
        "bytes": path.stat().st_size,
        "hash": f"sha256:{file_sha256(path)}",
    }


def table_entry(path: Path, name: str, rows: int) -> dict[str, Any]:
    """A manifest entry for a Parquet table: a Data Package v2 tabular resource."""
    parquet_file = file_entry(path, name, "application/vnd.apache.parquet")
    return {"$schema": RESOURCE_PROFILE, "type": "table", **parquet_file, "rows": rows}


def content_fields(
    content: ContentSum | None, hashed: str = "", version: int = 1
) -> dict[str, Any]:
    """A table resource's content hash keys: the hash, its version unless 1, and a version 3 sum.

    Pass the version 3 ``content`` sum, or a version 1 or 2 hex ``hashed``.
    """
    if content is not None:
        return {"x-content-hash": f"sha256:{content.hexdigest()}", "x-content-hash-version": 3,
                "x-content-sum": content.text}  # fmt: skip
    said = {"x-content-hash-version": version} if version != 1 else {}
    return {"x-content-hash": f"sha256:{hashed}", **said}


def table_content(arrow: pa.Table, name: str, version: object) -> dict[str, Any]:
    """The content hash keys of a table, by the version a manifest names (absent: 1)."""
    if version == 3:
        return content_fields(ContentSum.of(arrow))
    hashed = 2 if version == 2 else 1
    return content_fields(None, content_hash_of(arrow, name, hashed), hashed)


def table_resource(folder: Path, name: str, arrow: pa.Table, hashed: int = 1) -> dict[str, Any]:
    """One of the release's tables, with its content hash (version ``hashed``) and schema."""
    return {
        **table_entry(folder / f"{name}.parquet", name, arrow.num_rows),
        **table_content(arrow, name, hashed),
        "schema": file_schema(name, arrow.column_names),
    }


def file_schema(name: str, columns: Sequence[str]) -> dict[str, Any]:
    """The table's schema with the fields the file has (optional columns it lacks left out)."""
    schema = table_schema(name)
    present = set(columns)
    fields = [f for f in schema["fields"] if f["name"] in present]
    # Readers that go through pandas (frictionless' Parquet parser) show an empty
    # whole number as NaN: declared missing, as the empty string is.
    return {**schema, "fields": fields, "missingValues": ["", "nan"]}


def write_plain(folder: Path, name: str, arrow: pa.Table) -> dict[str, Any]:
    """A resource that is not one of the tables (the change table, a fingerprint file)."""
    path = folder / f"{name}.parquet"
    pq.write_table(arrow.replace_schema_metadata(None), path, compression="zstd")
    return table_entry(path, name, arrow.num_rows)


def release_manifest(
    version: str,
    parent: str | None,
    created: str,
    resources: list[dict[str, Any]],
    *,
    changes: pd.DataFrame,
    sources: Sequence[Mapping[str, str]],
    about: Mapping[str, Any],
) -> dict[str, Any]:
    licences = list(about.get("licenses", [DATA_LICENSE]))
    return {
        "$schema": PACKAGE_PROFILE,
        "name": "libyaevents",
        "title": about.get("title", "Conflict and political events in Libya (ACLED style)"),
        "version": version,
        "created": f"{created}T00:00:00Z",
        "licenses": licences,
        "contributors": list(about.get("contributors", [_MAINTAINERS])),
        "x-citation": _CITATION.format(version=version),
        REDISTRIBUTION_FIELD: allowed_by(licences),
        "x-schema-version": SCHEMA_VERSION,
        "x-parent-version": parent,
        "x-library-version": __version__,
        "x-changes": summarise_changes(changes),
        "sources": [dict(s) for s in sources],
        "resources": resources,
    }


def compatible(old: Any, new: Mapping[str, Any]) -> bool:
    """Whether a release written with schema ``old`` is read by schema ``new``.

    The schema may grow by optional columns; every field the release has keeps
    its name, storage and constraints, and the primary key stays. Descriptions
    and rule messages may be reworded.
    """
    if not isinstance(old, Mapping) or old.get("primaryKey") != new.get("primaryKey"):
        return False

    def shape(f: Mapping[str, Any]) -> tuple[Any, ...]:
        return (f.get("type"), f.get("x-libyaevents-storage"), f.get("constraints"))

    fields = {f.get("name"): f for f in old.get("fields", []) if isinstance(f, Mapping)}
    current = {f["name"]: f for f in new["fields"]}
    kept = all(n in current and shape(f) == shape(current[n]) for n, f in fields.items())
    added = [f for n, f in current.items() if n not in fields]
    return kept and all(f.get("x-libyaevents-optional-column") for f in added)


def listed_resource(manifest: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    """The manifest's resource called ``name``, or None when it lists none."""
    found: Mapping[str, Any] | None = next(
        (r for r in manifest["resources"] if r.get("name") == name), None
    )
    return found


def safe_path(folder: Path, name: object) -> Path:
    """``folder / name`` resolved; ``folder`` must be resolved already."""
    text = str(name)
    path = (folder / text).resolve()
    if "/" in text or "\\" in text or path.parent != folder:
        msg = (
            f"{folder / MANIFEST_NAME}: resource path {text!r} points outside the release "
            "folder; the manifest was tampered with or is broken. Re-fetch the release."
        )
        raise IntegrityError(msg)
    return path


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST_NAME
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        msg = f"{path}: cannot read the manifest ({exc}). Re-fetch or rebuild the release."
        raise IntegrityError(msg) from None
    if not isinstance(manifest.get("resources"), list):
        msg = f"{path}: the manifest lists no resources. Re-fetch or rebuild the release."
        raise IntegrityError(msg)
    return manifest
