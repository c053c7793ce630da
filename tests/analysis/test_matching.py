"""compare_events: pairs by location, time and type; every event accounted for."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import libyaevents
from libyaevents import InputError, compare_events
from libyaevents.analysis.matching import GEO_KM, REASONS, TIME_DAYS
from libyaevents.synthetic import synthetic_events

EARTH_KM = 6371.0088


def _km(lat1, lon1, lat2, lon2):
    """Haversine, written independently of the module (scalar math)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    h = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * np.arcsin(np.sqrt(h))


def candidates(left, right, *, days, km, same, widen):
    """Every pair checked one by one: (score, i, j) of the pairs inside their windows."""

    def window(row, table, base):
        level = row.get(f"{'time' if table is TIME_DAYS else 'geo'}_precision")
        return max(base, table.get(level, 0)) if widen else base

    pairs = []
    for i, a in left.iterrows():
        for j, b in right.iterrows():
            if pd.isna(a.latitude) or pd.isna(b.latitude):
                continue
            if same and (pd.isna(a[same]) or a[same] != b[same]):
                continue
            d = abs((a.event_date - b.event_date).days)
            k = _km(a.latitude, a.longitude, b.latitude, b.longitude)
            dw = max(window(a, TIME_DAYS, days), window(b, TIME_DAYS, days))
            kw = max(window(a, GEO_KM, km), window(b, GEO_KM, km))
            if d <= dw and k <= kw:
                differ = sum(
                    not (pd.isna(a[c]) and pd.isna(b[c])) and a[c] != b[c]
                    for c in ("sub_event_type", "actor1", "actor2")
                )
                pairs.append((d / max(days, 1) + k / max(km, 1) + 0.25 * differ, i, j))
    return pairs


def brute_force(left, right, **windows):
    """Greedy over every candidate pair: closest first, each event once."""
    used_i, used_j, chosen = set(), set(), set()
    for _, i, j in sorted(candidates(left, right, **windows)):
        if i not in used_i and j not in used_j:
            chosen.add((i, j))
            used_i.add(i)
            used_j.add(j)
    return chosen


def _cluster(n, seed, *, widen_share=0.0):
    """Events packed into a few days and a small area, so many pairs compete."""
    rng = np.random.default_rng(seed)
    events = synthetic_events(n, seed=seed)
    days = pd.to_timedelta(rng.integers(0, 6, n), unit="D")
    events["event_date"] = (pd.Timestamp("2020-06-01") + days).astype(events["event_date"].dtype)
    events["latitude"] = 32.8 + rng.uniform(0, 0.3, n)
    events["longitude"] = 13.0 + rng.uniform(0, 0.3, n)
    if widen_share:
        pick = rng.random(n) < widen_share
        events.loc[pick, "time_precision"] = rng.integers(2, 4, pick.sum()).astype("int8")
        pick = rng.random(n) < widen_share
        events.loc[pick, "geo_precision"] = rng.integers(2, 4, pick.sum()).astype("int8")
    return events


@pytest.mark.parametrize(
    ("days", "km", "same", "widen", "share"),
    [(1, 10.0, "event_type", False, 0.0), (0, 3.0, None, False, 0.0),
     (1, 5.0, "disorder_type", True, 0.3), (2, 0.0, "event_type", True, 0.5)],
)  # fmt: skip
def test_matches_equal_a_brute_force_search(days, km, same, widen, share):
    left = _cluster(70, seed=1, widen_share=share)
    right = _cluster(60, seed=2, widen_share=share)
    right.loc[5, "latitude"] = np.nan  # no coordinates: never matched
    result = compare_events(left, right, days=days, km=km, same=same, widen=widen)
    found = set(zip(result.matches["left_row"], result.matches["right_row"], strict=True))
    assert found == brute_force(left, right, days=days, km=km, same=same, widen=widen)
    assert len(found) > 5  # the clusters make real competition, not an empty answer
    assert 5 not in set(result.matches["right_row"])


def _anywhere(n, seed, lat, lon, spread_km):
    """Events around (lat, lon) anywhere on Earth, within about ``spread_km``, a few days apart."""
    rng = np.random.default_rng(seed)
    events = synthetic_events(n, seed=seed)
    days = pd.to_timedelta(rng.integers(0, 4, n), unit="D")
    events["event_date"] = (pd.Timestamp("2020-06-01") + days).astype(events["event_date"].dtype)
    step = spread_km / 111.2
    # reflected off the poles, not clipped: points piled on a pole would tie
    north = lat + rng.uniform(-step, step, n)
    events["latitude"] = np.where(
        north > 90, 180 - north, np.where(north < -90, -180 - north, north)
    )
    events["longitude"] = lon + rng.uniform(-step, step, n) / max(np.cos(np.radians(lat)), 0.05)
    events["longitude"] = (events["longitude"] + 180) % 360 - 180  # across the date line
    events["time_precision"] = rng.choice(np.array([1, 1, 2, 3], dtype="int8"), n)
    events["geo_precision"] = rng.choice(np.array([1, 1, 2, 3], dtype="int8"), n)
    return events


@settings(max_examples=25, deadline=None)
@given(
    lat=st.sampled_from([0.0, 32.5, -45.0, 75.0, 89.5, -89.9]) | st.floats(-90, 90),
    lon=st.sampled_from([179.99, -180.0, 0.0, 13.2]) | st.floats(-180, 180),
    spread_km=st.sampled_from([5.0, 40.0, 300.0]),
    km=st.sampled_from([0.0, 3.0, 10.0, 60.0]),
    days=st.integers(0, 2),
    same=st.sampled_from(["event_type", None]),
    seed=st.integers(0, 1000),
)
def test_pairs_reasons_and_counts_equal_brute_force_anywhere_on_earth(
    lat, lon, spread_km, km, days, same, seed
):
    # the candidate search cuts the globe into cells (days, latitude bands,
    # longitude sectors); whatever the place, its pairs must be exactly the
    # pairs checked one by one, poles and the date line included
    left = _anywhere(24, seed, lat, lon, spread_km)
    right = _anywhere(20, seed + 1, lat, lon, spread_km)
    windows = {"days": days, "km": km, "same": same, "widen": True}
    result = compare_events(left, right, **windows)
    found = set(zip(result.matches["left_row"], result.matches["right_row"], strict=True))
    assert found == brute_force(left, right, **windows)
    typed = candidates(left, right, **windows)
    near = candidates(left, right, **{**windows, "same": None})
    for side, frame, k in (("left", left, 1), ("right", right, 2)):
        expect = {}
        for row in range(len(frame)):
            if row in set(result.matches[f"{side}_row"]):
                continue
            has = {pair[k] for pair in typed}
            close = {pair[k] for pair in near}
            expect[row] = REASONS[3] if row in has else REASONS[2] if row in close else REASONS[1]
        only = result.only(side)
        assert dict(zip(only["row"], only["code"], strict=True)) == expect
    per_left = pd.Series([i for _, i, _ in typed]).value_counts()
    per_right = pd.Series([j for _, _, j in typed]).value_counts()
    want = [per_left[i] + per_right[j] - 1 for i, j in zip(
        result.matches["left_row"], result.matches["right_row"], strict=True)]  # fmt: skip
    assert result.matches["candidates"].tolist() == want


@pytest.fixture(scope="module")
def recoded(shared_acled):
    """A real export and a "second coder's" version of it, with the true pairs.

    The second coder moves each point up to 3 km, dates a fifth of the events a
    day earlier or later, leaves out a tenth, adds 300 events of its own and
    uses new ids.
    """
    events = libyaevents.read_acled(shared_acled / "acled_somalia_2025_modern31.csv").events
    rng = np.random.default_rng(7)
    kept = events.sample(frac=0.9, random_state=3).reset_index(drop=True)
    other = kept.copy()
    other["event_id_cnty"] = [f"SOM{900000 + k}" for k in range(len(other))]
    bearing = rng.uniform(0, 2 * np.pi, len(other))
    jitter = rng.uniform(0, 3, len(other)) / 111.2  # up to 3 km
    other["latitude"] += jitter * np.sin(bearing)
    other["longitude"] += jitter * np.cos(bearing) / np.cos(np.radians(other["latitude"]))
    shift = rng.choice([-1, 0, 0, 0, 1], len(other))
    other["event_date"] += pd.to_timedelta(shift, unit="D")
    truth = dict(zip(kept["event_id_cnty"], other["event_id_cnty"], strict=True))
    new = synthetic_events(300, seed=9, first_id=800_000)  # events only the second coder has
    return events, pd.concat([other, new], ignore_index=True), truth, new


def test_a_second_coder_of_real_acled_events_is_found_again(recoded):
    events, other, truth, new = recoded
    result = compare_events(events, other, names=("acled", "recoded"))
    pairs = dict(zip(result.matches["left_id"], result.matches["right_id"], strict=True))
    # a pair is right when it is the true one, or when the two source events
    # agree on everything compared (date, place, type, actors): interchangeable
    looks = ["event_date", "latitude", "longitude", "event_type", "sub_event_type",
             "actor1", "actor2"]  # fmt: skip
    seen = events.set_index("event_id_cnty")[looks].astype("str")
    source = {b: a for a, b in truth.items()}
    right = sum(
        truth.get(a) == b or (b in source and seen.loc[source[b]].equals(seen.loc[a]))
        for a, b in pairs.items()
    )
    # recorded in docs/compare.md
    assert right / len(truth) >= 0.9  # recall
    assert right / len(pairs) >= 0.9  # precision
    only_left = result.only("left")
    assert len(only_left) == len(events) - len(pairs)
    dropped = set(events["event_id_cnty"]) - set(truth)
    assert len(dropped & set(only_left["id"])) > 0.8 * len(dropped)
    assert set(new["event_id_cnty"]) <= set(result.only("right")["id"])  # Libya vs Somalia
    assert "matched pairs:" in result.summary()


def test_every_event_is_matched_or_reported_with_a_reason():
    left = _cluster(50, seed=3)
    right = _cluster(40, seed=4)
    left.loc[0, "event_date"] = pd.NaT
    left.loc[1, ["event_date", "latitude", "longitude"]] = [pd.Timestamp("2001-01-01"), 30.0, 20.0]
    result = compare_events(left, right)
    for side, frame in (("left", left), ("right", right)):
        rows = set(result.matches[f"{side}_row"]) | set(result.only(side)["row"])
        assert sorted(rows) == list(range(len(frame)))
        assert len(result.matches) + len(result.only(side)) == len(frame)
    reasons = dict(zip(result.only("left")["row"], result.only("left")["code"], strict=True))
    assert reasons[0] == REASONS[0]
    assert reasons[1] == REASONS[1]
    assert set(reasons.values()) <= set(REASONS)


def test_reasons_distinguish_type_from_competition():
    base = _cluster(1, seed=5).assign(event_type="Battles", sub_event_type="Armed clash")
    base["event_type"] = base["event_type"].astype(_cluster(1, seed=5)["event_type"].dtype)
    twin = base.assign(event_id_cnty="LBY2")
    protest = base.assign(event_id_cnty="LBY3", event_type="Protests")
    protest["event_type"] = protest["event_type"].astype(base["event_type"].dtype)
    result = compare_events(pd.concat([base, twin], ignore_index=True), protest)
    assert set(result.only("left")["code"]) == {REASONS[2]}
    result = compare_events(pd.concat([base, twin], ignore_index=True), base)
    assert list(result.only("left")["code"]) == [REASONS[3]]
    assert result.matches.loc[0, "candidates"] == 2  # the other left event wanted it too


def test_imprecise_events_get_wider_windows():
    left = _cluster(1, seed=6)
    right = left.assign(event_id_cnty="LBY9", event_date=left["event_date"] + pd.Timedelta(days=20))
    assert compare_events(left, right).matches.empty
    right["time_precision"] = np.int8(3)  # dated to a month: up to 31 days off
    assert len(compare_events(left, right).matches) == 1
    assert compare_events(left, right, widen=False).matches.empty


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2), st.floats(0, 30), st.integers(0, 10_000))
def test_matches_are_one_to_one_and_inside_their_windows(days, km, seed):
    left, right = _cluster(25, seed=seed), _cluster(25, seed=seed + 1)
    result = compare_events(left, right, days=days, km=km, widen=False)
    m = result.matches
    assert m["left_row"].is_unique
    assert m["right_row"].is_unique
    assert (m["days_apart"] <= days).all()
    assert (m["km_apart"] <= km + 1e-9).all()
    assert (m["left_type"] == m["right_type"]).all()


def test_bad_input_says_what_is_missing():
    events = _cluster(3, seed=8)
    with pytest.raises(InputError, match=r"right events lack the column\(s\) \['latitude'\]"):
        compare_events(events, events.drop(columns="latitude"))
    with pytest.raises(InputError, match="km must be a number >= 0"):
        compare_events(events, events, km=-1)
    with pytest.raises(InputError, match="right must be a pandas DataFrame or a dataset"):
        compare_events(events, [1, 2])
    with pytest.raises(InputError, match="side must be"):
        compare_events(events, events).only("middle")


def test_ucdp_events_meet_their_acled_counterparts():
    # the UCDP loader's test rows (Tripoli, April-May 2019) against ACLED-style
    # records of the same events: a day, two weeks and two days off, 1-2 km away
    import io

    from tests.readers.test_ucdp import GED_HEADER, ROWS

    ged = libyaevents.read_ucdp_ged(io.StringIO(GED_HEADER + "\n" + "\n".join(ROWS) + "\n"))
    acled = synthetic_events(3, seed=12)
    acled["event_date"] = pd.to_datetime(["2019-04-11", "2019-05-02", "2019-04-12"]).astype(
        acled["event_date"].dtype
    )
    acled["latitude"] = [32.90, 32.88, 32.9025]
    acled["longitude"] = [13.19, 13.18, 13.17]
    acled["time_precision"] = np.int8(1)
    acled["geo_precision"] = np.int8(1)
    kinds = ["Battles", "Battles", "Violence against civilians"]
    acled["event_type"] = pd.Categorical(kinds, dtype=acled["event_type"].dtype)
    acled["sub_event_type"] = pd.Categorical(
        ["Armed clash", "Armed clash", "Attack"], dtype=acled["sub_event_type"].dtype
    )
    violence = ["Political violence"] * 3
    acled["disorder_type"] = pd.Categorical(violence, dtype=acled["disorder_type"].dtype)
    result = compare_events(ged.events, acled, same="disorder_type", names=("ucdp", "acled"))
    pairs = dict(zip(result.matches["left_row"], result.matches["right_row"], strict=True))
    assert pairs == {0: 0, 1: 1, 2: 2}  # UCDP's month- and week-dated events need the widening
    narrow = compare_events(ged.events, acled, same="disorder_type", widen=False)
    assert list(narrow.matches["left_row"]) == [0]
    reasons = dict(zip(narrow.only("left")["row"], narrow.only("left")["code"], strict=True))
    assert reasons == {1: REASONS[1], 2: REASONS[3]}  # row 2 wanted ACLED row 0, a day away
    typed = compare_events(ged, acled)  # a Loaded is taken as its events; UCDP gets ACLED types
    assert len(typed.matches) == 3


def test_merged_lists_each_shared_event_once(recoded):
    events, other, _, new = recoded
    result = compare_events(events, other, names=("acled", "recoded"))
    merged = result.merged()
    assert len(merged) == len(events) + len(other) - len(result.matches)
    assert merged["dataset"].value_counts().to_dict() == {
        "acled": len(events),
        "recoded": len(other) - len(result.matches),
    }
    ours = merged[merged["dataset"] == "acled"].set_index("event_id_cnty")["matched_id"]
    pairs = result.matches.set_index("left_id")["right_id"]
    assert ours.loc[pairs.index].tolist() == pairs.tolist()
    assert ours.drop(pairs.index).isna().all()
    assert set(new["event_id_cnty"]) <= set(
        merged.loc[merged["dataset"] == "recoded", "event_id_cnty"]
    )
    # still canonical events plus two columns: panels work on the union
    panel = libyaevents.aggregate(merged, period="month", level="country")
    assert panel["events"].sum() == len(merged)


def test_an_empty_side_leaves_every_other_event_unmatched():
    events = _cluster(5, seed=9)
    result = compare_events(events.iloc[:0], events)
    assert result.matches.empty
    assert list(result.only("right")["code"]) == [REASONS[1]] * 5
    assert len(result.merged()) == 5


def test_cell_keys_too_wide_for_64_bits_are_factorised_alike():
    # the packed key needs the product of the cells' ranges to fit; data spread over
    # huge ranges (garbage coordinates, ancient dates) takes the factorised keys instead
    from libyaevents.analysis.matching import _keys

    a = [np.array([0, 10**15, 3]), np.array([1, 2, 3])]
    b = [np.array([10**15, 0, 3, 3]), np.array([2, 2, 3, 4])]
    packed = _keys(a, b, room=1 << 62)
    factorised = _keys(a, b, room=2)
    for key_a, key_b, size in (packed, factorised):
        same = key_a[:, None] == key_b[None, :]
        assert same.tolist() == [[False, False, False, False],
                                 [True, False, False, False],
                                 [False, False, True, False]]  # fmt: skip
        assert min(key_a.min(), key_b.min()) >= 0
        assert max(key_a.max(), key_b.max()) < size
    assert factorised[2] <= 7  # distinct cells, not the ranges' product
