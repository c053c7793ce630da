"""readers.detect: canonical tables from CSV/Parquet, exports told apart by their header."""

from __future__ import annotations

import io

import pytest

from libyaevents.errors import InputError, ReadError
from libyaevents.readers.detect import (
    is_events_export,
    read_events_export,
    read_source_folder,
    read_table,
)
from libyaevents.synthetic import synthetic_dataset
from libyaevents.validation.validator import guess_table


def test_read_table_keeps_text_and_guesses_the_table(tmp_path):
    frame, table = read_table(io.StringIO("actor_id,name\nlna,LNA\n"))
    assert table == "actors"
    assert frame.loc[0, "name"] == "LNA"
    data = synthetic_dataset(20, seed=1)
    data["measures"].to_parquet(tmp_path / "m.parquet")
    frame, table = read_table(tmp_path / "m.parquet")
    assert table == "measures"  # has event_id_cnty too, but measure_id decides
    assert len(frame) == len(data["measures"])


def test_unreadable_or_unknown_tables(tmp_path):
    with pytest.raises(ReadError, match="no such file"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "bad.parquet").write_bytes(b"not parquet")
    with pytest.raises(ReadError, match="could not be read as Parquet"):
        read_table(tmp_path / "bad.parquet")
    with pytest.raises(InputError, match="Cannot tell which table"):
        guess_table(read_table(io.StringIO("x,y\n1,2\n"))[0])


def test_exports_are_told_apart_by_their_header(tmp_path):
    acled = tmp_path / "acled.csv"
    acled.write_text("EVENT_ID_CNTY,EVENT_DATE\nLBY1,2020-01-01\n")
    canonical = tmp_path / "actors.csv"
    canonical.write_text("actor_id,name\nlna,LNA\n")
    assert is_events_export(acled)
    assert not is_events_export(canonical)
    assert not is_events_export(tmp_path / "missing.csv")
    with pytest.raises(ReadError):
        read_events_export(tmp_path / "missing.csv")


def test_a_folder_of_tables_needs_all_three(tmp_path):
    data = synthetic_dataset(10, seed=3)
    for name, frame in data.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    assert sorted(read_source_folder(tmp_path)) == ["actors", "events", "measures"]
    (tmp_path / "measures.csv").unlink()
    with pytest.raises(ReadError, match=r"no measures\.parquet or measures\.csv"):
        read_source_folder(tmp_path)
