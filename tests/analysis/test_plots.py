"""Plots (the plot extra): a timeline and a map written as PNG."""

from __future__ import annotations

import pytest

import libyaevents
from libyaevents.cli import main
from libyaevents.synthetic import synthetic_events

pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")
from libyaevents.analysis.plots import plot_map, plot_timeline

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("period", ["week", "month", "year"])
def test_timeline_is_a_png(tmp_path, period):
    path = plot_timeline(synthetic_events(2_000, seed=1), tmp_path / "t.png", period=period)
    assert path.read_bytes().startswith(PNG)


def test_map_counts_events_outside_libya(tmp_path):
    events = synthetic_events(300, seed=2)
    events.loc[:9, ["latitude", "longitude"]] = [55.75, 37.62]  # Moscow
    path = plot_map(events, tmp_path / "m.png")
    assert path.read_bytes().startswith(PNG)


def test_plot_command_on_the_bundled_release(tmp_path, capsys):
    release = libyaevents.list_releases()[-1]
    for kind in ("timeline", "map"):
        out = tmp_path / f"{kind}.png"
        assert main(["plot", kind, release, "-o", str(out)]) == 0
        assert out.read_bytes().startswith(PNG)
    assert "wrote" in capsys.readouterr().out
