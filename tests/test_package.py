"""The package people depend on: one version everywhere, a changelog per version."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

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


# -- the wheel: built, installed into a fresh venv with its dependencies, run --------------


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """The wheel .ci/run built and checked (LIBYAEVENTS_WHEEL), else one built here."""
    given = os.environ.get("LIBYAEVENTS_WHEEL")
    if given:
        return Path(given)
    if importlib.util.find_spec("build") is None:
        reason = "the 'build' module (dev group) is not installed: cannot build the wheel"
        if os.environ.get("LIBYAEVENTS_WHEEL_TEST") == "required":
            pytest.fail(f"{reason}, and .ci/run requires this test")
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("dist")
    _succeeds([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)])
    (found,) = out.glob("*.whl")
    return found


def _succeeds(command: list[str], **kwargs: object) -> str:
    """Run a command as a user's shell would; its stdout, or a failure showing its stderr."""
    done = subprocess.run(command, check=False, capture_output=True, text=True, env=_clean_env(),
                          **kwargs)  # fmt: skip
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stderr[-3000:]}"
    return done.stdout


def _clean_env() -> dict[str, str]:
    """The environment of a user's shell: no checkout on the path, no active venv."""
    return {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}


def _fresh_venv(tmp_path: Path, requirement: str) -> tuple[Path, Path]:
    """A new venv with ``requirement`` (the wheel, perhaps with extras) installed in it."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # the dependencies come from pip's configured index, as a user's would (its cache
    # makes a rerun quick); --no-compile: byte-compiling pandas and scipy is most of the time
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
               "--no-compile", requirement]  # fmt: skip
    _succeeds(install)
    return venv, python


@pytest.mark.package
def test_the_wheel_holds_the_bundled_releases_the_schemas_and_the_command(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        meta = archive.read(f"libyaevents-{libyaevents.__version__}.dist-info/METADATA")
        entry = archive.read(f"libyaevents-{libyaevents.__version__}.dist-info/entry_points.txt")
    bundled = ROOT / "libyaevents" / "data" / "releases"
    shipped = {p.relative_to(ROOT).as_posix() for p in bundled.rglob("*") if p.is_file()}
    assert shipped, "no bundled release in the tree"
    assert shipped <= names, f"missing from the wheel: {sorted(shipped - names)}"
    assert {"libyaevents/py.typed", "libyaevents/_schemas/events.json"} <= names
    boundaries = ROOT / "libyaevents" / "data" / "boundaries"
    outlines = {p.relative_to(ROOT).as_posix() for p in boundaries.iterdir() if p.is_file()}
    assert outlines, "no bundled boundary file in the tree"
    assert outlines <= names, f"missing from the wheel: {sorted(outlines - names)}"
    assert f"Version: {libyaevents.__version__}" in meta.decode().splitlines()
    assert "libyaevents = libyaevents.cli:main" in entry.decode()


@pytest.mark.package
def test_a_fresh_venv_installs_the_wheel_and_runs_the_summary(wheel, tmp_path):
    venv, python = _fresh_venv(tmp_path, str(wheel))

    def run(*args: str) -> str:
        return _succeeds(list(args), cwd=tmp_path)

    summary = run(str(venv / "bin" / "libyaevents"), "summary")
    bundled = libyaevents.list_releases()[-1]
    assert summary.startswith(f"libyaevents release {bundled} ")
    assert "verified: files, sha256, content hashes, schema and all rules" in summary
    assert run(str(venv / "bin" / "libyaevents"), "--version").strip() == (
        f"libyaevents {libyaevents.__version__}"
    )
    script = (
        "import importlib.metadata, libyaevents\n"
        "print(importlib.metadata.version('libyaevents'), libyaevents.__version__)\n"
        "print(libyaevents.__file__)\n"
    )
    versions, where = run(str(python), "-c", script).splitlines()
    assert versions.split() == [libyaevents.__version__] * 2
    assert Path(where).is_relative_to(venv), f"imported {where}, not the wheel's copy"


@pytest.mark.package
def test_a_fresh_venv_installs_the_geo_extra_and_spreads_events_over_space(wheel, tmp_path):
    """``libyaevents[geo]`` from the wheel: shapely and the bundled outline, used."""
    venv, python = _fresh_venv(tmp_path, f"{wheel}[geo]")
    script = (
        "import libyaevents\n"
        "from libyaevents.synthetic import synthetic_events\n"
        "events = synthetic_events(200, seed=1)\n"
        "assert (events['geo_precision'] == 3).any()  # spread over Libya's outline\n"
        "panel = libyaevents.aggregate(events, period='year', level='priogrid', "
        "precision='spread')\n"
        "print(panel['events'].sum(), panel['fatalities'].sum(), events['fatalities'].sum())\n"
        "print(libyaevents.__file__)\n"
    )
    totals, where = _succeeds([str(python), "-c", script], cwd=tmp_path).splitlines()
    spread_events, spread_deaths, deaths = (float(v) for v in totals.split())
    assert spread_events == pytest.approx(200)
    assert spread_deaths == pytest.approx(deaths)
    assert Path(where).is_relative_to(venv), f"imported {where}, not the wheel's copy"


# -- the test suite: what a skip says ------------------------------------------------------


def test_a_skip_for_want_of_shared_data_says_what_shared_is(tmp_path, monkeypatch):
    import tests.conftest

    monkeypatch.setattr(tests.conftest, "SHARED", tmp_path / "shared")
    with pytest.raises(pytest.skip.Exception, match=r"kept beside the repository") as skipped:
        tests.conftest.shared_path("data", "acled", what="real ACLED exports")
    assert "sample ACLED exports" in str(skipped.value)
    assert str(tmp_path / "shared" / "data" / "acled") in str(skipped.value)
