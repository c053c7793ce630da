"""The command line: exit codes 0 valid, 1 invalid, 2 unreadable or usage."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import libyaevents
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
    assert capsys.readouterr().out.splitlines()[-1].startswith("valid:")


def test_invalid_csv_exits_1_and_json_lists_every_failure(tables, capsys):
    path = tables["events"]
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",Libya,", ",Lybia,", 1)  # data row 2
    lines[5] = lines[5].replace("LBY5,", "LBY5x,", 1)  # data row 4
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["validate", str(path), "--format", "json", *TODAY]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["load"]["rows_read"] == out["load"]["rows_used"] == 200  # every row typed
    out = out["validation"]
    assert out["ok"] is False
    found = {(f["row"], f["column"], f["code"], f["value"]) for f in out["failures"]}
    sources = {(f["source"], f["line"]) for f in out["failures"] if f["row"] == 2}
    assert sources == {(str(path), 4)}  # data row 2 is file line 4
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
    assert "events: 39 columns" in capsys.readouterr().out


def test_release_build_verify_list_diff(tmp_path, capsys):
    source = tmp_path / "src"
    source.mkdir()
    data = synthetic_dataset(300, seed=6)
    for name, frame in data.items():
        frame.to_csv(source / f"{name}.csv", index=False)
    store = str(tmp_path / "store")
    build = ["release", "build", str(source), "--store", store, *TODAY]
    assert main([*build, "--version", "1.0.0"]) == 0
    events = data["events"].copy()
    events.loc[4, "fatalities"] = 11
    events.to_csv(source / "events.csv", index=False)
    assert main([*build, "--version", "1.1.0"]) == 0
    assert main([*build, "--version", "1.1.0"]) == 2  # immutable
    assert "already exists" in capsys.readouterr().err
    assert main(["release", "list", "--store", store]) == 0
    assert capsys.readouterr().out.split() == ["1.0.0", "1.1.0"]
    assert main(["release", "verify", "1.1.0", "--store", store]) == 0
    assert "verified" in capsys.readouterr().out
    assert main(["diff", "1.0.0", "1.1.0", "--store", store, "--format", "json"]) == 0
    changes = json.loads(capsys.readouterr().out)
    assert changes == [
        {"table": "events", "record_id": "LBY5", "change": "modified", "column": "fatalities",
         "old": str(data["events"].loc[4, "fatalities"]), "new": "11"}
    ]  # fmt: skip


def test_release_build_refuses_invalid_source(tmp_path, capsys):
    source = tmp_path / "src"
    source.mkdir()
    data = synthetic_dataset(100, seed=6)
    data["events"].loc[2, "year"] = 1990
    for name, frame in data.items():
        frame.to_csv(source / f"{name}.csv", index=False)
    args = ["release", "build", str(source), "--version", "1.0.0", "--store", str(tmp_path / "s")]
    assert main(args) == 1
    assert "year-mismatch" in capsys.readouterr().err
    (source / "actors.csv").unlink()
    assert main(args) == 2
    assert "no actors.parquet or actors.csv" in capsys.readouterr().err


def test_release_verify_reports_damage_with_exit_1(tmp_path, capsys):
    store = tmp_path / "store"

    libyaevents.build_release(synthetic_dataset(100, seed=6), "1.0.0", store=store, today=TODAY[1])
    path = store / "1.0.0" / "events.parquet"
    path.write_bytes(path.read_bytes()[:-10])
    assert main(["release", "verify", "2.0.0", "--store", str(store)]) == 2
    assert main(["release", "verify", "1.0.0", "--store", str(store)]) == 1
    assert "events.parquet" in capsys.readouterr().out


# -- ACLED and UCDP inputs -----------------------------------------------------------


@pytest.fixture
def export(tmp_path):
    """A current-layout ACLED export with text labels, one impossible date on line 4."""
    path = tmp_path / "acled.csv"
    libyaevents.write_acled(synthetic_dataset(50, seed=2)["events"], path)
    lines = path.read_text(encoding="utf-8").splitlines()
    fields = lines[3].split(",")
    fields[1] = "2021-02-30"
    lines[3] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_convert_writes_events_and_actors_and_reports_rows(export, tmp_path, capsys):
    out = tmp_path / "events.parquet"
    assert main(["convert", str(export), "-o", str(out), "--quiet"]) == 1  # a row reported
    text = capsys.readouterr().out
    assert "rows read 50 = used 49" in text
    assert "line 4" in text
    assert "2021-02-30" in text
    events = pd.read_parquet(out)
    assert len(events) == 49
    assert len(pd.read_parquet(tmp_path / "events.actors.parquet")) > 0


def test_convert_json_and_progress(export, tmp_path, capsys):
    out = tmp_path / "e.parquet"
    code = main(["convert", str(export), "-o", str(out), "--actors", str(tmp_path / "a.parquet"),
                 "--format", "json", "--progress"])  # fmt: skip
    assert code == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["load"]["rows_reported"] == 1
    assert data["load"]["problems"][0]["line"] == 4
    assert "libyaevents: [" in captured.err
    assert "100%" in captured.err  # the reading bar
    assert "done" in captured.err


def test_validate_an_export_names_file_lines(export, capsys):
    assert main(["validate", str(export), *TODAY, "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["load"]["problems"][0]["column"] == "event_date"
    assert data["validation"]["ok"] is True  # the other 49 rows are valid


def test_convert_a_ucdp_file(tmp_path, capsys):
    from tests.readers.test_ucdp import GED_HEADER, ROWS

    path = tmp_path / "ged.csv"
    path.write_text(GED_HEADER + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    assert main(["convert", str(path), "-o", str(tmp_path / "ged.parquet")]) == 0
    assert "ucdp-ged layout" in capsys.readouterr().out
    assert pd.read_parquet(tmp_path / "ged.parquet")["event_id_cnty"].str.startswith("UCD").all()


def test_convert_a_non_export_exits_2(tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["convert", str(path), "-o", str(tmp_path / "x.parquet")]) == 2
    assert "not an ACLED export" in capsys.readouterr().err


def test_compare_an_export_with_its_canonical_parquet(export, tmp_path, capsys):
    # the export (one row unreadable) against the same events as Parquet:
    # 49 pairs, the 50th event only in the Parquet file
    events = synthetic_dataset(50, seed=2)["events"]
    parquet_path = tmp_path / "events.parquet"
    events.to_parquet(parquet_path)
    matches, unmatched = tmp_path / "matches.csv", tmp_path / "unmatched.csv"
    merged = tmp_path / "merged.parquet"
    args = ["compare", str(export), str(parquet_path), "-o", str(matches),
            "--unmatched", str(unmatched), "--merged", str(merged)]  # fmt: skip
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "matched pairs: 49" in text
    assert f"wrote the matched pairs to {matches}" in text
    pairs = pd.read_csv(matches)
    assert (pairs["left_id"] == pairs["right_id"]).all()
    assert (pairs["km_apart"] == 0).all()
    assert pd.read_csv(unmatched)["side"].tolist() == ["right"]
    union = pd.read_parquet(merged)
    assert len(union) == 50  # 49 shared events once, and the one only the Parquet file has
    assert union["matched_id"].notna().sum() == 49
    assert main(["compare", str(export), str(parquet_path), "--format", "json", "--km", "0",
                 "--days", "0", "--same", "none", "--no-widen"]) == 0  # fmt: skip
    counts = json.loads(capsys.readouterr().out)
    assert counts["matched"] == 49
    assert counts["unmatched"]["right"] == {"nothing-in-window": 1}


def test_convert_never_overwrites_its_input_and_outputs_leave_no_temporaries(tmp_path, capsys):
    source = tmp_path / "export.csv"
    libyaevents.write_acled(synthetic_dataset(30, seed=2)["events"], source)
    before = source.read_bytes()
    assert main(["convert", str(source), "-o", str(source)]) == 2
    assert "is the input" in capsys.readouterr().err
    assert source.read_bytes() == before
    assert main(["convert", str(source), "-o", str(tmp_path / "events.parquet")]) == 0
    assert main(["aggregate", str(source), "-o", str(tmp_path / "panel.csv")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "events.actors.parquet", "events.parquet", "export.csv", "panel.csv",
    ]  # fmt: skip
    assert main(["aggregate", str(source), "-o", str(tmp_path / "missing" / "p.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_convert_writes_the_format_the_suffix_says(export, tmp_path, capsys):
    out = tmp_path / "events.csv"
    assert main(["convert", str(export), "-o", str(out), "--quiet"]) == 1  # the row reported
    events = pd.read_csv(out)
    assert len(events) == 49
    assert "event_id_cnty" in events.columns
    assert len(pd.read_csv(tmp_path / "events.actors.csv")) > 0
    assert main(["convert", str(export), "-o", str(tmp_path / "e.parquet"),
                 "--actors", str(tmp_path / "a.csv"), "--quiet"]) == 1  # fmt: skip
    assert len(pd.read_parquet(tmp_path / "e.parquet")) == 49
    assert len(pd.read_csv(tmp_path / "a.csv")) > 0
    capsys.readouterr()
    refused = {
        "events.xlsx": "write a table as .csv or .parquet (found '.xlsx')",
        "events": "write a table as .csv or .parquet (found 'no suffix')",
        "missing/events.parquet": "the folder",
        ".": "is a folder; give a file name ending in .csv or .parquet",
    }
    for bad, said in refused.items():
        assert main(["convert", str(export), "-o", str(tmp_path / bad)]) == 2
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1
        assert said in err
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["aggregate", "0.1.0", "-o", "{missing}/panel.csv"], "does not exist"),
        (["export", "0.1.0", "--to", "geojson", "-o", "{missing}/x.geojson"], "does not exist"),
        (["plot", "timeline", "0.1.0", "-o", "{tmp}"], "is a folder"),
        (["compare", "0.1.0", "0.1.0", "--merged", "{missing}/m.parquet"], "does not exist"),
        (["revisions", "--store", "{tmp}", "-o", "{tmp}/r.txt"], "(found '.txt')"),
        (["stability", "--store", "{tmp}", "-o", "{missing}/s.csv"], "does not exist"),
        (["reproduce", "{tmp}/none.json", "--store", "{tmp}", "-o", "{tmp}/c.xlsx"], "'.xlsx'"),
    ],
)
def test_every_destination_is_checked_before_the_work(tmp_path, capsys, command, said):
    args = [a.format(tmp=tmp_path, missing=tmp_path / "missing") for a in command]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("libyaevents: error: ")
    assert said in err


def test_a_ucdp_country_that_is_not_a_code_is_a_usage_error(tmp_path, capsys):
    assert main(["fetch", "ucdp", "25.1", "--country", "Libya", "-o", str(tmp_path / "g.csv")]) == 2
    assert "invalid int value: 'Libya'" in capsys.readouterr().err
