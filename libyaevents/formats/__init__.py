"""The formats layer: how tables are written to and read from files.

Modules: :mod:`~libyaevents.formats.parquet` (the deterministic writer and the
filtered reader of release files), :mod:`~libyaevents.formats.content` (the content
hashes of a table's values) with :mod:`~libyaevents.formats.rowdigest` (the row
digests of version 3, fast), :mod:`~libyaevents.formats.geo` (GeoJSON and
GeoParquet exports) and :mod:`~libyaevents.formats.html` (self-contained pages: the
data cards and the agreement report).
"""
