"""Agreement of codings: alignment by content, units, alpha per field, every disagreement."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import libyaevents
from libyaevents import InputError, ReadError, agree_codings
from libyaevents.cli import main
from libyaevents.coding.synthetic import synthetic_codings
from libyaevents.readers.coded import sources_folder


def _found(agreement):
    return {d.key() for d in agreement.disagreements}


def test_every_planted_disagreement_is_found_and_nothing_else(tmp_path):
    made = synthetic_codings(tmp_path, events=240, seed=5, dropped=4, added=3)
    agreement = agree_codings(made.folders, draws=100)
    assert len(made.planted) > 50  # every kind of value, dropped and added events
    assert {p.field for p in made.planted} >= {"event_date", "actor1", "place", "status", "event"}
    assert _found(agreement) == {p.key() for p in made.planted}
    assert agreement.counts("events") == {"matched": 236, "only_a": 4, "only_b": 3}


@given(seed=st.integers(0, 2**32 - 1), per_report=st.integers(1, 8))
def test_alignment_survives_renumbering_reordering_drops_and_additions(seed, per_report):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        made = synthetic_codings(
            folder, events=30, seed=seed, dropped=2, added=2, per_report=per_report
        )
        agreement = agree_codings(made.folders, draws=0)
        assert _found(agreement) == {p.key() for p in made.planted}


def test_without_planted_values_only_the_units_differ_and_alpha_is_one(tmp_path):
    made = synthetic_codings(tmp_path, events=60, seed=2, rates={}, dropped=1, added=1)
    agreement = agree_codings(made.folders, draws=50)
    assert {d.field for d in agreement.disagreements} == {"event"}
    assert len(agreement.disagreements) == 2
    for name, field in agreement.fields.items():
        assert field.alpha is None or field.alpha == pytest.approx(1.0), name
    assert agreement.fields["assoc_actor_2"].alpha is None  # never coded: no variation


def _renumbered_copy(tmp_path):
    """The seed coding with every event and measure id changed and the events reversed."""
    copy = tmp_path / "b"
    shutil.copytree(sources_folder(), copy)
    path = next((copy / "reports").glob("*.toml"))
    text = re.sub(r'"LBY(M?)(\d+)"', lambda m: f'"LBY{m[1]}{int(m[2]) + 40}"', path.read_text())
    head, *events = re.split(r"(?m)^(?=\[\[events\]\])", text)
    path.write_text(head + "".join(reversed(events)), encoding="utf-8")
    return copy


def test_ids_never_decide(tmp_path):
    agreement = agree_codings([sources_folder(), _renumbered_copy(tmp_path)], draws=0)
    assert agreement.disagreements == []
    assert agreement.counts("events") == {"matched": 7, "only_a": 0, "only_b": 0}
    assert agreement.counts("measures") == {"matched": 8, "only_a": 0, "only_b": 0}


def test_a_changed_value_is_one_row_with_both_ids_and_values(tmp_path):
    copy = _renumbered_copy(tmp_path)
    path = next((copy / "reports").glob("*.toml"))
    text = path.read_text().replace("event_date = 2020-11-19", "event_date = 2020-11-18")
    path.write_text(text.replace('status = "Blocked"', 'status = "Proposed"'), encoding="utf-8")
    rows = [d.to_dict() for d in agree_codings([sources_folder(), copy], draws=0).disagreements]
    assert rows == [
        {
            "report": "f8806eb3f3e19e34",
            "paragraph": 1,
            "kind": "event",
            "field": "event_date",
            "ids": {"a": "LBY2", "b": "LBY42"},
            "values": {"a": "2020-11-19", "b": "2020-11-18"},
        },
        {
            "report": "f8806eb3f3e19e34",
            "paragraph": 1,
            "kind": "measure",
            "field": "status",
            "ids": {"a": "LBYM1", "b": "LBYM41"},
            "values": {"a": "Blocked", "b": "Proposed"},
        },
    ]


def test_three_coders(tmp_path):
    made = synthetic_codings(tmp_path, events=30, coders=3, seed=4, dropped=1, added=1)
    agreement = agree_codings(made.folders, draws=0)
    assert agreement.coders == ["a", "b", "c"]
    counts = agreement.counts("events")
    assert set(counts) == {"matched", "only_a", "only_b", "only_c"}
    assert sum(counts.values()) == len(agreement.events)
    assert counts["matched"] >= 30 - 1  # an event one coder dropped is still found by two
    planted = {(p.report, p.kind, p.field, p.ids["a"]) for p in made.planted if p.ids["a"]}
    found = {(d.report, d.kind, d.field, d.ids["a"]) for d in agreement.disagreements}
    assert planted <= found


def test_json_output_has_exactly_the_documented_keys(tmp_path, capsys):
    made = synthetic_codings(tmp_path, events=30, seed=8, dropped=1, added=1)
    assert main(["code", "agree", *map(str, made.folders), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["events", "measures", "fields", "disagreements"]
    assert out["events"] == {"matched": 29, "only_a": 1, "only_b": 1}
    assert set(out["measures"]) == {"matched", "only_a", "only_b"}
    for field in out["fields"].values():
        assert list(field) == ["alpha", "level", "pairable", "interval"]
        assert field["alpha"] is None or -1 <= field["alpha"] <= 1
    assert out["fields"]["fatalities"]["level"] == "ratio"
    assert out["fields"]["event_date"]["level"] == "interval"
    assert out["fields"]["tags"]["level"] == "set"
    assert out["fields"]["geo_precision"]["level"] == "ordinal"
    assert len(out["disagreements"]) == len(made.planted)


def test_text_says_undefined_never_nan(capsys):
    folder = str(sources_folder())
    assert main(["code", "agree", folder, folder, "--draws", "20"]) == 0
    out = capsys.readouterr().out
    assert "undefined (no variation)" in out
    assert "nan" not in out.lower()
    assert "no disagreements" in out


def test_bad_input(tmp_path, capsys):
    with pytest.raises(InputError, match="2 to 26 coded folders; found 1"):
        agree_codings([sources_folder()])
    with pytest.raises(ReadError, match="no such folder"):
        agree_codings([sources_folder(), tmp_path / "missing"])
    assert main(["code", "agree", str(sources_folder())]) == 2
    assert "2 to 26" in capsys.readouterr().err


def test_exported():
    assert libyaevents.Agreement is type(agree_codings([sources_folder()] * 2, draws=0))


_PLANTED = (
    "import sys, tempfile\n"
    "from libyaevents.coding.synthetic import synthetic_codings\n"
    "with tempfile.TemporaryDirectory() as folder:\n"
    "    made = synthetic_codings(folder, events=60, seed=11, dropped=2, added=2)\n"
    "    print(sorted(repr(p) for p in made.planted))\n"
)


def test_synthetic_codings_plant_the_same_differences_in_every_process():
    """The seed alone decides what is planted (not the process's string hashing)."""
    planted = {
        subprocess.run(
            [sys.executable, "-c", _PLANTED],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True, text=True, check=True, timeout=120,
        ).stdout
        for seed in ("1", "2", "3")
    }  # fmt: skip
    assert len(planted) == 1
