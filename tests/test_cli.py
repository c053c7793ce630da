"""The command line: exit codes 0 valid, 1 invalid, 2 unreadable or usage."""

from __future__ import annotations

import json

import pytest

from libyaevents.cli import main
from libyaevents.synthetic import synthetic_dataset

TODAY = ["--today", "2026-01-01"]


@pytest.fixture
def tables(tmp_path):
    data = synthetic_dataset(200, seed=4)
    paths = {}
    for name, frame in data.items():
        paths[name] = tmp_path / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    data["events"].to_parquet(tmp_path / "events.parquet")
    paths["parquet"] = tmp_path / "events.parquet"
    return paths


@pytest.mark.parametrize("name", ["events", "actors", "measures", "parquet"])
def test_valid_files_exit_0(tables, name, capsys):
    assert main(["validate", str(tables[name]), *TODAY]) == 0
    assert capsys.readouterr().out.startswith("valid:")


def test_invalid_csv_exits_1_and_json_lists_every_failure(tables, capsys):
    path = tables["events"]
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",Libya,", ",Lybia,", 1)  # data row 2
    lines[5] = lines[5].replace("LBY5,", "LBY5x,", 1)  # data row 4
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["validate", str(path), "--format", "json", *TODAY]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False
    found = {(f["row"], f["column"], f["rule"], f["value"]) for f in out["failures"]}
    assert (2, "iso", "iso-country", "434") in found
    assert (4, "event_id_cnty", "pattern", "LBY5x") in found
    assert (2, "latitude", "outside-country") not in {(r, c, ru) for r, c, ru, _ in found}


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_unreadable_parquet_exits_2(tmp_path, capsys):
    bad = tmp_path / "broken.parquet"
    bad.write_bytes(b"PAR1 not really")
    assert main(["validate", str(bad)]) == 2
    assert "could not be read as Parquet" in capsys.readouterr().err


def test_unknown_table_shape_exits_2(tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert "Cannot tell which table" in capsys.readouterr().err


def test_usage_error_exits_2(capsys):
    assert main(["validate"]) == 2
    assert main(["validate", "x.csv", "--format", "xml"]) == 2


def test_schema_lists_tables(capsys):
    assert main(["schema"]) == 0
    assert "events: 37 columns" in capsys.readouterr().out
