"""The formats layer: how tables are written to and read from files.

Modules: :mod:`~libyaevents.formats.parquet` (the deterministic writer and the
filtered reader of release files) and :mod:`~libyaevents.formats.geo` (GeoJSON and
GeoParquet exports).
"""
