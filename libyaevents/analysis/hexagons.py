"""Events on H3 hexagons: ``aggregate(..., level="h3:R")``, cells at resolution R (0-15).

Each event with a usable location gets the H3 cell its coordinates fall in
(``h3.latlng_to_cell``), as the usual 15-character hex string in an
``h3_cell`` column, with the cell's centre (``cell_lat``, ``cell_lon``). The
events without a usable location are those PRIO-GRID leaves out, for the same
reasons (:mod:`libyaevents.analysis.grid`: missing, out of range, swapped), and
are counted in a row with an empty ``h3_cell``.

Needs the ``h3`` package (``pip install "libyaevents[h3]"``, h3 4), imported
when an H3 panel is built. h3 4 has no vectorised ``latlng_to_cell``, so it is
called once per distinct point (events repeat their places): measured 0.12 s for
a million events on the 777 places of a real ACLED export, 1.4 s when every
point differs (1.1 s calling it once per event).

Examples
--------
>>> from libyaevents.analysis.hexagons import h3_resolution
>>> h3_resolution("h3:7"), h3_resolution("priogrid")
(7, None)
>>> h3_resolution("h3:16")
Traceback (most recent call last):
...
libyaevents.errors.InputError: level 'h3:16' must be 'h3:R' with R a whole number from 0 to 15 ...
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from libyaevents.analysis.grid import located_cells
from libyaevents.errors import InputError
from libyaevents.optional import require
from libyaevents.vocab import priogrid

__all__ = ["H3_CELL", "H3_PREFIX", "h3_cells_argument", "h3_columns", "h3_keys", "h3_resolution"]

#: Prefix of the H3 levels: ``"h3:7"`` is resolution 7.
H3_PREFIX: Final = "h3:"

#: The unit column of an H3 panel (the cell as a 15-character hex string).
H3_CELL: Final = "h3_cell"

_RESOLUTIONS: Final = range(16)


def h3_resolution(level: object) -> int | None:
    """The resolution of an ``"h3:R"`` level; None for other levels.

    Raises
    ------
    InputError
        When ``level`` starts with ``h3:`` but R is not a whole number from 0 to 15.
    """
    if not isinstance(level, str) or not level.startswith(H3_PREFIX):
        return None
    text = level.removeprefix(H3_PREFIX)
    if not (text.isascii() and text.isdigit() and int(text) in _RESOLUTIONS):
        msg = (
            f"level {level!r} must be 'h3:R' with R a whole number from 0 to 15 "
            f"(H3's resolutions); found R = {text!r}. Pass, say, level='h3:7'."
        )
        raise InputError(msg)
    return int(text)


def _h3() -> Any:
    return require("h3", extra="h3", feature="H3 panels")


def _distinct_points(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, list[list[float]]]:
    """Each point's position among the distinct points, and their coordinates.

    Events repeat their places (a town, a district's centre): h3 is called once
    per distinct point, found by hashing, not by sorting pairs.
    """
    lat_codes, lat_values = pd.factorize(lat)
    lon_codes, lon_values = pd.factorize(lon)
    pairs = lat_codes.astype("int64") * len(lon_values) + lon_codes
    places, distinct = pd.factorize(pairs)
    first = np.asarray(distinct)
    points = [
        np.asarray(lat_values)[first // len(lon_values)].tolist(),
        np.asarray(lon_values)[first % len(lon_values)].tolist(),
    ]
    return places, points


def h3_keys(
    events: pd.DataFrame, resolution: int, area: np.ndarray | None, excluded: np.ndarray | None
) -> tuple[pd.Categorical, dict[str, np.ndarray]]:
    """The H3 cell of each event as a panel key, and the events a panel counts apart.

    The keys are a categorical of the cells present (sorted), missing for the
    events without a usable location (:func:`~libyaevents.analysis.grid.located_cells`).
    The masks hold the events, not ``excluded`` already, ``outside_cells``
    (placed, not in ``area``, the :func:`h3_cells_argument`; only with an area)
    and with ``no_usable_location``.
    """
    h3 = _h3()
    gids, _ = located_cells(events)
    placed = np.flatnonzero(gids != priogrid.NO_CELL)
    lat = events["latitude"].to_numpy(dtype="float64", na_value=np.nan)[placed]
    lon = events["longitude"].to_numpy(dtype="float64", na_value=np.nan)[placed]
    places, points = _distinct_points(lat, lon)
    to_cell = h3.api.basic_int.latlng_to_cell
    ids = np.fromiter(
        (to_cell(a, b, resolution) for a, b in zip(*points, strict=True)),
        dtype="uint64",
        count=len(points[0]),
    )
    present, of_point = np.unique(ids, return_inverse=True)
    codes = of_point[places]
    keys = np.full(len(gids), -1, dtype="int64")
    keys[placed] = codes
    names = pd.Index([h3.int_to_str(int(cell)) for cell in present], dtype="str")
    kept = np.ones(len(gids), dtype=bool) if excluded is None else ~excluded
    apart = {}
    if area is not None:
        outside = np.zeros(len(gids), dtype=bool)
        outside[placed] = ~np.isin(names.to_numpy(dtype=object), area)[codes]
        apart["outside_cells"] = outside & kept
    apart["no_usable_location"] = (gids == priogrid.NO_CELL) & kept
    return pd.Categorical.from_codes(keys, categories=names), apart


def h3_cells_argument(cells: Any, resolution: int) -> np.ndarray:
    """The ``cells=`` of an H3 panel as sorted hex strings: H3 ids at the panel's resolution.

    Ids may be hex strings or integers. There is no box form for H3 cells.
    """
    h3 = _h3()
    if isinstance(cells, str | bytes) or not isinstance(cells, Iterable):
        msg = f"cells of an H3 panel must be H3 ids (a list, array or set); found {cells!r}."
        raise InputError(msg)
    given = list(cells)
    names = [h3.int_to_str(int(c)) if isinstance(c, int | np.integer) else c for c in given]
    bad = [
        value
        for value, name in zip(given, names, strict=True)
        if not (isinstance(name, str) and h3.is_valid_cell(name))
        or h3.get_resolution(name) != resolution
    ]
    if bad:
        msg = (
            f"cells must be H3 cell ids at resolution {resolution} (the panel's level); "
            f"found {bad[:3]} ({len(bad):,} not such ids). Pass ids from "
            f"h3.latlng_to_cell(lat, lng, {resolution})."
        )
        raise InputError(msg)
    unique: np.ndarray = np.unique(np.array([str(name).lower() for name in names], dtype=object))
    return unique


def h3_columns(panel: pd.DataFrame) -> pd.DataFrame:
    """An H3 panel with ``cell_lat`` and ``cell_lon``, the cells' centres, after ``h3_cell``.

    ``h3_cell`` comes as the categorical of :func:`h3_keys` and leaves as text: the
    centres are found once per category and both are taken by the codes (a panel
    of scattered events has about as many rows as events).
    """
    h3 = _h3()
    column = panel[H3_CELL]
    if not isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype("category")
    codes = column.cat.codes.to_numpy().astype("int64")
    names = column.cat.categories.to_numpy(dtype=object)
    centres = np.array([h3.cell_to_latlng(cell) for cell in names.tolist()], dtype="float64")
    centres = np.vstack([centres.reshape(-1, 2), [0.0, 0.0]])  # code -1: no cell
    missing = codes < 0
    text = pc.take(pa.array(names, type=pa.large_string()), pa.array(codes, mask=missing))
    as_text = pd.array(cast("Any", text), dtype="str")  # the stubs list no Arrow input
    out = panel.assign(**{H3_CELL: pd.Series(as_text, index=panel.index)})
    at = list(out.columns).index(H3_CELL) + 1
    for offset, name in enumerate(("cell_lat", "cell_lon")):
        values = pd.arrays.FloatingArray(centres[codes, offset], missing.copy())
        out.insert(at + offset, name, pd.Series(values, index=panel.index))
    return out
