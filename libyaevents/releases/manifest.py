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
from pathlib import Path
from typing import Any, Final

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from libyaevents._version import __version__
from libyaevents.errors import IntegrityError
from libyaevents.formats.content import CONTENT_HASH_VERSION, content_hash_of
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
    "compatible",
    "created_date",
    "file_entry",
    "file_schema",
    "read_manifest",
    "release_manifest",
    "safe_path",
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


def created_date(tables: Mapping[str, pd.DataFrame]) -> str:
    """The release date from the sources: the latest date any row carries."""
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


def table_resource(folder: Path, name: str, arrow: pa.Table, hashed: int = 1) -> dict[str, Any]:
    """One of the release's tables, with its content hash (version ``hashed``) and schema."""
    said = {"x-content-hash-version": hashed} if hashed == CONTENT_HASH_VERSION else {}
    return {
        **table_entry(folder / f"{name}.parquet", name, arrow.num_rows),
        "x-content-hash": f"sha256:{content_hash_of(arrow, name, hashed)}",
        **said,
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
