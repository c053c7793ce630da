"""PRIO-GRID: the global grid of 0.5-degree cells UCDP, ViEWS and most forecasting use.

720 columns x 360 rows = 259,200 cells on WGS84 longitude and latitude. A cell's
id counts from the south-west corner of the world, row by row eastwards::

    row = floor((latitude + 90) / 0.5)      # 0 at the south pole
    col = floor((longitude + 180) / 0.5)    # 0 at -180
    gid = row * 720 + col + 1               # 1 .. 259,200

Edges follow that floor: a point exactly on a cell edge belongs to the cell whose
south or west edge it is on (the cell of which it is the lower-left corner, for a
corner). The grid's own outer edges fold inwards: latitude 90 is in the top row
(359) and longitude 180 in the last column (719), as raster tools treat a raster's
maximum edges, so every valid coordinate has exactly one cell. Computed as
``floor(2 * latitude) + 180``, which is exact in floating point (``latitude + 90``
can round a point just south of an edge onto it).

Everything here works on whole arrays at once (numpy), and takes anything numpy
can read as floats (pandas Series with missing values included). Coordinates that
are missing or outside [-90, 90] x [-180, 180] have no cell: :data:`NO_CELL`.

Examples
--------
>>> from libyaevents.vocab import priogrid
>>> priogrid.cell_ids([32.8925], [13.18]).tolist()          # Tripoli
[176787]
>>> priogrid.cell_ids([-90.0, 90.0, 0.0], [-180.0, 180.0, 0.0]).tolist()
[1, 259200, 129961]
>>> priogrid.cell_ids([float("nan"), 91.0], [0.0, 0.0]).tolist()   # no cell
[0, 0]
>>> lat, lon = priogrid.cell_centres([176787])
>>> float(lat[0]), float(lon[0])
(32.75, 13.25)
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from libyaevents.errors import InputError

__all__ = [
    "CELLS",
    "CELL_DEGREES",
    "COLUMNS",
    "ID_COLUMN",
    "NO_CELL",
    "ROWS",
    "cell_bounds",
    "cell_centres",
    "cell_ids",
    "cell_rows_cols",
    "cells_in_box",
    "is_cell",
    "usable_coordinates",
]

#: Side of a cell, in degrees.
CELL_DEGREES: Final = 0.5

#: Columns (longitude) and rows (latitude) of the grid.
COLUMNS: Final = 720
ROWS: Final = 360

#: How many cells there are; ids run from 1 to CELLS.
CELLS: Final = COLUMNS * ROWS

#: The column that holds cell ids in tables (UCDP GED's name, and the panels').
ID_COLUMN: Final = "priogrid_gid"

#: The id :func:`cell_ids` gives coordinates that have no cell (missing, out of range).
NO_CELL: Final = 0

_PER_DEGREE: Final = 2  # 1 / CELL_DEGREES, an exact integer


def _floats(values: Any) -> np.ndarray:
    """Values as a float64 array, missing values (None, pd.NA) as NaN."""
    to_numpy = getattr(values, "to_numpy", None)
    if to_numpy is not None:
        array: np.ndarray = to_numpy(dtype="float64", na_value=np.nan)
        return array
    return np.asarray(values, dtype="float64")


def usable_coordinates(latitude: Any, longitude: Any) -> np.ndarray:
    """True where both coordinates are present and within [-90, 90] x [-180, 180]."""
    lat, lon = _floats(latitude), _floats(longitude)
    usable: np.ndarray = (np.abs(lat) <= 90) & (np.abs(lon) <= 180)  # NaN compares False
    return usable


def cell_ids(latitude: Any, longitude: Any) -> np.ndarray:
    """The PRIO-GRID id of each point; :data:`NO_CELL` (0) where it has none.

    Parameters
    ----------
    latitude, longitude : array-like of float
        WGS84 degrees; missing values allowed.

    Returns
    -------
    numpy.ndarray of int64
        ``row * 720 + col + 1``, with the edges described in the module's
        documentation.
    """
    lat, lon = _floats(latitude), _floats(longitude)
    usable = usable_coordinates(lat, lon)
    lat, lon = np.where(usable, lat, 0.0), np.where(usable, lon, 0.0)
    row = np.minimum(np.floor(lat * _PER_DEGREE) + 90 * _PER_DEGREE, ROWS - 1)
    col = np.minimum(np.floor(lon * _PER_DEGREE) + 180 * _PER_DEGREE, COLUMNS - 1)
    ids: np.ndarray = np.where(usable, row.astype("int64") * COLUMNS + col.astype("int64") + 1, 0)
    return ids


def is_cell(gids: Any) -> np.ndarray:
    """True where a value is a whole number from 1 to :data:`CELLS` (a PRIO-GRID id)."""
    values = _floats(gids)
    inside: np.ndarray = (values >= 1) & (values <= CELLS) & (np.floor(values) == values)
    return inside


def cell_rows_cols(gids: Any) -> tuple[np.ndarray, np.ndarray]:
    """Row (0 at the south pole) and column (0 at -180) of each cell id.

    Ids must be valid (:func:`is_cell`); check first when they come from a file.
    """
    index = np.asarray(gids, dtype="int64") - 1
    rows, cols = np.divmod(index, COLUMNS)
    return rows, cols


def cell_bounds(gids: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """West, south, east and north edge of each cell, in degrees.

    Examples
    --------
    >>> [float(edge[0]) for edge in cell_bounds([1])]
    [-180.0, -90.0, -179.5, -89.5]
    """
    rows, cols = cell_rows_cols(gids)
    west = cols * CELL_DEGREES - 180.0
    south = rows * CELL_DEGREES - 90.0
    return west, south, west + CELL_DEGREES, south + CELL_DEGREES


def cell_centres(gids: Any) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude of the centre of each cell."""
    west, south, _, _ = cell_bounds(gids)
    half = CELL_DEGREES / 2
    return south + half, west + half


def cells_in_box(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> np.ndarray:
    """Ids of the cells the points of a box fall in (edges included), sorted.

    The same rule as :func:`cell_ids`: a box whose east edge is at 25.0 includes
    the cells from 25.0 to 25.5, where a point at longitude 25.0 is placed. A
    box does not cross the 180th meridian (``min_lon <= max_lon``).

    Raises
    ------
    InputError
        When a corner is outside the world or a minimum is above its maximum.

    Examples
    --------
    >>> cells_in_box(13.0, 32.0, 13.4, 32.9).tolist()
    [176067, 176787]
    """
    corners = cell_ids([min_lat, max_lat], [min_lon, max_lon])
    if (corners == NO_CELL).any() or min_lon > max_lon or min_lat > max_lat:
        msg = (
            f"a box is (min_lon, min_lat, max_lon, max_lat) within [-180, 180] x [-90, 90], "
            f"min before max; got ({min_lon}, {min_lat}, {max_lon}, {max_lat})."
        )
        raise InputError(msg)
    (first_row, last_row), (first_col, last_col) = cell_rows_cols(corners)
    rows = np.arange(first_row, last_row + 1, dtype="int64")
    cols = np.arange(first_col, last_col + 1, dtype="int64")
    ids: np.ndarray = (rows[:, None] * COLUMNS + cols[None, :] + 1).ravel()
    return ids
