"""Events and grid panels for GIS users: GeoJSON and GeoParquet (WGS84 longitude/latitude).

Events are points. A PRIO-GRID panel (a frame with a ``priogrid_gid`` column, as
``aggregate(..., level="priogrid")`` makes) is written with each row's cell as a
square polygon: five corners, counter-clockwise from the south-west one (the
exterior ring of RFC 7946 and of the simple features WKB), and no geometry on
the row of events with no usable location.

GeoParquet follows the 1.1 specification: a ``geometry`` column of WKB and the
``geo`` file metadata (encoding, geometry types, bounding box; no ``crs`` key,
which means OGC:CRS84, longitude then latitude). The other columns are the
canonical events columns with their release types (or the panel's columns), so
GIS tools see the same vocabularies. Written without a geometry library: a WKB
point is 21 bytes (byte order, type, x, y) and a cell 93 (byte order, type, one
ring of five points), built for all rows at once with numpy.

Examples
--------
>>> import io, json, libyaevents
>>> from libyaevents.formats.geo import to_geojson
>>> events = libyaevents.load().events
>>> collection = json.loads(to_geojson(events.head(1)))
>>> collection["features"][0]["geometry"]["type"]
'Point'
>>> panel = libyaevents.aggregate(events, period="year", level="priogrid")
>>> cell = json.loads(to_geojson(panel.head(1)))["features"][0]
>>> cell["geometry"]["coordinates"][0][:2], cell["properties"]["priogrid_gid"]
([[13.0, 32.5], [13.5, 32.5]], 176787)
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
from libyaevents.vocab import priogrid

__all__ = ["GEOPARQUET_VERSION", "to_geojson", "wkb_cells", "wkb_points", "write_geoparquet"]

#: The GeoParquet specification version written.
GEOPARQUET_VERSION: Final = "1.1.0"

_WKB_POINT: Final = np.dtype([("order", "u1"), ("kind", "<u4"), ("x", "<f8"), ("y", "<f8")])
_WKB_SQUARE: Final = np.dtype(
    [("order", "u1"), ("kind", "<u4"), ("rings", "<u4"), ("points", "<u4"), ("xy", "<f8", (10,))]
)
_WKB_POLYGON: Final = 3


def _wkb(records: np.ndarray, missing: np.ndarray) -> Any:
    """A binary Arrow array of fixed-size WKB records, null where ``missing``."""
    size = records.dtype.itemsize
    offsets = np.arange(0, size * (len(records) + 1), size, dtype="int32")
    validity = None if not missing.any() else pa.array(~missing).buffers()[1]
    return pa.Array.from_buffers(
        pa.binary(),
        len(records),
        [validity, pa.py_buffer(offsets.tobytes()), pa.py_buffer(records.tobytes())],
        null_count=int(missing.sum()),
    )


def wkb_points(longitude: pd.Series, latitude: pd.Series) -> Any:
    """Little-endian WKB points, null where a coordinate is missing."""
    x = longitude.to_numpy(dtype="float64", na_value=np.nan)
    y = latitude.to_numpy(dtype="float64", na_value=np.nan)
    records = np.empty(len(x), dtype=_WKB_POINT)
    records["order"], records["kind"], records["x"], records["y"] = 1, 1, x, y
    return _wkb(records, np.isnan(x) | np.isnan(y))


def _corners(gids: np.ndarray) -> np.ndarray:
    """The five corners of each cell's ring, counter-clockwise from the south-west: (n, 5, 2)."""
    west, south, east, north = priogrid.cell_bounds(gids)
    xs = np.stack([west, east, east, west, west], axis=1)
    ys = np.stack([south, south, north, north, south], axis=1)
    corners: np.ndarray = np.stack([xs, ys], axis=2)
    return corners


def _cell_ids(gids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Cell ids (1 where there is none) and where there is none (empty or not a cell)."""
    numbers = gids.to_numpy(dtype="float64", na_value=np.nan)
    missing = ~priogrid.is_cell(numbers)
    return np.where(missing, 1, numbers).astype("int64"), missing


def wkb_cells(gids: pd.Series) -> Any:
    """Little-endian WKB polygons of PRIO-GRID cells, null where there is no cell."""
    values, missing = _cell_ids(gids)
    records = np.empty(len(values), dtype=_WKB_SQUARE)
    records["order"], records["kind"], records["rings"], records["points"] = 1, _WKB_POLYGON, 1, 5
    records["xy"] = _corners(values).reshape(len(values), 10)
    return _wkb(records, missing)


def _geo_metadata(kind: str, bbox: list[float]) -> bytes:
    """The GeoParquet ``geo`` metadata of one WKB ``geometry`` column (bbox when known)."""
    column: dict[str, Any] = {"encoding": "WKB", "geometry_types": [kind]}
    if bbox and not np.isnan(bbox).any():
        column["bbox"] = bbox
    geo = {
        "version": GEOPARQUET_VERSION,
        "primary_column": "geometry",
        "columns": {"geometry": column},
    }
    return json.dumps(geo).encode()


def _grid_panel(frame: pd.DataFrame) -> bool:
    return priogrid.ID_COLUMN in frame.columns


def _cells_arrow(panel: pd.DataFrame) -> tuple[pa.Table, bytes]:
    """A grid panel's columns plus its cells as WKB polygons, and the ``geo`` metadata."""
    arrow = pa.Table.from_pandas(panel, preserve_index=False)
    arrow = arrow.append_column("geometry", wkb_cells(panel[priogrid.ID_COLUMN]))
    values, missing = _cell_ids(panel[priogrid.ID_COLUMN])
    west, south, east, north = priogrid.cell_bounds(values[~missing])
    bbox = [] if not len(west) else [west.min(), south.min(), east.max(), north.max()]
    return arrow, _geo_metadata("Polygon", [float(edge) for edge in bbox])


def _events_arrow(events: pd.DataFrame) -> tuple[pa.Table, bytes]:
    """Events in their release types plus WKB points, and the ``geo`` metadata."""
    arrow = parquet.release_arrow(events, "events", gaps=True)
    lon, lat = arrow["longitude"].to_pandas(), arrow["latitude"].to_pandas()
    arrow = arrow.append_column("geometry", wkb_points(lon, lat))
    bbox = [float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())]
    return arrow, _geo_metadata("Point", bbox if len(events) else [])


def write_geoparquet(events: pd.DataFrame | DatasetLike, where: str | Path | IO[bytes]) -> None:
    """Write events (WKB points) or a PRIO-GRID panel (WKB cell polygons) as GeoParquet.

    A frame with a ``priogrid_gid`` column is a grid panel: its columns as they
    are, plus each row's cell. Anything else is events: the canonical columns
    plus a point ``geometry``.
    """
    events = table_of(events, "events", what="events")
    arrow, geo = _cells_arrow(events) if _grid_panel(events) else _events_arrow(events)
    metadata = dict(arrow.schema.metadata or {})
    metadata[b"geo"] = geo
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


def _point(props: dict[str, Any]) -> dict[str, Any] | None:
    lon, lat = props.get("longitude"), props.get("latitude")
    return None if lon is None or lat is None else {"type": "Point", "coordinates": [lon, lat]}


def _squares(gids: pd.Series) -> list[dict[str, Any] | None]:
    values, missing = _cell_ids(gids)
    rings = _corners(values).tolist()
    return [
        None if none else {"type": "Polygon", "coordinates": [ring]}
        for ring, none in zip(rings, missing.tolist(), strict=True)
    ]


def to_geojson(
    events: pd.DataFrame | DatasetLike, where: str | os.PathLike[str] | None = None
) -> str:
    """Events (points) or a PRIO-GRID panel (cell polygons) as a GeoJSON FeatureCollection.

    Every column is a property. A frame with a ``priogrid_gid`` column is a grid
    panel: each row's cell is a square of five corners, counter-clockwise, and
    the row of events with no usable location has no geometry. Returns the
    text, and writes it to ``where`` when given.
    """
    events = table_of(events, "events", what="events")
    columns = list(events.columns)
    cells = _squares(events[priogrid.ID_COLUMN]) if _grid_panel(events) else None
    features = []
    for i, row in enumerate(events.itertuples(index=False)):
        props = {c: _json_value(v) for c, v in zip(columns, row, strict=True)}
        geometry = _point(props) if cells is None else cells[i]
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    if where is not None:
        with atomic_target(where) as target:
            Path(target).write_text(text, encoding="utf-8")
    return text
