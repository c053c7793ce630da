"""Spreading imprecise events over cells: the shares are areas, and totals are kept."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from libyaevents.analysis.boundaries import Boundaries, libya_outline
from libyaevents.analysis.panels import aggregate
from libyaevents.analysis.spreading import NEAR_KM, cell_shares, disc_shares, spread_areas
from libyaevents.errors import InputError
from libyaevents.vocab import priogrid

SETTINGS = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=40)
OUTLINE = libya_outline().geometries[0]


def _units(level: str, cuts: list[float], parallels: list[float] = ()) -> Boundaries:
    """Libya's outline cut along meridians (and parallels) into units of a level."""
    lons, lats = [-180.0, *sorted(cuts), 180.0], [-90.0, *sorted(parallels), 90.0]
    shapes = [
        shapely.clip_by_rect(OUTLINE, west, south, east, north)
        for west, east in itertools.pairwise(lons)
        for south, north in itertools.pairwise(lats)
    ]
    shapes = [s for s in shapes if not s.is_empty and s.area > 0]
    ids = tuple(f"{level}-{i}" for i in range(len(shapes)))
    return Boundaries(ids, ids, np.array(shapes, dtype=object), level, "test", "CC0", "2026")


def _events(rows: list[dict[str, object]]) -> pd.DataFrame:
    base = {
        "event_date": pd.Timestamp("2020-05-01"), "country": "Libya", "fatalities": 2,
        "time_precision": 1, "geo_precision": 1, "latitude": 32.8925, "longitude": 13.18,
    }  # fmt: skip
    frame = pd.DataFrame([{**base, **row} for row in rows])
    return frame.astype({"latitude": "float64", "longitude": "float64"})


def test_a_cell_s_share_is_its_area_of_overlap():
    # a 1 x 1 degree square on cell edges: four cells, a quarter each (nearly: cos(latitude))
    gids, shares = cell_shares(shapely.box(13.0, 32.0, 14.0, 33.0))
    assert len(gids) == 4
    assert shares.sum() == pytest.approx(1)
    lat, _ = priogrid.cell_centres(gids)
    expected = np.cos(np.radians(lat)) / np.cos(np.radians(lat)).sum()
    np.testing.assert_allclose(shares, expected)


def test_precision_2_spreads_over_its_district_3_over_its_region():
    admin1 = _units("admin1", [20.0])  # west of 20 E, east of it
    admin2 = _units("admin2", [15.0, 20.0], [28.0])
    events = _events([{"geo_precision": 2}, {"geo_precision": 3}, {}])
    area_of, areas = spread_areas(events, {"admin1": admin1, "admin2": admin2})
    assert area_of[2] == -1  # precise: its own cell
    district = admin2.geometries[int(np.flatnonzero([g.contains(shapely.Point(13.18, 32.89))
                                                      for g in admin2.geometries])[0])]  # fmt: skip
    np.testing.assert_array_equal(areas.cells[area_of[0]], cell_shares(district)[0])
    np.testing.assert_array_equal(areas.cells[area_of[1]], cell_shares(admin1.geometries[0])[0])
    panel = aggregate(events, period="month", level="priogrid", precision="spread",
                      boundaries=[admin1, admin2])  # fmt: skip
    assert panel["events"].sum() == pytest.approx(3)
    assert panel["fatalities"].sum() == pytest.approx(6)
    west, _, east, _ = priogrid.cell_bounds(panel["priogrid_gid"].to_numpy())
    assert west.min() < 10.0  # the western region reaches Libya's western border
    assert east.max() <= 20.5  # and stops at its 20 E edge


def test_without_a_polygon_precision_2_spreads_over_a_disc():
    events = _events([{"geo_precision": 2, "latitude": 34.5, "longitude": 19.0}])  # at sea
    panel = aggregate(events, period="month", level="priogrid", precision="spread")
    _west, south, _east, north = priogrid.cell_bounds(panel["priogrid_gid"].to_numpy())
    radius = NEAR_KM / 111.32
    assert south.min() >= 34.5 - radius - 0.5
    assert north.max() <= 34.5 + radius + 0.5
    assert panel["events"].sum() == pytest.approx(1)


def test_precision_3_abroad_spreads_over_a_region_sized_disc():
    events = _events([{"geo_precision": 3, "latitude": 55.75, "longitude": 37.62}])  # Moscow
    panel = aggregate(events, period="month", level="priogrid", precision="spread")
    assert 10 < len(panel) < 40  # a 100 km disc at 56 N covers some 20 cells
    assert panel["events"].sum() == pytest.approx(1)


def test_spread_with_cells_counts_the_shares_that_fall_outside():
    events = _events([{"geo_precision": 3}])
    tripolitania = (9.0, 30.0, 15.0, 33.5)
    panel = aggregate(events, period="month", level="priogrid", precision="spread",
                      cells=tripolitania)  # fmt: skip
    outside = panel.attrs["spread_outside_cells"]
    assert 0.5 < outside < 0.99
    assert panel["events"].sum() + outside == pytest.approx(1)


def test_an_event_without_a_usable_location_is_never_spread():
    swapped = {"geo_precision": 2, "latitude": 16.5887, "longitude": 20.0}  # looks swapped
    panel = aggregate(_events([swapped, {}]), period="month", level="priogrid",
                      precision="spread")  # fmt: skip
    assert panel["priogrid_gid"].isna().sum() == 1
    assert panel.loc[panel["priogrid_gid"].isna(), "events"].tolist() == [1.0]
    assert panel.attrs["no_usable_location"] == 1


def test_spread_refuses_centroids():
    with pytest.raises(InputError, match=r"centroids with precision='spread' on a grid"):
        aggregate(_events([{}]), level="priogrid", precision="spread", centroids=True)


@st.composite
def events_and_units(draw: st.DrawFn) -> tuple[pd.DataFrame, list[Boundaries]]:
    n = draw(st.integers(1, 40))
    place = st.one_of(
        st.tuples(st.floats(19.6, 33.1), st.floats(9.4, 25.1)),  # in Libya's box
        st.tuples(st.floats(30.0, 37.0), st.floats(10.0, 25.0)),  # the sea, the coast
        st.tuples(st.floats(-90, 90), st.floats(-180, 180)),  # anywhere
        st.tuples(st.just(np.nan), st.floats(-10, 10)),  # no location
    )
    rows = draw(st.lists(st.tuples(place, st.integers(1, 3), st.integers(1, 3),
                                   st.integers(0, 30), st.integers(0, 90)),
                         min_size=n, max_size=n))  # fmt: skip
    events = _events([
        {"latitude": lat, "longitude": lon, "geo_precision": geo, "time_precision": time,
         "fatalities": deaths, "event_date": pd.Timestamp("2020-01-01") + pd.Timedelta(days=d)}
        for (lat, lon), geo, time, deaths, d in rows
    ])  # fmt: skip
    meridians = st.lists(st.floats(10.0, 25.0), max_size=4, unique=True)
    units = []
    if draw(st.booleans()):
        units.append(_units("admin1", draw(meridians)))
    if draw(st.booleans()):
        parallels = draw(st.lists(st.floats(20.0, 33.0), max_size=3, unique=True))
        units.append(_units("admin2", draw(meridians), parallels))
    return events, units


@SETTINGS
@given(case=events_and_units(), period=st.sampled_from(["week", "month"]))
def test_spreading_keeps_the_totals_of_events_and_fatalities(case, period):
    events, units = case
    panel = aggregate(events, period=period, level="priogrid", precision="spread",
                      boundaries=units)  # fmt: skip
    assert panel["events"].sum() == pytest.approx(len(events), rel=1e-9)
    assert panel["fatalities"].sum() == pytest.approx(events["fatalities"].sum(), rel=1e-9)
    assert (panel["events"] > 0).all()
    placed = panel["priogrid_gid"].dropna()
    assert priogrid.is_cell(placed).all()
    no_place = panel.loc[panel["priogrid_gid"].isna(), "events"].sum()
    assert no_place == pytest.approx(panel.attrs["no_usable_location"])


@pytest.mark.parametrize(
    ("lon", "lat", "km"),
    [(13.18, 32.89, 25.0), (37.62, 55.75, 100.0), (-0.01, -0.01, 25.0), (179.9, 10.0, 25.0)],
)
def test_discs_by_formula_match_a_fine_polygon_cut_by_shapely(lon, lat, km):
    ((gids, shares),) = disc_shares([lon], [lat], km)
    stretch = 1 / np.cos(np.radians(lat))
    circle = shapely.buffer(shapely.Point(0, 0), km / 111.32, quad_segs=256)
    exact = shapely.clip_by_rect(
        shapely.transform(circle, lambda xy: xy * [stretch, 1.0] + [lon, lat]), -180, -90, 180, 90
    )
    want_gids, want_shares = cell_shares(exact)
    np.testing.assert_array_equal(np.sort(gids), want_gids)
    np.testing.assert_allclose(shares[np.argsort(gids)], want_shares, atol=1e-4)
    assert shares.sum() == pytest.approx(1)


def test_ucdp_where_prec_spreads_as_the_geo_precision_it_maps_to():
    import libyaevents
    from tests.readers.test_ucdp import _ged, _row

    rows = [_row(id=300001 + i, where_prec=prec) for i, prec in enumerate([1, 2, 4])]
    events = libyaevents.read_ucdp_ged(_ged(*rows)).events
    assert events["geo_precision"].tolist() == [1, 2, 3]
    admin1 = _units("admin1", [20.0])
    panel = aggregate(events, period="year", level="priogrid", precision="spread",
                      boundaries=[admin1])  # fmt: skip
    tripoli = panel.set_index("priogrid_gid")["events"]
    assert tripoli.sum() == pytest.approx(3)
    # where_prec 1 stays in Tripoli's cell; 2 (25 km disc) mostly there; 4 (admin1) over the west
    assert 1.5 < tripoli.loc[176787] < 2.0
    assert len(tripoli) > 100


def test_real_acled_exports_spread_with_their_totals(shared_acled):
    import libyaevents

    for path in sorted(shared_acled.glob("*.csv")):
        events = libyaevents.read_acled(path).events
        panel = aggregate(events, period="month", level="priogrid", precision="spread")
        assert panel["events"].sum() == pytest.approx(len(events)), path.name
        assert panel["fatalities"].sum() == pytest.approx(events["fatalities"].sum()), path.name
        coarse = (events["geo_precision"] > 1).sum()
        kept = aggregate(events, period="month", level="priogrid")
        assert coarse == 0 or len(panel) > len(kept), path.name  # spread over more cells
