"""Adjudication of three or more codings: the majority's suggestions, the audit trail,
every unit counted, and codings of different reports refused."""

from __future__ import annotations

import json
import shutil
import tempfile
import tomllib
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from libyaevents import InputError, adjudicate, agree_codings, read_sources
from libyaevents.cli import main
from libyaevents.coding.majority import value_key
from libyaevents.coding.synthetic import DEFAULT_RATES, synthetic_codings
from libyaevents.readers.coded import sources_folder
from tests.coding.test_merge import _fill
from tests.conftest import ROOT, SEED_ID

SEED_B = ROOT / "docs" / "coding" / "seed" / "coder-b"
_HIGH = dict.fromkeys(DEFAULT_RATES, 0.3)


def _third_coder(folder):
    """The seed report coded a third time: the bundled coding renumbered, with two
    values of its own: LBYM8 without a legal basis (as coder b), LBY6 one death."""
    shutil.copytree(sources_folder(), folder)
    path = folder / "reports" / f"{SEED_ID}.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for event in data["events"]:
        event["event_id_cnty"] = event["event_id_cnty"].replace("LBY", "LBY300")
        if event["event_id_cnty"] == "LBY3006":
            event["fatalities"] = 1
    for measure in data["measures"]:
        measure["event_id_cnty"] = measure["event_id_cnty"].replace("LBY", "LBY300")
        measure["measure_id"] = measure["measure_id"].replace("LBYM", "LBYM300")
        if measure["measure_id"] == "LBYM3008":
            del measure["legal_basis"]
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return folder


@pytest.fixture
def seed_three(tmp_path):
    return [sources_folder(), SEED_B, _third_coder(tmp_path / "coder-c")]


def _seed_report(folder):
    return tomllib.loads((folder / "reports" / f"{SEED_ID}.toml").read_text(encoding="utf-8"))


def test_three_codings_of_the_seed_report_decided_by_the_majority(seed_three, tmp_path):
    first = adjudicate(seed_three, tmp_path / "merged")
    assert first.merged is None
    tables = tomllib.loads(first.decisions.read_text(encoding="utf-8"))["decisions"]
    got = {(t["field"], t.get("id_a"), t.get("suggested")) for t in tables}
    assert got == {
        ("legal_basis", "LBYM5", "a"),  # b left it out, c wrote a's
        ("legal_basis", "LBYM8", "b"),  # a alone: b and c left it out
        ("measure", "LBYM6", "keep"),  # a and c found it, b did not
        ("fatalities", "LBY6", "a"),  # c alone
    }
    assert all(t["choice"] == "" for t in tables)  # suggested, never chosen
    done = adjudicate(seed_three, tmp_path / "merged", decisions=first.decisions,
                      accept_majority=True)  # fmt: skip
    merged, bundled = _seed_report(done.merged), _seed_report(sources_folder())
    for record in bundled["measures"]:
        if record["measure_id"] == "LBYM8":
            del record["legal_basis"]  # the one value the majority took from b (and c)
    assert merged == bundled
    trail = json.loads((done.merged / "adjudication" / "decided.json").read_text())
    assert trail["coders"] == {c: str(f) for c, f in zip("abc", seed_three, strict=True)}
    assert {(r["field"], r["id"], r["choice"], r["by"]) for r in trail["decided"]} == {
        ("legal_basis", "LBYM5", "a", "majority"),
        ("legal_basis", "LBYM8", "b", "majority"),
        ("measure", "LBYM6", "keep", "majority"),
        ("fatalities", "LBY6", "a", "majority"),
    }
    assert trail["counts"]["measures"] == {"units": 8, "written": 8, "dropped": 0}
    assert done.decided.set_index("field").loc["fatalities", "id_c"] == "LBY3006"
    assert read_sources(done.merged).agreement["coders"] == 3


def test_the_adjudicator_overrides_the_majority(seed_three, tmp_path):
    decisions = adjudicate(seed_three, tmp_path / "merged").decisions

    def choose(table):
        if table["field"] == "measure":
            return {"choice": "drop", "reason": "a demand, not a measure"}
        if table.get("id_a") == "LBY6":
            return {"choice": "value", "value": 2, "reason": "the report says two"}
        return {}

    _fill(decisions, choose)
    done = adjudicate(seed_three, tmp_path / "merged", decisions=decisions, accept_majority=True)
    rows = done.decided.set_index("field")
    assert rows.loc["measure", "by"] == "adjudicator"
    assert rows.loc["measure", "id"] is None  # dropped: no id in the merged coding
    assert (rows.loc["fatalities", "by"], rows.loc["fatalities", "value"]) == ("adjudicator", 2)
    assert rows.loc["legal_basis", "by"].tolist() == ["majority", "majority"]
    merged = read_sources(done.merged)
    assert "LBYM6" not in set(merged.measures["measure_id"])
    assert merged.events.set_index("event_id_cnty").loc["LBY6", "fatalities"] == 2
    assert done.counts["measures"] == {"units": 8, "written": 7, "dropped": 1}


def test_the_command_takes_three_folders_and_accepts_the_majority(seed_three, tmp_path, capsys):
    out = tmp_path / "merged"
    args = ["code", "adjudicate", *map(str, seed_three), "-o", str(out)]
    assert main(args) == 1
    assert "wrote 4 disagreements to decide" in capsys.readouterr().out
    decisions = ["--decisions", str(tmp_path / "merged-decisions.toml")]
    assert main([*args, *decisions]) == 1  # nothing chosen, majority not accepted
    assert "4 decisions left" in capsys.readouterr().err
    assert main([*args, *decisions, "--accept-majority"]) == 0
    assert "(4 decided by the majority)" in capsys.readouterr().out
    assert (out / "adjudication" / "decided.json").is_file()
    # on a first run, a majority for every disagreement merges at once
    again = ["code", "adjudicate", *map(str, seed_three), "-o", str(tmp_path / "again")]
    assert main([*again, "--accept-majority"]) == 0
    assert (tmp_path / "again-decisions.toml").is_file()
    # where some disagreement has no majority, the first run says how many are left
    made = synthetic_codings(tmp_path / "coded", events=60, coders=3, seed=2, dropped=1, added=1)
    args = ["code", "adjudicate", *map(str, made.folders), "-o", str(tmp_path / "m")]
    assert main([*args, "--accept-majority"]) == 1
    assert "4 have no majority: set their choice" in capsys.readouterr().out


def _events(folder):
    return {
        e["event_id_cnty"]: e
        for r in (folder / "reports").glob("*.toml")
        for e in tomllib.loads(r.read_text(encoding="utf-8")).get("events", [])
    }


def test_synthetic_three_codings_merge_with_every_unit_counted(tmp_path):
    made = synthetic_codings(tmp_path / "coded", events=120, coders=3, seed=5, dropped=3, added=2)
    out = tmp_path / "merged"
    decisions = adjudicate(made.folders, out).decisions
    picked = {}

    def choose(table):  # the majority where there is one, else coder c (or keep)
        if "suggested" in table:
            return {}
        unit = table["field"] in ("event", "measure")
        choice = "keep" if unit else next(c for c in "cba" if f"id_{c}" in table)
        picked[(table["field"], table.get("id_c"))] = choice
        return {"choice": choice}

    _fill(decisions, choose)
    done = adjudicate(made.folders, out, decisions=decisions, accept_majority=True)
    assert picked  # some disagreements had no majority
    by = done.decided["by"].value_counts().to_dict()
    assert by["adjudicator"] == len(picked)
    assert by["majority"] == len(done.agreement.disagreements) - len(picked)
    for kind in ("events", "measures"):
        counts = done.counts[kind]
        assert counts["units"] == counts["written"] + counts["dropped"]
    assert done.counts["events"]["units"] == len(done.agreement.events)
    assert len(read_sources(out).events) == done.counts["events"]["written"]
    assert len(read_sources(out).measures) == done.counts["measures"]["written"]
    # a value b alone gave, where the majority decided for a, is a's in the merged coding
    merged, a_events = _events(out), _events(made.folders[0])
    rows = done.decided[done.decided["kind"] == "event"].set_index(["field", "id_b"])
    checked = 0
    for planted in made.planted:
        if planted.kind != "event" or planted.field == "event" or "b" not in planted.ids:
            continue
        row = rows.loc[(planted.field, planted.ids["b"])]
        if (row["by"], row["choice"]) == ("majority", "a"):
            ident = planted.ids["a"]
            assert merged[ident].get(planted.field) == a_events[ident].get(planted.field)
            checked += 1
    assert checked > 10


def test_folders_coding_different_reports_are_refused(tmp_path, capsys):
    made = synthetic_codings(tmp_path / "coded", events=30, coders=3, seed=2)
    report = sorted((made.folders[2] / "reports").glob("*.toml"))[0]
    report.unlink()
    with pytest.raises(InputError, match=rf"report {report.stem} is coded by a, b but not by c = "):
        adjudicate(made.folders, tmp_path / "merged")
    out = str(tmp_path / "merged")
    assert main(["code", "adjudicate", *map(str, made.folders), "-o", out]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "code it in those folders too" in err
    with pytest.raises(InputError, match="the codings share no report"):
        adjudicate([sources_folder(), made.folders[0]], tmp_path / "merged")
    assert main(["code", "adjudicate", str(made.folders[0]), "-o", out]) == 2
    assert "needs two or more coded folders; found 1" in capsys.readouterr().err
    assert not (tmp_path / "merged").exists()


def _a_always(table):
    if table["field"] in ("event", "measure"):
        return {"choice": "keep" if "id_a" in table else "drop"}
    return {"choice": "a"} if "id_a" in table else {}  # else: the unit is dropped


@settings(max_examples=8)
@given(
    coders=st.integers(2, 4),
    events=st.integers(6, 30),
    seed=st.integers(0, 2**16),
    dropped=st.integers(0, 2),
    added=st.integers(0, 2),
)
def test_picking_coder_a_gives_a_back_and_counts_every_unit(coders, events, seed, dropped, added):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        made = synthetic_codings(root / "coded", events=events, coders=coders, seed=seed,
                                 dropped=dropped, added=added, rates=_HIGH)  # fmt: skip
        first = adjudicate(made.folders, root / "merged")
        done = first
        if first.merged is None:
            _fill(first.decisions, _a_always)
            done = adjudicate(made.folders, root / "merged", decisions=first.decisions)
        again = agree_codings([made.folders[0], root / "merged"], draws=0)
        assert again.disagreements == []
        a = read_sources(made.folders[0])
        for kind, table in (("events", a.events), ("measures", a.measures)):
            counts = done.counts[kind]
            assert counts["written"] == len(table)
            assert counts["units"] == counts["written"] + counts["dropped"]
        units = done.agreement.events
        assert done.counts["events"]["units"] == len(units)
        assert done.counts["events"]["dropped"] == sum(0 not in u.rows for u in units)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text("abcé ", max_size=4), unique=True, max_size=6), st.randoms())
def test_equal_sets_of_values_are_one_group_for_the_majority(members, random):
    """Set-valued fields group by their members, not by the order a set prints them in."""
    shuffled = list(members)
    random.shuffle(shuffled)
    assert value_key(frozenset(members)) == value_key(set(shuffled))
    assert value_key(frozenset(members)) != value_key(frozenset([*members, "zz"]))
