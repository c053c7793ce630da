"""PRIO-GRID panels: cells as the definition gives them, bad coordinates never placed."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import libyaevents
from libyaevents.analysis.grid import CELL_COLUMNS, priogrid_cells
from libyaevents.analysis.panels import aggregate
from libyaevents.cli import main
from libyaevents.errors import InputError
from libyaevents.problems import PROBLEM_COLUMNS, concat_problems, problem_table
from libyaevents.synthetic import synthetic_events
from libyaevents.vocab import priogrid

SETTINGS = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


def _events(rows: list[dict[str, object]]) -> pd.DataFrame:
    base = {
        "event_id_cnty": "LBY1", "event_date": pd.Timestamp("2020-05-01"), "country": "Libya",
        "iso": 434, "admin1": "West", "fatalities": 1, "time_precision": 1, "geo_precision": 1,
        "latitude": 32.8925, "longitude": 13.18,
    }  # fmt: skip
    ids = [{"event_id_cnty": f"LBY{i + 1}"} for i in range(len(rows))]
    frame = pd.DataFrame([{**base, **n, **r} for n, r in zip(ids, rows, strict=True)])
    return frame.astype({"latitude": "float64", "longitude": "float64"})


def test_bad_coordinates_are_reported_and_never_placed():
    events = _events([
        {},                                              # Tripoli: cell 176787
        {"latitude": None},                              # missing latitude
        {"longitude": None},                             # missing longitude
        {"latitude": 95.0},                              # out of range
        {"longitude": -180.5},                           # out of range
        {"latitude": 13.0, "longitude": 32.0},           # Libya, swapped (Tripoli-ish swapped)
        {"latitude": 13.0, "longitude": 32.0, "country": "Sudan", "iso": 729},  # really Sudan
        {"latitude": 20.0, "longitude": 25.0, "country": "Libyan Arab Jamahiriya"},  # iso says
        {"latitude": 55.75, "longitude": 37.62},         # a Libya event in Moscow: a real cell
        {"latitude": 33.9, "longitude": 14.0},           # at sea off Libya: a real cell
    ])  # fmt: skip
    cells, problems = priogrid_cells(events)
    assert cells.dtype == "Int64"
    assert cells.iloc[0] == 176787
    assert cells.iloc[6] == priogrid.cell_ids([13.0], [32.0])[0]
    assert cells.iloc[7] == priogrid.cell_ids([20.0], [25.0])[0]  # in the box: not swapped
    assert cells.iloc[8] == priogrid.cell_ids([55.75], [37.62])[0]
    assert cells.iloc[[1, 2, 3, 4, 5]].isna().all()
    assert tuple(problems.columns) == PROBLEM_COLUMNS
    table = problems.set_index("record_id")
    assert table["code"].to_dict() == {
        "LBY2": "coordinates-missing",
        "LBY3": "coordinates-missing",
        "LBY4": "coordinates-out-of-range",
        "LBY5": "coordinates-out-of-range",
        "LBY6": "coordinates-swapped",
    }
    assert table["row"].tolist() == [1, 2, 3, 4, 5]
    assert table["column"].tolist() == ["latitude", "longitude", "latitude", "longitude",
                                        "latitude"]  # fmt: skip
    assert table.at["LBY6", "value"] == "13.0, 32.0"
    assert "latitude 32.0, longitude 13.0 is inside" in table.at["LBY6", "message"]
    assert table.at["LBY2", "value"] == ", 13.18"
    assert set(table["severity"]) == {"error"}
    assert table["message"].str.contains("counted as having no usable location").all()
    other = problem_table({"code": ["not-a-date"], "line": [3]}, source="export.csv")
    assert len(concat_problems([problems, other])) == 6  # one shape with the readers' problems


def test_the_swap_check_needs_the_country_and_only_flags_libya():
    events = _events([{"latitude": 13.0, "longitude": 32.0}]).drop(columns=["country"])
    assert priogrid_cells(events).problems["code"].tolist() == ["coordinates-swapped"]
    unknown = events.drop(columns=["iso"])  # no country, no iso: nothing says it is Libyan
    assert priogrid_cells(unknown).cells.notna().all()
    with pytest.raises(InputError, match=r"lack the column\(s\) \['longitude'\]"):
        priogrid_cells(events.drop(columns=["longitude"]))


def test_cells_on_edges_poles_and_the_180th_meridian_in_a_panel():
    points = [(32.5, 13.0), (90.0, 180.0), (-90.0, -180.0), (0.0, 180.0), (0.0, -180.0),
              (-16.5, 179.99)]  # fmt: skip
    events = _events([{"latitude": a, "longitude": b, "country": "Fiji", "iso": 242}
                      for a, b in points])  # fmt: skip
    panel = aggregate(events, period="year", level="priogrid")
    assert panel["priogrid_gid"].tolist() == sorted(
        [245 * 720 + 386 + 1, 259200, 1, 180 * 720 + 719 + 1, 180 * 720 + 0 + 1,
         147 * 720 + 719 + 1]
    )  # fmt: skip
    row = panel.set_index("priogrid_gid").loc[259200]
    assert (row["row"], row["col"], row["cell_lat"], row["cell_lon"]) == (359, 719, 89.75, 179.75)
    assert list(panel.columns[1:6]) == ["priogrid_gid", *CELL_COLUMNS]
    assert panel.attrs == {"no_usable_location": 0}


def _random_events(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 60))
    place = st.one_of(
        st.tuples(st.floats(-90, 90), st.floats(-180, 180)),       # anywhere on Earth
        st.tuples(st.floats(19.6, 33.1), st.floats(9.4, 25.1)),     # in Libya
        st.tuples(st.floats(9.4, 25.1), st.floats(19.6, 33.1)),     # in Libya, swapped
        st.tuples(st.just(np.nan), st.floats(-180, 180)),           # missing
        st.tuples(st.floats(90.001, 1e3), st.floats(-180, 180)),    # out of range
        st.tuples(st.sampled_from([-90.0, 0.0, 32.5, 90.0]),        # on edges
                  st.sampled_from([-180.0, 0.0, 13.0, 180.0])),
    )  # fmt: skip
    rows = draw(st.lists(st.tuples(place, st.integers(1, 3), st.integers(1, 3),
                                   st.integers(0, 50), st.integers(0, 400)),
                         min_size=n, max_size=n))  # fmt: skip
    return _events([
        {"latitude": lat, "longitude": lon, "geo_precision": geo, "time_precision": time,
         "fatalities": deaths, "event_date": pd.Timestamp("2020-01-01") + pd.Timedelta(days=day)}
        for (lat, lon), geo, time, deaths, day in rows
    ])  # fmt: skip


random_events = st.composite(_random_events)()


@SETTINGS
@given(events=random_events, zero_fill=st.booleans())
def test_totals_are_preserved_and_cells_are_the_definitions(events, zero_fill):
    cells, problems = priogrid_cells(events)
    placed = cells.notna()
    assert len(problems) == (~placed).sum()
    panel = aggregate(events, period="month", level="priogrid", zero_fill=zero_fill)
    assert panel["events"].sum() == len(events)
    assert panel["fatalities"].sum() == events["fatalities"].sum()
    assert panel.attrs["no_usable_location"] == (~placed).sum()
    unplaced = panel[panel["priogrid_gid"].isna()]
    assert unplaced["events"].sum() == (~placed).sum()
    expected = priogrid.cell_ids(events["latitude"], events["longitude"])[placed.to_numpy()]
    by_cell = panel.groupby("priogrid_gid")["events"].sum()
    assert by_cell[by_cell > 0].to_dict() == pd.Series(expected).value_counts().to_dict()
    # exclude: geo_precision 2 and 3 are coarser than a cell (a month fits every date)
    exact = aggregate(events, period="month", level="priogrid", precision="exclude")
    coarse = events["geo_precision"] > 1
    assert exact.attrs["excluded"] == coarse.sum()
    assert exact["events"].sum() == len(events) - coarse.sum()
    assert exact["fatalities"].sum() == events.loc[~coarse, "fatalities"].sum()
    assert exact.attrs["no_usable_location"] == (~placed & ~coarse).sum()
    # spread: dates only; the events precise to a cell keep their totals
    precise = events[~coarse]
    if len(precise):
        spread = aggregate(precise, period="week", level="priogrid", precision="spread")
        assert spread["events"].sum() == pytest.approx(len(precise))
        assert spread["fatalities"].sum() == pytest.approx(precise["fatalities"].sum())


def test_spread_over_space_without_boundaries_uses_the_outline_and_a_disc():
    events = _events([{}, {"geo_precision": 2}, {"geo_precision": 3}])
    spread = aggregate(events, period="week", level="priogrid", precision="spread")
    assert spread["events"].sum() == pytest.approx(3)
    assert spread["fatalities"].sum() == pytest.approx(3)
    # precision 3 in Libya: over Libya's ~600 cells; precision 2: a 25 km disc, a few cells
    assert len(spread) > 500
    tripoli = spread.set_index("priogrid_gid").loc[176787, "events"]
    assert 1.5 < tripoli < 1.8  # 1 + most of the disc + a little of the country
    kept = aggregate(events, period="week", level="priogrid")
    assert kept["events"].tolist() == [3]  # keep: in the cell of their coordinates


def test_cells_limit_the_panel_and_its_zero_fill():
    events = _events([{}, {"latitude": 32.1, "longitude": 20.1}, {"latitude": None},
                      {"event_date": pd.Timestamp("2020-07-04")}])  # fmt: skip
    tripoli = priogrid.cell_ids([32.8925], [13.18])[0]
    ids = [tripoli, tripoli + 1, tripoli - 720]
    panel = aggregate(events, period="month", level="priogrid", zero_fill=True, cells=ids)
    assert len(panel) == 3 * (3 + 1)  # May, June, July x the 3 cells and the empty one
    assert panel["events"].sum() == 3
    assert panel.attrs == {"outside_cells": 1, "no_usable_location": 1}
    assert sorted(panel["priogrid_gid"].dropna().unique()) == sorted(ids)
    box = aggregate(events, period="month", level="priogrid", cells=(13.0, 32.5, 13.4, 32.9))
    assert box.attrs["outside_cells"] == 1
    assert box["events"].sum() == 3
    limited = aggregate(events, period="month", level="priogrid", cells=ids, end="2020-05-31")
    assert limited.attrs == {"outside_cells": 1, "no_usable_location": 1}
    assert limited["events"].sum() == 2


@pytest.mark.parametrize(
    ("cells", "level", "message"),
    [
        ([1, 0, 259201], "priogrid", r"whole numbers from 1 to 259,200; got \[0, 259201\]"),
        (["x"], "priogrid", r"got \['x'\]"),
        ("176787", "priogrid", "cells must be PRIO-GRID ids"),
        ((20.0, 0.0, 10.0, 1.0), "priogrid", "min before max"),
        ([176787], "admin1", "cells is for grid levels"),
    ],
)
def test_bad_cells(cells, level, message):
    with pytest.raises(InputError, match=message):
        aggregate(_events([{}]), level=level, cells=cells)


def test_excluded_events_are_counted_at_every_level():
    events = _events([{}, {"time_precision": 2}, {"geo_precision": 3}])
    daily = aggregate(events, period="day", level="admin1", precision="exclude")
    assert daily.attrs == {"excluded": 1}  # week-precise; region-precise fits admin1
    assert daily["events"].sum() == 2
    assert aggregate(events, period="day", level="admin1").attrs == {}


def test_the_counting_path_and_the_group_by_give_one_grid_panel():
    events = synthetic_events(2_000, seed=5)
    events.loc[:20, "latitude"] = None
    fast = aggregate(events, period="week", level="priogrid")
    general = aggregate(events, period="week", level="priogrid", centroids=True)
    pd.testing.assert_frame_equal(fast, general.drop(columns=["centroid_latitude",
                                                              "centroid_longitude"]))  # fmt: skip
    unplaced = fast[fast["priogrid_gid"].isna()]
    assert unplaced["events"].sum() == 21
    assert len(unplaced) == unplaced["period"].nunique()  # one empty-cell row per period


def test_cli_grid_panel_reports_what_it_left_out(tmp_path, capsys):
    events = synthetic_events(400, seed=8)
    events.loc[0, ["latitude", "longitude"]] = [13.0, 32.0]
    csv = tmp_path / "acled.csv"
    libyaevents.write_acled(events, csv)
    out = tmp_path / "grid.csv"
    code = main(["aggregate", str(csv), "--level", "priogrid", "--period", "year",
                 "--precision", "exclude", "--box", "9.3,19.5,20,33.2", "--zero-fill",
                 "-o", str(out)])  # fmt: skip
    assert code == 0
    err = capsys.readouterr().err
    assert "events with no usable location" in err
    assert "in cells outside --box, left out" in err
    assert "less precise than the panel, left out" in err
    panel = pd.read_csv(out)
    assert list(panel.columns) == ["period", "priogrid_gid", *CELL_COLUMNS, "events", "fatalities"]
    assert main(["aggregate", str(csv), "--level", "priogrid", "--box", "1,2,3"]) == 2
    for suffix in ("geojson", "parquet"):
        mapped = tmp_path / f"grid.{suffix}"
        assert main(["aggregate", str(csv), "--level", "priogrid", "-o", str(mapped)]) == 0
        assert f"rows to {mapped} (cells as polygons)" in capsys.readouterr().out
    features = json.loads((tmp_path / "grid.geojson").read_text(encoding="utf-8"))["features"]
    assert features[0]["geometry"]["type"] == "Polygon"
    assert b"geo" in pq.read_schema(tmp_path / "grid.parquet").metadata


def test_every_row_of_the_real_acled_exports_gets_a_cell(shared_acled):
    for path in sorted(shared_acled.glob("*.csv")):
        loaded = libyaevents.read_acled(path)
        cells, problems = priogrid_cells(loaded.events)
        assert problems.empty, (path.name, problems.head())
        assert priogrid.is_cell(cells).all(), path.name
        panel = aggregate(loaded.events, period="month", level="priogrid")
        assert panel["events"].sum() == len(loaded.events)
        assert panel["priogrid_gid"].notna().all()


def test_a_grid_panel_needs_coordinates_and_precision_only_when_it_uses_it():
    events = _events([{}]).drop(columns=["geo_precision", "time_precision"])
    assert aggregate(events, level="priogrid")["events"].tolist() == [1]
    with pytest.raises(InputError, match=r"lack the column\(s\) \['time_precision', 'geo_pre"):
        aggregate(events, level="priogrid", precision="exclude")
    with pytest.raises(InputError, match=r"lack the column\(s\) \['latitude'\]"):
        aggregate(events.drop(columns=["latitude"]), level="priogrid")
