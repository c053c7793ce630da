"""PRIO-GRID cells: the published formula, its edges, the poles and the 180th meridian."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from libyaevents.errors import InputError
from libyaevents.vocab import priogrid


def _by_hand(lat: float, lon: float) -> int:
    """The definition in exact arithmetic: floor((lat + 90) / 0.5), floor((lon + 180) / 0.5)."""
    row = min(math.floor((Fraction(lat) + 90) / Fraction(1, 2)), 359)
    col = min(math.floor((Fraction(lon) + 180) / Fraction(1, 2)), 719)
    return row * 720 + col + 1


@pytest.mark.parametrize(
    ("lat", "lon", "gid", "why"),
    [
        (32.8925, 13.18, 176787, "Tripoli (UCDP GED's cell for these coordinates)"),
        (-90.0, -180.0, 1, "the south-west corner of the world is cell 1"),
        (-89.9, -179.9, 1, "inside cell 1"),
        (-90.0, 180.0, 720, "the south pole at 180 folds into the last column"),
        (90.0, -180.0, 258481, "the north pole folds into the top row (359)"),
        (90.0, 180.0, 259200, "the north-east corner: the last cell"),
        (0.0, 0.0, 180 * 720 + 360 + 1, "a corner: the cell whose lower-left corner it is"),
        (32.5, 13.0, 245 * 720 + 386 + 1, "on both edges: north and east of them"),
        (32.5, 13.25, 245 * 720 + 386 + 1, "on a latitude edge: the cell north of it"),
        (32.75, 13.5, 245 * 720 + 387 + 1, "on a longitude edge: the cell east of it"),
        (-0.25, -0.25, 179 * 720 + 359 + 1, "south-west of the origin"),
        (0.49999999999999994, 0.0, 180 * 720 + 360 + 1, "just south of an edge stays south"),
        (-89.99999999999999, 179.99999999999997, 720, "just inside the grid's corners"),
        (10.0, 179.75, 200 * 720 + 719 + 1, "east of the 180th meridian's last cell start"),
        (10.0, -179.75, 200 * 720 + 0 + 1, "the first column, west side of the meridian"),
    ],
)
def test_cells_of_points(lat, lon, gid, why):
    assert priogrid.cell_ids([lat], [lon]).tolist() == [gid], why
    assert _by_hand(lat, lon) == gid, why


def test_the_180th_meridian_is_one_edge_two_names():
    # -180 and 180 are the same meridian; PRIO-GRID's columns run from -180, so -180 is
    # in column 0, and 180 (the grid's east edge) folds into column 719, as raster tools do
    west, east = priogrid.cell_ids([5.1, 5.1], [-180.0, 180.0])
    assert priogrid.cell_rows_cols([west, east])[1].tolist() == [0, 719]


def test_no_cell_for_missing_or_out_of_range_coordinates():
    lat = pd.Series([None, 90.0000001, -91.0, 10.0, 10.0, np.inf], dtype="Float64")
    lon = pd.Series([10.0, 10.0, 10.0, 180.5, -181.0, 0.0], dtype="Float64")
    assert priogrid.cell_ids(lat, lon).tolist() == [priogrid.NO_CELL] * 6
    assert not priogrid.usable_coordinates(lat, lon).any()


coordinates = st.tuples(st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False))


@given(st.lists(coordinates, min_size=1, max_size=50))
def test_any_point_is_in_the_cell_the_exact_definition_gives(points):
    lat, lon = (np.array(c) for c in zip(*points, strict=True))
    gids = priogrid.cell_ids(lat, lon)
    assert gids.tolist() == [_by_hand(a, b) for a, b in points]
    west, south, east, north = priogrid.cell_bounds(gids)
    assert ((south <= lat) & (lat <= north) & (west <= lon) & (lon <= east)).all()
    inside = (lat < 90) & (lon < 180)  # the folded edges are the cells' north/east edges
    assert ((lat[inside] < north[inside]) & (lon[inside] < east[inside])).all()


def test_centres_round_trip_and_every_id_is_a_cell():
    gids = np.arange(1, priogrid.CELLS + 1)
    lat, lon = priogrid.cell_centres(gids)
    assert (priogrid.cell_ids(lat, lon) == gids).all()
    assert priogrid.is_cell(gids).all()
    assert not priogrid.is_cell([0, priogrid.CELLS + 1, 1.5, np.nan, -3]).any()
    rows, cols = priogrid.cell_rows_cols([1, 720, 721, priogrid.CELLS])
    assert (rows.tolist(), cols.tolist()) == ([0, 0, 1, 359], [0, 719, 0, 719])


def test_cells_in_a_box_follow_the_same_edges():
    libya = priogrid.cells_in_box(9.319, 19.580, 25.165, 33.137)
    assert len(libya) == 28 * 33  # rows 219..246, columns 378..410
    rows, cols = priogrid.cell_rows_cols(libya)
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (219, 246, 378, 410)
    assert (np.diff(libya) > 0).all()
    on_edges = priogrid.cells_in_box(13.0, 32.0, 13.5, 32.5)  # edges of 4 cells' corner
    assert len(on_edges) == 4
    with pytest.raises(InputError, match=r"min before max; got \(20, 0, 10, 1\)"):
        priogrid.cells_in_box(20, 0, 10, 1)
    with pytest.raises(InputError, match="within"):
        priogrid.cells_in_box(0, 0, 10, 95)
