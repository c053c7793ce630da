"""Coded sources: compiling TOML into tables, and errors that name file and line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import libyaevents
from libyaevents.cli import main
from libyaevents.errors import ReadError
from libyaevents.readers.coded import sources_folder

REPORT = "reports/f8806eb3f3e19e34.toml"
TODAY = "2026-11-29"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "coded"
    shutil.copytree(sources_folder(), target)
    return target


def _edit(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace the first ``count`` occurrences of ``old``; return the line of the first one."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def test_compiled_tables_derive_columns_from_what_coders_write(folder):
    sources = libyaevents.read_sources(folder)
    events = sources.tables["events"].set_index("event_id_cnty")
    lavrov = events.loc["LBY6"]
    assert lavrov["actor1"] == "House of Representatives of Libya (2014-)"
    assert lavrov["assoc_actor_2"] == "Sergei Lavrov"
    assert (lavrov["inter1"], lavrov["inter2"], lavrov["interaction"]) == (1, 8, 18)
    assert (lavrov["year"], lavrov["disorder_type"]) == (2020, "Strategic developments")
    assert lavrov["source"] == "Libya weekly digest; HoR spokesperson"  # its own, not the report's
    assert events.loc["LBY1", "interaction"] == 10  # one-sided
    assert events.loc["LBY5", "source"] == "Libya weekly digest"  # the report's default
    assert events.loc["LBY5", "timestamp"] == 1_795_910_400  # the report's coding day, UTC
    assert sources.reports["report_id"].tolist() == ["f8806eb3f3e19e34"]


def _where(failures):
    """``file:line`` of each failure."""
    return failures["source"] + ":" + failures["line"].astype("str")


def test_a_bad_value_is_reported_at_its_file_and_line(folder):
    line = _edit(folder / REPORT, "fatalities = 0", "fatalities = -2")
    report = libyaevents.read_sources(folder).validate(today=TODAY)
    assert not report.ok
    (failure,) = report.failures.to_dict("records")
    assert failure["code"] == "out-of-range"
    assert failure["record_id"] == "LBY1"
    assert (failure["source"], failure["line"]) == (str(folder / REPORT), line)
    assert f"{REPORT}:{line}" in report.summary()


def test_a_derived_column_is_reported_at_the_key_it_comes_from(folder):
    line = _edit(folder / REPORT, 'sub_event_type = "Agreement"', 'sub_event_type = "Agreed"')
    report = libyaevents.read_sources(folder).validate(today=TODAY)
    sources = set(_where(report.failures))
    assert sources == {f"{folder / REPORT}:{line}"}  # sub_event_type, and disorder_type from it


def test_actor_errors_point_into_actors_toml(folder):
    line = _edit(folder / "actors.toml", "inter_code = 3", "inter_code = 9")
    report = libyaevents.read_sources(folder).validate(today=TODAY)
    actor_rows = report.failures[report.failures["table"] == "actors"]
    assert _where(actor_rows).tolist() == [f"{folder / 'actors.toml'}:{line}"]


def test_structural_problems_are_all_listed_with_lines_and_hints(folder):
    typo = _edit(folder / REPORT, "geo_precision = 1", "geo_prec = 1")
    actor = _edit(folder / REPORT, 'actor2 = "kaniyat-militia"', 'actor2 = "kaniyat-militya"')
    place = _edit(folder / REPORT, 'place = "moscow"', 'place = "moskow"')
    with pytest.raises(ReadError) as err:
        libyaevents.read_sources(folder)
    text = str(err.value)
    assert (
        f"{REPORT}:{typo}: events LBY5: unknown key 'geo_prec'; did you mean 'geo_precision'?"
        in text
    )
    assert "events LBY5: 'geo_precision' is missing" in text
    assert f"{REPORT}:{actor}: events LBY7: actor2 'kaniyat-militya'" in text
    assert "did you mean 'kaniyat-militia'?" in text
    assert f"{REPORT}:{place}: events LBY5: place 'moskow' is not a known place" in text
    assert text.startswith("4 problems in the coded sources")


def test_list_keys_must_be_lists(folder):
    line = _edit(folder / REPORT, 'assoc_actor_2 = ["mohammed-al-kani"]',
                 'assoc_actor_2 = "mohammed-al-kani"')  # fmt: skip
    with pytest.raises(ReadError, match=rf"{REPORT}:{line}: .*'assoc_actor_2' must be a list"):
        libyaevents.read_sources(folder)


def test_toml_syntax_errors_name_the_file_and_line(folder):
    _edit(folder / REPORT, 'status = "Blocked"', 'status = "Blocked')
    with pytest.raises(ReadError, match=r"not valid TOML: .*line \d+"):
        libyaevents.read_sources(folder)


def test_non_utf8_and_missing_files_are_read_errors(folder):
    (folder / "places.toml").write_bytes("# caf\xe9\n".encode("cp1252"))
    with pytest.raises(ReadError, match="not UTF-8"):
        libyaevents.read_sources(folder)
    (folder / "places.toml").unlink()
    with pytest.raises(ReadError, match=r"places\.toml: no such file"):
        libyaevents.read_sources(folder)


def test_no_reports_is_an_error(folder):
    shutil.rmtree(folder / "reports")
    with pytest.raises(ReadError, match="no report files"):
        libyaevents.read_sources(folder)


def test_duplicate_ids_across_report_files_are_caught(folder):
    shutil.copy(folder / REPORT, folder / "reports" / "copy.toml")
    report = libyaevents.read_sources(folder).validate(today=TODAY)
    duplicates = report.failures[report.failures["code"] == "duplicate"]
    assert len(duplicates) > 0
    assert _where(duplicates).str.contains(r"reports/(?:copy|f8806eb3f3e19e34)\.toml:\d+").all()


def test_inline_records_still_compile_without_per_record_lines(folder):
    path = folder / "places.toml"
    text = path.read_text(encoding="utf-8")
    extra = 'extra = [{ id = "x" }]\n'
    path.write_text(extra + text, encoding="utf-8")  # an unknown top-level key is ignored
    assert libyaevents.read_sources(folder).validate(today=TODAY).ok


def test_cli_validates_a_sources_folder_and_build_refuses_bad_sources(folder, tmp_path, capsys):
    assert main(["validate", str(folder), "--today", TODAY]) == 0
    line = _edit(folder / REPORT, "time_precision = 1", "time_precision = 7")
    assert main(["validate", str(folder), "--today", TODAY]) == 1
    assert f"{REPORT}:{line}" in capsys.readouterr().out
    store = tmp_path / "store"
    args = ["release", "build", str(folder), "--version", "1.0.0", "--store", str(store)]
    assert main([*args, "--today", TODAY]) == 1
    assert re.search(rf"{REPORT}:{line}", capsys.readouterr().err)
    assert not store.exists() or not any(store.iterdir())


def test_cli_builds_a_release_from_sources_with_the_report_cited(tmp_path, capsys):
    store = tmp_path / "store"
    args = ["release", "build", str(sources_folder()), "--version", "0.1.0"]
    assert main([*args, "--store", str(store), "--today", TODAY]) == 0
    assert "built release 0.1.0" in capsys.readouterr().out
    manifest = (store / "0.1.0" / "datapackage.json").read_text(encoding="utf-8")
    assert '"x-report-id": "f8806eb3f3e19e34"' in manifest
    assert libyaevents.verify_release("0.1.0", store=store).ok


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [("event_date = 2020-10-23", "event_date = 2020-10-23T10:00:00", "'event_date' must be a date"),
     ("paragraph = 1\n", 'paragraph = "one"\n', "'paragraph' must be a whole number"),
     ("fatalities = 0", "fatalities = 12345678901234567", None),
     ("fatalities = 0", 'fatalities = "0"', "'fatalities' must be a whole number")],
)  # fmt: skip
def test_toml_type_mistakes_are_problems_at_their_line(folder, old, new, message):
    line = _edit(folder / REPORT, old, new)
    if message is None:  # a whole number too large for the column: a validation failure
        report = libyaevents.read_sources(folder).validate(today=TODAY)
        assert set(report.failures["code"]) == {"type"}
        assert (
            report.failures["source"] + ":" + report.failures["line"].astype("str")
        ).tolist() == [f"{folder / REPORT}:{line}"]
        return
    with pytest.raises(ReadError, match=message) as failure:
        libyaevents.read_sources(folder)
    assert f"{REPORT}:{line}:" in str(failure.value)


# -- paragraphs ------------------------------------------------------------------


def test_the_reports_paragraphs_are_a_table_with_file_and_line(folder):
    paragraphs = libyaevents.read_sources(folder).paragraphs
    assert paragraphs.columns.tolist() == [
        "report_id", "paragraph", "sha256", "chars", "source", "line",
    ]  # fmt: skip
    assert paragraphs["paragraph"].tolist() == [1, 2, 3]
    assert set(paragraphs["report_id"]) == {"f8806eb3f3e19e34"}
    text = (folder / REPORT).read_text(encoding="utf-8").splitlines()
    for row in paragraphs.itertuples(index=False):
        assert row.source == str(folder / REPORT)
        assert text[row.line - 1] == "[[paragraphs]]"
        assert text[row.line] == f"number = {row.paragraph}"


def test_a_record_citing_a_paragraph_the_report_lacks_is_reported_at_its_line(folder):
    line = _edit(folder / REPORT, "paragraph = 2", "paragraph = 4")  # LBY5
    with pytest.raises(ReadError, match="1 problems") as caught:
        libyaevents.read_sources(folder)
    assert f"{REPORT}:{line}: events LBY5: paragraph 4 is not in report" in str(caught.value)
    assert "[[paragraphs]] are 1, 2, 3" in str(caught.value)


def test_a_measure_citing_a_paragraph_the_report_lacks_is_reported(folder):
    line = _edit(
        folder / REPORT,
        'measure_id = "LBYM1"\nparagraph = 1',
        'measure_id = "LBYM1"\nparagraph = 9',
    )
    with pytest.raises(ReadError, match=rf"{REPORT}:{line + 1}: measures LBYM1: paragraph 9"):
        libyaevents.read_sources(folder)


def test_without_a_paragraph_list_any_paragraph_is_accepted_as_before(folder):
    text = (folder / REPORT).read_text(encoding="utf-8")
    start, end = text.index("[[paragraphs]]"), text.index("# -- paragraph 3")
    (folder / REPORT).write_text(text[:start] + text[end:], encoding="utf-8")
    _edit(folder / REPORT, "paragraph = 2", "paragraph = 4")
    sources = libyaevents.read_sources(folder)
    assert sources.paragraphs.empty
    assert "para. 4" in set(sources.events["report_section"].str[-7:])


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("number = 2\n", "number = 1\n", "paragraph 1 is listed twice"),
        ('sha256 = "5eac', 'sha256 = "5EAC', "'sha256' must be 64 lower-case hex digits"),
        ("chars = 480", 'chars = "480"', "'chars' must be a whole number"),
    ],
)
def test_malformed_paragraph_tables_are_reported_at_their_line(folder, old, new, says):
    line = _edit(folder / REPORT, old, new)
    with pytest.raises(ReadError, match=re.escape(f"{REPORT}:{line}: paragraphs ")) as caught:
        libyaevents.read_sources(folder)
    assert says in str(caught.value)
