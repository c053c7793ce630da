"""Pictures of events: a timeline by type and a map over Libya (the ``plot`` extra).

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

import pandas as pd

from libyaevents.analysis.panels import aggregate
from libyaevents.dataset import DatasetLike, table_of
from libyaevents.files import atomic_target
from libyaevents.optional import require
from libyaevents.vocab import gazetteer, taxonomy
from libyaevents.vocab.outline import ADMIN1_LABELS, LIBYA_OUTLINE

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


def plot_map(events: pd.DataFrame | DatasetLike, path: str | Path) -> Path:
    """Event locations over Libya's extent, sized by fatalities, admin1 regions labelled."""
    return save_png(map_figure(events), path)


def map_figure(events: pd.DataFrame | DatasetLike) -> Any:
    """The figure :func:`plot_map` writes; its title counts the events outside the extent."""
    events = table_of(events, "events", what="events")
    plt = pyplot()
    box = gazetteer.LIBYA_BOX
    inside = events["longitude"].between(box.min_lon, box.max_lon) & events["latitude"].between(
        box.min_lat, box.max_lat
    )
    shown = events[inside]
    figure, axis = plt.subplots(figsize=(7, 6.5))
    for name in taxonomy.EVENT_TYPES:
        some = shown[shown["event_type"] == name]
        if len(some):
            sizes = 6 + 4 * some["fatalities"].clip(upper=50).to_numpy(dtype="float64")
            axis.scatter(some["longitude"], some["latitude"], s=sizes, alpha=0.5, label=name)
    lons, lats = zip(*LIBYA_OUTLINE, strict=True)
    axis.plot(lons, lats, color="#555555", linewidth=0.8)  # Natural Earth, public domain
    for region, (lon, lat) in ADMIN1_LABELS.items():
        axis.annotate(region, (lon, lat), fontsize=14, alpha=0.6, ha="center")
    axis.set_xlim(box.min_lon, box.max_lon)
    axis.set_ylim(box.min_lat, box.max_lat)
    axis.set_aspect("equal")
    axis.set_xlabel("longitude")
    axis.set_ylabel("latitude")
    axis.set_title(
        f"{len(shown):,} events in Libya's extent ({len(events) - len(shown):,} outside)"
    )
    if len(shown):
        axis.legend(loc="lower left", fontsize=7)
    figure.tight_layout()
    return figure
