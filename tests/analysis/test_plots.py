"""Plots (the plot extra): a timeline and a map written as PNG."""

from __future__ import annotations

import pytest

import libyaevents
from libyaevents.cli import main
from libyaevents.synthetic import synthetic_events

pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")
from libyaevents.analysis.panels import period_start
from libyaevents.analysis.plots import map_figure, plot_map, plot_timeline, timeline_figure

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("period", ["week", "month", "year"])
def test_timeline_is_a_png(tmp_path, period):
    path = plot_timeline(synthetic_events(2_000, seed=1), tmp_path / "t.png", period=period)
    assert path.read_bytes().startswith(PNG)


def test_map_counts_events_outside_libya(tmp_path):
    events = synthetic_events(300, seed=2)
    events.loc[:9, ["latitude", "longitude"]] = [55.75, 37.62]  # Moscow
    figure = map_figure(events)
    axis = figure.axes[0]
    assert axis.get_title() == "290 events in Libya's extent (10 outside)"
    plotted = sum(len(c.get_offsets()) for c in axis.collections)
    assert plotted == 290  # every event inside is drawn, none outside
    path = plot_map(events, tmp_path / "m.png")
    assert path.read_bytes().startswith(PNG)


@pytest.mark.parametrize("period", ["week", "month", "year"])
def test_timeline_bars_start_on_their_period(period):
    import matplotlib.dates as mdates

    events = synthetic_events(500, seed=3)
    figure = timeline_figure(events, period=period)
    bars = figure.axes[0].patches
    starts = {mdates.num2date(b.get_x()).date() for b in bars}
    expected = {d.date() for d in period_start(events["event_date"], period).unique()}
    assert starts == expected  # a bar begins on its period's first day, not half a bar before
    assert sum(b.get_height() for b in bars) == len(events)


def test_plot_command_on_the_bundled_release(tmp_path, capsys):
    release = libyaevents.list_releases()[-1]
    for kind in ("timeline", "map"):
        out = tmp_path / f"{kind}.png"
        assert main(["plot", kind, release, "-o", str(out)]) == 0
        assert out.read_bytes().startswith(PNG)
    assert "wrote" in capsys.readouterr().out


def test_a_grid_panel_maps_as_coloured_cells_over_the_outline(tmp_path):
    events = synthetic_events(400, seed=4)
    events.loc[:4, "latitude"] = None  # no usable location: not on the map, counted
    panel = libyaevents.aggregate(events, period="month", level="priogrid")
    figure = map_figure(panel)
    axis = figure.axes[0]
    (cells,) = axis.collections
    placed = panel.dropna(subset=["priogrid_gid"])
    assert len(cells.get_paths()) == placed["priogrid_gid"].nunique()
    assert cells.get_array().sum() == len(events) - 5
    assert axis.get_title().endswith("(5 without a cell)")
    (outline,) = axis.lines  # Libya's Natural Earth 1:10m outline
    assert len(outline.get_xdata()) > 500
    assert len(figure.axes) == 2  # and a colour bar of events
    assert plot_map(panel, tmp_path / "grid.png").read_bytes().startswith(PNG)


def test_a_polygon_panel_maps_its_units_and_names_the_rest(tmp_path):
    pytest.importorskip("shapely", reason="the geo extra (shapely) is not installed")
    from libyaevents.analysis.boundaries import read_boundaries
    from tests.analysis.test_boundaries import PROVENANCE, _districts, write_geojson
    from tests.analysis.test_spatial import EVENTS, _events

    path = write_geojson(tmp_path / "districts.geojson", _districts())
    units = read_boundaries(path, id_column="pcode", name_column="name", level="admin2",
                            **PROVENANCE)  # fmt: skip
    panel = libyaevents.aggregate(_events(EVENTS), period="year", level="admin2",
                                  spatial="polygon", boundaries=units)  # fmt: skip
    figure = map_figure(panel, boundaries=units)
    axis = figure.axes[0]
    (coloured,) = axis.collections
    assert coloured.get_array().tolist() == [2.0, 0.0, 2.0]  # District 1, 2, 3
    assert axis.get_title() == (
        "4 events in 3 admin2 units (2 at sea, 3 outside Libya, 2 no usable location)"
    )
    assert len(axis.patches) == 3  # the units' edges, drawn over the colours
    assert plot_map(panel, tmp_path / "units.png", boundaries=units).read_bytes().startswith(PNG)


def test_maps_of_events_and_grids_need_no_geometry_library(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "shapely", None)  # import shapely now fails
    events = synthetic_events(100, seed=5)
    assert map_figure(events).axes[0].lines  # the outline, read with json
    assert map_figure(libyaevents.aggregate(events, level="priogrid")).axes[0].collections
