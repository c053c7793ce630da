"""Panels: totals preserved, zero fill complete, ACLED weeks, precision handling."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import libyaevents
from libyaevents.analysis.panels import (
    BREAKDOWNS,
    LEVELS,
    PERIODS,
    aggregate,
    grid_cells,
    indicators,
    measures_in_force,
    period_start,
)
from libyaevents.cli import main
from libyaevents.errors import InputError
from libyaevents.synthetic import synthetic_events

SETTINGS = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return synthetic_events(3_000, seed=21)


@SETTINGS
@given(
    seed=st.integers(0, 10_000),
    rows=st.integers(1, 400),
    period=st.sampled_from(PERIODS),
    level=st.sampled_from(LEVELS),
    by=st.lists(st.sampled_from(BREAKDOWNS), max_size=2, unique=True),
    zero_fill=st.booleans(),
    precision=st.sampled_from(["keep", "spread"]),
)
def test_totals_of_any_panel_equal_the_events(seed, rows, period, level, by, zero_fill, precision):
    events = synthetic_events(rows, seed=seed)
    panel = aggregate(events, period=period, level=level, by=by, zero_fill=zero_fill,
                      precision=precision)  # fmt: skip
    assert panel["events"].sum() == pytest.approx(len(events))
    assert panel["fatalities"].sum() == pytest.approx(events["fatalities"].sum())
    keys = ["period", *LEVELS[: LEVELS.index(level) + 1], *by]
    assert not panel.duplicated(keys).any()


@SETTINGS
@given(
    seed=st.integers(0, 10_000),
    rows=st.integers(1, 300),
    period=st.sampled_from(PERIODS),
    level=st.sampled_from(["country", "admin1"]),
)
def test_zero_filled_panels_have_units_times_periods_rows(seed, rows, period, level):
    events = synthetic_events(rows, seed=seed)
    panel = aggregate(events, period=period, level=level, zero_fill=True)
    units = panel[list(LEVELS[: LEVELS.index(level) + 1])].drop_duplicates()
    days = pd.Series(pd.date_range(events["event_date"].min(), events["event_date"].max()))
    periods = period_start(days, period).nunique()
    assert len(panel) == len(units) * periods
    assert set(panel["period"]) == set(period_start(days, period))


def test_weeks_run_saturday_to_friday_labelled_by_saturday():
    days = pd.Series(pd.date_range("2020-11-20", "2020-12-05"))  # Friday .. Saturday
    starts = period_start(days, "week")
    assert set(starts.dt.day_name()) == {"Saturday"}
    by_day = dict(zip(days.dt.strftime("%a %d"), starts.dt.strftime("%d"), strict=True))
    assert by_day["Fri 20"] == "14"
    assert by_day["Sat 21"] == by_day["Fri 27"] == "21"
    assert by_day["Sat 28"] == "28"


def test_breakdown_zero_fill_uses_the_whole_vocabulary(events):
    panel = aggregate(events, period="year", level="country", by=["event_type"], zero_fill=True)
    assert panel.groupby("period")["event_type"].nunique().eq(6).all()


def test_precision_exclude_and_spread(events):
    sample = events.head(200).copy()
    sample.loc[:9, "time_precision"] = 3  # known to a month only
    sample.loc[10:19, "geo_precision"] = 3  # known to a region only
    kept = aggregate(sample, period="week", level="admin2")
    dropped = aggregate(sample, period="week", level="admin2", precision="exclude")
    assert kept["events"].sum() == 200
    precise = (sample["time_precision"] <= 2) & (sample["geo_precision"] <= 2)
    assert dropped["events"].sum() == precise.sum() <= 180
    monthly = aggregate(sample, period="month", level="admin1", precision="exclude")
    assert monthly["events"].sum() == 200  # a month-precise event fits a monthly admin1 panel
    spread = aggregate(sample.head(10), period="day", level="country", precision="spread")
    assert spread["events"].sum() == pytest.approx(10)
    assert spread["events"].max() < 1  # each month-precise event spread over its days


def test_start_end_and_bad_options(events):
    panel = aggregate(events, period="month", level="country", start="2020-01-01",
                      end="2020-12-31", zero_fill=True)  # fmt: skip
    assert panel["period"].dt.year.eq(2020).all()
    assert len(panel) == 12 * panel["country"].nunique()
    inside = events["event_date"].between("2020-01-01", "2020-12-31")
    assert panel["events"].sum() == inside.sum()
    with pytest.raises(InputError, match="period must be one of"):
        aggregate(events, period="fortnight")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="level must be one of"):
        aggregate(events, level="admin3")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="by must be a list of names among"):
        aggregate(events, by=["actor1"])


def test_cli_aggregates_the_bundled_release_and_files(tmp_path, capsys):
    out = tmp_path / "panel.csv"
    release = libyaevents.list_releases()[-1]
    code = main(["aggregate", release, "--period", "month", "--level", "country",
                 "--zero-fill", "-o", str(out)])  # fmt: skip
    assert code == 0
    panel = pd.read_csv(out)
    assert list(panel.columns) == ["period", "country", "events", "fatalities"]
    assert panel["events"].sum() == len(libyaevents.load().events)
    csv = tmp_path / "acled.csv"
    libyaevents.write_acled(synthetic_events(500, seed=4), csv)
    assert main(["aggregate", str(csv), "--by", "event_type", "--level", "admin1"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[1] == "period,country,admin1,event_type,events,fatalities"


# -- indicators and measures over time -------------------------------------------------


def _violent(rows: list[dict[str, object]]) -> pd.DataFrame:
    base = {
        "event_date": pd.Timestamp("2020-05-01"), "country": "Libya", "admin1": "West",
        "disorder_type": "Political violence", "fatalities": 1, "civilian_targeting": None,
        "latitude": 32.8925, "longitude": 13.18, "actor1": "Rada Special Deterrence Force",
        "inter1": 3, "actor2": None, "inter2": None,
    }  # fmt: skip
    return pd.DataFrame([{**base, **r} for r in rows])


def test_indicators_follow_their_definitions():
    events = _violent(
        [{}] * 10  # ten events in one cell (Tripoli)
        + [{"latitude": 32.3754, "longitude": 15.0925, "actor1": "Misrata Militia",
            "fatalities": 4, "civilian_targeting": "Civilian targeting"}]  # one in Misrata
        + [{"actor1": "Military Forces of Libya (2014-)", "inter1": 1, "actor2": "Wagner Group",
            "inter2": 8}]
        + [{"disorder_type": "Demonstrations", "fatalities": 50}]  # not political violence
    )  # fmt: skip
    result = indicators(events, period="year", level="country", min_events=10).iloc[0]
    assert (result["events"], result["deadliness"], result["danger"]) == (12, 15, 1)
    assert result["diffusion"] == pytest.approx(0.5)  # 1 of the 2 affected cells has >= 10
    assert result["fragmentation"] == 2  # Rada and Misrata; state forces and Wagner are not


def test_grid_cells_are_about_ten_kilometres():
    lat = pd.Series([32.0, 32.0, 32.0, 32.2])
    lon = pd.Series([13.0, 13.02, 13.2, 13.0])  # +1.9 km, +18.9 km east; +22 km north
    cells = grid_cells(lat, lon).tolist()
    assert cells[0] == cells[1]
    assert cells[0] != cells[2]
    assert cells[0] != cells[3]


def test_measures_in_force_per_target_and_week():
    measures = pd.DataFrame({
        "measure_id": ["M1", "M2", "M3", "M4"],
        "target_actor_id": ["kaniyat-militia", "kaniyat-militia", "x", "kaniyat-militia"],
        "measure_type": ["Asset freeze", "Travel ban", "Designation", "Designation"],
        "status": ["In force", "Lifted", "Blocked", "Expired"],
        "start_date": pd.to_datetime(["2020-11-25", "2020-11-25", None, "2020-12-01"]),
        "end_date": pd.to_datetime([None, "2020-11-30", None, "2020-12-02"]),
    })  # fmt: skip
    weekly = measures_in_force(measures, period="week", end="2020-12-11")
    counts = dict(zip(weekly["period"].dt.strftime("%m-%d"), weekly["measures"], strict=True))
    assert counts == {"11-21": 2, "11-28": 3, "12-05": 1}
    assert set(weekly["target_actor_id"]) == {"kaniyat-militia"}  # a blocked measure never applied
    daily = measures_in_force(measures, period="day", start="2020-11-30", end="2020-12-01")
    assert daily["measure_ids"].tolist() == ["M1; M2", "M1; M4"]
    with pytest.raises(InputError, match="period must be 'day' or 'week'"):
        measures_in_force(measures, period="month")  # type: ignore[arg-type]


def test_cli_indicators(tmp_path, capsys):
    csv = tmp_path / "acled.csv"
    libyaevents.write_acled(synthetic_events(2_000, seed=8), csv)
    args = ["aggregate", str(csv), "--indicators", "--period", "year", "--level", "country"]
    assert main([*args, "--min-events", "2"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header == "period,country,events,deadliness,danger,diffusion,fragmentation"


def test_centroids_are_the_mean_location_of_each_rows_events(events):
    panel = aggregate(events, period="year", level="admin1", centroids=True)
    row = panel.iloc[0]
    mine = events[(events["event_date"].dt.year == row["period"].year)
                  & (events["admin1"] == row["admin1"])]  # fmt: skip
    assert row["centroid_latitude"] == pytest.approx(mine["latitude"].mean())
    assert row["centroid_longitude"] == pytest.approx(mine["longitude"].mean())
    spread = aggregate(events, period="year", level="admin1", centroids=True, precision="spread")
    assert spread["centroid_latitude"].between(19.5, 33.2).all()
    filled = aggregate(events.head(50), period="day", level="country", centroids=True,
                       zero_fill=True)  # fmt: skip
    assert filled.loc[filled["events"] == 0, "centroid_latitude"].isna().all()


@pytest.mark.parametrize("period", ["day", "week", "month", "year"])
def test_the_counting_path_gives_the_group_by_panel_exactly(period, monkeypatch):
    from libyaevents.analysis import panels
    from libyaevents.synthetic import synthetic_events

    events = synthetic_events(5_000, seed=3)
    events.loc[::97, "admin1"] = None  # empty keys are their own group, sorted last
    events.loc[::89, "admin2"] = None
    for level in ("country", "admin1", "admin2"):
        for by in ((), ("event_type",), ("event_type", "disorder_type")):
            fast = libyaevents.aggregate(events, period=period, level=level, by=by)
            with monkeypatch.context() as patched:
                patched.setattr(panels, "_counted", lambda *a, **k: None)
                grouped = libyaevents.aggregate(events, period=period, level=level, by=by)
            pd.testing.assert_frame_equal(fast, grouped)
