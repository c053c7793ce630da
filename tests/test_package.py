"""The package people depend on: one version everywhere, a changelog per version."""

from __future__ import annotations

import datetime as dt
import re

import libyaevents
from libyaevents.cli import main
from tests.conftest import ROOT

#: The six kinds of change Keep a Changelog 1.1.0 names.
KINDS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")
SECTION = re.compile(r"^## \[(?P<name>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?$", re.M)


def _changelog() -> str:
    return (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def _sections() -> list[tuple[str, str | None]]:
    return [(m["name"], m["date"]) for m in SECTION.finditer(_changelog())]


def test_the_command_line_says_the_package_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"libyaevents {libyaevents.__version__}"


def test_the_changelog_has_a_section_for_this_version_under_unreleased():
    sections = _sections()
    assert sections[0] == ("Unreleased", None), "## [Unreleased] comes first"
    released = sections[1:]
    assert released[0][0] == libyaevents.__version__, (
        f"CHANGELOG.md's newest section is {released[0][0]}, the package is "
        f"{libyaevents.__version__}: add ## [{libyaevents.__version__}] - DATE"
    )
    dates = [dt.date.fromisoformat(date) for _, date in released if date]
    assert len(dates) == len(released), "every released version has a date"
    assert dates == sorted(dates, reverse=True), "newest first"


def test_the_changelog_is_in_keep_a_changelog_form():
    text = _changelog()
    kinds = set(re.findall(r"^### (.+)$", text, re.M))
    assert kinds <= set(KINDS), f"subsections other than Keep a Changelog's: {kinds - set(KINDS)}"
    links = dict(re.findall(r"^\[([^\]]+)\]: (\S+)$", text, re.M))
    for name, _ in _sections():
        assert name in links, f"no link reference [{name}]: at the bottom of CHANGELOG.md"
    assert links["Unreleased"].endswith(f"v{libyaevents.__version__}...HEAD")


def test_the_docs_say_which_data_release_this_version_ships():
    bundled = libyaevents.list_releases()[-1]
    said = f"library {libyaevents.__version__} ships data release {bundled}"
    for page in (ROOT / "README.md", ROOT / "docs" / "releases.md"):
        text = " ".join(page.read_text(encoding="utf-8").split())
        assert said in text.lower(), f"{page.name} should say {said!r}"
