"""The releases layer: versioned, immutable, checksummed Parquet releases in stores.

Modules: :mod:`~libyaevents.releases.stores` (local, bundled and remote stores),
:mod:`~libyaevents.releases.release` (build, load, verify, list),
:mod:`~libyaevents.releases.changes` (the change table between two versions) and
:mod:`~libyaevents.releases.summary` (what ``libyaevents summary`` prints).
"""
