"""open_dataset and the one dataset type: every kind of input reaches every function."""

from __future__ import annotations

import pandas as pd
import pytest

import libyaevents
from libyaevents.dataset import Dataset, events_of, tables_of
from libyaevents.errors import InputError, ReadError, ReleaseNotFoundError
from libyaevents.formats import parquet
from libyaevents.readers.coded import sources_folder
from libyaevents.synthetic import synthetic_dataset

TODAY = "2026-12-31"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    data = synthetic_dataset(120, seed=11)
    libyaevents.write_acled(data["events"], folder / "export.csv")
    parquet.write_table(data["events"], "events", str(folder / "events.parquet"))
    tables = folder / "tables"
    tables.mkdir()
    for name, frame in data.items():
        frame.to_csv(tables / f"{name}.csv", index=False)
    return folder, data


def test_each_kind_of_input_resolves(files):
    folder, data = files
    release = libyaevents.open_dataset("0.1.0")
    assert isinstance(release, libyaevents.Release)
    assert release.version == "0.1.0"
    loaded = libyaevents.open_dataset(folder / "export.csv")
    assert isinstance(loaded, libyaevents.Loaded)
    assert len(loaded.events) == 120
    canonical = libyaevents.open_dataset(str(folder / "events.parquet"))
    by_id = data["events"].sort_values("event_id_cnty", ignore_index=True)
    pd.testing.assert_frame_equal(
        canonical["events"].sort_values("event_id_cnty", ignore_index=True), by_id
    )
    sources = libyaevents.open_dataset(sources_folder())
    assert isinstance(sources, libyaevents.Sources)
    tables = libyaevents.open_dataset(folder / "tables")
    assert sorted(tables) == ["actors", "events", "measures"]
    assert tables["events"]["event_date"].dtype == data["events"]["event_date"].dtype
    assert libyaevents.open_dataset(data) is data  # a dataset already


def test_unknown_inputs_say_what_is_accepted(tmp_path):
    with pytest.raises(ReadError, match="no such file or folder, and not a release version"):
        libyaevents.open_dataset(tmp_path / "missing.csv")
    with pytest.raises(ReleaseNotFoundError):
        libyaevents.open_dataset("9.9.9")
    with pytest.raises(InputError, match="must be a dataset"):
        libyaevents.open_dataset(3)  # type: ignore[arg-type]


def test_a_canonical_csv_with_a_bad_value_is_refused_not_emptied(files, tmp_path):
    _, data = files
    actors = data["actors"].astype({"first_seen": "str"})
    actors.loc[7, "first_seen"] = "2020-13-01"
    actors.to_csv(tmp_path / "actors.csv", index=False)
    with pytest.raises(ReadError, match=r"1 values .* row 7, column first_seen, '2020-13-01'"):
        libyaevents.open_dataset(tmp_path / "actors.csv")


def test_an_export_with_a_bad_row_reports_it(files, tmp_path):
    _, data = files
    events = data["events"].astype({"fatalities": "str"})
    events.loc[7, "fatalities"] = "several"
    events.to_csv(tmp_path / "events.csv", index=False)
    loaded = libyaevents.open_dataset(tmp_path / "events.csv")  # read as an export
    assert isinstance(loaded, libyaevents.Loaded)
    assert len(loaded.events) + loaded.rows_reported == 120
    assert loaded.problems["value"].tolist() == ["several"]


def test_every_dataset_kind_satisfies_the_protocol(files):
    folder, data = files
    kinds = [
        libyaevents.load("0.1.0"),
        libyaevents.read_acled(folder / "export.csv"),
        libyaevents.read_sources(),
    ]
    for kind in kinds:
        assert isinstance(kind, Dataset), type(kind)
        assert list(tables_of(kind, what="x")) == ["events", "actors", "measures"]
    assert events_of(data, what="x") is data["events"]


def test_validate_and_build_accept_coded_sources(tmp_path):
    sources = libyaevents.read_sources()
    report = libyaevents.validate(sources, today=TODAY)  # raised before: no tables attribute
    assert report.ok, report.summary()
    assert set(report.tables) == {"events", "actors", "measures"}
    path = libyaevents.build_release(sources, "1.0.0", store=tmp_path, today=TODAY)
    assert libyaevents.load("1.0.0", store=tmp_path).events.shape[0] == len(sources.events)
    assert path.name == "1.0.0"


def test_analysis_functions_take_any_dataset(files, tmp_path):
    folder, data = files
    loaded = libyaevents.read_acled(folder / "export.csv")
    for given in (data, loaded, data["events"]):
        panel = libyaevents.aggregate(given, period="month", level="country")
        assert panel["events"].sum() == 120
    result = libyaevents.compare_events(loaded, data)
    assert len(result.matches) == 120
    libyaevents.write_acled(loaded, tmp_path / "again.csv")
    assert len(libyaevents.read_acled(tmp_path / "again.csv").events) == 120
    with pytest.raises(InputError, match="events has no events table"):
        libyaevents.aggregate({"actors": data["actors"]})
