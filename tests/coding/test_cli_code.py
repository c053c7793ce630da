"""`libyaevents code new | check | conventions` through the command line."""

from __future__ import annotations

import json
import subprocess
import sys

from libyaevents.cli import main
from libyaevents.coding.conventions import markdown
from libyaevents.readers.coded import sources_folder
from tests.coding.test_check import REPORT, TODAY, edit
from tests.coding.test_paragraphs import REPORT as OWN_REPORT
from tests.conftest import SEED_ID


def test_code_new_writes_the_skeleton_and_exits_0(coded, report_file, capsys):
    assert main(["code", "new", str(report_file), "--id", "r0001", "-o", str(coded)]) == 0
    assert "r0001.toml" in capsys.readouterr().out
    assert (coded / "reports" / "r0001.toml").is_file()


def test_code_new_exits_2_on_an_existing_id_or_an_empty_file(coded, report_file, capsys):
    assert main(["code", "new", str(report_file), "--id", SEED_ID, "-o", str(coded)]) == 2
    assert "already coded" in capsys.readouterr().err
    empty = report_file.with_name("empty.txt")
    empty.write_bytes(b"")
    assert main(["code", "new", str(empty), "--id", "r0009", "-o", str(coded)]) == 2
    assert "is empty" in capsys.readouterr().err
    assert not (coded / "reports" / "r0009.toml").exists()


def test_code_new_takes_the_header_options(coded, report_file):
    args = [
        "code", "new", str(report_file), "--id", "r0001", "-o", str(coded),
        "--title", "Geneva", "--published", "2021-03-20", "--section", "Politics",
        "--source", "Libya weekly digest", "--source", "UN", "--coded", "2026-12-07",
    ]  # fmt: skip
    assert main(args) == 0
    text = (coded / "reports" / "r0001.toml").read_text(encoding="utf-8")
    assert 'title = "Geneva"' in text
    assert "published = 2021-03-20" in text
    assert '"UN",' in text
    assert main([*args[:7], "--published", "20 March"]) == 2  # usage error


def test_code_check_exit_codes_0_1_2(coded, report_file, capsys):
    main(["code", "new", str(report_file), "--id", "r0001", "-o", str(coded)])
    assert main(["code", "check", str(coded), "--today", TODAY, "--report", str(report_file),
                 "--release", "0.1.0"]) == 0  # fmt: skip
    assert "valid: 7 events" in capsys.readouterr().out
    line = edit(coded / REPORT, "LBY5", "fatalities = 0", "fatalities = 2")
    assert main(["code", "check", str(coded), "--today", TODAY]) == 1
    out = capsys.readouterr().out
    assert "fatalities-not-stated" in out
    assert f"{REPORT}:{line})" in out
    assert main(["code", "check", str(coded / "nope")]) == 2
    assert "no such file" in capsys.readouterr().err
    stranger = report_file.with_name("digest.txt")
    stranger.write_text(OWN_REPORT, encoding="utf-8")
    assert main(["code", "check", str(coded), "--report", str(stranger)]) == 2
    assert "names no coded report" in capsys.readouterr().err
    assert main(["code", "check", str(coded), "--release", "9.9.9"]) == 2


def test_code_check_json_is_one_problem_table(coded, capsys):
    edit(coded / REPORT, "LBY7", '"kaniyat-militia"', '"kaniyat-milita"')
    assert main(["code", "check", str(coded), "--today", TODAY, "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    (failure,) = data["failures"]
    assert failure["code"] == "actor-unresolved"
    assert "did you mean 'kaniyat-militia'?" in failure["message"]
    assert set(failure) >= {"source", "line", "record_id", "column", "value", "message"}


def test_code_conventions_prints_and_writes_the_manual_table(tmp_path, capsys):
    assert main(["code", "conventions"]) == 0
    assert capsys.readouterr().out == markdown()
    manual = tmp_path / "manual.md"
    from libyaevents.coding.conventions import BEGIN, END

    manual.write_text(f"# M\n\n{BEGIN}\n{END}\n", encoding="utf-8")
    assert main(["code", "conventions", "--write", str(manual)]) == 0
    assert "| `measure-dates` | 4 |" in manual.read_text(encoding="utf-8")
    assert main(["code", "conventions", "--write", str(manual)]) == 0
    assert "up to date" in capsys.readouterr().out.splitlines()[-1]


def test_code_check_runs_as_a_program(seed_report):
    done = subprocess.run(
        [sys.executable, "-m", "libyaevents", "code", "check", str(sources_folder()),
         "--report", str(seed_report), "--today", TODAY],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert SEED_ID not in done.stderr
