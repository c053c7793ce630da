"""readers.account (Loaded), readers.assemble (rows to frame) and readers.registry (actors)."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import libyaevents
from libyaevents.problems import PROBLEM_COLUMNS
from libyaevents.readers.registry import actors_from_events
from libyaevents.synthetic import synthetic_events

HEADER = (
    "event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,country,admin1,"
    "admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,"
    "fatalities,timestamp\n"
)
ROW = (
    "{id},{date},2020,1,Protests,Peaceful protest,Protesters (Libya),,{inter},,,,60,"
    "Northern Africa,Libya,West,Tripoli,,Tripoli,32.8925,13.18,1,Libya Observer,National,"
    "A protest.,{deaths},1584984341\n"
)


def _read(*rows):
    return libyaevents.read_acled(io.StringIO(HEADER + "".join(rows)))


def test_the_account_balances_and_every_problem_has_a_code_and_line():
    loaded = _read(
        ROW.format(id="LBY1", date="2020-03-21", inter=6, deaths=0),
        ROW.format(id="LBY2", date="2020-02-31", inter=6, deaths=0),
        ROW.format(id="LBY3", date="2020-03-22", inter=6, deaths="many"),
        "\n",
        ROW.format(id="LBY4", date="2020-03-23", inter="Martians", deaths=1),
    )
    assert loaded.rows_read == loaded.rows_used + loaded.rows_reported
    assert len(loaded.events) == 1
    problems = loaded.problems
    assert tuple(problems.columns) == PROBLEM_COLUMNS
    got = dict(zip(problems["record_id"].fillna("-"), problems["code"], strict=True))
    assert got == {"LBY2": "not-a-date", "LBY3": "not-an-integer", "-": "line-blank",
                   "LBY4": "actor-type-unknown"}  # fmt: skip
    assert problems["line"].tolist() == [3, 4, 5, 6]
    assert set(problems["severity"]) == {"error"}
    assert (problems["source"] == loaded.source).all()
    data = loaded.to_dict()
    assert json.loads(json.dumps(data))["rows_reported"] == 4
    assert "not-a-date" in loaded.summary()


def test_locate_names_the_line_of_each_failing_event():
    loaded = _read(
        ROW.format(id="LBY1", date="2020-03-21", inter=6, deaths=0),
        ROW.format(id="LBY2", date="2020-03-22", inter=6, deaths=0).replace(",Libya,", ",Lybia,"),
    )
    report = libyaevents.validate(loaded, today="2026-01-01")
    rows = report.failures[report.failures["record_id"] == "LBY2"]
    assert len(rows)
    assert set(rows["line"]) == {3}
    assert set(rows["source"]) == {loaded.source}
    assert loaded.measures.empty


def test_registry_builds_one_actor_per_name_with_the_commonest_type():
    events = pd.DataFrame({
        "actor1": ["A", "A", "A", "B"], "assoc_actor_1": [None, "C", None, None],
        "inter1": [2, 2, 3, 1], "actor2": ["B", None, None, None],
        "assoc_actor_2": [None, None, None, None], "inter2": [1, None, None, None],
        "country": ["Libya"] * 4,
        "event_date": pd.to_datetime(["2020-01-01", "2020-01-05", "2020-02-01", "2019-12-31"]),
    })  # fmt: skip
    actors = actors_from_events(events).set_index("actor_id")
    assert sorted(actors.index) == ["a", "b", "c"]
    assert actors.loc["a", "inter_code"] == 2  # the most frequent code
    assert actors.loc["c", "inter_code"] == 2  # associated: its side's code
    assert actors.loc["b", "first_seen"] == pd.Timestamp("2019-12-31")
    assert actors.loc["a", "last_seen"] == pd.Timestamp("2020-02-01")


def test_registry_of_synthetic_events_resolves_every_actor():
    events = synthetic_events(300, seed=6)
    actors = actors_from_events(events)
    named = pd.concat([events[c] for c in ("actor1", "actor2")]).dropna().unique()
    assert set(named) <= set(actors["name"])
    assert actors["actor_id"].is_unique
    assert np.all(actors["inter_code"].notna())


def _mentions_by_pandas(events: pd.DataFrame) -> pd.DataFrame:
    """The reference: every mention as a row, grouped by pandas with empty keys kept."""
    rows = []
    for name_col, assoc_col, inter_col in (("actor1", "assoc_actor_1", "inter1"),
                                           ("actor2", "assoc_actor_2", "inter2")):  # fmt: skip
        for _, event in events.iterrows():
            side = (event[inter_col], event["country"], event["event_date"])
            rows.append((event[name_col], True, *side))
            if isinstance(event[assoc_col], str):
                rows += [(n.strip(), False, *side) for n in event[assoc_col].split("; ")]
    frame = pd.DataFrame(rows, columns=["name", "main", "inter", "country", "date"])
    frame = frame[frame["name"].notna() & (frame["name"] != "")]
    grouped = frame.groupby(["name", "main", "inter", "country"], dropna=False)["date"]
    return grouped.agg(["count", "min", "max"]).reset_index()


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_registry_groups_mentions_as_pandas_does_with_gaps_anywhere(data):
    from libyaevents.readers.registry import _together, mentions

    n = data.draw(st.integers(1, 12))
    names, countries = (
        st.sampled_from(["A", "B", " C", "", None]),
        st.sampled_from(["Libya", "Chad", None]),
    )
    inter = st.sampled_from([1, 2, 7, None])
    assoc = st.sampled_from([None, "C", "A; D", "D ; E"])
    days = st.sampled_from([pd.Timestamp("2020-01-01"), pd.Timestamp("2021-06-30"), pd.NaT])
    draw = lambda s: [data.draw(s) for _ in range(n)]  # noqa: E731
    sides = {f"inter{i}": pd.array(draw(inter), "Int8") for i in (1, 2)}
    events = pd.DataFrame({
        "actor1": draw(names), "assoc_actor_1": draw(assoc), "inter1": sides["inter1"],
        "actor2": draw(names), "assoc_actor_2": draw(assoc), "inter2": sides["inter2"],
        "country": draw(countries), "event_date": pd.to_datetime(draw(days)).as_unit("ms"),
    })  # fmt: skip
    cut = data.draw(st.integers(0, n))  # counted in two parts, as a reader does, then added
    ours = _together([mentions(events.iloc[:cut]), mentions(events.iloc[cut:])]).to_pandas()
    ours = ours.rename(columns={"event_date_count": "count", "event_date_min": "min",
                                "event_date_max": "max"})  # fmt: skip
    expected = _mentions_by_pandas(events)
    key = ["name", "main", "inter", "country"]
    got = ours.sort_values(key, na_position="first").reset_index(drop=True)
    want = expected.sort_values(key, na_position="first").reset_index(drop=True)
    assert got[key].astype(str).values.tolist() == want[key].astype(str).values.tolist()
    assert got["count"].tolist() == want["count"].tolist()
    for column in ("min", "max"):
        assert got[column].astype(str).tolist() == want[column].astype(str).tolist()
