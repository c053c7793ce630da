"""Exports for GIS users and back to ACLED's CSV."""

from __future__ import annotations

import contextlib
import itertools
import json
import struct

import pandas as pd
import pyarrow.parquet as pq

import libyaevents
import libyaevents.formats.geo
from libyaevents.cli import main
from libyaevents.formats.geo import write_geoparquet
from libyaevents.synthetic import synthetic_events


def test_geoparquet_has_wkb_points_and_geo_metadata(tmp_path):
    events = synthetic_events(500, seed=6)
    events.loc[3, ["latitude", "longitude"]] = [None, None]
    path = tmp_path / "events.parquet"
    write_geoparquet(events, path)
    table = pq.read_table(path)
    geo = json.loads(table.schema.metadata[b"geo"])
    assert geo["primary_column"] == "geometry"
    assert geo["columns"]["geometry"]["encoding"] == "WKB"
    assert geo["columns"]["geometry"]["geometry_types"] == ["Point"]
    frame = table.to_pandas()
    first = frame.iloc[0]
    order, kind, x, y = struct.unpack("<BIdd", first["geometry"])
    assert (order, kind, x, y) == (1, 1, first["longitude"], first["latitude"])
    assert frame["geometry"].isna().sum() == 1
    west, south, east, north = geo["columns"]["geometry"]["bbox"]
    assert (west, south) == (events["longitude"].min(), events["latitude"].min())
    assert (east, north) == (events["longitude"].max(), events["latitude"].max())
    assert len(frame) == len(events)


def test_geojson_features_carry_every_column(tmp_path):
    events = synthetic_events(50, seed=7)
    path = tmp_path / "events.geojson"
    libyaevents.formats.geo.to_geojson(events, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data["features"]) == 50
    feature = data["features"][0]
    assert feature["geometry"]["coordinates"] == [events.iloc[0]["longitude"],
                                                  events.iloc[0]["latitude"]]  # fmt: skip
    assert set(feature["properties"]) == set(events.columns)
    assert feature["properties"]["event_date"] == str(events.iloc[0]["event_date"].date())


def test_export_command_round_trips_acled_csv(tmp_path, capsys):
    release = libyaevents.list_releases()[-1]
    csv = tmp_path / "acled.csv"
    assert main(["export", release, "--to", "acled-csv", "-o", str(csv)]) == 0
    again = libyaevents.read_acled(csv)
    original = libyaevents.load().events
    columns = [c for c in again.events.columns if c in original]
    pd.testing.assert_frame_equal(again.events[columns], original[columns])
    for kind in ("geojson", "geoparquet"):
        out = tmp_path / f"events.{kind}"
        assert main(["export", release, "--to", kind, "-o", str(out)]) == 0
        assert out.stat().st_size > 0
    assert "wrote 7 events" in capsys.readouterr().out


# -- grid panels: cells as polygons ------------------------------------------------------

_SQUARE = struct.Struct("<BIII10d")  # byte order, type 3 (polygon), 1 ring, 5 points


def _grid_panel():
    events = synthetic_events(300, seed=9)
    events.loc[0, "latitude"] = None  # no usable location: a row without a cell
    return libyaevents.aggregate(events, period="year", level="priogrid")


def _ring(gid):
    row, col = divmod(gid - 1, 720)
    west, south = col * 0.5 - 180, row * 0.5 - 90
    east, north = west + 0.5, south + 0.5
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def test_grid_panel_geojson_has_a_square_per_cell(tmp_path):
    panel = _grid_panel()
    path = tmp_path / "grid.geojson"
    libyaevents.formats.geo.to_geojson(panel, path)
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    assert len(features) == len(panel)
    placed = [f for f in features if f["properties"]["priogrid_gid"] is not None]
    assert len(placed) == len(features) - panel["priogrid_gid"].isna().sum() > 0
    for feature in placed:
        ring = feature["geometry"]["coordinates"][0]
        assert feature["geometry"]["type"] == "Polygon"
        assert ring == _ring(feature["properties"]["priogrid_gid"])  # 5 corners, closed
        area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))
        assert area == 2 * 0.25  # counter-clockwise (RFC 7946's exterior rings), 0.5 x 0.5
    unplaced = [f for f in features if f["properties"]["priogrid_gid"] is None]
    assert [f["geometry"] for f in unplaced] == [None] * len(unplaced) != []
    assert set(placed[0]["properties"]) == set(panel.columns)


def test_grid_panel_geoparquet_has_wkb_polygons_that_duckdb_reads(tmp_path):
    import duckdb

    panel = _grid_panel()
    path = tmp_path / "grid.parquet"
    write_geoparquet(panel, path)
    table = pq.read_table(path)
    geo = json.loads(table.schema.metadata[b"geo"])
    column = geo["columns"]["geometry"]
    assert (column["encoding"], column["geometry_types"]) == ("WKB", ["Polygon"])
    rings = [_ring(int(g)) for g in panel["priogrid_gid"].dropna()]
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    assert column["bbox"] == [min(xs), min(ys), max(xs), max(ys)]
    frame = table.to_pandas()
    assert list(frame.columns) == [*panel.columns, "geometry"]
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    with contextlib.suppress(duckdb.Error):  # spatial if installed already: never downloaded
        con.execute("LOAD spatial")
    query = (
        "SELECT priogrid_gid, geometry::BLOB, typeof(geometry), geometry::VARCHAR "
        f"FROM read_parquet('{path}') ORDER BY priogrid_gid"
    )
    rows = con.execute(query).fetchall()
    assert len(rows) == len(panel)
    for gid, wkb, kind, text in rows:
        if gid is None:
            assert wkb is None
            continue
        order, shape, nrings, npoints, *xy = _SQUARE.unpack(wkb)
        assert (order, shape, nrings, npoints) == (1, 3, 1, 5)
        assert [xy[i : i + 2] for i in range(0, 10, 2)] == _ring(gid)
        if kind.startswith("GEOMETRY"):  # DuckDB read the geo metadata (spatial, or 1.5+)
            corners = ", ".join(f"{x:g} {y:g}" for x, y in _ring(gid))
            assert text == f"POLYGON (({corners}))"
