"""Pictures of events: a timeline by type, and maps of events or panels (the ``plot`` extra).

Needs matplotlib (the ``plot`` extra: ``pip install ".[plot]"`` in a checkout); it
is imported only when a plot is drawn, and drawn with the non-interactive Agg
backend, so plots work on servers without a display.

Examples
--------
>>> import libyaevents, tempfile, pathlib
>>> from libyaevents.analysis.plots import plot_timeline
>>> path = pathlib.Path(tempfile.mkdtemp()) / "timeline.png"
>>> plot_timeline(libyaevents.load().events, path, period="month") == path
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from libyaevents.analysis.boundaries import Boundaries
from libyaevents.analysis.grid import PRIOGRID
from libyaevents.analysis.panels import aggregate
from libyaevents.analysis.spatial import SPECIAL_UNITS
from libyaevents.dataset import DatasetLike, table_of
from libyaevents.files import atomic_target
from libyaevents.optional import require
from libyaevents.vocab import gazetteer, priogrid, taxonomy
from libyaevents.vocab.outline import ADMIN1_LABELS, libya_outline_ring

__all__ = ["map_figure", "plot_map", "plot_timeline", "pyplot", "save_png", "timeline_figure"]

_DPI: Final = 120
#: Where each admin1 region's label goes (longitude, latitude), inside its area.


def pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend (files only; needs the plot extra)."""
    require("matplotlib", extra="plot", feature="Plots").use("Agg")
    return require("matplotlib.pyplot", extra="plot", feature="Plots")


def plot_timeline(
    events: pd.DataFrame | DatasetLike, path: str | Path, *, period: str = "month"
) -> Path:
    """Events per period stacked by event type (bars) and fatalities (line); a PNG.

    Parameters
    ----------
    events : DataFrame
        Canonical events.
    path : path
        The PNG to write.
    period : {"week", "month", "year"}
        Bar width (weeks are ACLED's).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    figure = timeline_figure(events, period=period)
    return save_png(figure, path)


def timeline_figure(events: pd.DataFrame | DatasetLike, *, period: str = "month") -> Any:
    """The figure :func:`plot_timeline` writes: each bar spans its period from its first day."""
    events = table_of(events, "events", what="events")
    plt = pyplot()
    panel = aggregate(events, period=period, level="country", by=["event_type"])  # type: ignore[arg-type]
    counts = panel.pivot_table(
        index="period", columns="event_type", values="events", aggfunc="sum", observed=True
    ).reindex(columns=[t for t in taxonomy.EVENT_TYPES if t in set(panel["event_type"])])
    deaths = panel.groupby("period")["fatalities"].sum()
    figure, axis = plt.subplots(figsize=(10, 4.5))
    width = {"week": 6, "month": 25, "year": 300}.get(period, 1)
    bottom = pd.Series(0.0, index=counts.index)
    for column in counts.columns:
        values = counts[column].fillna(0)
        axis.bar(counts.index, values, width=width, bottom=bottom, label=column, align="edge")
        bottom += values
    axis.set_ylabel(f"events per {period}")
    other = axis.twinx()
    other.plot(deaths.index, deaths.to_numpy(), color="black", linewidth=1.2, label="fatalities")
    other.set_ylabel("fatalities")
    other.set_ylim(bottom=0)
    axis.legend(loc="upper left", fontsize=8)
    axis.set_title(f"{len(events):,} events, {int(events['fatalities'].sum()):,} fatalities")
    figure.tight_layout()
    return figure


def save_png(figure: Any, path: str | Path) -> Path:
    """Write a figure as PNG in one rename, then close it."""
    target = Path(path)
    with atomic_target(target) as tmp:
        figure.savefig(tmp, dpi=_DPI, format="png")
    pyplot().close(figure)
    return target


def plot_map(
    data: pd.DataFrame | DatasetLike, path: str | Path, *, boundaries: Boundaries | None = None
) -> Path:
    """A map over Libya's outline: event locations, or a choropleth of a panel; a PNG.

    Parameters
    ----------
    data : DataFrame
        Events (points sized by fatalities, admin1 regions labelled); a grid
        panel (a ``priogrid_gid`` column: each cell coloured by its events over
        all periods); or a polygon panel (``aggregate(..., spatial="polygon")``,
        with the ``boundaries`` it was made with: each polygon coloured).
    path : path
        The PNG to write.
    boundaries : Boundaries, optional
        Polygons to draw (their edges over a grid panel or events; the units of
        a polygon panel). Libya's bundled Natural Earth outline is always drawn.

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import libyaevents, pathlib, tempfile
    >>> panel = libyaevents.aggregate(libyaevents.load().events, level="priogrid")
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "grid.png"
    >>> plot_map(panel, target) == target
    True
    """
    return save_png(map_figure(data, boundaries=boundaries), path)


def map_figure(data: pd.DataFrame | DatasetLike, *, boundaries: Boundaries | None = None) -> Any:
    """The figure :func:`plot_map` writes; its title counts what is not on the map."""
    frame = table_of(data, "events", what="events or a panel")
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(7, 6.5))
    box = gazetteer.LIBYA_BOX
    if PRIOGRID in frame.columns:
        title = _cells(figure, axis, frame)
    elif boundaries is not None and f"{boundaries.level}_id" in frame.columns:
        title = _polygons(figure, axis, frame, boundaries)
    else:
        title = _points(axis, frame)
    if boundaries is not None:
        _edges(axis, boundaries)
    lons, lats = zip(*libya_outline_ring(), strict=True)
    axis.plot(lons, lats, color="#555555", linewidth=0.8)  # Natural Earth, public domain
    axis.set_xlim(box.min_lon - 0.5, box.max_lon + 0.5)
    axis.set_ylim(box.min_lat - 0.5, box.max_lat + 0.5)
    axis.set_aspect("equal")
    axis.set_xlabel("longitude")
    axis.set_ylabel("latitude")
    axis.set_title(title, fontsize=10)
    figure.tight_layout()
    return figure


def _points(axis: Any, events: pd.DataFrame) -> str:
    """Event locations in Libya's extent, sized by fatalities, regions labelled."""
    box = gazetteer.LIBYA_BOX
    inside = events["longitude"].between(box.min_lon, box.max_lon) & events["latitude"].between(
        box.min_lat, box.max_lat
    )
    shown = events[inside]
    for name in taxonomy.EVENT_TYPES:
        some = shown[shown["event_type"] == name]
        if len(some):
            sizes = 6 + 4 * some["fatalities"].clip(upper=50).to_numpy(dtype="float64")
            axis.scatter(some["longitude"], some["latitude"], s=sizes, alpha=0.5, label=name)
    for region, (lon, lat) in ADMIN1_LABELS.items():
        axis.annotate(region, (lon, lat), fontsize=14, alpha=0.6, ha="center")
    if len(shown):
        axis.legend(loc="lower left", fontsize=7)
    return f"{len(shown):,} events in Libya's extent ({len(events) - len(shown):,} outside)"


def _coloured(figure: Any, axis: Any, patches: list[Any], values: np.ndarray) -> None:
    """Patches coloured by their values, with a colour bar of events."""
    collections = require("matplotlib.collections", extra="plot", feature="Plots")
    drawn = collections.PatchCollection(patches, cmap="YlOrRd", edgecolor="#999999",
                                        linewidth=0.2)  # fmt: skip
    drawn.set_array(values)
    axis.add_collection(drawn)
    figure.colorbar(drawn, ax=axis, label="events", shrink=0.7)


def _cells(figure: Any, axis: Any, panel: pd.DataFrame) -> str:
    """A grid panel's cells coloured by their events over all periods."""
    patches = require("matplotlib.patches", extra="plot", feature="Plots")
    totals = panel.groupby(PRIOGRID, dropna=False)["events"].sum()
    placed = totals[totals.index.notna()]
    west, south, _, _ = priogrid.cell_bounds(placed.index.to_numpy(dtype="int64"))
    side = priogrid.CELL_DEGREES
    squares = [patches.Rectangle((x, y), side, side) for x, y in zip(west, south, strict=True)]
    _coloured(figure, axis, squares, placed.to_numpy(dtype="float64"))
    apart = float(totals[totals.index.isna()].sum())
    cells = f"{len(placed):,} PRIO-GRID cells"
    return f"{placed.sum():,.0f} events in {cells} ({apart:,.0f} without a cell)"


def _shape_path(shape: Any) -> Any:
    """A matplotlib Path of a shapely (Multi)Polygon, holes included."""
    path = require("matplotlib.path", extra="plot", feature="Plots")
    shapely = require("shapely", extra="geo", feature="Maps of boundaries")
    rings = [
        path.Path(np.asarray(ring.coords)[:, :2], closed=True)
        for part in shapely.get_parts(shape)
        for ring in (part.exterior, *part.interiors)
    ]
    return path.Path.make_compound_path(*rings)


def _polygons(figure: Any, axis: Any, panel: pd.DataFrame, boundaries: Boundaries) -> str:
    """A polygon panel's units coloured by their events over all periods."""
    patches = require("matplotlib.patches", extra="plot", feature="Plots")
    totals = panel.groupby(panel[boundaries.level].astype("str"))["events"].sum()
    values = totals.reindex(list(boundaries.names), fill_value=0).to_numpy(dtype="float64")
    shapes = [patches.PathPatch(_shape_path(shape)) for shape in boundaries.geometries]
    _coloured(figure, axis, shapes, values)
    apart = totals.reindex(list(SPECIAL_UNITS), fill_value=0)
    told = ", ".join(f"{n:,.0f} {unit}" for unit, n in apart.items() if n) or "none elsewhere"
    return f"{values.sum():,.0f} events in {len(values)} {boundaries.level} units ({told})"


def _edges(axis: Any, boundaries: Boundaries) -> None:
    patches = require("matplotlib.patches", extra="plot", feature="Plots")
    for shape in boundaries.geometries:
        edge = patches.PathPatch(_shape_path(shape), fill=False, edgecolor="#333333", linewidth=0.6)
        axis.add_patch(edge)
