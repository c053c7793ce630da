"""Events on PRIO-GRID: the cell of each event, and the events that have none, reported.

:func:`priogrid_cells` gives each event its PRIO-GRID cell
(:mod:`libyaevents.vocab.priogrid`: 0.5-degree cells, ``gid = row * 720 + col + 1``)
and a problem table for the events that have no usable location, which are never
put in a cell:

========================== ==============================================================
code                       when
========================== ==============================================================
coordinates-missing        no latitude or no longitude
coordinates-out-of-range   latitude outside [-90, 90] or longitude outside [-180, 180]
coordinates-swapped        a Libya event (``country`` Libya or ``iso`` 434) outside
                           Libya's box (:data:`~libyaevents.vocab.gazetteer.LIBYA_BOX`)
                           whose latitude and longitude, swapped, fall inside it (lat 13,
                           lon 32 is in Sudan; lat 32, lon 13 is Tripoli)
========================== ==============================================================

Other events outside Libya keep their cells: the grid is global, and so are the
files the loaders read. ``aggregate(..., level="priogrid")`` counts the events
without a cell in a row of their own, with an empty ``priogrid_gid``.

Examples
--------
>>> import pandas as pd
>>> from libyaevents.analysis.grid import priogrid_cells
>>> events = pd.DataFrame({"event_id_cnty": ["LBY1", "LBY2", "LBY3"],
...                        "country": "Libya", "latitude": [32.8925, 13.0, None],
...                        "longitude": [13.18, 32.0, 20.0]})
>>> cells, problems = priogrid_cells(events)
>>> cells.tolist()
[176787, <NA>, <NA>]
>>> problems[["record_id", "code"]].to_numpy().tolist()
[['LBY2', 'coordinates-swapped'], ['LBY3', 'coordinates-missing']]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, NamedTuple

import numpy as np
import pandas as pd

from libyaevents.arguments import has_columns
from libyaevents.dataset import DatasetLike, table_of
from libyaevents.errors import InputError
from libyaevents.problems import problem_table
from libyaevents.vocab import gazetteer, priogrid

__all__ = [
    "CELL_COLUMNS",
    "GRID_LEVELS",
    "PRIOGRID",
    "CellAssignment",
    "cell_columns",
    "cells_argument",
    "grid_keys",
    "priogrid_cells",
]

#: Grid levels :func:`libyaevents.aggregate` takes besides the admin levels.
GRID_LEVELS: Final = ("priogrid",)

#: The unit column of a PRIO-GRID panel.
PRIOGRID: Final = priogrid.ID_COLUMN

#: Columns a PRIO-GRID panel carries for convenience: row, column and centre of the cell.
CELL_COLUMNS: Final = ("row", "col", "cell_lat", "cell_lon")

# reason codes of located_cells: 0 placed, then these problem codes
_REASONS: Final = ("", "coordinates-missing", "coordinates-out-of-range", "coordinates-swapped")
_MISSING, _OUT_OF_RANGE, _SWAPPED = 1, 2, 3


class CellAssignment(NamedTuple):
    """The cell of each event and the problems of those that have none."""

    #: PRIO-GRID id per event (``Int64``, the events' index); empty: no usable location.
    cells: pd.Series
    #: One row per event without a usable location (:mod:`libyaevents.problems` shape).
    problems: pd.DataFrame


def _in_libya_box(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    box = gazetteer.LIBYA_BOX
    inside: np.ndarray = (
        (lat >= box.min_lat) & (lat <= box.max_lat) & (lon >= box.min_lon) & (lon <= box.max_lon)
    )
    return inside


def _libyan(events: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Of the given rows, those coded as Libya (``country`` or ``iso``), when known."""
    libyan = np.zeros(len(rows), dtype=bool)
    if "country" in events:
        libyan |= (events["country"].iloc[rows].astype("str") == gazetteer.COUNTRY).to_numpy()
    if "iso" in events:
        iso = events["iso"].iloc[rows].to_numpy(dtype="float64", na_value=np.nan)
        libyan |= iso == gazetteer.ISO
    return libyan


def located_cells(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
    """Cell id per event (:data:`~libyaevents.vocab.priogrid.NO_CELL` when none) and why not.

    The second array holds, per event, 0 or the position of its problem code in
    ``_REASONS``; None when every event has a cell (the common case, no extra pass).
    """
    lat = events["latitude"].to_numpy(dtype="float64", na_value=np.nan)
    lon = events["longitude"].to_numpy(dtype="float64", na_value=np.nan)
    gids = priogrid.cell_ids(lat, lon)
    placed = gids != priogrid.NO_CELL
    # swapped-looking: placed, outside Libya's box, inside it swapped; then coded as Libya
    suspects = np.flatnonzero(placed & _in_libya_box(lon, lat) & ~_in_libya_box(lat, lon))
    swapped = suspects[_libyan(events, suspects)]
    gids[swapped] = priogrid.NO_CELL
    if placed.all() and not len(swapped):
        return gids, None
    reasons = np.zeros(len(gids), dtype="int8")
    missing = np.isnan(lat) | np.isnan(lon)
    reasons[~placed] = _OUT_OF_RANGE
    reasons[missing] = _MISSING
    reasons[swapped] = _SWAPPED
    return gids, reasons


def _text(value: float) -> str:
    return "" if np.isnan(value) else repr(float(value))


def _problem(kind: int, lat: float, lon: float) -> tuple[str, str]:
    """The column at fault and the message of one event without a cell."""
    at = f"latitude {_text(lat) or 'empty'}, longitude {_text(lon) or 'empty'}"
    latitude_at_fault = np.isnan(lat) if kind == _MISSING else not abs(lat) <= 90
    column = "latitude" if kind == _SWAPPED or latitude_at_fault else "longitude"
    if kind == _MISSING:
        what = f"no {column} ({at})"
    elif kind == _OUT_OF_RANGE:
        what = f"{at} is out of range (latitude within [-90, 90], longitude within [-180, 180])"
    else:
        what = (
            f"a Libya event at {at} is outside Libya, but latitude {_text(lon)}, longitude "
            f"{_text(lat)} is inside: the coordinates look swapped"
        )
    advice = "no grid cell: counted as having no usable location. Correct the coordinates."
    return column, f"{what}; {advice}"


def _problems(events: pd.DataFrame, reasons: np.ndarray) -> pd.DataFrame:
    """The problem table of the events with a reason (few: built one by one)."""
    rows = np.flatnonzero(reasons)
    kinds = reasons[rows].tolist()
    lat = events["latitude"].iloc[rows].to_numpy(dtype="float64", na_value=np.nan).tolist()
    lon = events["longitude"].iloc[rows].to_numpy(dtype="float64", na_value=np.nan).tolist()
    found = [_problem(*each) for each in zip(kinds, lat, lon, strict=True)]
    frame = {
        "row": rows,
        "column": [column for column, _ in found],
        "code": [_REASONS[kind] for kind in kinds],
        "value": [f"{_text(a)}, {_text(b)}" for a, b in zip(lat, lon, strict=True)],
        "message": [message for _, message in found],
    }
    if "event_id_cnty" in events:
        frame["record_id"] = events["event_id_cnty"].iloc[rows].to_numpy()
    return problem_table(frame, table="events")


def priogrid_cells(events: pd.DataFrame | DatasetLike) -> CellAssignment:
    """The PRIO-GRID cell of each event; a problem for each event that has none.

    Parameters
    ----------
    events : DataFrame or dataset
        Events with ``latitude`` and ``longitude`` (and ``country`` or ``iso``
        for the swapped-coordinates check; ``event_id_cnty`` names them).

    Returns
    -------
    CellAssignment
        ``cells``: the cell id of each event (``Int64``, empty when the event
        has no usable location), ``problems``: one row per such event, with
        its position (``row``), id, coordinates and a code (module table).

    Raises
    ------
    InputError
        When the events lack ``latitude`` or ``longitude``.
    """
    events = table_of(events, "events", what="events")
    has_columns(events, ["latitude", "longitude"], "events", "pass canonical events")
    gids, reasons = located_cells(events)
    cells = pd.Series(
        pd.arrays.IntegerArray(gids, gids == priogrid.NO_CELL), index=events.index, name=PRIOGRID
    )
    problems = problem_table({}) if reasons is None else _problems(events, reasons)
    return CellAssignment(cells, problems)


def cell_categories(gids: np.ndarray) -> pd.Categorical[Any]:
    """Cell ids as a categorical of the cells present (sorted), no cell as missing.

    A panel groups on its integer codes directly; built with a lookup over the
    259,200 cells instead of a hash of every event.
    """
    present = np.bincount(gids, minlength=priogrid.CELLS + 1)
    present[priogrid.NO_CELL] = 0
    categories = np.flatnonzero(present)
    lookup = np.full(priogrid.CELLS + 1, -1, dtype="int64")
    lookup[categories] = np.arange(len(categories))
    return pd.Categorical.from_codes(lookup[gids], categories=pd.Index(categories))


def grid_keys(
    events: pd.DataFrame, area: np.ndarray | None, excluded: np.ndarray | None
) -> tuple[pd.Categorical, dict[str, np.ndarray]]:
    """The cell of each event as a panel key, and the events a panel counts apart.

    Returns the keys (:func:`cell_categories`) and masks of the events, not
    ``excluded`` already, that are ``outside_cells`` (placed, not in ``area``;
    only with an area) and that have ``no_usable_location``.
    """
    gids, _ = located_cells(events)
    kept = np.ones(len(gids), dtype=bool) if excluded is None else ~excluded
    apart = {}
    if area is not None:
        inside = np.zeros(priogrid.CELLS + 1, dtype=bool)
        inside[area] = True
        inside[priogrid.NO_CELL] = True  # counted in the empty cell's row, not as outside
        apart["outside_cells"] = ~inside[gids] & kept
    apart["no_usable_location"] = (gids == priogrid.NO_CELL) & kept
    return cell_categories(gids), apart


def cells_argument(cells: Any) -> np.ndarray:
    """The ``cells=`` of a grid panel as sorted cell ids: ids, or a box of four numbers.

    A tuple of four numbers (such as :class:`~libyaevents.vocab.gazetteer.BoundingBox`)
    is a box ``(min_lon, min_lat, max_lon, max_lat)``; any other iterable holds ids.
    """
    if isinstance(cells, tuple) and len(cells) == 4:  # a box's four edges
        try:
            edges = [float(edge) for edge in cells]
        except (TypeError, ValueError):
            edges = []
        if len(edges) == 4:
            return priogrid.cells_in_box(*edges)
    if isinstance(cells, str | bytes) or not isinstance(cells, Iterable):
        msg = (
            "cells must be PRIO-GRID ids (a list, array or set) or a box "
            f"(min_lon, min_lat, max_lon, max_lat); got {cells!r}."
        )
        raise InputError(msg)
    values = pd.Series(list(cells), dtype="object")
    numbers = pd.to_numeric(values, errors="coerce")
    bad = values[~priogrid.is_cell(numbers)]
    if len(bad):
        msg = (
            f"cells must be PRIO-GRID ids, whole numbers from 1 to {priogrid.CELLS:,}; "
            f"got {bad.head(3).tolist()} ({len(bad):,} not ids). "
            "Pass ids, or a box as a tuple (min_lon, min_lat, max_lon, max_lat)."
        )
        raise InputError(msg)
    ids: np.ndarray = np.unique(numbers.to_numpy(dtype="int64"))
    return ids


def cell_columns(panel: pd.DataFrame) -> pd.DataFrame:
    """A PRIO-GRID panel with its ids as ``Int64`` and :data:`CELL_COLUMNS` after them."""
    gids = panel[PRIOGRID].astype("Int64")
    missing = gids.isna().to_numpy()
    values = gids.to_numpy(dtype="int64", na_value=1)
    rows, cols = priogrid.cell_rows_cols(values)
    lat, lon = priogrid.cell_centres(values)
    derived = {
        "row": pd.Series(pd.arrays.IntegerArray(rows, missing.copy()), index=panel.index),
        "col": pd.Series(pd.arrays.IntegerArray(cols, missing.copy()), index=panel.index),
        "cell_lat": pd.Series(pd.arrays.FloatingArray(lat, missing.copy()), index=panel.index),
        "cell_lon": pd.Series(pd.arrays.FloatingArray(lon, missing.copy()), index=panel.index),
    }
    out = panel.assign(**{PRIOGRID: gids})
    at = list(out.columns).index(PRIOGRID) + 1
    for offset, (name, values_) in enumerate(derived.items()):
        out.insert(at + offset, name, values_)
    return out
