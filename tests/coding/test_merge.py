"""Adjudication: the decisions file, its checks, and the merged coding it writes."""

from __future__ import annotations

import json
import tomllib

import pytest
import tomli_w

import libyaevents
from libyaevents import AdjudicationError, InputError, adjudicate, agree_codings, read_sources
from libyaevents.cli import main
from libyaevents.coding.synthetic import synthetic_codings


@pytest.fixture
def made(tmp_path):
    return synthetic_codings(tmp_path / "coded", events=60, seed=11, dropped=2, added=2)


def _fill(path, choose):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for table in data["decisions"]:
        table.update(choose(table))
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return data["decisions"]


def _run(made, out, *extra):
    return main(["code", "adjudicate", *map(str, made.folders), "-o", str(out), *extra])


def test_the_first_run_lists_every_disagreement_and_merges_nothing(made, tmp_path, capsys):
    out = tmp_path / "merged"
    assert _run(made, out) == 1
    decisions = tmp_path / "merged-decisions.toml"
    assert (
        f"set each choice, then run again with --decisions {decisions}" in capsys.readouterr().out
    )
    tables = tomllib.loads(decisions.read_text(encoding="utf-8"))["decisions"]
    assert len(tables) == len(made.planted)
    assert all(t["choice"] == "" for t in tables)
    dated = next(t for t in tables if t["field"] == "event_date")
    assert {"a", "b", "id_a", "id_b", "report", "paragraph", "kind"} <= set(dated)
    assert str(dated["a"]) != str(dated["b"])  # both values, as written (dates stay dates)
    assert not out.exists()
    # run again without deciding: stopped, with the list of what is left
    assert _run(made, out, "--decisions", str(decisions)) == 1
    err = capsys.readouterr().err
    assert f"{len(tables)} decisions left" in err
    assert "no choice" in err
    assert dated["id_a"] in err
    assert not out.exists()


def _b_everywhere(table):
    return {"choice": "keep" if table["field"] in ("event", "measure") else "b"}


def test_choosing_b_and_keeping_everything(made, tmp_path):
    out = tmp_path / "merged"
    first = adjudicate(*made.folders, out)
    assert first.merged is None
    assert first.left == len(made.planted)
    _fill(first.decisions, _b_everywhere)
    done = adjudicate(*made.folders, out, decisions=first.decisions)
    assert done.merged == out
    merged = read_sources(out)
    assert len(merged.events) == 60 + 2  # a's events (dropped ones kept) and b's additions
    # only the events b never coded still differ from b; every value is b's
    against_b = agree_codings([out, made.folders[1]], draws=0)
    assert {(d.kind, d.field) for d in against_b.disagreements} == {("event", "event")}
    assert against_b.counts("events") == {"matched": 60, "only_a": 2, "only_b": 0}
    # ids are a's; the actor only b's registry had came along
    a_ids = set(read_sources(made.folders[0]).events["event_id_cnty"])
    assert a_ids <= set(merged.events["event_id_cnty"])
    assert "hor-delegation" in set(merged.actors["actor_id"])
    # the audit trail
    assert (out / "adjudication" / "decisions.toml").read_text() == first.decisions.read_text()
    figures = json.loads((out / "adjudication" / "agreement.json").read_text())
    assert figures["coders"] == 2
    # the reports compared: every report of the synthetic codings, by id
    assert figures["reports"] == sorted(set(read_sources(made.folders[0]).reports["report_id"]))
    assert len(figures["reports"]) == 10  # 60 events, 6 per report
    assert figures["matched_share"] == pytest.approx(58 / 62, abs=1e-4)
    assert set(figures["alpha"]) >= {"event_type", "fatalities", "tags", "status"}


def test_choosing_a_and_dropping_b_only_events_gives_a_back(made, tmp_path):
    out = tmp_path / "merged"
    decisions = adjudicate(*made.folders, out).decisions

    def choose(table):
        if table["field"] in ("event", "measure"):
            return {"choice": "keep" if "id_a" in table else "drop"}
        return {"choice": "a"}

    _fill(decisions, choose)
    adjudicate(*made.folders, out, decisions=decisions)
    again = agree_codings([made.folders[0], out], draws=0)
    assert again.disagreements == []
    assert again.counts("events") == {"matched": 60, "only_a": 0, "only_b": 0}


def test_an_explicit_value(made, tmp_path):
    out = tmp_path / "merged"
    decisions = adjudicate(*made.folders, out).decisions
    picked = []

    def choose(table):
        if table["field"] == "fatalities" and not picked:
            picked.append(table["id_a"])
            return {"choice": "value", "value": 42}
        return _b_everywhere(table)

    _fill(decisions, choose)
    adjudicate(*made.folders, out, decisions=decisions)
    events = read_sources(out).events.set_index("event_id_cnty")
    assert events.loc[picked[0], "fatalities"] == 42


def test_bad_and_stale_decisions_are_listed(made, tmp_path):
    out = tmp_path / "merged"
    decisions = adjudicate(*made.folders, out).decisions
    tables = _fill(decisions, _b_everywhere)
    tables[0]["choice"] = "c"
    tables[1]["choice"] = "value"  # without a value
    tables.append({**tables[2], "id_a": "LBY999999", "choice": "a"})
    decisions.write_text(tomli_w.dumps({"decisions": tables}), encoding="utf-8")
    with pytest.raises(AdjudicationError, match="3 decisions left") as caught:
        adjudicate(*made.folders, out, decisions=decisions)
    problems = [left["problem"] for left in caught.value.left]
    assert "choice 'c' is not one of a, b, value" in problems[0] or "keep, drop" in problems[0]
    assert 'choice "value" needs value = ...' in problems
    assert "stale" in problems
    assert not out.exists()


def test_other_tables_of_a_report_are_carried_through(tmp_path):
    made = synthetic_codings(tmp_path / "coded", events=12, seed=2, rates={"fatalities": 0.5})
    report = next((made.folders[0] / "reports").glob("*.toml"))
    data = tomllib.loads(report.read_text())
    cited = sorted({r["paragraph"] for r in [*data["events"], *data.get("measures", [])]})
    paragraphs = [{"number": n, "sha256": "ab" * 32, "chars": 120} for n in cited]
    report.write_text(tomli_w.dumps({**data, "paragraphs": paragraphs}), encoding="utf-8")
    out = tmp_path / "merged"
    decisions = adjudicate(*made.folders, out).decisions
    _fill(decisions, _b_everywhere)
    adjudicate(*made.folders, out, decisions=decisions)
    merged = tomllib.loads((out / "reports" / report.name).read_text())
    assert merged["paragraphs"] == paragraphs
    assert merged["report"] == data["report"]


def test_the_output_must_be_new(made, tmp_path, capsys):
    assert _run(made, tmp_path) == 2
    assert "exists; give a new folder" in capsys.readouterr().err
    with pytest.raises(InputError, match="exists"):
        adjudicate(*made.folders, tmp_path)


def test_exported():
    assert libyaevents.Adjudication.__name__ == "Adjudication"


def test_a_release_of_adjudicated_coding_records_the_agreement(made, tmp_path):
    out = tmp_path / "merged"
    decisions = adjudicate(*made.folders, out).decisions
    _fill(decisions, _b_everywhere)
    adjudicate(*made.folders, out, decisions=decisions)
    sources = read_sources(out)
    assert sources.agreement["coders"] == 2
    store = tmp_path / "store"
    assert main(["release", "build", str(out), "--version", "1.0.0", "--store", str(store),
                 "--card", "--today", "2026-12-01"]) == 0  # fmt: skip
    manifest = json.loads((store / "1.0.0" / "datapackage.json").read_text())
    recorded = manifest["x-agreement"]
    assert recorded["coders"] == 2
    assert recorded["matched_share"] == pytest.approx(58 / 62, abs=1e-4)
    assert recorded["alpha"] == sources.agreement["alpha"]
    card = (store / "1.0.0" / "card.html").read_text()
    collection = card[card.index('<section id="collection">') :]
    collection = collection[: collection.index("</section>")]
    assert "Inter-coder agreement" in collection
    assert '<b id="coders"><bdi>2</bdi></b>' in collection
    assert f"{58 / 62:.1%}" in collection
    alpha = recorded["alpha"]["fatalities"]
    assert f"<td><bdi>fatalities</bdi></td><td><bdi>{alpha:.3f}</bdi></td>" in collection
    undefined = [name for name, value in recorded["alpha"].items() if value is None]
    assert undefined  # assoc_actor_2 is never coded: no variation
    assert "undefined (no variation)" in collection
    # a release of coding that was not adjudicated says nothing about agreement
    libyaevents.build_release(
        read_sources(made.folders[0]), "1.1.0", store=store, card=True, today="2026-12-01"
    )
    plain = json.loads((store / "1.1.0" / "datapackage.json").read_text())
    assert "x-agreement" not in plain
    assert "Inter-coder agreement" not in (store / "1.1.0" / "card.html").read_text()
