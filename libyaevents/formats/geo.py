"""Events for GIS users: GeoJSON and GeoParquet (points, WGS84 longitude/latitude).

GeoParquet follows the 1.1 specification: a ``geometry`` column of WKB points
and the ``geo`` file metadata (encoding, geometry types, bounding box; no
``crs`` key, which means OGC:CRS84, longitude then latitude). The other columns
are the canonical events columns with their release types, so GIS tools see the
same vocabularies. Written without a geometry library: a WKB point is 21 bytes
(byte order, type, x, y), built for all rows at once with numpy.

Examples
--------
>>> import io, json, libyaevents
>>> from libyaevents.formats.geo import to_geojson
>>> events = libyaevents.load().events
>>> collection = json.loads(to_geojson(events.head(1)))
>>> collection["features"][0]["geometry"]["type"]
'Point'
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from libyaevents.dataset import DatasetLike, table_of
from libyaevents.files import atomic_target
from libyaevents.formats import parquet

__all__ = ["GEOPARQUET_VERSION", "to_geojson", "wkb_points", "write_geoparquet"]

#: The GeoParquet specification version written.
GEOPARQUET_VERSION: Final = "1.1.0"

_WKB_POINT: Final = np.dtype([("order", "u1"), ("kind", "<u4"), ("x", "<f8"), ("y", "<f8")])


def wkb_points(longitude: pd.Series, latitude: pd.Series) -> Any:
    """Little-endian WKB points, null where a coordinate is missing."""
    x = longitude.to_numpy(dtype="float64", na_value=np.nan)
    y = latitude.to_numpy(dtype="float64", na_value=np.nan)
    records = np.empty(len(x), dtype=_WKB_POINT)
    records["order"], records["kind"], records["x"], records["y"] = 1, 1, x, y
    offsets = np.arange(0, _WKB_POINT.itemsize * (len(x) + 1), _WKB_POINT.itemsize, dtype="int32")
    missing = np.isnan(x) | np.isnan(y)
    validity = None if not missing.any() else pa.array(~missing).buffers()[1]
    return pa.Array.from_buffers(
        pa.binary(),
        len(x),
        [validity, pa.py_buffer(offsets.tobytes()), pa.py_buffer(records.tobytes())],
        null_count=int(missing.sum()),
    )


def write_geoparquet(events: pd.DataFrame | DatasetLike, where: str | Path | IO[bytes]) -> None:
    """Write events as GeoParquet: canonical columns plus a WKB point ``geometry``."""
    events = table_of(events, "events", what="events")
    arrow = parquet.release_arrow(events, "events", gaps=True)
    lon, lat = arrow["longitude"].to_pandas(), arrow["latitude"].to_pandas()
    arrow = arrow.append_column("geometry", wkb_points(lon, lat))
    bbox = [float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())]
    geo = {
        "version": GEOPARQUET_VERSION,
        "primary_column": "geometry",
        "columns": {
            "geometry": {
                "encoding": "WKB",
                "geometry_types": ["Point"],
                **({"bbox": bbox} if len(events) and not np.isnan(bbox).any() else {}),
            }
        },
    }
    metadata = dict(arrow.schema.metadata or {})
    metadata[b"geo"] = json.dumps(geo).encode()
    with atomic_target(where) as target:
        pq.write_table(arrow.replace_schema_metadata(metadata), target, compression="zstd")


def _json_value(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return str(value.date())
    if isinstance(value, np.generic):
        return value.item()
    return value


def to_geojson(
    events: pd.DataFrame | DatasetLike, where: str | os.PathLike[str] | None = None
) -> str:
    """Events as a GeoJSON FeatureCollection of points; every column a property.

    Returns the text, and writes it to ``where`` when given.
    """
    events = table_of(events, "events", what="events")
    columns = list(events.columns)
    features = []
    for row in events.itertuples(index=False):
        props = {c: _json_value(v) for c, v in zip(columns, row, strict=True)}
        lon, lat = props.get("longitude"), props.get("latitude")
        geometry = (
            None
            if lon is None or lat is None
            else {
                "type": "Point",
                "coordinates": [lon, lat],
            }
        )
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    if where is not None:
        with atomic_target(where) as target:
            Path(target).write_text(text, encoding="utf-8")
    return text
