"""The data card's figures, drawn as inline SVG and HTML (no plotting library, no script).

:func:`timeline` is events per month as a bar chart, :func:`by_month` the same
counts with fatalities as a folded table, and :func:`libya_map` the events'
locations over Libya's outline with the admin1 regions labelled. Each returns
markup to put in a page (:mod:`libyaevents.formats.html`); labels and titles
are escaped, and each figure has a text alternative for screen readers.

Examples
--------
>>> import pandas as pd
>>> events = pd.DataFrame({
...     "event_date": pd.to_datetime(["2020-01-05", "2020-03-09"]),
...     "fatalities": [0, 2], "longitude": [13.19, 20.07], "latitude": [32.89, 32.12],
... })
>>> timeline(events).startswith('<svg id="timeline"')
True
>>> libya_map(events).count("<circle")  # one dot per event inside Libya's extent
2
"""

from __future__ import annotations

import html

import pandas as pd

from libyaevents.formats.html import table
from libyaevents.vocab.gazetteer import LIBYA_BOX
from libyaevents.vocab.outline import ADMIN1_LABELS, OUTLINE_SOURCE, libya_outline_ring

__all__ = ["by_month", "libya_map", "timeline"]


def timeline(events: pd.DataFrame) -> str:
    """Events per month as an inline SVG bar chart (title and bars, axis by year)."""
    if events.empty:
        return '<p class="muted">No events.</p>'
    months = events["event_date"].dt.to_period("M")
    span = pd.period_range(months.min(), months.max(), freq="M")
    counts = months.value_counts().reindex(span, fill_value=0)
    width, height, pad = 720, 180, 30
    step = (width - 2 * pad) / len(counts)
    top = max(int(counts.max()), 1)
    bars, ticks = [], []
    for i, (month, n) in enumerate(counts.items()):
        h = (height - 2 * pad) * int(n) / top
        x = pad + i * step
        bars.append(
            f'<rect x="{x:.1f}" y="{height - pad - h:.1f}" width="{max(step - 1, 1):.1f}" '
            f'height="{h:.1f}" fill="#2b6cb0"><title>{month}: {int(n)}</title></rect>'
        )
        if month.month == 1 or i == 0:
            ticks.append(
                f'<text x="{x:.1f}" y="{height - pad + 14}" font-size="11">{month.year}</text>'
            )
    label = f"Events per month, {span[0]} to {span[-1]} (highest month: {top})"
    return (
        f'<svg id="timeline" role="img" aria-label="{html.escape(label)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"<title>{html.escape(label)}</title>"
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        f'stroke="#333"/>{"".join(bars)}{"".join(ticks)}</svg>'
    )


def by_month(events: pd.DataFrame) -> str:
    """Events and fatalities per month as a table, folded under the timeline (no script)."""
    if events.empty:
        return ""
    months = events["event_date"].dt.to_period("M").astype("str")
    grouped = events.groupby(months, sort=True)["fatalities"]
    frame = pd.DataFrame({"month": grouped.size().index, "events": grouped.size().to_numpy(),
                          "fatalities": grouped.sum().to_numpy()})  # fmt: skip
    return (
        f"<details><summary>Events and fatalities by month ({len(frame)} months)</summary>"
        f"{table(frame, table_id='by-month')}</details>"
    )


def _project(lon: float, lat: float, width: float, height: float) -> tuple[float, float]:
    box = LIBYA_BOX
    x = (lon - box.min_lon) / (box.max_lon - box.min_lon) * width
    y = (box.max_lat - lat) / (box.max_lat - box.min_lat) * height
    return x, y


def libya_map(events: pd.DataFrame) -> str:
    """Event locations over Libya's outline (inline SVG), sized by fatalities, regions labelled."""
    width, height = 560, 480
    outline = " ".join(
        "{:.1f},{:.1f}".format(*_project(lo, la, width, height)) for lo, la in libya_outline_ring()
    )
    box = LIBYA_BOX
    inside = events["longitude"].between(box.min_lon, box.max_lon) & events["latitude"].between(
        box.min_lat, box.max_lat
    )
    shown = events[inside]
    dots = []
    for lon, lat, deaths in zip(
        shown["longitude"], shown["latitude"], shown["fatalities"].fillna(0), strict=True
    ):
        x, y = _project(float(lon), float(lat), width, height)
        radius = 3 + min(float(deaths), 50.0) ** 0.5
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="#c53030" '
            'fill-opacity="0.5"/>'
        )
    labels = [
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="18" fill="#555" text-anchor="middle">'
        f"{html.escape(name)}</text>"
        for name, (x, y) in (
            (n, _project(lo, la, width, height)) for n, (lo, la) in ADMIN1_LABELS.items()
        )
    ]
    label = f"{len(shown)} events in Libya's extent ({len(events) - len(shown)} outside)"
    return (
        f'<svg id="map" role="img" aria-label="{html.escape(label)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"<title>{html.escape(label)}</title>"
        f'<polygon points="{outline}" fill="#f2efe6" stroke="#666" stroke-width="1"/>'
        f"{''.join(dots)}{''.join(labels)}</svg>"
        f'<p class="muted">{html.escape(label)}. Outline: {OUTLINE_SOURCE}.</p>'
    )
