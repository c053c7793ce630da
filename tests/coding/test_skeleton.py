"""`new_report` and `code new`: a report's text becomes the skeleton of its coding."""

from __future__ import annotations

import shutil
import tomllib

import pytest

import libyaevents
from libyaevents.readers.coded import sources_folder
from tests.coding.test_paragraphs import REPORT
from tests.conftest import SEED_ID


def _read(path):
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_the_skeleton_has_the_report_table_and_fingerprints_only(coded, report_file):
    path = libyaevents.new_report(report_file, "r0001", coded, coded_on="2026-12-07")
    assert path == coded / "reports" / "r0001.toml"
    written = _read(path)
    bundled = _read(coded / "reports" / f"{SEED_ID}.toml")
    assert list(written["report"]) == list(bundled["report"])
    assert written["report"]["title"] == "12 \u2013 18 March: talks resume in Geneva"
    assert str(written["report"]["published"]) == "2021-03-19"
    assert str(written["report"]["coded"]) == "2026-12-07"
    assert [p["number"] for p in written["paragraphs"]] == [1, 2, 3]
    assert {tuple(p) for p in written["paragraphs"]} == {("number", "sha256", "chars")}
    # nothing of the report's wording is in the file, not even in comments
    text = path.read_text(encoding="utf-8")
    for paragraph in REPORT.split("\n\n")[2:]:
        for word in ("delegations", "envoy", "constructive", "round"):
            assert word not in text, paragraph
    # the folder still compiles and validates with the new report in it
    assert libyaevents.read_sources(coded).validate(today="2026-12-07").ok


def test_given_header_values_win_over_the_report(coded, report_file):
    path = libyaevents.new_report(
        report_file, "r0001", coded, title="Geneva talks", published="2021-03-20",
        section="Politics", source=["Libya weekly digest", "UN"],
        source_scale="International",
    )  # fmt: skip
    head = _read(path)["report"]
    assert (head["title"], str(head["published"]), head["section"]) == (
        "Geneva talks", "2021-03-20", "Politics",
    )  # fmt: skip
    assert head["source"] == ["Libya weekly digest", "UN"]


def test_a_report_without_dateline_needs_the_header_values(coded, tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("One paragraph.\n\nAnother.\n", encoding="utf-8")
    with pytest.raises(libyaevents.InputError, match=r"no dateline.*pass --title"):
        libyaevents.new_report(path, "r0002", coded)
    written = libyaevents.new_report(
        path, "r0002", coded, title="T", published="2021-01-01", section="S"
    )
    assert len(_read(written)["paragraphs"]) == 2


def test_an_id_already_coded_is_refused(coded, report_file):
    with pytest.raises(libyaevents.ReportExistsError, match="already coded") as caught:
        libyaevents.new_report(report_file, SEED_ID, coded)
    assert isinstance(caught.value, FileExistsError)
    before = (coded / "reports" / f"{SEED_ID}.toml").read_bytes()
    # the same id under another file name is refused too
    shutil.copy(coded / "reports" / f"{SEED_ID}.toml", coded / "reports" / "renamed.toml")
    (coded / "reports" / f"{SEED_ID}.toml").unlink()
    with pytest.raises(libyaevents.ReportExistsError, match=r"renamed\.toml"):
        libyaevents.new_report(report_file, SEED_ID, coded)
    assert (coded / "reports" / "renamed.toml").read_bytes() == before


@pytest.mark.parametrize("bad", ["", "../escape", "a/b", "has space", ".hidden"])
def test_an_id_that_is_no_file_name_is_refused(coded, report_file, bad):
    with pytest.raises(libyaevents.InputError, match="not usable as a file name"):
        libyaevents.new_report(report_file, bad, coded)


def test_the_seed_report_gives_the_bundled_paragraphs(seed_report, tmp_path):
    path = libyaevents.new_report(seed_report, SEED_ID, tmp_path / "fresh")
    bundled = _read(sources_folder() / "reports" / f"{SEED_ID}.toml")
    assert _read(path)["paragraphs"] == bundled["paragraphs"]
    cited = {e["paragraph"] for e in bundled["events"]} | {
        m["paragraph"] for m in bundled["measures"]
    }
    assert cited == {p["number"] for p in bundled["paragraphs"]} == {1, 2, 3}
