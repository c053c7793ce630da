"""The decisions file: every coder's value, the majority's suggestion, its checks."""

from __future__ import annotations

import tomllib

import pytest
import tomli_w

from libyaevents import AdjudicationError, ReadError, adjudicate, agree_codings
from libyaevents.coding.decisions import decisions_text, parse_decisions, settle
from libyaevents.coding.majority import suggestions
from libyaevents.coding.synthetic import synthetic_codings

#: The header the two-coder version wrote (before three or more coders).
OLD_HEADER = """\
# Adjudication of two codings: a = {a}, b = {b}.
# For each [[decisions]] below, set choice to "a" or "b" (whose value to keep), or to
# "value" and add value = ... (written as in a coded file). For an event or measure
# only one coder found (field = "event" / "measure"), set choice to "keep" or "drop".
# Say why in reason (the manual's section, what the report says): the file is kept
# beside the merged coding as its audit trail. Then run `libyaevents code adjudicate`
# again with --decisions pointing here.

"""


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    folder = tmp_path_factory.mktemp("three")
    made = synthetic_codings(folder, events=120, coders=3, seed=5, dropped=3, added=2)
    return made, agree_codings(made.folders, draws=0)


def _tables(agreement):
    return tomllib.loads(decisions_text(agreement))["decisions"]


def test_every_coder_is_listed_under_its_label(three):
    made, agreement = three
    data = tomllib.loads(decisions_text(agreement))
    assert data["coders"] == {c: str(f) for c, f in zip("abc", made.folders, strict=True)}
    tables = data["decisions"]
    assert len(tables) == len(agreement.disagreements)
    found_by_all = [t for t in tables if {"id_a", "id_b", "id_c"} <= set(t)]
    assert found_by_all
    for table in tables:
        if table["field"] in ("event", "measure"):
            assert table["found_by"] == [c for c in "abc" if f"id_{c}" in table]
            assert len(table["found_by"]) < 3


def test_the_majority_is_suggested_never_chosen(three):
    _, agreement = three
    tables = _tables(agreement)
    assert all(t["choice"] == "" for t in tables)
    for table in tables:
        if table["field"] in ("event", "measure"):
            found = len(table["found_by"])
            assert table.get("suggested") == ("keep" if found == 2 else "drop")
            continue
        coded = [c for c in "abc" if f"id_{c}" in table]
        values = [repr(table.get(c)) for c in coded]
        agreeing = {c: values.count(repr(table.get(c))) for c in coded}
        majority = [c for c in coded if 2 * agreeing[c] > len(coded)]
        assert table.get("suggested") == (majority[0] if majority else None), table
    suggested = [t.get("suggested") for t in tables]
    # coder b and c planted values independently: most differences are one coder's
    assert suggested.count("a") > len(tables) / 2
    assert None in suggested  # a unit two coders found, and they disagree


def test_two_coders_never_have_a_majority(tmp_path):
    made = synthetic_codings(tmp_path, events=30, seed=3, dropped=1, added=1)
    agreement = agree_codings(made.folders, draws=0)
    assert agreement.disagreements
    assert suggestions(agreement) == {}
    assert "suggested" not in decisions_text(agreement)


def _old_format(new_text, folders):
    """A decisions file as the two-coder version wrote it: no [coders], no found_by."""
    tables = tomllib.loads(new_text)["decisions"]
    for table in tables:
        table.pop("found_by", None)
    head = OLD_HEADER.format(a=folders[0], b=folders[1])
    return head + tomli_w.dumps({"decisions": tables})


def test_a_file_of_the_two_coder_version_applies_unchanged(tmp_path):
    made = synthetic_codings(tmp_path / "coded", events=60, seed=11, dropped=2, added=2)
    first = adjudicate(made.folders, tmp_path / "new")
    tables = tomllib.loads(first.decisions.read_text(encoding="utf-8"))["decisions"]
    for table in tables:
        unit = table["field"] in ("event", "measure")
        table["choice"] = ("keep" if "id_a" in table else "drop") if unit else "b"
        table["reason"] = "checked against the report"
    new_text = tomli_w.dumps({"coders": {"a": "a", "b": "b"}, "decisions": tables})
    first.decisions.write_text(new_text, encoding="utf-8")
    old = tmp_path / "old-decisions.toml"
    old.write_text(_old_format(new_text, made.folders), encoding="utf-8")
    assert "[coders]" not in old.read_text(encoding="utf-8")
    done_new = adjudicate(made.folders, tmp_path / "new", decisions=first.decisions)
    done_old = adjudicate(*made.folders, tmp_path / "old", decisions=old)  # the old call too
    for report in sorted((tmp_path / "new" / "reports").iterdir()):
        assert (tmp_path / "old" / "reports" / report.name).read_text() == report.read_text()
    assert done_old.counts == done_new.counts
    assert done_old.counts["events"]["dropped"] == 2  # the events only b found
    assert set(done_old.decided["by"]) == {"adjudicator"}


def test_a_file_for_other_coders_is_refused(three, tmp_path):
    made, agreement = three
    two = synthetic_codings(tmp_path, events=120, seed=5, dropped=3, added=2)
    old = tmp_path / "two.toml"
    old.write_text(decisions_text(agree_codings(two.folders, draws=0)), encoding="utf-8")
    with pytest.raises(ReadError, match=r"two\.toml: written for coders a, b, but 3 codings"):
        adjudicate(made.folders, tmp_path / "merged", decisions=old)
    # a file of the two-coder version (no [coders] table) is read as a and b: refused too
    bare = tmp_path / "bare.toml"
    bare.write_text(tomli_w.dumps({"decisions": _tables(agreement)}), encoding="utf-8")
    with pytest.raises(ReadError, match="written for coders a, b, but 3 codings are"):
        adjudicate(made.folders, tmp_path / "merged", decisions=bare)
    stray = {"report": "r", "kind": "event", "field": "event", "id_c": "LBY1"}
    with pytest.raises(ReadError, match="decision 1 names coder c's id, but the coders are a, b"):
        parse_decisions(tomli_w.dumps({"decisions": [stray]}), "stray.toml")
    assert not (tmp_path / "merged").exists()


def test_a_repeated_decision_is_refused():
    table = {"report": "r1", "kind": "event", "field": "fatalities", "id_a": "LBY1",
             "id_b": "LBY2", "choice": "a"}  # fmt: skip
    text = tomli_w.dumps({"decisions": [table, {**table, "choice": "b"}]})
    with pytest.raises(ReadError, match=r"f\.toml: decision 2 repeats decision 1"):
        parse_decisions(text, "f.toml")


def _decided(agreement, choose):
    text = decisions_text(agreement)
    data = tomllib.loads(text)
    for table in data["decisions"]:
        table["choice"] = choose(table)
    return parse_decisions(tomli_w.dumps(data), "d.toml", agreement.coders)


def _valid(table):
    if table["field"] in ("event", "measure"):
        return "keep"
    return next(c for c in "abc" if f"id_{c}" in table)


def test_a_choice_naming_no_coder_is_listed_with_its_decision_number(three):
    _, agreement = three
    tables = _tables(agreement)
    number, partial = next(
        (n, t)
        for n, t in enumerate(tables[1:], start=2)
        if t["field"] not in ("event", "measure") and "id_b" not in t
    )  # a unit a and c found, b did not: b's value cannot be chosen
    decided = _decided(
        agreement, lambda t: "d" if t == tables[0] else "b" if t == partial else _valid(t)
    )
    with pytest.raises(AdjudicationError, match="2 decisions left") as caught:
        settle(agreement, decided, "d.toml")
    message = str(caught.value)
    first = tables[0]
    shown = "a, b, c, value" if first["field"] not in ("event", "measure") else "keep, drop"
    assert f"decision 1: {first['report']}" in message
    assert f"choice 'd' is not one of {shown}" in message
    assert f"decision {number}: {partial['report']}" in message
    assert "coder b did not code this event; choose one of a, c, value" in message


def test_accepting_the_majority_leaves_only_what_it_cannot_decide(three):
    _, agreement = three
    undecided = _decided(agreement, lambda t: "")
    with pytest.raises(AdjudicationError) as caught:
        settle(agreement, undecided, "d.toml", accept_majority=True)
    left = caught.value.left
    assert {row["problem"] for row in left} == {"no choice"}
    without = [t for t in _tables(agreement) if "suggested" not in t]
    assert len(left) == len(without)
    # the adjudicator's choice wins over the majority's
    first = next(t for t in _tables(agreement) if t.get("suggested") == "a")

    def choose(table):
        if table == first:
            return "c"
        return "" if "suggested" in table else _valid(table)

    decided = _decided(agreement, choose)
    done = settle(agreement, decided, "d.toml", accept_majority=True)
    by = {key: (d["choice"], d["by"]) for key, d in done.items()}
    keys = [r.key() for r in agreement.disagreements if r.field == first["field"]
            and r.ids["a"] == first.get("id_a")]  # fmt: skip
    assert by[keys[0]] == ("c", "adjudicator")
    assert {d["by"] for d in done.values()} == {"adjudicator", "majority"}


def test_the_values_of_a_dropped_unit_need_no_decision(three):
    _, agreement = three
    tables = _tables(agreement)
    unit = next(t for t in tables if t["field"] == "event" and len(t["found_by"]) == 2
                and any(o["field"] != "event" and o.get("id_a") == t.get("id_a")
                        and o.get("id_c") == t.get("id_c") for o in tables))  # fmt: skip

    def choose(table):
        same = all(table.get(f"id_{c}") == unit.get(f"id_{c}") for c in "abc")
        if same:
            return "drop" if table["field"] == "event" else ""
        return _valid(table)

    done = settle(agreement, _decided(agreement, choose), "d.toml")
    assert len(done) == len(agreement.disagreements)
    moot = [d for key, d in done.items() if key[2] != "event" and d["choice"] == "drop"]
    assert moot
    assert all(d == {"choice": "drop", "by": "adjudicator", "reason": "dropped with its unit"}
               for d in moot)  # fmt: skip
