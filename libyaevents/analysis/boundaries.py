"""Boundaries as data: admin polygons with their ids, names and provenance (the ``geo`` extra).

libyaevents bundles one boundary: Libya's outline from Natural Earth 1:10m
Admin 0 (public domain), with the land around it, built by
``tools/boundaries.py`` from the npm package ``world-atlas`` 2.0.2 and recorded
with the sha256 of its input in ``libyaevents/data/boundaries/PROVENANCE.json``.

Admin1 and admin2 polygons are not bundled yet: no redistributable file of
Libya's regions and districts could be fetched reproducibly from the package
registries this project builds from. Download them yourself and read them with
:func:`read_boundaries`:

- OCHA's Common Operational Datasets, administrative boundaries (COD-AB) for
  Libya, on the Humanitarian Data Exchange (``cod-ab-lby``): regions (admin1:
  East, West, South) and the 22 districts (admin2) ACLED codes, with P-codes
  (``ADM1_PCODE``, ``ADM1_EN``; ``ADM2_PCODE``, ``ADM2_EN``). CC BY-IGO.
- geoBoundaries (``LBY``, ADM1/ADM2), open licence per file
  (``shapeID``, ``shapeName``).

Both come as GeoJSON (read here without GDAL) or can be converted to GeoParquet
(``ogr2ogr -f Parquet``, or GeoPandas ``to_parquet``). Coordinates must be WGS84
longitude and latitude.

Needs shapely 2 (``pip install "libyaevents[geo]"``); it is imported when a
boundary is read, so the base install stays light.

Examples
--------
>>> from libyaevents.analysis.boundaries import libya_outline
>>> outline = libya_outline()
>>> outline.level, outline.names, outline.source[:24]
('country', ('Libya',), 'Natural Earth 4.1.0, 1:1')
>>> round(outline.geometries[0].area)  # square degrees
148
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from libyaevents.errors import InputError, ReadError
from libyaevents.optional import require

__all__ = [
    "BOUNDARY_LEVELS",
    "Boundaries",
    "boundaries_by_level",
    "bundled_provenance",
    "libya_land",
    "libya_outline",
    "read_boundaries",
    "shapely_module",
]

#: The levels a boundary file can describe.
BOUNDARY_LEVELS: Final = ("country", "admin1", "admin2")

_WGS84: Final = ("OGC:CRS84", "EPSG:4326", "urn:ogc:def:crs:OGC:1.3:CRS84")
_POLYGONAL: Final = ("Polygon", "MultiPolygon")


def shapely_module() -> Any:
    """shapely, imported now; the library's error naming the ``geo`` extra when it is absent."""
    return require("shapely", extra="geo", feature="Boundaries and polygon panels")


@dataclass(frozen=True, eq=False)
class Boundaries:
    """Polygons of one admin level, in file order, with where they come from.

    Attributes
    ----------
    ids, names : tuple of str
        Each unit's id (a P-code, say) and name, unique ids.
    geometries : numpy.ndarray
        shapely Polygons and MultiPolygons, WGS84 longitude and latitude.
    level : {"country", "admin1", "admin2"}
        What the units are.
    source, licence, date : str
        Provenance, as given to :func:`read_boundaries` (or recorded for the
        bundled outline).
    filename : str
        The file read ("" when built in memory).
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    geometries: np.ndarray
    level: str
    source: str
    licence: str
    date: str
    filename: str = ""

    def __len__(self) -> int:
        return len(self.ids)

    def frame(self) -> pd.DataFrame:
        """One row per unit: ``id``, ``name`` and ``geometry`` (shapely)."""
        return pd.DataFrame({"id": self.ids, "name": self.names, "geometry": self.geometries})

    def to_geodataframe(self) -> Any:
        """The units as a GeoPandas GeoDataFrame in EPSG:4326 (the ``geopandas`` extra).

        Provenance goes to its ``attrs`` (``source``, ``licence``, ``date``, ``level``).
        """
        geopandas = require("geopandas", extra="geopandas", feature="GeoDataFrames")
        frame = geopandas.GeoDataFrame(
            {"id": self.ids, "name": self.names}, geometry=list(self.geometries), crs="EPSG:4326"
        )
        frame.attrs.update(source=self.source, licence=self.licence, date=self.date,
                           level=self.level)  # fmt: skip
        return frame


def _where(path: str, index: int | None = None, unit: str | None = None) -> str:
    at = f"{path}: feature {index}" if index is not None else path
    return f"{at} (id {unit!r})" if unit else at


def _crs_is_wgs84(crs: Any) -> bool:
    """Whether a GeoParquet (PROJJSON or string) or legacy GeoJSON ``crs`` is WGS84 lon/lat.

    A projected CRS (a UTM zone, say) is not, even though its base is WGS84.
    """
    if crs is None:
        return True
    if isinstance(crs, dict) and crs.get("type") == "name":  # GeoJSON 2008 "crs" member
        crs = crs.get("properties", {}).get("name")
    if isinstance(crs, dict):
        if crs.get("type") not in (None, "GeographicCRS", "GeodeticCRS"):
            return False
        ident: dict[str, Any] = crs["id"] if isinstance(crs.get("id"), dict) else {}
        crs = f"{ident.get('authority')}:{ident.get('code')}"
    text = str(crs).upper()
    return any(text.endswith(code.split(":")[-1].upper()) for code in _WGS84)


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _labels(
    rows: list[dict[str, Any]], path: str, id_column: str, name_column: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Ids and names of the features; an error naming the first feature that lacks one."""
    ids, labels, seen = [], [], dict[str, int]()
    for index, row in enumerate(rows):
        unit, name = _text(row.get(id_column)), _text(row.get(name_column))
        for column, value in ((id_column, unit), (name_column, name)):
            if not value:
                msg = (
                    f"{_where(path, index)}: no {column!r} (its properties are "
                    f"{sorted(row)[:8]}); pass id_column and name_column naming the "
                    "properties that hold each unit's id and name."
                )
                raise InputError(msg)
        if unit in seen:
            msg = (
                f"{_where(path, index, unit)}: the id is also feature {seen[unit]}'s; "
                f"ids must be unique. Pass an id_column whose values are (P-codes, say)."
            )
            raise InputError(msg)
        seen[unit] = index
        ids.append(unit)
        labels.append(name)
    return tuple(ids), tuple(labels)


def _checked(shapes: np.ndarray, ids: tuple[str, ...], path: str) -> np.ndarray:
    """The geometries, once each is a valid, non-empty (Multi)Polygon; else which is not."""
    shapely = shapely_module()
    for index, (shape, unit) in enumerate(zip(shapes, ids, strict=True)):
        kind = None if shape is None else shape.geom_type
        if kind not in _POLYGONAL or shape.is_empty:
            what = "no geometry" if kind is None else f"a {'empty ' * bool(shape.is_empty)}{kind}"
            msg = f"{_where(path, index, unit)}: expected a Polygon or MultiPolygon, found {what}."
            raise InputError(msg)
        if not shape.is_valid:
            msg = (
                f"{_where(path, index, unit)}: the polygon is not valid "
                f"({shapely.is_valid_reason(shape)}); repair it (shapely.make_valid, or QGIS "
                "'Fix geometries') and read the repaired file."
            )
            raise InputError(msg)
        if not shapely.within(shape, shapely.box(-180, -90, 180, 90)):
            msg = (
                f"{_where(path, index, unit)}: coordinates outside longitude [-180, 180] and "
                f"latitude [-90, 90] (bounds {tuple(round(b, 3) for b in shape.bounds)}); "
                "expected WGS84 longitude and latitude: reproject the file to EPSG:4326."
            )
            raise InputError(msg)
    return shapes


def _geojson(path: Path) -> tuple[list[dict[str, Any]], np.ndarray]:
    """Properties and geometries of a GeoJSON FeatureCollection (parsed JSON, no GDAL)."""
    shapely = shapely_module()
    try:
        data = json.loads(path.read_bytes())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        msg = f"{path}: not readable as GeoJSON ({error}); expected a FeatureCollection."
        raise ReadError(msg) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or data.get("type") != "FeatureCollection":
        found = data.get("type") if isinstance(data, dict) else type(data).__name__
        msg = f"{path}: expected a GeoJSON FeatureCollection, found {found!r}."
        raise ReadError(msg)
    if not _crs_is_wgs84(data.get("crs")):
        msg = f"{path}: its crs is {data['crs']!r}; expected WGS84. Reproject to EPSG:4326."
        raise InputError(msg)
    rows, shapes = [], []
    for index, feature in enumerate(features):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        properties = feature.get("properties") if isinstance(feature, dict) else None
        rows.append(properties if isinstance(properties, dict) else {})
        try:
            shapes.append(None if geometry is None else shapely.from_geojson(json.dumps(geometry)))
        except shapely.errors.GEOSException as error:
            msg = f"{_where(str(path), index)}: its geometry is not valid GeoJSON ({error})."
            raise InputError(msg) from None
    return rows, np.array(shapes, dtype=object)


def _geoparquet(path: Path) -> tuple[list[dict[str, Any]], np.ndarray]:
    """Properties and geometries of a GeoParquet file (WKB encoding), read with pyarrow."""
    shapely = shapely_module()
    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as error:
        msg = f"{path}: not readable as Parquet ({error})."
        raise ReadError(msg) from None
    raw = (table.schema.metadata or {}).get(b"geo")
    geo = json.loads(raw) if raw else {}
    column = geo.get("primary_column", "geometry")
    spec = geo.get("columns", {}).get(column, {})
    if not raw or column not in table.column_names:
        msg = f"{path}: no GeoParquet 'geo' metadata or no {column!r} column; not GeoParquet."
        raise ReadError(msg)
    if spec.get("encoding", "WKB").upper() != "WKB" or not _crs_is_wgs84(spec.get("crs")):
        msg = (
            f"{path}: geometry encoding {spec.get('encoding')!r}, crs {spec.get('crs')!r}; "
            "expected WKB in WGS84 (write with geometry_encoding='WKB' in EPSG:4326)."
        )
        raise InputError(msg)
    rows = table.drop_columns([column]).to_pylist()
    wkb = table[column].to_pylist()
    shapes = []
    for index, value in enumerate(wkb):
        try:
            shapes.append(None if value is None else shapely.from_wkb(value))
        except shapely.errors.GEOSException as error:
            msg = f"{_where(str(path), index)}: its geometry is not valid WKB ({error})."
            raise InputError(msg) from None
    return rows, np.array(shapes, dtype=object)


def read_boundaries(
    path: str | Path,
    *,
    id_column: str,
    name_column: str,
    level: str,
    source: str,
    licence: str,
    date: str,
) -> Boundaries:
    """Read admin polygons from GeoJSON or GeoParquet, with their provenance.

    Parameters
    ----------
    path : path
        ``.geojson``/``.json`` (a FeatureCollection) or ``.parquet`` (GeoParquet,
        WKB); WGS84 longitude and latitude.
    id_column, name_column : str
        The properties (columns) holding each unit's id (unique; a P-code such
        as OCHA's ``ADM1_PCODE``) and name (``ADM1_EN``).
    level : {"country", "admin1", "admin2"}
        What the units are.
    source, licence, date : str
        Where the file comes from, its licence and its date, kept with the
        polygons so that panels and maps can say them.

    Returns
    -------
    Boundaries

    Raises
    ------
    ReadError
        The file is missing, or not a GeoJSON FeatureCollection or GeoParquet.
    InputError
        A feature lacks its id or name, repeats an id, or has a geometry that is
        not a valid polygon in WGS84 (the message names the file, the feature's
        position and id, and what to do); or an argument is wrong.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> square = {"type": "Polygon", "coordinates": [[[13, 32], [14, 32], [14, 33], [13, 32]]]}
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "units.geojson"
    >>> _ = path.write_text(json.dumps({"type": "FeatureCollection", "features": [
    ...     {"type": "Feature", "properties": {"code": "LY02", "en": "West"},
    ...      "geometry": square}]}))
    >>> units = read_boundaries(path, id_column="code", name_column="en", level="admin1",
    ...                         source="made up", licence="CC0", date="2026-12-07")
    >>> units.ids, units.names, units.geometries[0].geom_type
    (('LY02',), ('West',), 'Polygon')
    """
    if level not in BOUNDARY_LEVELS:
        msg = f"level must be one of {BOUNDARY_LEVELS}; got {level!r}."
        raise InputError(msg)
    where = Path(path)
    if not where.is_file():
        msg = f"{where}: no such file; expected boundaries as GeoJSON or GeoParquet."
        raise ReadError(msg)
    suffix = where.suffix.lower()
    if suffix not in (".geojson", ".json", ".parquet", ".geoparquet"):
        msg = f"{where}: expected a .geojson, .json or .parquet file, found {suffix!r}."
        raise ReadError(msg)
    reader = _geoparquet if suffix in (".parquet", ".geoparquet") else _geojson
    rows, shapes = reader(where)
    if not rows:
        msg = f"{where}: no features; expected at least one polygon."
        raise InputError(msg)
    ids, labels = _labels(rows, str(where), id_column, name_column)
    checked = _checked(shapes, ids, str(where))
    return Boundaries(ids, labels, checked, level, source, licence, date, str(where))


def boundaries_by_level(boundaries: Any) -> dict[str, Boundaries]:
    """``boundaries=`` of a panel (one :class:`Boundaries` or several) by their level.

    Raises
    ------
    InputError
        When an item is not a :class:`Boundaries`, or two share a level.
    """
    if boundaries is None:
        return {}
    items = [boundaries] if isinstance(boundaries, Boundaries) else boundaries
    if isinstance(items, str | bytes) or not all(isinstance(b, Boundaries) for b in items):
        msg = (
            "boundaries must be a Boundaries (read_boundaries) or a list of them, one per "
            f"level; got {type(boundaries).__name__}."
        )
        raise InputError(msg)
    levels = [b.level for b in items]
    if len(set(levels)) < len(levels):
        msg = f"boundaries: one per level; got the levels {levels}."
        raise InputError(msg)
    return {b.level: b for b in items}


def _bundled(name: str) -> Path:
    return Path(str(files("libyaevents") / "data" / "boundaries" / name))


@functools.cache
def bundled_provenance() -> dict[str, Any]:
    """The provenance of the bundled boundary files (``PROVENANCE.json``), as a dict."""
    recorded: dict[str, Any] = json.loads(_bundled("PROVENANCE.json").read_text("utf-8"))
    return recorded


def _bundled_boundaries(name: str, level: str) -> Boundaries:
    provenance = bundled_provenance()
    return read_boundaries(
        _bundled(name),
        id_column="id",
        name_column="name",
        level=level,
        source=f"{provenance['files'][name]['source']} (via {provenance['input']['package']})",
        licence=provenance["licence"],
        date=provenance["extracted"],
    )


@functools.cache
def libya_outline() -> Boundaries:
    """Libya's outline (Natural Earth 1:10m Admin 0, public domain), bundled."""
    return _bundled_boundaries("libya-admin0.geojson", "country")


@functools.cache
def libya_land() -> Any:
    """Natural Earth's 1:10m land within (5, 17, 30, 38) degrees: Libya and its neighbours."""
    land: Any = _bundled_boundaries("libya-land.geojson", "country").geometries[0]
    return land
