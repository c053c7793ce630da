"""H3 panels: cells as h3 computes them, totals kept, bad coordinates counted apart."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

import libyaevents
from libyaevents.analysis.grid import priogrid_cells
from libyaevents.analysis.panels import aggregate
from libyaevents.errors import InputError
from libyaevents.synthetic import synthetic_events

h3 = pytest.importorskip("h3", reason="the h3 extra is not installed")


def _direct(events: pd.DataFrame, resolution: int) -> pd.Series:
    """The cell of each event computed by h3 itself, one call per event."""
    return pd.Series(
        [
            h3.latlng_to_cell(lat, lon, resolution)
            for lat, lon in zip(events["latitude"], events["longitude"], strict=True)
        ],
        index=events.index,
    )


def _check_totals(events: pd.DataFrame, panel: pd.DataFrame, resolution: int) -> None:
    cells, problems = priogrid_cells(events)
    placed = cells.notna()
    assert panel["events"].sum() == len(events)
    assert panel["fatalities"].sum() == events["fatalities"].sum()
    assert panel.attrs["no_usable_location"] == len(problems) == (~placed).sum()
    assert panel.loc[panel["h3_cell"].isna(), "events"].sum() == (~placed).sum()
    expected = _direct(events[placed], resolution).value_counts()
    by_cell = panel.groupby("h3_cell")["events"].sum()
    assert by_cell[by_cell > 0].sort_index().to_dict() == expected.sort_index().to_dict()


@pytest.mark.parametrize("resolution", [0, 5, 9, 15])
def test_synthetic_events_totals_and_cells_as_h3_gives_them(resolution):
    events = synthetic_events(3_000, seed=resolution)
    bad = {0: (np.nan, 20.0), 1: (95.0, 13.0), 2: (13.0, 32.0)}  # missing, out of range, swapped
    for row, (lat, lon) in bad.items():
        events.loc[row, ["latitude", "longitude"]] = [lat, lon]
    panel = aggregate(events, period="month", level=f"h3:{resolution}")
    _check_totals(events, panel, resolution)
    assert panel.attrs["no_usable_location"] == 3
    placed = panel[panel["h3_cell"].notna()]
    assert placed["h3_cell"].str.len().eq(15).all()
    assert (placed["h3_cell"].map(h3.get_resolution) == resolution).all()
    centres = placed["h3_cell"].map(h3.cell_to_latlng)
    assert placed["cell_lat"].tolist() == [lat for lat, _ in centres]
    assert placed["cell_lon"].tolist() == [lon for _, lon in centres]
    assert list(panel.columns) == ["period", "h3_cell", "cell_lat", "cell_lon", "events",
                                   "fatalities"]  # fmt: skip


def test_events_sharing_a_place_share_its_cell():
    events = synthetic_events(1_000, seed=5)
    places = [(32.8925, 13.18), (32.8925, 13.181), (32.1167, 20.0667), (0.0, -0.0), (-0.0, 0.0)]
    picks = np.random.default_rng(5).integers(0, len(places), len(events))
    events["latitude"] = [places[i][0] for i in picks]
    events["longitude"] = [places[i][1] for i in picks]
    events["country"] = "Somalia"  # no swap check: (0, 0) is placed
    _check_totals(events, aggregate(events, period="year", level="h3:9"), 9)


def test_exclude_leaves_out_events_coarser_than_a_cell_and_counts_them():
    events = synthetic_events(2_000, seed=3)
    events.loc[0, "latitude"] = np.nan
    coarse = events["geo_precision"] > 1
    panel = aggregate(events, period="month", level="h3:6", precision="exclude")
    assert coarse.any()
    assert panel.attrs["excluded"] == coarse.sum()
    assert panel["events"].sum() == (~coarse).sum()
    assert panel["fatalities"].sum() == events.loc[~coarse, "fatalities"].sum()
    assert panel.attrs["no_usable_location"] == int(not coarse[0])


def test_zero_fill_covers_the_cells_with_events_or_the_cells_given():
    events = synthetic_events(500, seed=4)
    panel = aggregate(events, period="year", level="h3:4", zero_fill=True)
    cells = panel["h3_cell"].unique()
    periods = panel["period"].unique()
    assert len(panel) == len(cells) * len(periods)
    assert panel["events"].sum() == len(events)
    chosen = sorted(_direct(events.head(3), 4).unique())
    inside = _direct(events, 4).isin(chosen)
    events.loc[len(events) - 1, "latitude"] = np.nan  # and a row without a usable location
    inside.iloc[-1] = False
    limited = aggregate(events, period="year", level="h3:4", zero_fill=True, cells=chosen)
    assert sorted(limited["h3_cell"].dropna().unique()) == chosen
    assert limited["h3_cell"].isna().sum() == len(limited["period"].unique())
    assert len(limited) == (len(chosen) + 1) * len(limited["period"].unique())
    assert limited["events"].sum() == inside.sum() + 1
    assert limited.attrs["outside_cells"] == (~inside).sum() - 1
    assert limited.attrs["no_usable_location"] == 1
    assert limited["cell_lat"].isna().eq(limited["h3_cell"].isna()).all()
    as_ints = aggregate(
        events, period="year", level="h3:4", cells=[h3.str_to_int(c) for c in chosen]
    )
    assert as_ints["events"].sum() == inside.sum() + 1


@pytest.mark.parametrize(
    ("level", "message"),
    [("h3:x", r"level 'h3:x' must be 'h3:R' with R a whole number from 0 to 15.*found R = 'x'"),
     ("h3:16", r"R a whole number from 0 to 15.*found R = '16'"),
     ("h3:", r"found R = ''"), ("h3:-1", r"found R = '-1'"),
     ("hex7", r"level must be one of \[.*'h3:R'")],
)  # fmt: skip
def test_bad_resolutions_are_refused(level, message):
    with pytest.raises(InputError, match=message):
        aggregate(synthetic_events(10), level=level)


def test_spread_and_bad_cells_are_refused_with_what_to_do():
    events = synthetic_events(10)
    with pytest.raises(InputError, match=r"precision='spread' is not available on H3.*level='pri"):
        aggregate(events, level="h3:7", precision="spread")
    cell = h3.latlng_to_cell(32.9, 13.2, 6)
    with pytest.raises(InputError, match=r"H3 cell ids at resolution 7.*\['8[0-9a-f]+'\]"):
        aggregate(events, level="h3:7", cells=[cell])
    with pytest.raises(InputError, match=r"H3 cell ids at resolution 7.*\['nonsense'\]"):
        aggregate(events, level="h3:7", cells=["nonsense"])
    with pytest.raises(InputError, match=r"must be H3 ids"):
        aggregate(events, level="h3:7", cells=cell)


def test_without_h3_the_error_names_the_h3_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "h3", None)  # import h3 now fails
    with pytest.raises(InputError, match=r'H3 panels need h3: pip install "libyaevents\[h3\]"'):
        aggregate(synthetic_events(10), level="h3:7")


def test_every_row_of_the_real_acled_exports_gets_its_h3_cell(shared_acled):
    paths = sorted(shared_acled.glob("*.csv"))
    if not paths:
        pytest.skip(f"no ACLED exports (*.csv) in {shared_acled}")
    for path in paths:
        events = libyaevents.read_acled(path).events
        panel = aggregate(events, period="month", level="h3:7")
        _check_totals(events, panel, 7)


def test_the_aggregate_command_takes_h3_levels(tmp_path, capsys):
    from libyaevents.cli import main

    events = synthetic_events(300, seed=5)
    events.loc[0, ["latitude", "longitude"]] = [13.0, 32.0]  # swapped-looking: no cell
    csv = tmp_path / "acled.csv"
    libyaevents.write_acled(events, csv)
    out = tmp_path / "hex.csv"
    assert main(["aggregate", str(csv), "--level", "h3:5", "--period", "year", "-o", str(out)]) == 0
    assert "events with no usable location" in capsys.readouterr().err
    panel = pd.read_csv(out)
    assert "h3_cell" in panel.columns
    assert panel["events"].sum() == len(events)
    placed = panel.dropna(subset=["h3_cell"])
    assert set(placed["h3_cell"]) <= set(_direct(events.iloc[1:], 5))
    for bad in ("h3:16", "h3:x", "hexagons"):
        assert main(["aggregate", str(csv), "--level", bad]) == 2
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1, err
        assert "h3:R" in err or "0 to 15" in err, err
