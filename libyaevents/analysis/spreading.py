"""Imprecise events spread over the PRIO-GRID cells they may be in (the ``geo`` extra).

An event known only to a district or a region is not an event in the cell of
that unit's centroid. With ``aggregate(..., level="priogrid", precision="spread")``
each event counts, in shares summing to one, in every cell of the area it may
have happened in:

============= ===========================================================================
geo_precision area
============= ===========================================================================
1             its own cell (share 1)
2             its admin2 polygon (the one its coordinates fall in, from ``boundaries``);
              without one, a disc of :data:`NEAR_KM` km around its coordinates
3             its admin1 polygon; without one, Libya's bundled outline when its
              coordinates are in Libya, else a disc of :data:`REGION_KM` km
============= ===========================================================================

UCDP GED's ``where_prec`` arrives as geo_precision (1 -> 1; 2, 3, 5 -> 2; 4, 6,
7 -> 3; :mod:`libyaevents.readers.ucdp`), so UCDP events spread the same way.

The share of a cell is the area of its overlap with the event's area, divided by
the area's total, with areas on the sphere (a cell's square degrees times the
cosine of its latitude). That says where the event *could* be with no other
information: it is uniform over land and sea, desert and city alike. It is not
a population model and not a probability that anyone estimated; weighting by
population or settlements would move most of the share to the coast.

Why those radii: ACLED gives geo_precision 2 when the source names "a part of a
region" and the coordinates of the nearest town are used, that is, the event
happened *near* the town; :data:`NEAR_KM` (25 km) is UCDP's own definition of
``where_prec`` 2 ("within a 25 km radius" of the place). :data:`REGION_KM`
(100 km) stands for a region outside Libya, for which no polygon is at hand. A
disc is centred on the coordinates rounded to 0.01 degree (about 1 km, against
its 25 km radius), so events near one place share one disc.

Totals are kept: the shares of one event sum to 1, so events and fatalities
summed over cells equal the events' counts (up to floating-point rounding).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from libyaevents.analysis.boundaries import Boundaries, libya_outline, shapely_module
from libyaevents.analysis.grid import PRIOGRID
from libyaevents.analysis.spatial import polygon_index
from libyaevents.vocab import priogrid

__all__ = [
    "NEAR_KM",
    "REGION_KM",
    "Areas",
    "cell_shares",
    "disc_shares",
    "spread_areas",
    "spread_cells",
]

#: Radius of the disc a geo_precision 2 event spreads over when it has no admin2 polygon.
NEAR_KM: Final = 25.0

#: Radius of the disc a geo_precision 3 event spreads over outside Libya without a polygon.
REGION_KM: Final = 100.0

_KM_PER_DEGREE: Final = 111.32
#: Disc centres are rounded to this many decimals of a degree (0.01: ~1 km, against a
#: 25 km radius) so that events near the same place share one disc.
_CENTRE_DECIMALS: Final = 2
_LEVEL_OF: Final = {2: "admin2", 3: "admin1"}


def cell_shares(shape: Any) -> tuple[np.ndarray, np.ndarray]:
    """The cells a polygon overlaps and the share of its area in each (summing to 1).

    Examples
    --------
    >>> import shapely
    >>> gids, shares = cell_shares(shapely.box(13.0, 32.0, 13.5, 33.0))  # two cells
    >>> gids.tolist(), shares.round(3).tolist()
    ([176067, 176787], [0.501, 0.499])
    """
    shapely = shapely_module()
    west, south, east, north = shape.bounds
    gids = priogrid.cells_in_box(
        max(west, -180.0), max(south, -90.0), min(east, 180.0), min(north, 90.0)
    )
    edges = priogrid.cell_bounds(gids)
    boxes = shapely.box(*edges)
    shapely.prepare(shape)
    touching = shapely.intersects(shape, boxes)
    gids, boxes = gids[touching], boxes[touching]
    cell_lat, _ = priogrid.cell_centres(gids)
    areas = shapely.area(shapely.intersection(boxes, shape)) * np.cos(np.radians(cell_lat))
    kept = areas > 0
    if not kept.any():  # a degenerate area: the cell of its first point
        x, y = shapely.get_coordinates(shape)[0]
        return priogrid.cell_ids([y], [x]), np.ones(1)
    shares: np.ndarray = areas[kept] / areas[kept].sum()
    return gids[kept], shares


def _strip(t: np.ndarray, r: np.ndarray) -> np.ndarray:
    """The antiderivative of sqrt(r**2 - t**2) (the half-height of a disc of radius r)."""
    t = np.clip(t, -r, r)
    inner = np.sqrt(np.maximum(r * r - t * t, 0.0))
    result: np.ndarray = (t * inner + r * r * np.arcsin(np.clip(t / r, -1.0, 1.0))) / 2
    return result


def _below_left(x: np.ndarray, y: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Area of a disc of radius r at the origin with X <= x and Y <= y (exact)."""
    x = np.clip(x, -r, r)
    y_in = np.clip(y, -r, r)
    a = np.sqrt(np.maximum(r * r - y_in * y_in, 0.0))  # where the line Y = y meets the circle
    full = (y >= 0) * 2.0  # where the disc's column is all below y: left and right of +-a
    left = full * (_strip(np.minimum(x, -a), r) - _strip(-r, r))
    middle_end = np.clip(x, -a, a)
    middle = y_in * (middle_end + a) + _strip(middle_end, r) - _strip(-a, r)
    right = full * (_strip(np.maximum(x, a), r) - _strip(a, r))
    area: np.ndarray = left + middle + right
    return area


def disc_shares(lon: np.ndarray, lat: np.ndarray, km: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each centre, the cells a disc of ``km`` around it overlaps and their shares.

    All discs at once, exactly: a disc is an ellipse in degrees (its longitudes
    stretched by 1 / cos(latitude)), a circle once longitudes are scaled back,
    and the area of a circle within a rectangle has a closed form. Shares are
    those areas times the cosine of each cell's latitude, summing to 1 per disc;
    cells beyond the poles or the 180th meridian are left out.

    Examples
    --------
    >>> [(gids.tolist(), shares.round(3).tolist())
    ...  for gids, shares in disc_shares([13.25, 13.25], [32.75, 32.5], 10.0)]  # south: cos
    [([176787], [1.0]), ([176067, 176787], [0.501, 0.499])]
    """
    lon, lat = np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64")
    radius = np.full(len(lon), km / _KM_PER_DEGREE)
    squeeze = np.maximum(np.cos(np.radians(lat)), 0.01)
    reach = np.ceil(radius / squeeze / priogrid.CELL_DEGREES).astype("int64")
    found: list[tuple[np.ndarray, np.ndarray]] = [(np.empty(0, "int64"), np.empty(0))] * len(lon)
    for k in np.unique(reach).tolist():  # discs that reach as many cells either side
        which = np.flatnonzero(reach == k)
        steps = np.arange(-k, k + 1)
        rows = (np.floor(lat[which] * 2) + 180).astype("int64")[:, None, None] + steps[:, None]
        cols = (np.floor(lon[which] * 2) + 360).astype("int64")[:, None, None] + steps[None, :]
        rows, cols = np.broadcast_arrays(rows, cols)
        rows, cols = rows.reshape(len(which), -1), cols.reshape(len(which), -1)
        valid = (rows >= 0) & (rows < priogrid.ROWS) & (cols >= 0) & (cols < priogrid.COLUMNS)
        gids = np.where(valid, rows * priogrid.COLUMNS + cols + 1, 1)
        west, south, east, north = priogrid.cell_bounds(gids)
        x0, y0 = lon[which][:, None], lat[which][:, None]
        scale, r = squeeze[which][:, None], radius[which][:, None]
        x1, x2 = (west - x0) * scale, (east - x0) * scale
        y1, y2 = south - y0, north - y0
        overlap = (
            _below_left(x2, y2, r) - _below_left(x1, y2, r)
            - _below_left(x2, y1, r) + _below_left(x1, y1, r)
        )  # fmt: skip
        cell_lat, _ = priogrid.cell_centres(gids)
        weight = np.maximum(overlap, 0.0) * np.cos(np.radians(cell_lat)) * valid
        weight[weight < 1e-12 * weight.max(axis=1, keepdims=True)] = 0.0
        for i, at in enumerate(which.tolist()):
            kept = weight[i] > 0
            found[at] = (gids[i][kept], weight[i][kept] / weight[i][kept].sum())
    return found


@functools.cache
def _outline_shares() -> tuple[np.ndarray, np.ndarray]:
    return cell_shares(libya_outline().geometries[0])


class Areas:
    """The areas imprecise events spread over: per area, its cells and their shares."""

    def __init__(self) -> None:
        self.cells: list[np.ndarray] = []
        self.shares: list[np.ndarray] = []
        self._index: dict[Any, int] = {}

    def add(self, key: Any, build: Any) -> int:
        """The position of the area ``key``, made by ``build()`` the first time."""
        if key not in self._index:
            self.put(key, build())
        return self._index[key]

    def put(self, key: Any, found: tuple[np.ndarray, np.ndarray]) -> int:
        """The position of the area ``key``; ``found`` (cells, shares) is kept if it is new."""
        if key not in self._index:
            self._index[key] = len(self.cells)
            self.cells.append(found[0])
            self.shares.append(found[1])
        return self._index[key]


def _polygons(
    shapes: Mapping[str, Boundaries], level: str, lon: np.ndarray, lat: np.ndarray
) -> np.ndarray:
    if level not in shapes:
        return np.full(len(lon), -1, dtype="int64")
    return polygon_index(shapes[level], lon, lat)


def _centres(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Disc centres: coordinates rounded to 0.01 degree, each once (by a hash, not a sort).

    Returns, per point, the position of its centre, and the centres' longitudes and
    latitudes.
    """
    steps = 10**_CENTRE_DECIMALS
    x = np.round(lon * steps).astype("int64") + 180 * steps
    y = np.round(lat * steps).astype("int64") + 90 * steps
    back, keys = pd.factorize(x * (180 * steps + 1) + y)
    kx, ky = np.divmod(np.asarray(keys, dtype="int64"), 180 * steps + 1)
    return back, (kx - 180 * steps) / steps, (ky - 90 * steps) / steps


def spread_areas(
    events: pd.DataFrame, shapes: Mapping[str, Boundaries], located: np.ndarray | None = None
) -> tuple[np.ndarray, Areas]:
    """Per event, the position of the area it spreads over (-1: its own cell), and the areas.

    ``shapes`` holds admin1 and/or admin2 boundaries by level (either may be absent).
    ``located`` marks the events with a usable location (a cell); the others (say,
    swapped-looking coordinates) are never spread.
    """
    shapely = shapely_module()
    lat = events["latitude"].to_numpy(dtype="float64", na_value=np.nan)
    lon = events["longitude"].to_numpy(dtype="float64", na_value=np.nan)
    precision = events["geo_precision"].to_numpy(dtype="float64", na_value=np.nan)
    usable = priogrid.usable_coordinates(lat, lon)
    if located is not None:
        usable &= located
    area_of = np.full(len(events), -1, dtype="int64")
    areas = Areas()
    for code, level in _LEVEL_OF.items():
        rows = np.flatnonzero(usable & (precision == code))
        found = _polygons(shapes, level, lon[rows], lat[rows])
        for polygon in np.unique(found[found >= 0]).tolist():
            shape = shapes[level].geometries[polygon]
            at = areas.add((level, polygon), functools.partial(cell_shares, shape))
            area_of[rows[found == polygon]] = at
        rest = rows[found < 0]
        if code == 3:
            inside = shapely.contains_xy(libya_outline().geometries[0], lon[rest], lat[rest])
            area_of[rest[inside]] = areas.add("Libya", _outline_shares)
            rest = rest[~inside]
        km = NEAR_KM if code == 2 else REGION_KM
        back, x, y = _centres(lon[rest], lat[rest])
        shares = disc_shares(x, y, km)
        discs = [
            areas.put(("disc", a, b, km), found)
            for a, b, found in zip(x.tolist(), y.tolist(), shares, strict=True)
        ]
        area_of[rest] = np.array(discs, dtype="int64")[back] if discs else -1
    return area_of, areas


def spread_cells(frame: pd.DataFrame, areas: Areas, keys: Sequence[str]) -> pd.DataFrame:
    """A grid panel of ``frame``: rows with an ``_area`` spread over its cells by share.

    ``frame`` holds ``period``, ``fatalities``, ``_weight`` (the time spread's
    share), ``_area`` (:func:`spread_areas`, -1: stays in its cell) and ``keys``
    (``priogrid_gid`` and the breakdowns). Returns ``period``, the keys,
    ``events`` and ``fatalities`` (float shares), sorted.
    """
    others = [k for k in keys if k != PRIOGRID]
    frame = frame.assign(
        _deaths=frame["fatalities"].astype("float64") * frame["_weight"],
        **{PRIOGRID: frame[PRIOGRID].astype("float64")},
    )
    moving = frame["_area"].to_numpy() >= 0
    sums = {"events": ("_weight", "sum"), "fatalities": ("_deaths", "sum")}
    fixed = frame[~moving].groupby(["period", PRIOGRID, *others], dropna=False, observed=True)
    parts = [fixed.agg(**sums).reset_index()]
    if moving.any():
        grouped = frame[moving].groupby(["period", "_area", *others], dropna=False, observed=True)
        spread = grouped.agg(**sums).reset_index()
        sizes = np.array([len(c) for c in areas.cells])[spread["_area"].to_numpy()]
        rows = np.repeat(np.arange(len(spread)), sizes)
        cells = np.concatenate([areas.cells[a] for a in spread["_area"].tolist()])
        shares = np.concatenate([areas.shares[a] for a in spread["_area"].tolist()])
        out = spread.iloc[rows].drop(columns="_area").reset_index(drop=True)
        out[PRIOGRID] = cells.astype("float64")
        out["events"] *= shares
        out["fatalities"] *= shares
        parts.append(out)
    whole = pd.concat(parts, ignore_index=True)
    panel = whole.groupby(["period", PRIOGRID, *others], dropna=False, observed=True, sort=True)
    return panel[["events", "fatalities"]].sum().reset_index()
