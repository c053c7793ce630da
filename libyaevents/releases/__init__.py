"""The releases layer: versioned, immutable, checksummed Parquet releases in stores.

Modules: :mod:`~libyaevents.releases.stores` (local, bundled and remote stores),
:mod:`~libyaevents.releases.manifest` (manifest entries, schemas, compatibility),
:mod:`~libyaevents.releases.build` (validate, write the files and the manifest),
:mod:`~libyaevents.releases.folders` (claim a version, build folder, fsync, rename),
:mod:`~libyaevents.releases.checks` and :mod:`~libyaevents.releases.verify` (file
checks, full verification), :mod:`~libyaevents.releases.loading` (load, the
small-table cache), :mod:`~libyaevents.releases.asof` (as-of dates),
:mod:`~libyaevents.releases.release` (list, data card, diff; every public name),
:mod:`~libyaevents.releases.changes` (the change table between two versions) and
:mod:`~libyaevents.releases.summary` (what ``libyaevents summary`` prints).
"""
