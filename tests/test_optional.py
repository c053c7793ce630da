"""Optional dependencies: a missing one names its extra, installable both ways."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest

from libyaevents.cli import main
from libyaevents.errors import InputError
from libyaevents.optional import require
from tests.conftest import ROOT

#: Every require(...) call in the package's code (not its examples): (module, extra).
CALLS = sorted(
    {
        found
        for path in (ROOT / "libyaevents").rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if ">>>" not in line
        for found in re.findall(r'require\("([\w.]+)", extra="(\w+)"', line)
    }
)


def _extras() -> dict[str, list[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["optional-dependencies"]


def test_the_hint_gives_the_index_and_the_checkout_install():
    with pytest.raises(InputError) as caught:
        require("no_such_module", extra="plot", feature="Plots")
    said = str(caught.value)
    assert 'pip install "libyaevents[plot]"' in said
    assert 'from a checkout: pip install ".[plot]"' in said


@pytest.mark.parametrize(("module", "extra"), CALLS)
def test_every_extra_a_feature_names_exists_and_installs_the_module(module, extra):
    top = module.split(".", maxsplit=1)[0]
    extras = _extras()
    assert extra in extras, f"require({module!r}) names extra {extra!r}, not in pyproject"
    names = [re.split(r"[\[<>=~! ]", spec, maxsplit=1)[0] for spec in extras[extra]]
    assert top in names, f"extra {extra!r} ({extras[extra]}) does not install {top}"
    everything = {e for spec in extras["all"] for e in re.findall(r"\[(.*)\]", spec)[0].split(",")}
    assert extra in everything, f"extra {extra!r} is not in 'all'"


@pytest.mark.parametrize("module", sorted({m.split(".", maxsplit=1)[0] for m, _ in CALLS}))
def test_every_module_of_the_package_imports_without_an_optional_dependency(module):
    # each optional dependency is imported where a feature needs it, never at import time
    code = (
        f"import sys; sys.modules[{module!r}] = None\n"
        "import importlib, pkgutil, libyaevents\n"
        "found = pkgutil.walk_packages(libyaevents.__path__, 'libyaevents.')\n"
        "names = [m.name for m in found if m.name != 'libyaevents.__main__']  # that one runs\n"
        "for name in names: importlib.import_module(name)\n"
        "print(len(names))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 100  # every module was imported, not none


def test_every_install_command_in_the_docs_names_an_extra_that_exists():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    named = set(re.findall(r'pip install "(?:libyaevents|\.)\[(\w+)\]"', text))
    assert {"api", "plot", "dask", "remote"} <= named, named
    assert named <= set(_extras()), named - set(_extras())
    assert "pip install 'libyaevents[" not in text, "one quoting: double quotes, as the CLI says"


def test_the_command_line_says_how_to_install_a_missing_extra(tmp_path, monkeypatch, capsys):
    for name in ("matplotlib", "matplotlib.pyplot"):  # as if the plot extra were absent
        monkeypatch.setitem(sys.modules, name, None)
    assert main(["plot", "timeline", "0.1.0", "-o", str(tmp_path / "t.png")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert 'pip install "libyaevents[plot]"' in err
    assert 'pip install ".[plot]"' in err
    assert not (tmp_path / "t.png").exists()
