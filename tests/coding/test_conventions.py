"""The manual's mechanical conventions and the code that checks them are one source."""

from __future__ import annotations

import re
import shutil

import pytest

from libyaevents.coding.conventions import BEGIN, CONVENTIONS, END, markdown, write_manual
from libyaevents.errors import InputError
from libyaevents.problems import PROBLEM_CODES
from libyaevents.validation.validator import RULE_CODES
from tests.conftest import ROOT

MANUAL = ROOT / "docs" / "coding-manual.md"


def test_the_manual_lists_exactly_the_conventions_the_code_checks():
    text = MANUAL.read_text(encoding="utf-8")
    block = text.split(BEGIN, 1)[1].split(END, 1)[0]
    assert block.strip() == markdown().strip(), (
        "docs/coding-manual.md and libyaevents/coding/conventions.py disagree: run "
        "`libyaevents code conventions --write docs/coding-manual.md`"
    )


def test_every_convention_cites_a_section_the_manual_has():
    headings = set(
        re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", MANUAL.read_text(encoding="utf-8"), re.M)
    )
    for convention in CONVENTIONS.values():
        assert convention.section in headings, convention.code


def test_convention_codes_are_new_and_stable_names():
    for code in CONVENTIONS:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", code), code
        assert code not in RULE_CODES, code
        assert code not in PROBLEM_CODES, code


def test_write_manual_regenerates_the_block_and_refuses_a_file_without_markers(tmp_path):
    copy = tmp_path / "manual.md"
    shutil.copy(MANUAL, copy)
    assert write_manual(copy) is False  # already up to date
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text.replace("| `person-role` |", "| `person-rule` |"), encoding="utf-8")
    assert write_manual(copy) is True
    assert copy.read_text(encoding="utf-8") == text
    bare = tmp_path / "bare.md"
    bare.write_text("# A manual\n", encoding="utf-8")
    with pytest.raises(InputError, match="no conventions markers"):
        write_manual(bare)
