"""Boundaries as data: the bundled outline and its provenance, user files, their errors."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely

import libyaevents
from libyaevents.analysis import boundaries
from libyaevents.analysis.boundaries import libya_land, libya_outline, read_boundaries
from libyaevents.errors import InputError, ReadError
from libyaevents.vocab import gazetteer

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "libyaevents" / "data" / "boundaries"
# the npm package the bundled files are built from (npm pack world-atlas@2.0.2), beside the
# repository or where LIBYAEVENTS_WORLD_ATLAS says
WORLD_ATLAS = Path(
    os.environ.get("LIBYAEVENTS_WORLD_ATLAS") or ROOT.parent / "data" / "world-atlas-2.0.2.tgz"
)
PROVENANCE = {"source": "made up for the tests", "licence": "CC0", "date": "2026-12-07"}


def test_the_bundled_files_are_the_ones_their_provenance_records():
    provenance = json.loads((BUNDLED / "PROVENANCE.json").read_text())
    assert set(provenance["files"]) == {"libya-admin0.geojson", "libya-land.geojson"}
    for name, entry in provenance["files"].items():
        assert hashlib.sha256((BUNDLED / name).read_bytes()).hexdigest() == entry["sha256"]
        assert entry["source"].startswith("Natural Earth 4.1.0, 1:10m")
    assert "public domain" in provenance["licence"]
    assert "ISC" in provenance["licence"]
    assert provenance["input"]["package"].startswith("npm package world-atlas 2.0.2")
    assert len(provenance["input"]["package_sha256"]) == 64


def test_the_outline_is_libya_a_valid_polygon_of_its_area_and_extent():
    outline = libya_outline()
    shape = outline.geometries[0]
    assert (outline.ids, outline.names, outline.level) == (("LBY",), ("Libya",), "country")
    assert shape.geom_type == "Polygon"
    assert shape.is_valid
    # the outline's area by an equal-area projection: 1.62 million km² (pyproj's geodesic
    # area agrees); Libya's official 1,759,540 km² is a larger figure than GIS outlines give
    km2 = shapely.area(shapely.transform(shape, _equal_area)) / 1e6
    assert 1.60e6 < km2 < 1.77e6
    box = gazetteer.LIBYA_BOX
    west, south, east, north = shape.bounds
    assert abs(west - box.min_lon) < 0.1
    assert abs(east - box.max_lon) < 0.1
    assert abs(south - box.min_lat) < 0.1
    assert abs(north - box.max_lat) < 0.1
    assert shapely.contains_xy(shape, 13.18, 32.89)  # Tripoli
    assert not shapely.contains_xy(shape, 13.18, 33.5)  # off Tripoli, at sea
    assert "Natural Earth" in outline.source
    assert "world-atlas 2.0.2" in outline.source


def _equal_area(xy):
    """Lambert cylindrical equal-area, metres (enough for a country's area)."""
    import numpy as np

    radius = 6_371_007.2
    lon, lat = np.radians(xy[:, 0]), np.radians(xy[:, 1])
    return np.column_stack([radius * lon, radius * np.sin(lat)])


def test_the_land_tells_the_sea_off_libya_from_its_neighbours_land():
    land = libya_land()
    for lon, lat in [(13.18, 32.89), (10.18, 36.8), (14.5, 35.9), (31.2, 30.0)]:  # Tripoli,
        assert shapely.contains_xy(land, lon, lat) == (lon < 30)  # Tunis, Malta; Cairo off box
    assert not shapely.contains_xy(land, 15.0, 33.5)  # the sea between Libya and Malta


@pytest.mark.skipif(not WORLD_ATLAS.is_file(), reason=f"the world-atlas package {WORLD_ATLAS} "
                    "is not here (npm pack world-atlas@2.0.2 makes it)")  # fmt: skip
def test_the_tool_rebuilds_the_bundled_files_byte_for_byte(tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "boundaries.py"), str(WORLD_ATLAS), "--out",
         str(tmp_path)], check=True, capture_output=True,
    )  # fmt: skip
    for name in ("libya-admin0.geojson", "libya-land.geojson", "PROVENANCE.json"):
        assert (tmp_path / name).read_bytes() == (BUNDLED / name).read_bytes(), name
    recorded = json.loads((BUNDLED / "PROVENANCE.json").read_text())["input"]["package_sha256"]
    assert hashlib.sha256(WORLD_ATLAS.read_bytes()).hexdigest() == recorded


def _districts(cuts=(15.0, 20.0)) -> list[tuple[str, str, object]]:
    """Fake districts: Libya's outline split by meridians (id, name, polygon)."""
    outline = libya_outline().geometries[0]
    edges = [-180.0, *cuts, 180.0]
    return [
        (f"LY{i:02d}", f"District {i}", shapely.clip_by_rect(outline, west, -90, east, 90))
        for i, (west, east) in enumerate(itertools.pairwise(edges), start=1)
    ]


def write_geojson(path: Path, units, *, id_key="pcode", name_key="name") -> Path:
    features = [
        {"type": "Feature", "properties": {id_key: code, name_key: name},
         "geometry": json.loads(shapely.to_geojson(shape))}
        for code, name, shape in units
    ]  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def write_geoparquet(path: Path, units, *, crs=None) -> Path:
    table = pa.table({
        "pcode": [u[0] for u in units], "name": [u[1] for u in units],
        "geometry": [shapely.to_wkb(u[2]) for u in units],
    })  # fmt: skip
    column = {"encoding": "WKB", "geometry_types": ["Polygon", "MultiPolygon"]}
    if crs is not None:
        column["crs"] = crs
    geo = {"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": column}}
    pq.write_table(table.replace_schema_metadata({"geo": json.dumps(geo)}), path)
    return path


@pytest.mark.parametrize("writer", [write_geojson, write_geoparquet])
def test_user_boundaries_read_from_geojson_and_geoparquet_alike(tmp_path, writer):
    units = _districts()
    path = writer(tmp_path / ("units.geojson" if writer is write_geojson else "u.parquet"), units)
    read = read_boundaries(
        path, id_column="pcode", name_column="name", level="admin2", **PROVENANCE
    )
    assert read.ids == ("LY01", "LY02", "LY03")
    assert read.names == ("District 1", "District 2", "District 3")
    assert all(a.equals(b[2]) for a, b in zip(read.geometries, units, strict=True))
    assert (read.level, read.source, read.filename) == ("admin2", PROVENANCE["source"], str(path))
    assert read.frame().columns.tolist() == ["id", "name", "geometry"]


def test_geopandas_reads_what_the_tests_write_as_geoparquet(tmp_path):
    geopandas = pytest.importorskip("geopandas")
    path = write_geoparquet(tmp_path / "u.parquet", _districts())
    assert geopandas.read_parquet(path)["pcode"].tolist() == ["LY01", "LY02", "LY03"]


def _feature(properties, geometry):
    return {"type": "Feature", "properties": properties, "geometry": geometry}


SQUARE = {"type": "Polygon", "coordinates": [[[13, 32], [14, 32], [14, 33], [13, 33], [13, 32]]]}
BOWTIE = {"type": "Polygon", "coordinates": [[[13, 32], [14, 33], [14, 32], [13, 33], [13, 32]]]}
GOOD = _feature({"pcode": "LY01", "name": "One"}, SQUARE)


@pytest.mark.parametrize(
    ("features", "match"),
    [
        ([GOOD, _feature({"name": "Two"}, SQUARE)], r"feature 1: no 'pcode'"),
        ([GOOD, GOOD], r"feature 1 \(id 'LY01'\): the id is also feature 0's"),
        ([_feature({"pcode": "X", "name": "X"}, BOWTIE)], r"feature 0 \(id 'X'\).*not valid"),
        ([_feature({"pcode": "X", "name": "X"}, None)], r"expected a Polygon.*found no geometry"),
        ([_feature({"pcode": "X", "name": "X"}, {"type": "Point", "coordinates": [13, 32]})],
         r"expected a Polygon or MultiPolygon, found a Point"),
        ([_feature({"pcode": "X", "name": "X"},
                   {"type": "Polygon", "coordinates": [[[0, 0], [5e5, 0], [0, 5e5], [0, 0]]]})],
         r"outside longitude .*reproject"),
        ([], r"no features"),
    ],
)  # fmt: skip
def test_a_bad_feature_is_named_by_file_position_and_id(tmp_path, features, match):
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(InputError, match=match) as raised:
        read_boundaries(path, id_column="pcode", name_column="name", level="admin1", **PROVENANCE)
    assert str(path) in str(raised.value)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("{not json", r"not readable as GeoJSON"),
        ('{"type": "Feature"}', r"expected a GeoJSON FeatureCollection, found 'Feature'"),
    ],
)
def test_a_file_that_is_not_geojson_is_a_read_error(tmp_path, content, match):
    path = tmp_path / "bad.geojson"
    path.write_text(content)
    with pytest.raises(ReadError, match=match):
        read_boundaries(path, id_column="id", name_column="name", level="admin1", **PROVENANCE)


@pytest.mark.parametrize(
    ("crs", "wgs84"),
    [
        (None, True),
        ("EPSG:4326", True),
        ("OGC:CRS84", True),
        ({"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}, True),
        ({"type": "GeographicCRS", "name": "WGS 84", "id": {"authority": "EPSG", "code": 4326}},
         True),
        ({"type": "ProjectedCRS", "name": "WGS 84 / UTM zone 33N",
          "base_crs": {"id": {"authority": "EPSG", "code": 4326}},
          "id": {"authority": "EPSG", "code": 32633}}, False),
        ("EPSG:32633", False),
        ({"type": "name", "properties": {"name": "EPSG:3857"}}, False),
    ],
)  # fmt: skip
def test_only_longitude_latitude_on_wgs84_is_taken(crs, wgs84):
    assert boundaries._crs_is_wgs84(crs) is wgs84


def test_a_geoparquet_in_another_crs_or_a_missing_file_is_refused(tmp_path):
    path = write_geoparquet(tmp_path / "u.parquet", _districts(), crs={"id": {"code": 32633}})
    kwargs = dict(id_column="pcode", name_column="name", level="admin1", **PROVENANCE)
    with pytest.raises(InputError, match=r"expected WKB in WGS84"):
        read_boundaries(path, **kwargs)
    with pytest.raises(ReadError, match=r"no such file"):
        read_boundaries(tmp_path / "none.geojson", **kwargs)
    with pytest.raises(InputError, match=r"level must be one of"):
        read_boundaries(path, **{**kwargs, "level": "province"})


def test_without_shapely_the_error_names_the_geo_extra(monkeypatch, tmp_path):
    path = write_geojson(tmp_path / "units.geojson", _districts())
    monkeypatch.setitem(sys.modules, "shapely", None)  # import shapely now fails
    with pytest.raises(InputError, match=r'pip install "libyaevents\[geo\]"'):
        read_boundaries(path, id_column="pcode", name_column="name", level="admin1", **PROVENANCE)


def test_the_boundary_files_are_package_data():
    # inside the package folder, which the wheel packs whole (tests/test_package.py builds it)
    assert (Path(libyaevents.__file__).parent / "data" / "boundaries" / "PROVENANCE.json").is_file()
    assert boundaries.bundled_provenance()["extracted"] == "2026-12-07"


def test_boundaries_as_a_geodataframe_keep_their_provenance(tmp_path):
    pytest.importorskip("geopandas", reason="the geopandas extra is not installed")
    path = write_geojson(tmp_path / "units.geojson", _districts())
    units = read_boundaries(path, id_column="pcode", name_column="name", level="admin2",
                            **PROVENANCE)  # fmt: skip
    frame = units.to_geodataframe()
    assert frame["id"].tolist() == ["LY01", "LY02", "LY03"]
    assert frame.crs.to_epsg() == 4326
    assert frame.attrs["source"] == PROVENANCE["source"]


def test_without_geopandas_the_error_names_its_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "geopandas", None)
    with pytest.raises(InputError, match=r'pip install "libyaevents\[geopandas\]"'):
        libya_outline().to_geodataframe()
