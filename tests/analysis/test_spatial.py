"""Polygon panels: events placed by point in polygon, none dropped, astray ones reported."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

import libyaevents
from libyaevents.analysis.boundaries import Boundaries, libya_outline, read_boundaries
from libyaevents.analysis.panels import aggregate
from libyaevents.analysis.spatial import SPECIAL_UNITS, polygon_units
from libyaevents.errors import InputError
from libyaevents.problems import PROBLEM_CODES, PROBLEM_COLUMNS
from tests.analysis.test_boundaries import PROVENANCE, _districts, write_geojson, write_geoparquet


def _events(rows: list[dict[str, object]]) -> pd.DataFrame:
    base = {
        "event_date": pd.Timestamp("2020-05-01"), "country": "Libya", "iso": 434,
        "admin1": "West", "admin2": "District 1", "fatalities": 1, "time_precision": 1,
        "geo_precision": 1, "latitude": 32.8925, "longitude": 13.18,
    }  # fmt: skip
    frame = pd.DataFrame(
        [{**base, "event_id_cnty": f"LBY{i + 1}", **row} for i, row in enumerate(rows)]
    )
    return frame.astype({"latitude": "float64", "longitude": "float64"})


EVENTS = [
    {},  # Tripoli, District 1 as coded
    {"latitude": 32.12, "longitude": 20.07, "admin2": "District 3"},  # Benghazi
    {"latitude": 27.04, "longitude": 14.43, "admin2": "District 3"},  # Sebha, coded astray
    {"latitude": 33.9, "longitude": 14.0, "admin2": None},  # off Tripoli: at sea
    {"latitude": 34.5, "longitude": 19.0, "country": "Mediterranean Sea", "admin2": None},
    {"latitude": 55.75, "longitude": 37.62, "admin2": None, "country": "Russia"},  # Moscow
    {"latitude": 38.9, "longitude": -77.04, "admin2": None, "country": "United States"},
    {"latitude": 36.8, "longitude": 10.18, "admin2": None, "country": "Tunisia"},  # Tunis
    {"latitude": None},  # no latitude
    {"latitude": 13.0, "longitude": 32.0},  # swapped-looking
    {"latitude": 32.0, "longitude": 22.0, "fatalities": 5, "admin2": "District 3"},
]


@pytest.fixture(params=["geojson", "geoparquet"])
def districts(request, tmp_path) -> Boundaries:
    """Libya's outline cut at 15 and 20 E into three fake districts, read from a file."""
    units = _districts()
    if request.param == "geojson":
        path = write_geojson(tmp_path / "districts.geojson", units)
    else:
        path = write_geoparquet(tmp_path / "districts.parquet", units)
    return read_boundaries(
        path, id_column="pcode", name_column="name", level="admin2", **PROVENANCE
    )


def test_events_get_their_polygon_or_a_unit_of_their_own(districts):
    events = _events(EVENTS)
    units, problems = polygon_units(events, districts)
    assert units.tolist() == [
        "District 1", "District 3", "District 1", "at sea", "at sea", "outside Libya",
        "outside Libya", "outside Libya", "no usable location", "no usable location",
        "District 3",
    ]  # fmt: skip
    assert tuple(problems.columns) == PROBLEM_COLUMNS
    (astray,) = problems.itertuples()
    assert (astray.record_id, astray.code, astray.row, astray.column) == (
        "LBY3", "coordinates-outside-unit", 2, "admin2",
    )  # fmt: skip
    # Sebha (14.43 E) is 5.57 degrees of longitude from District 3 (20 E) at 27 N: ~552 km
    km = float(astray.value.split("(")[1].split(" km")[0])
    assert km == pytest.approx(552, abs=5)
    assert "'District 3'" in astray.message
    assert "counted in 'District 1'" in astray.message
    assert PROBLEM_CODES["coordinates-outside-unit"].severity == "note"


def test_a_polygon_panel_counts_every_event_in_a_unit(districts):
    events = _events(EVENTS)
    panel = aggregate(
        events, period="month", level="admin2", spatial="polygon", boundaries=districts
    )
    assert panel.columns.tolist() == ["period", "admin2", "admin2_id", "events", "fatalities"]
    counts = dict(zip(panel["admin2"].astype(str), panel["events"], strict=True))
    assert counts == {
        "District 1": 2, "District 3": 2, "at sea": 2, "outside Libya": 3,
        "no usable location": 2,
    }  # fmt: skip
    assert panel["events"].sum() == len(events)
    assert panel["fatalities"].sum() == events["fatalities"].sum()
    ids = dict(zip(panel["admin2"].astype(str), panel["admin2_id"], strict=True))
    assert ids["District 1"] == "LY01"
    assert pd.isna(ids["at sea"])
    assert panel.attrs == {
        "at_sea": 2, "outside_libya": 3, "in_no_unit": 0, "no_usable_location": 2,
        "outside_coded_unit": 1,
    }  # fmt: skip


def test_a_polygon_panel_zero_fills_every_polygon(districts):
    events = _events([{}, {"event_date": pd.Timestamp("2020-07-03"), "latitude": None}])
    panel = aggregate(
        events, period="month", level="admin2", spatial="polygon", boundaries=districts,
        zero_fill=True,
    )  # fmt: skip
    months = panel.groupby("period")["admin2"].apply(lambda s: s.astype(str).tolist())
    assert months.iloc[0] == ["District 1", "District 2", "District 3", "no usable location"]
    assert len(months) == 3
    assert panel["events"].sum() == 2


def test_gaps_between_polygons_are_a_unit_in_libya(tmp_path):
    west = [u for u in _districts() if u[0] == "LY01"]  # only the west of the country
    path = write_geojson(tmp_path / "west.geojson", west)
    units = read_boundaries(path, id_column="pcode", name_column="name", level="admin1",
                            **PROVENANCE)  # fmt: skip
    events = _events([{}, {"latitude": 32.12, "longitude": 20.07}])
    panel = aggregate(events, period="year", level="admin1", spatial="polygon", boundaries=units)
    assert panel["admin1"].astype(str).tolist() == ["District 1", "in Libya, no unit"]


def test_coded_stays_the_default_and_exclude_leaves_out_coarser_events(districts):
    events = _events([{}, {"geo_precision": 3}, {"latitude": 32.12, "longitude": 20.07}])
    coded = aggregate(events, period="year", level="admin2")
    assert coded["admin2"].tolist() == ["District 1"]  # all three coded District 1
    placed = aggregate(events, period="year", level="admin2", spatial="polygon",
                       boundaries=districts, precision="exclude")  # fmt: skip
    assert placed["events"].tolist() == [1, 1]
    assert placed.attrs["excluded"] == 1
    assert placed.attrs["outside_coded_unit"] == 1  # Benghazi, coded District 1


def test_old_district_names_are_resolved_before_comparing(tmp_path):
    outline = libya_outline().geometries[0]
    units = [("LY0101", "Misrata", shapely.clip_by_rect(outline, 14, 30, 16, 33))]
    path = write_geojson(tmp_path / "misrata.geojson", units)
    misrata = read_boundaries(path, id_column="pcode", name_column="name", level="admin2",
                              **PROVENANCE)  # fmt: skip
    events = _events([{"latitude": 32.37, "longitude": 15.09, "admin2": "Misratah"}])
    assert polygon_units(events, misrata).problems.empty


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"spatial": "polygon"}, r"needs level 'admin1' or 'admin2' and boundaries"),
        ({"spatial": "polygon", "level": "country"}, r"got level 'country'"),
        ({"spatial": "nearest"}, r"spatial must be one of"),
        ({"level": "admin2"}, r"boundaries of \['admin2'\] are not used by this panel"),
        ({"level": "priogrid"}, r"are not used by this panel"),
    ],
)
def test_polygon_options_that_do_not_fit_are_refused(districts, kwargs, match):
    with pytest.raises(InputError, match=match):
        aggregate(_events([{}]), **{"boundaries": districts, **kwargs})


def test_polygons_sharing_a_name_are_refused(tmp_path):
    units = [(code, "Same", shape) for code, _, shape in _districts()]
    path = write_geojson(tmp_path / "same.geojson", units)
    same = read_boundaries(path, id_column="pcode", name_column="name", level="admin1",
                           **PROVENANCE)  # fmt: skip
    with pytest.raises(InputError, match=r"the names \['Same'\] are given to more than one"):
        aggregate(_events([{}]), level="admin1", spatial="polygon", boundaries=same)


def test_an_event_on_a_shared_edge_goes_to_its_coded_unit_else_the_first():
    edge = {"latitude": 25.0, "longitude": 15.0}  # on the 15 E cut
    events = _events([{**edge, "admin2": "B"}, {**edge, "admin2": "C"}, edge])
    shapes = np.array([u[2] for u in _districts()], dtype=object)
    units = Boundaries(("a", "b", "c"), ("A", "B", "C"), shapes, "admin2", "", "", "")
    placed = polygon_units(events, units)
    assert placed.units.tolist() == ["B", "A", "A"]
    assert placed.problems["record_id"].tolist() == ["LBY2"]  # coded C, 5 degrees away


def _hulls(events: pd.DataFrame, tmp_path) -> Boundaries:
    """Boundaries from real events: the convex hull of each coded admin1's points, buffered."""
    units = []
    for i, (name, group) in enumerate(events.groupby("admin1", observed=True)):
        points = shapely.points(group["longitude"].to_numpy(), group["latitude"].to_numpy())
        hull = shapely.buffer(shapely.convex_hull(shapely.multipoints(points)), 0.05)
        units.append((f"A{i:02d}", str(name), hull))
    path = write_geoparquet(tmp_path / "hulls.parquet", units)
    return read_boundaries(path, id_column="pcode", name_column="name", level="admin1",
                           **PROVENANCE)  # fmt: skip


def test_real_acled_exports_in_polygons_of_their_own_regions(shared_acled, tmp_path):
    for path in sorted(shared_acled.glob("*.csv")):
        events = libyaevents.read_acled(path).events
        hulls = _hulls(events, tmp_path)
        panel = aggregate(events, period="month", level="admin1", spatial="polygon",
                          boundaries=hulls)  # fmt: skip
        assert panel["events"].sum() == len(events), path.name
        assert panel["fatalities"].sum() == events["fatalities"].sum(), path.name
        assert set(panel["admin1"].astype(str)) <= {*hulls.names, *SPECIAL_UNITS}
        problems = polygon_units(events, hulls).problems
        # hulls overlap: an event in two goes to its coded region; the others are reported
        assert len(problems) == panel.attrs["outside_coded_unit"], path.name
        assert (problems["code"] == "coordinates-outside-unit").all()
        km = problems["value"].str.extract(r"\((.*) km\)")[0].astype(float)
        assert (km > 0).all(), path.name


def test_a_polygon_panel_exports_with_its_polygons(districts, tmp_path):
    geopandas = pytest.importorskip("geopandas", reason="the geopandas extra is not installed")
    from libyaevents.analysis.spatial import to_geodataframe

    panel = aggregate(_events(EVENTS), period="year", level="admin2", spatial="polygon",
                      boundaries=districts)  # fmt: skip
    mapped = to_geodataframe(panel, districts)
    assert mapped.geometry.notna().tolist() == [True, True, False, False, False]
    mapped.to_parquet(tmp_path / "panel.parquet")
    back = geopandas.read_parquet(tmp_path / "panel.parquet")
    assert back["events"].sum() == len(EVENTS)
    assert back.geometry.iloc[0].equals(districts.geometries[0])
