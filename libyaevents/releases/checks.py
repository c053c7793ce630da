"""The checks of a release's files, and the result type that reports what they found.

:func:`check_files` compares each file a manifest lists with what is on disk:
path, size, sha256 and, for Parquet tables, row count; and the manifest with
the sha256 the store's index recorded. :func:`~libyaevents.releases.loading.load`
runs it with hashes cached by file identity, :func:`~libyaevents.verify_release`
with every file hashed afresh.

Examples
--------
>>> VerifyResult(version="1.0.0").ok
True
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from libyaevents.formats import parquet
from libyaevents.problems import problem_table
from libyaevents.releases.hashes import cached_sha256, file_sha256
from libyaevents.releases.increments import layer_entries, layered
from libyaevents.releases.manifest import safe_path
from libyaevents.releases.stores import INDEX_NAME, MANIFEST_NAME
from libyaevents.schema.tables import TABLES

__all__ = ["VerifyResult", "as_problem_table", "check_files", "file_problem"]


@dataclass(frozen=True, kw_only=True)
class VerifyResult:
    """What :func:`verify_release` found: ``problems`` is empty when all is well.

    Attributes
    ----------
    version : str
        The release checked.
    problems : pandas.DataFrame
        One row per problem in the shared shape
        (:data:`libyaevents.problems.PROBLEM_COLUMNS`): ``source`` is the file,
        ``code`` one of the release codes (``hash-mismatch``, ``file-missing``,
        ...) or a validation rule's code.
    """

    version: str
    problems: pd.DataFrame = field(default_factory=lambda: problem_table({}))

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return self.problems.empty

    def messages(self) -> list[str]:
        """Each problem as one line of text: where, then what."""
        return [_problem_line(r) for r in self.problems.to_dict("records")]


def _problem_line(rec: Mapping[Any, Any]) -> str:
    if rec["table"] in TABLES and not pd.isna(rec["row"]):
        rid = "" if pd.isna(rec["record_id"]) else f" ({rec['record_id']})"
        where = f"{rec['table']} row {rec['row']}{rid} {rec['column']}"
        return f"{where}: [{rec['code']}] {rec['message']}"
    return f"{rec['source']}: {rec['message']}"


def _rows_in(path: Path, reread: bool) -> int:
    """Rows in a Parquet file; from the footer the reads share unless ``reread``."""
    if reread:
        return pq.ParquetFile(path).metadata.num_rows
    return int(parquet.footer(path).num_rows)


def file_problem(path: Path, table: Any, code: str, message: str) -> dict[str, Any]:
    return {"source": str(path), "table": table, "code": code, "message": message}


def _check_file(path: Path, res: Mapping[str, Any], rehash: bool) -> dict[str, Any] | None:
    """The first thing wrong with one resource's file, or None."""
    name = res.get("name")
    try:
        stat = path.stat()
    except FileNotFoundError:
        stat = None
    if stat is None or not path.is_file():
        return file_problem(path, name, "file-missing", "missing (the manifest lists it).")
    if stat.st_size != res.get("bytes"):
        said = f"{stat.st_size} bytes, the manifest says {res.get('bytes')}."
        return file_problem(path, name, "size-mismatch", said)
    digest = file_sha256(path) if rehash else cached_sha256(path, stat)
    if f"sha256:{digest}" != res.get("hash"):
        said = "sha256 differs from the manifest (corrupted or altered)."
        return file_problem(path, name, "hash-mismatch", said)
    if res.get("format") != "parquet":  # a page or document: size and sha256 say it all
        return None
    rows = _rows_in(path, rehash)
    if rows != res.get("rows"):
        said = f"{rows} rows, the manifest says {res.get('rows')}."
        return file_problem(path, name, "rows-mismatch", said)
    return None


def _index_problem(folder: Path, rehash: bool) -> dict[str, Any] | None:
    """The manifest must hash as the store's ``releases.json`` recorded it (when listed)."""
    try:
        index = json.loads((folder.parent / INDEX_NAME).read_text(encoding="utf-8"))
        recorded = str(index["versions"][folder.name][MANIFEST_NAME])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no index, or the version is not in it: nothing recorded to compare
    manifest = folder / MANIFEST_NAME  # like the data files: rehashed only when verifying
    if (file_sha256(manifest) if rehash else cached_sha256(manifest)) == recorded:
        return None
    said = f"differs from the sha256 {INDEX_NAME} recorded (edited or replaced)."
    return file_problem(folder / MANIFEST_NAME, None, "index-mismatch", said)


def check_files(folder: Path, manifest: dict[str, Any], *, rehash: bool) -> list[dict[str, Any]]:
    """Check each resource's path, size, sha256 and row count; return problems (as records).

    The files of a layered resource (an incremental snapshot's events, in its
    parents' folders too) are checked from their ``x-layers`` entries.

    Records, not a table: ``load`` only needs to know there are none (building an
    empty problem table was 5 ms of a fresh process's first load).
    """
    root = folder.resolve()
    found = [
        _check_file(safe_path(root, res.get("path")), res, rehash)
        for res in manifest["resources"]
        if not layered(res)
    ]
    found += [_check_file(path, entry, rehash) for path, entry in layer_entries(root, manifest)]
    found.append(_index_problem(root, rehash))
    listed = {res.get("name") for res in manifest["resources"]}
    found += [
        file_problem(
            root / MANIFEST_NAME,
            name,
            "file-unlisted",
            f"lists no {name} table; every release has {', '.join(TABLES)}.",
        )
        for name in TABLES
        if name not in listed
    ]
    return [p for p in found if p is not None]


def as_problem_table(found: list[dict[str, Any]]) -> pd.DataFrame:
    return problem_table(pd.DataFrame(found))
