"""The one problem shape: every report concatenates with every other and filters by code."""

from __future__ import annotations

import io

import pandas as pd

import libyaevents
from libyaevents.problems import PROBLEM_CODES, PROBLEM_COLUMNS, concat_problems, problem_table
from libyaevents.synthetic import synthetic_dataset

TODAY = "2026-01-01"

_HEADER = (
    "event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,country,admin1,"
    "admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,"
    "fatalities,timestamp\n"
)
_ROW = (
    "{id},{date},2020,1,Protests,Peaceful protest,Protesters (Libya),,6,,,,60,Northern Africa,"
    "Libya,West,Tripoli,,Tripoli,32.8925,13.18,1,Libya Observer,National,A protest.,0,"
    "1584984341\n"
)


def _reports() -> dict[str, pd.DataFrame]:
    raw = _HEADER + _ROW.format(id="LBY1", date="2020-03-21") + _ROW.format(id="LBY2", date="x")
    loaded = libyaevents.read_acled(io.StringIO(raw))
    data = synthetic_dataset(50, seed=3)
    events = data["events"].copy()
    events.loc[3, "fatalities"] = -1
    report = libyaevents.validate(events, "events", today=TODAY)
    compared = libyaevents.compare_events(data["events"].iloc[:10], data["events"].iloc[5:20])
    return {
        "reader": loaded.problems,
        "validation": report.failures,
        "comparison": compared.problems(),
    }


def test_every_report_has_the_one_shape_and_known_codes():
    reports = _reports()
    known = set(PROBLEM_CODES) | set(libyaevents.RULE_CODES)
    for name, frame in reports.items():
        assert tuple(frame.columns) == PROBLEM_COLUMNS, name
        assert len(frame), name
        assert set(frame["code"]) <= known, name
        assert set(frame["severity"]) <= {"error", "note"}, name
    both = concat_problems(reports.values())
    assert len(both) == sum(len(f) for f in reports.values())
    assert tuple(both.columns) == PROBLEM_COLUMNS
    assert both.loc[both["code"] == "not-a-date", "record_id"].tolist() == ["LBY2"]
    assert both.loc[both["code"] == "out-of-range", "row"].tolist() == [3]
    assert set(both.loc[both["severity"] == "note", "code"]) <= {
        c for c, p in PROBLEM_CODES.items() if p.severity == "note"
    }


def test_problem_table_fills_and_types():
    frame = problem_table({"code": ["partner-taken", "unknown-code"], "line": [None, 7]}, table="x")
    assert frame["severity"].tolist() == ["note", "error"]  # unknown codes are errors
    assert frame["table"].tolist() == ["x", "x"]
    assert str(frame["line"].dtype) == "Int64"
    assert concat_problems([]).empty
    assert tuple(concat_problems([]).columns) == PROBLEM_COLUMNS


def test_every_code_has_a_meaning_and_a_reporter():
    for code, entry in PROBLEM_CODES.items():
        assert entry.code == code
        assert entry.severity in ("error", "note")
        assert entry.meaning
        assert entry.reported_by
