"""Events in polygons: the admin unit of each event by its coordinates (the ``geo`` extra).

:func:`polygon_units` puts each event in the polygon of a
:class:`~libyaevents.analysis.boundaries.Boundaries` its coordinates fall in
(shapely 2's vectorised ``intersects_xy`` on prepared polygons). A point in
two polygons (on a shared edge, or where polygons overlap) goes to its coded
unit when that is one of them, else to the first in file order. Events in no
polygon are never dropped; they get units of their own:

====================== ================================================================
unit                   events
====================== ================================================================
``at sea``             coded as maritime (``country`` or ``location`` a sea, ACLED's
                       "Mediterranean Sea"), or whose coordinates are in the sea around
                       Libya: outside Natural Earth's 1:10m land within 5..30 E,
                       17..38 N (bundled)
``outside Libya``      abroad: outside Libya's bundled outline and on land, or outside
                       that box (the seed's Moscow and Washington events)
``in Libya, no unit``  inside Libya's outline but in none of the polygons (gaps
                       between them, or boundaries that cover part of the country)
``no usable location`` coordinates missing, out of range or swapped-looking
                       (:mod:`libyaevents.analysis.grid` reports why)
====================== ================================================================

An event whose coordinates are not in the unit its coded name gives (``admin1``
or ``admin2``, old district names resolved by the gazetteer) is reported with
the code ``coordinates-outside-unit`` and the distance in km from its
coordinates to that unit; it is counted where its coordinates are, never moved.

Examples
--------
>>> import pandas as pd
>>> from libyaevents.analysis.boundaries import libya_outline
>>> from libyaevents.analysis.spatial import polygon_units
>>> events = pd.DataFrame({"latitude": [32.89, 33.9, 55.75, None],
...                        "longitude": [13.18, 14.0, 37.62, 13.0], "country": "Libya"})
>>> units, problems = polygon_units(events, libya_outline())
>>> units.tolist()
['Libya', 'at sea', 'outside Libya', 'no usable location']
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Final, NamedTuple

import numpy as np
import pandas as pd

from libyaevents.analysis.boundaries import (
    Boundaries,
    libya_land,
    libya_outline,
    shapely_module,
)
from libyaevents.analysis.grid import located_cells
from libyaevents.errors import InputError
from libyaevents.optional import require
from libyaevents.problems import problem_table
from libyaevents.vocab import gazetteer, priogrid

__all__ = [
    "AT_SEA",
    "COUNTED_IN_ROWS",
    "IN_NO_UNIT",
    "NO_USABLE_LOCATION",
    "OUTSIDE_LIBYA",
    "SPECIAL_UNITS",
    "UnitAssignment",
    "all_units",
    "polygon_index",
    "polygon_keys",
    "polygon_units",
    "to_geodataframe",
    "unit_names",
    "with_unit_ids",
]

AT_SEA: Final = "at sea"
OUTSIDE_LIBYA: Final = "outside Libya"
IN_NO_UNIT: Final = "in Libya, no unit"
NO_USABLE_LOCATION: Final = "no usable location"

#: The units of events in no polygon, in the order they follow the polygons' names.
SPECIAL_UNITS: Final = (AT_SEA, OUTSIDE_LIBYA, IN_NO_UNIT, NO_USABLE_LOCATION)

#: A polygon panel's ``attrs`` keys for the events counted in rows of their own (or, for
#: ``outside_coded_unit``, counted where their coordinates are): never dropped.
COUNTED_IN_ROWS: Final = (
    "at_sea", "outside_libya", "in_no_unit", "no_usable_location", "outside_coded_unit",
)  # fmt: skip

_EARTH_KM: Final = 6371.0088
_FEW_POLYGONS: Final = 16
_CODE: Final = "coordinates-outside-unit"


class UnitAssignment(NamedTuple):
    """The unit of each event, and the events whose coordinates leave their coded unit."""

    #: Categorical per event (the events' index): a polygon's name or a special unit.
    units: pd.Series
    #: ``coordinates-outside-unit`` rows (:mod:`libyaevents.problems` shape).
    problems: pd.DataFrame


def unit_names(boundaries: Boundaries) -> list[str]:
    """The categories of a polygon panel's unit column: the names, then the special units.

    Raises
    ------
    InputError
        When two polygons share a name (a panel needs one row per unit).
    """
    names = list(boundaries.names)
    twice = {name for name, n in Counter(names).items() if n > 1}
    repeated = sorted(twice | (set(names) & set(SPECIAL_UNITS)))
    if repeated:
        msg = (
            f"boundaries {boundaries.filename or '(in memory)'}: the names {repeated[:5]} are "
            "given to more than one unit (or to a unit of events in no polygon); a polygon "
            "panel needs one name per unit: read the file with a name_column that is unique."
        )
        raise InputError(msg)
    return [*names, *SPECIAL_UNITS]


def polygon_index(boundaries: Boundaries, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """For each point, the position of the first polygon it intersects; -1 for none.

    Each polygon is prepared once (shapely keeps it prepared on the geometry) and
    tested with the vectorised ``intersects_xy`` against the points in its
    bounding box (found by a binary search over the points sorted by longitude,
    when there are more than a few polygons): measured 3x to 20x faster than an
    STRtree query of point geometries, which tests points against unprepared
    polygons.
    """
    shapely = shapely_module()
    found = np.full(len(lon), -1, dtype="int64")
    if not len(lon):
        return found
    few = len(boundaries) <= _FEW_POLYGONS  # a scan of all points per polygon beats a sort
    order = np.arange(len(lon)) if few else np.argsort(lon, kind="stable")
    ordered = lon[order]
    bounds = shapely.bounds(boundaries.geometries)
    for index in reversed(range(len(boundaries))):  # the first polygon is written last
        shape = boundaries.geometries[index]
        west, south, east, north = bounds[index]
        if few:
            near = np.flatnonzero((lon >= west) & (lon <= east))
        else:
            first = np.searchsorted(ordered, west, side="left")
            near = order[first : np.searchsorted(ordered, east, side="right")]
        near = near[(lat[near] >= south) & (lat[near] <= north)]
        shapely.prepare(shape)
        found[near[shapely.intersects_xy(shape, lon[near], lat[near])]] = index
    return found


def _outside(events: pd.DataFrame, rows: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> Any:
    """Special unit (position in SPECIAL_UNITS) of placed events in no polygon."""
    shapely = shapely_module()
    kinds = np.full(len(rows), SPECIAL_UNITS.index(OUTSIDE_LIBYA), dtype="int64")
    in_libya = shapely.contains_xy(libya_outline().geometries[0], lon, lat)
    west, south, east, north = shapely.bounds(libya_land())
    in_box = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
    sea = in_box & ~in_libya
    sea[sea] = ~shapely.contains_xy(libya_land(), lon[sea], lat[sea])
    for column in ("country", "location"):  # ACLED's maritime events name the sea
        if column in events:
            sea |= events[column].iloc[rows].astype("str").isin(gazetteer.SEAS).to_numpy()
    kinds[sea] = SPECIAL_UNITS.index(AT_SEA)
    kinds[in_libya & ~sea] = SPECIAL_UNITS.index(IN_NO_UNIT)
    return kinds


def _key(name: str, level: str) -> str:
    resolved = gazetteer.resolve_admin2(name) if level == "admin2" else None
    return " ".join((resolved or name).lower().split())


def _coded(events: pd.DataFrame, boundaries: Boundaries) -> np.ndarray:
    """Per event, the polygon its coded name at the boundaries' level gives; -1 when none."""
    if boundaries.level not in events:
        return np.full(len(events), -1, dtype="int64")
    keys = {_key(name, boundaries.level): i for i, name in enumerate(boundaries.names)}
    codes, names = pd.factorize(events[boundaries.level].astype("string"))
    lookup = np.array([keys.get(_key(str(n), boundaries.level), -1) for n in names] + [-1])
    coded: np.ndarray = lookup[np.where(codes < 0, len(names), codes)]
    return coded


def _km(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Great-circle distance in km (haversine)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlon = np.radians(lon2 - lon1)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    km: np.ndarray = 2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    return km


def _problems(
    events: pd.DataFrame, boundaries: Boundaries, rows: np.ndarray, coded: np.ndarray,
    *, lon: np.ndarray, lat: np.ndarray, units: list[str],
) -> pd.DataFrame:  # fmt: skip
    """``coordinates-outside-unit`` rows, with the distance to the coded unit."""
    if not len(rows):
        return problem_table({})
    shapely = shapely_module()
    lines = shapely.shortest_line(shapely.points(lon, lat), boundaries.geometries[coded])
    ends = shapely.get_coordinates(lines).reshape(-1, 2, 2)
    km = _km(ends[:, 0, 0], ends[:, 0, 1], ends[:, 1, 0], ends[:, 1, 1])
    level = boundaries.level
    named = [boundaries.names[c] for c in coded.tolist()]
    messages = [
        f"coordinates {y:.4f}, {x:.4f} are {d:,.1f} km outside the coded {level} {n!r}, "
        f"in {u!r}: counted in {u!r} (where the coordinates are), not moved; check the "
        "coordinates or the coded unit"
        for x, y, d, n, u in zip(lon, lat, km, named, units, strict=True)
    ]
    frame = {
        "row": rows, "column": level, "code": _CODE, "message": messages,
        "value": [f"{n} ({d:.1f} km)" for n, d in zip(named, km, strict=True)],
    }  # fmt: skip
    if "event_id_cnty" in events:
        frame["record_id"] = events["event_id_cnty"].iloc[rows].to_numpy()
    return problem_table(frame, table="events")


def polygon_units(events: pd.DataFrame, boundaries: Boundaries) -> UnitAssignment:
    """The unit of each event by point in polygon, and those outside their coded unit.

    Parameters
    ----------
    events : DataFrame
        ``latitude``, ``longitude``; ``country`` (maritime events), the coded
        unit at the boundaries' level (``admin1`` or ``admin2``) and
        ``event_id_cnty`` when present.
    boundaries : Boundaries
        The polygons (:func:`~libyaevents.analysis.boundaries.read_boundaries`).

    Returns
    -------
    UnitAssignment
        ``units``: per event, the name of its polygon or of a special unit
        (module table; categorical, categories :func:`unit_names`);
        ``problems``: one ``coordinates-outside-unit`` row per event whose
        coordinates are outside the unit its coded name gives.
    """
    categories = unit_names(boundaries)
    gids, _ = located_cells(events)
    placed = np.flatnonzero(gids != priogrid.NO_CELL)
    lat = events["latitude"].to_numpy(dtype="float64", na_value=np.nan)[placed]
    lon = events["longitude"].to_numpy(dtype="float64", na_value=np.nan)[placed]
    codes = np.full(len(events), categories.index(NO_USABLE_LOCATION), dtype="int64")
    found = polygon_index(boundaries, lon, lat)
    nowhere = found < 0
    found[nowhere] = len(boundaries) + _outside(events, placed[nowhere], lon[nowhere], lat[nowhere])
    codes[placed] = found
    coded = _coded(events, boundaries)[placed]
    differ = np.flatnonzero((coded >= 0) & (coded != found))
    shapely = shapely_module()
    points = shapely.points(lon[differ], lat[differ])
    also = shapely.intersects(boundaries.geometries[coded[differ]], points)
    found[differ[also]] = coded[differ[also]]  # in two polygons, one of them its coded one
    codes[placed[differ[also]]] = coded[differ[also]]
    astray = differ[~also]
    units = pd.Series(
        pd.Categorical.from_codes(codes, categories=pd.Index(categories)),
        index=events.index,
        name="unit",
    )
    names = [categories[c] for c in found[astray].tolist()]
    problems = _problems(
        events, boundaries, placed[astray], coded[astray],
        lon=lon[astray], lat=lat[astray], units=names,
    )  # fmt: skip
    return UnitAssignment(units, problems)


def polygon_keys(
    events: pd.DataFrame, boundaries: Boundaries, excluded: np.ndarray | None
) -> tuple[pd.Series, dict[str, np.ndarray]]:
    """The unit of each event as a panel key, and masks of the events :data:`COUNTED_IN_ROWS`.

    Events already ``excluded`` (less precise than the panel) are in no mask.
    """
    assignment = polygon_units(events, boundaries)
    codes = assignment.units.cat.codes.to_numpy()
    kept = np.ones(len(codes), dtype=bool) if excluded is None else ~excluded
    masks = {
        name: (codes == len(boundaries) + i) & kept
        for i, name in enumerate(COUNTED_IN_ROWS[: len(SPECIAL_UNITS)])
    }
    astray = np.zeros(len(codes), dtype=bool)
    astray[assignment.problems["row"].to_numpy(dtype="int64")] = True
    masks["outside_coded_unit"] = astray & kept
    return assignment.units, masks


def all_units(panel: pd.DataFrame, boundaries: Boundaries) -> pd.DataFrame:
    """The units a polygon panel zero-fills: every polygon, and the special units it has."""
    column = panel[boundaries.level]
    present = set(column.dropna().astype("str")) & set(SPECIAL_UNITS)
    names = [*boundaries.names, *(u for u in SPECIAL_UNITS if u in present)]
    values = pd.Series(names, dtype="str").astype(column.dtype)
    return pd.DataFrame({boundaries.level: values})


def with_unit_ids(panel: pd.DataFrame, boundaries: Boundaries) -> pd.DataFrame:
    """A polygon panel with ``<level>_id`` (the polygon's id; empty for special units)."""
    level = boundaries.level
    ids = dict(zip(boundaries.names, boundaries.ids, strict=True))
    values = pd.Series(panel[level].astype("str").map(ids), index=panel.index, dtype="str")
    out = panel.copy()
    out.insert(list(out.columns).index(level) + 1, f"{level}_id", values)
    return out


def to_geodataframe(panel: pd.DataFrame, boundaries: Boundaries) -> Any:
    """A polygon panel with each row's polygon, as a GeoPandas GeoDataFrame (EPSG:4326).

    For GIS users: ``.to_parquet(path)`` writes GeoParquet, ``.to_file(path)``
    GeoJSON. Rows of the special units (at sea, outside Libya, ...) have no
    geometry. Needs the ``geopandas`` extra.

    Examples
    --------
    >>> import libyaevents
    >>> from libyaevents.analysis.boundaries import libya_outline
    >>> outline = libya_outline()
    >>> libya = Boundaries(outline.ids, outline.names, outline.geometries, "admin1", "", "", "")
    >>> panel = libyaevents.aggregate(libyaevents.load().events, period="year",
    ...                               level="admin1", spatial="polygon", boundaries=libya)
    >>> mapped = to_geodataframe(panel, libya)
    >>> mapped.loc[mapped["admin1"] == "Libya", "geometry"].iloc[0].geom_type
    'Polygon'
    """
    geopandas = require("geopandas", extra="geopandas", feature="GeoDataFrames")
    shapes = dict(zip(boundaries.ids, boundaries.geometries, strict=True))
    ids = panel[f"{boundaries.level}_id"]
    geometry = [shapes.get(unit) if isinstance(unit, str) else None for unit in ids]
    return geopandas.GeoDataFrame(panel, geometry=geometry, crs="EPSG:4326")
