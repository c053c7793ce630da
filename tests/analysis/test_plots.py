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
