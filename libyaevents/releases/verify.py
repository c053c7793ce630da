"""Verifying a release in full: files rehashed, content hashes, schemas and every rule.

Examples
--------
>>> verify_release("0.1.0").ok
True
"""

from __future__ import annotations

from collections.abc import Mapping

from libyaevents.errors import InputError
from libyaevents.formats import parquet
from libyaevents.problems import concat_problems
from libyaevents.releases.checks import VerifyResult, as_problem_table, check_files, file_problem
from libyaevents.releases.loading import Release, load
from libyaevents.releases.manifest import compatible, read_manifest, table_content
from libyaevents.releases.stores import MANIFEST_NAME, StoreArg, open_store
from libyaevents.schema.frictionless import table_schema
from libyaevents.validation.validator import validate

__all__ = ["verify_release"]


def verify_release(version: str | Release, *, store: StoreArg = None) -> VerifyResult:
    """Check a release fully: files, sizes, hashes, rows, content hashes, schema, rules.

    Unlike :func:`load`, this recomputes the sha256 of every file and the
    content hash of every table, and validates the whole dataset, cross-table
    references included. Problems are returned, not raised, so that all of
    them are seen at once.

    Parameters
    ----------
    version : str or Release
        A version in ``store``, or a release already loaded in full (its
        tables are checked as loaded, not read again).
    store : path, URL or Store, optional
        Where the version is (the bundled store by default).
    """
    if isinstance(version, Release):
        return _verify_loaded(version)
    folder = open_store(store).folder(version)
    found = check_files(folder, read_manifest(folder), rehash=True)
    if found:
        return VerifyResult(version=version, problems=as_problem_table(found))
    return _verify_loaded(load(version, store=store), rehashed=True)


def _verify_loaded(release: Release, *, rehashed: bool = False) -> VerifyResult:
    """Content hashes, schemas and rules of a loaded release (files too unless ``rehashed``)."""
    folder, manifest = release.path, release.manifest
    by_name = {r.get("name"): r for r in manifest["resources"]}
    if not release.complete:
        msg = (
            f"verify_release: release {release.version} was loaded with filters or columns; "
            "pass the version (or a release loaded in full) to verify it."
        )
        raise InputError(msg)
    found = [] if rehashed else check_files(folder, manifest, rehash=True)
    if found:
        return VerifyResult(version=release.version, problems=as_problem_table(found))
    absent = manifest.get("x-absent-columns")
    gaps = {str(k): list(v) for k, v in absent.items()} if isinstance(absent, Mapping) else {}
    for name, frame in release.tables().items():
        expected = by_name.get(name, {})
        arrow = parquet.release_arrow(frame, name, gaps=gaps.get(name, ()))  # as it was built
        hashed = table_content(arrow, name, expected.get("x-content-hash-version"))
        if any(expected.get(k) != v for k, v in hashed.items()):
            said = "content hash differs from manifest."
            found.append(file_problem(folder / f"{name}.parquet", name, "content-mismatch", said))
        if not compatible(expected.get("schema"), table_schema(name)):
            said = f"schema of {name} is not one this library reads (a field changed or went)."
            found.append(file_problem(folder / MANIFEST_NAME, name, "schema-mismatch", said))
    report = validate(release.tables(), today=str(manifest.get("created", ""))[:10] or None)
    if gaps:
        report = report.allowing_absent(gaps)
    problems = concat_problems([as_problem_table(found), report.failures])
    return VerifyResult(version=release.version, problems=problems)
