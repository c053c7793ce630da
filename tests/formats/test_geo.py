"""Exports for GIS users and back to ACLED's CSV."""

from __future__ import annotations

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
