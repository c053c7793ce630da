"""`check_coding`: one problem table, every row at the file and line to fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import libyaevents
from libyaevents.coding.conventions import CONVENTIONS
from libyaevents.problems import PROBLEM_COLUMNS
from tests.coding.test_paragraphs import REPORT as OWN_REPORT
from tests.conftest import SEED_ID

TODAY = "2026-11-29"
REPORT = f"reports/{SEED_ID}.toml"


def edit(path: Path, record: str | None, old: str, new: str) -> int:
    """Replace the first ``old`` after ``record``'s id line; return the line edited."""
    text = path.read_text(encoding="utf-8")
    start = 0 if record is None else text.index(f'= "{record}"\n')
    at = text.index(old, start)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return text[:at].count("\n") + 1


def key_line(path: Path, record: str, key: str | None) -> int:
    """Line of ``key`` in the record with this id (its ``[[...]]`` header without the key)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.endswith(f'= "{record}"'))
    header = next(i for i in range(at, -1, -1) if lines[i].startswith("[["))
    for i in range(header + 1, len(lines)):
        if lines[i].startswith("[["):
            break
        if key is not None and lines[i].startswith(f"{key} ="):
            return i + 1
    return header + 1


def check(coded: Path, **kw) -> libyaevents.ValidationReport:
    return libyaevents.check_coding(coded, today=TODAY, **kw)


def test_the_bundled_coding_passes_every_check(seed_report):
    report = libyaevents.check_coding(today=TODAY, reports=[seed_report], release="0.1.0")
    assert report.ok, report.summary()
    assert report.failures.columns.tolist() == list(PROBLEM_COLUMNS)
    assert report.rows == {"events": 7, "actors": 14, "measures": 8}


#: (convention, file, record, old, new, column whose line is reported)
MUTATIONS = [
    ("event-id-prefix", REPORT, "LBY5", '"LBY5"', '"LBA5"', "event_id_cnty"),
    ("location-tag-precision", REPORT, "LBY3", "geo_precision = 3", "geo_precision = 1",
     "geo_precision"),
    ("location-tag-unknown", REPORT, "LBY3", "location=not reported", "location=unknown", "tags"),
    ("date-after-report", REPORT, "LBY5", "2020-11-24", "2020-12-05", "event_date"),
    ("relative-date-precise", REPORT, "LBY2", "time_precision = 2", "time_precision = 1",
     "time_precision"),
    ("coarse-date-untagged", REPORT, "LBY3", "time_precision = 1", "time_precision = 2", "tags"),
    ("fatalities-not-stated", REPORT, "LBY5", "fatalities = 0", "fatalities = 2", "fatalities"),
    ("source-scale-combined", REPORT, "LBY6", ', "HoR spokesperson"]', "]", "source_scale"),
    ("source-scale-order", REPORT, "LBY6", '"National-International"', '"International-National"',
     "source_scale"),
    ("person-main-actor", REPORT, "LBY5", 'actor1 = "house-of-representatives"',
     'actor1 = "aqeela-saleh"', "actor1"),
    ("person-role", "actors.toml", "mohammed-al-kani", 'role = "leader"\n', "", None),
    ("measure-event-paragraph", REPORT, "LBYM1", "paragraph = 1", "paragraph = 2", "paragraph"),
    ("measure-dates", REPORT, "LBYM5", 'status = "Proposed"\n',
     'status = "Proposed"\nstart_date = 2020-11-23\n', "start_date"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("code", "file", "record", "old", "new", "column"), MUTATIONS, ids=[m[0] for m in MUTATIONS]
)
def test_each_convention_broken_once_is_reported_once_at_its_line(
    coded, code, file, record, old, new, column
):
    path = coded / file
    edit(path, record, old, new)
    renamed = "LBA5" if code == "event-id-prefix" else record
    line = key_line(path, renamed, column)
    failures = check(coded).failures
    assert failures["code"].tolist() == [code], failures.to_dict("records")
    (row,) = failures.to_dict("records")
    assert (row["source"], row["line"]) == (str(path), line)
    assert row["record_id"] == renamed
    assert row["column"] == (column or "role")
    assert f"manual {CONVENTIONS[code].section}" in row["message"]


def test_every_convention_has_a_mutation_test():
    assert {m[0] for m in MUTATIONS} | {"note-copied"} == set(CONVENTIONS)


def test_a_note_copied_from_the_report_is_caught_when_the_text_is_given(coded, seed_report):
    words = libyaevents.coding.paragraphs.read_report(seed_report).paragraphs[1].text.split()
    copied = " ".join(words[2:12])  # ten words of paragraph 2, taken at run time
    line = edit(coded / REPORT, "LBY5", 'notes = "', f'notes = "{copied}. ')
    assert check(coded).ok  # without the text, nothing to compare with
    failures = check(coded, reports=[seed_report]).failures
    assert failures[["code", "record_id", "line"]].to_dict("records") == [
        {"code": "note-copied", "record_id": "LBY5", "line": line}
    ]


def test_a_misspelt_actor_id_is_reported_once_with_the_right_suggestion(coded):
    line = edit(coded / REPORT, "LBY7", '"kaniyat-militia"', '"kaniyat-milita"')
    failures = check(coded).failures
    (row,) = failures.to_dict("records")
    assert (row["code"], row["line"], row["column"], row["value"]) == (
        "actor-unresolved", line, "actor2", "kaniyat-milita",
    )  # fmt: skip
    assert "did you mean 'kaniyat-militia'?" in row["message"]
    assert "actors.toml" in row["message"]


def test_an_alias_where_an_id_belongs_suggests_the_id(coded):
    edit(coded / REPORT, "LBY5", 'actor2 = "government-of-russia"', 'actor2 = "Russia"')
    (row,) = check(coded).failures.to_dict("records")
    assert re.search(r"did you mean 'government-of-russia'", row["message"])


def test_a_misspelt_place_suggests_the_place(coded):
    line = edit(coded / REPORT, "LBY5", 'place = "moscow"', 'place = "moskow"')
    report = check(coded)
    (row,) = report.failures.to_dict("records")
    assert f"events record ({coded / REPORT}:{line}) id LBY5 place: [place-unresolved]" in (
        report.summary()
    )
    assert (row["code"], row["line"], row["column"]) == ("place-unresolved", line, "place")
    assert "did you mean 'moscow'?" in row["message"]


# -- report texts ----------------------------------------------------------------


@pytest.fixture
def own_report(coded: Path, tmp_path: Path) -> Path:
    """A report of the tests' own, fingerprinted into the coded folder as r0001."""
    text = tmp_path / "texts" / "0001_r0001.txt"
    text.parent.mkdir()
    text.write_text(OWN_REPORT, encoding="utf-8")
    libyaevents.new_report(text, "r0001", coded, coded_on=TODAY)
    return text


def test_an_unchanged_text_matches_its_fingerprints(coded, own_report):
    assert check(coded, reports=[own_report]).ok


def test_an_edited_paragraph_is_reported_with_both_fingerprints(coded, own_report):
    before = libyaevents.read_sources(coded).paragraphs.set_index("paragraph")
    before = before[before["report_id"] == "r0001"]
    own_report.write_text(OWN_REPORT.replace("chaired by", "led by"), encoding="utf-8")
    (row,) = check(coded, reports=[own_report]).failures.to_dict("records")
    assert row["code"] == "paragraph-changed"
    assert (row["source"], row["line"]) == (
        str(coded / "reports" / "r0001.toml"), int(before.at[2, "line"]),
    )  # fmt: skip
    assert row["record_id"] == "r0001"
    assert row["message"].startswith("paragraph 2 of 0001_r0001.txt no longer matches")
    assert before.at[2, "sha256"][:12] in row["message"]
    assert row["value"] != before.at[2, "sha256"]


def test_whitespace_changes_keep_the_fingerprints(coded, own_report):
    own_report.write_text(OWN_REPORT.replace(" ", "  ").replace("\n", "\r\n"), encoding="utf-8")
    assert check(coded, reports=[own_report]).ok


def test_a_text_with_another_paragraph_count_is_reported(coded, own_report):
    own_report.write_text(OWN_REPORT + "\nA fourth paragraph.\n", encoding="utf-8")
    (row,) = check(coded, reports=[own_report]).failures.to_dict("records")
    assert row["code"] == "paragraph-count"
    assert "has 4 paragraphs, the coding lists 3 (not listed: 4)" in row["message"]


def test_the_seed_report_matches_the_bundled_fingerprints(seed_report):
    assert libyaevents.check_coding(today=TODAY, reports=[seed_report]).ok


def test_a_text_whose_name_names_no_report_is_an_input_error(coded, tmp_path):
    path = tmp_path / "digest.txt"
    path.write_text(OWN_REPORT, encoding="utf-8")
    with pytest.raises(libyaevents.InputError, match=r"names no coded report.*f8806eb3f3e19e34"):
        check(coded, reports=[path])


# -- duplicates of a release -----------------------------------------------------


def _copy_event(path: Path, record: str, new_id: str, extra: str = "") -> int:
    """Append a copy of an event under a new id; return the line of its id."""
    text = path.read_text(encoding="utf-8")
    start = text.rindex("[[events]]", 0, text.index(f'= "{record}"'))
    end = text.find("\n[[", start + 1)
    block = text[start:end].replace(f'"{record}"', f'"{new_id}"') + extra
    path.write_text(text.rstrip() + "\n\n" + block + "\n", encoding="utf-8")
    return text.rstrip().count("\n") + 4


def test_a_new_event_duplicating_a_released_one_is_reported(coded):
    line = _copy_event(coded / REPORT, "LBY5", "LBY8")
    assert check(coded).ok  # without a release: nothing to compare with
    (row,) = check(coded, release="0.1.0").failures.to_dict("records")
    assert (row["code"], row["record_id"], row["value"], row["line"]) == (
        "possible-duplicate", "LBY8", "LBY5", line,
    )  # fmt: skip
    assert 'add the tag "distinct-from=LBY5"' in row["message"]


def test_a_distinct_from_tag_settles_a_likely_duplicate(coded):
    _copy_event(coded / REPORT, "LBY5", "LBY8", '\ntags = ["distinct-from=LBY5"]')
    assert check(coded, release="0.1.0").ok


def test_released_and_corrected_events_are_not_their_own_duplicates(coded):
    edit(coded / REPORT, "LBY5", 'notes = "', 'notes = "Corrected. ')
    edit(coded / REPORT, "LBY7", "2020-11-25", "2020-11-26")  # one day later, same id
    for measure in ("LBYM2", "LBYM3", "LBYM4"):
        edit(coded / REPORT, measure, "2020-11-25", "2020-11-26")
    assert check(coded, release="0.1.0").ok


def test_same_day_same_actors_other_sub_event_type_is_no_duplicate(coded):
    # LBY3 (a briefing) and LBY4 (the agreement reached there) share day, place, actors
    _copy_event(coded / REPORT, "LBY4", "LBY9")
    failures = check(coded, release="0.1.0").failures
    assert failures["value"].tolist() == ["LBY4"]


def test_an_unknown_release_is_an_error(coded):
    with pytest.raises(libyaevents.ReleaseNotFoundError):
        check(coded, release="9.9.9")


def test_a_misspelt_actor_id_in_a_measure_gets_suggestions_too(coded):
    line = edit(coded / REPORT, "LBYM1", '"kaniyat-militia"', '"kaniyat-milita"')
    (row,) = check(coded).failures.to_dict("records")
    assert (row["code"], row["table"], row["line"], row["column"]) == (
        "actor-unresolved", "measures", line, "target_actor_id",
    )  # fmt: skip
    assert "did you mean 'kaniyat-militia'?" in row["message"]
    edit(coded / "actors.toml", "aqeela-saleh", '"house-of-representatives"', '"house-of-reps"')
    messages = check(coded).failures.set_index("code")["message"]
    assert "did you mean 'house-of-representatives' or" in messages["parent-unresolved"]
