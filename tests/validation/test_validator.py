"""libyaevents.validate: valid data passes; each single mutation is reported alone."""

from __future__ import annotations

import io

import pandas as pd
import pandera.errors as pa_errors
import pytest
from hypothesis import given
from hypothesis import strategies as st

import libyaevents
from libyaevents import InputError, ValidationError
from libyaevents.synthetic import synthetic_dataset, synthetic_events
from libyaevents.validation.validator import FAILURE_COLUMNS, RULE_CODES
from tests.strategies import (
    ACTOR_MUTATIONS,
    EVENT_MUTATIONS,
    MEASURE_MUTATIONS,
    TODAY,
    actors_frame,
    datasets,
    events_frames,
    rows_of,
)


def check(data, table=None):
    return libyaevents.validate(data, table, today=TODAY)


@given(datasets())
def test_valid_dataset_passes(data):
    report = check(data)
    assert report.ok, report.summary()
    assert list(report.failures.columns) == list(FAILURE_COLUMNS)
    assert report.rows == {name: len(frame) for name, frame in data.items()}


@pytest.mark.parametrize("rule", sorted(EVENT_MUTATIONS))
@given(events=events_frames(min_size=2), pick=st.integers(0, 1000))
def test_each_event_mutation_is_reported_alone(rule, events, pick):
    row = pick % len(events)
    column, mutate = EVENT_MUTATIONS[rule]
    mutate(events, row)
    report = check(events, "events")
    assert rows_of(report.failures) == {(rule, row, column)}, report.summary()
    assert report.failures.loc[0, "record_id"] == events.loc[row, "event_id_cnty"]


@pytest.mark.parametrize("rule", sorted(ACTOR_MUTATIONS))
@given(pick=st.integers(0, 1000))
def test_each_actor_mutation_is_reported_alone(rule, pick):
    actors = actors_frame()
    row = pick % len(actors)
    column, mutate = ACTOR_MUTATIONS[rule]
    mutate(actors, row)
    report = check(actors, "actors")
    assert rows_of(report.failures) == {(rule, row, column)}, report.summary()


@pytest.mark.parametrize("rule", sorted(MEASURE_MUTATIONS))
@given(data=datasets(), pick=st.integers(0, 1000))
def test_each_measure_mutation_is_reported_alone(rule, data, pick):
    measures = data["measures"]
    row = pick % len(measures)
    column, mutate = MEASURE_MUTATIONS[rule]
    mutate(measures, row)
    report = check(measures, "measures")
    assert rows_of(report.failures) == {(rule, row, column)}, report.summary()


@given(events=events_frames(min_size=3), a=st.integers(0, 1000), b=st.integers(1, 1000))
def test_duplicate_id_reports_both_rows(events, a, b):
    first = a % len(events)
    second = (first + 1 + b % (len(events) - 1)) % len(events)
    events.loc[second, "event_id_cnty"] = events.loc[first, "event_id_cnty"]
    report = check(events, "events")
    assert rows_of(report.failures) == {
        ("duplicate", first, "event_id_cnty"),
        ("duplicate", second, "event_id_cnty"),
    }


@given(data=datasets(), pick=st.integers(0, 1000))
def test_unresolved_actor_and_event(data, pick):
    events, measures = data["events"], data["measures"]
    row = pick % len(events)
    events.loc[row, "actor1"] = "Nobody (Libya)"
    measures.loc[0, "event_id_cnty"] = "LBY999999"
    report = check(data)
    assert rows_of(report.failures) == {
        ("actor-unresolved", row, "actor1"),
        ("event-unresolved", 0, "event_id_cnty"),
    }
    assert set(report.failures["table"]) == {"events", "measures"}


def test_unresolved_associated_actor_names_the_missing_item():
    data = synthetic_dataset(50, seed=2)
    data["events"].loc[1, "assoc_actor_1"] = "Kaniyat Militia; Ghost Brigade"
    report = check(data)
    failures = report.failures
    assert list(failures["code"]) == ["actor-unresolved"]
    assert list(failures["value"]) == ["Ghost Brigade"]


def _events(n: int) -> pd.DataFrame:
    return synthetic_events(n, seed=n)


def test_missing_and_unknown_columns_are_column_level_failures():
    events = _events(4).drop(columns=["tags"]).assign(comment="x")
    failures = check(events, "events").failures
    found = set(zip(failures["code"], failures["column"], failures["row"].isna(), strict=True))
    assert found == {("column-missing", "tags", True), ("column-unknown", "comment", True)}


def test_date_unit_is_pinned_in_the_pandera_schema():
    events = _events(3)
    events["event_date"] = events["event_date"].astype("datetime64[s]")
    schema = libyaevents.pandera_schema("events", today=TODAY)
    with pytest.raises(pa_errors.SchemaError, match="datetime64\\[ms\\]"):
        schema.validate(events)
    # validate() converts lossless representations and judges the values
    assert check(events, "events").ok


def test_pandera_schema_catches_row_rules_too():
    events = _events(3)
    events.loc[1, "year"] = 1999
    with pytest.raises(pa_errors.SchemaErrors, match="year must equal the year of event_date"):
        libyaevents.pandera_schema("events", today=TODAY).validate(events, lazy=True)


def test_text_input_is_converted_and_each_bad_value_reported_once():
    events = _events(5)
    text = events.to_csv(index=False)
    frame = pd.read_csv(io.StringIO(text), dtype="str")
    frame.loc[1, "event_date"] = "2020-02-31"
    frame.loc[2, "event_type"] = "Battle"
    frame.loc[3, "fatalities"] = "several"
    report = check(frame, "events")
    found = rows_of(report.failures)
    assert ("type", 1, "event_date") in found
    assert ("not-in-vocabulary", 2, "event_type") in found
    assert ("type", 3, "fatalities") in found
    # the converted-away values are not reported again as missing
    assert not any(rule == "value-missing" for rule, _, _ in found)
    assert report.failures.set_index("code").loc["type", "value"].tolist() == [
        "2020-02-31",
        "several",
    ]


def test_report_summary_and_error():
    events = _events(3)
    events.loc[2, "fatalities"] = -5
    report = check(events, "events")
    assert not report.ok
    assert "out-of-range" in report.summary()
    with pytest.raises(
        ValidationError, match=r"(?s)invalid: 1 failures .*row 2 .*fatalities must be >= 0"
    ) as info:
        report.raise_if_invalid()
    assert len(info.value.failures) == 1
    assert report.to_dict()["failures"][0]["value"] == "-5"


def test_valid_report_does_not_raise():
    report = check(_events(2), "events")
    report.raise_if_invalid()
    assert report.summary().startswith("valid:")


def test_every_reported_rule_is_documented():
    assert {"column-missing", "year-mismatch", "actor-unresolved", "status-dates"} <= set(
        RULE_CODES
    )


@pytest.mark.parametrize(
    ("data", "table", "message"),
    [
        (pd.DataFrame({"a": [1]}), None, "Cannot tell which table"),
        (pd.DataFrame({"a": [1]}), "battles", "table must be one of .*'battles'"),
        ({"evnts": pd.DataFrame()}, None, "unknown tables \\['evnts'\\]"),
        ([1, 2], None, "found list"),
    ],
)
def test_bad_arguments_raise_input_error(data, table, message):
    with pytest.raises(InputError, match=message):
        libyaevents.validate(data, table)


def test_synthetic_generator_is_valid():
    assert check(synthetic_dataset(3_000, seed=5)).ok


def test_a_repeated_column_name_is_an_input_error_naming_it():
    events = synthetic_events(20, seed=2)
    twice = pd.concat([events, events[["notes", "fatalities"]]], axis=1)
    with pytest.raises(InputError, match=r"\['notes', 'fatalities'\] more than once"):
        libyaevents.validate(twice)
    data = synthetic_dataset(20, seed=2)
    data["actors"] = pd.concat([data["actors"], data["actors"][["name"]]], axis=1)
    with pytest.raises(InputError, match=r"actors table has the column\(s\) \['name'\]"):
        libyaevents.validate(data)


def test_the_command_line_refuses_a_csv_with_a_repeated_header(tmp_path, capsys):
    from libyaevents.cli import main

    actors = tmp_path / "actors.csv"
    synthetic_dataset(20, seed=2)["actors"].to_csv(actors, index=False)
    header, rest = actors.read_text().split("\n", 1)
    actors.write_text(header.replace(",aliases,", ",name,") + "\n" + rest)
    assert main(["validate", str(actors)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"libyaevents: error: {actors} has the column(s) ['name'] more than once; which one "
        "holds the data is unknown: rename or drop the copies."
    ]
