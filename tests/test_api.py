"""The public surface: every exported name imports; one version, stated once."""

from __future__ import annotations

import re

import libyaevents
from tests.conftest import ROOT


def test_every_name_in_all_is_importable():
    for name in libyaevents.__all__:
        assert getattr(libyaevents, name) is not None


def test_error_tree():
    assert issubclass(libyaevents.ValidationError, libyaevents.InputError)
    assert issubclass(libyaevents.InputError, ValueError)
    assert issubclass(libyaevents.ReadError, libyaevents.LibyaeventsError)


def test_citation_version_matches_the_package():
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^version: (\S+)$", cff, re.M).group(1) == libyaevents.__version__


def _modules() -> list[str]:
    import pkgutil

    found = pkgutil.walk_packages(libyaevents.__path__, prefix="libyaevents.")
    return sorted(m.name for m in found if not m.name.endswith("__main__"))


def test_every_module_imports_and_no_public_name_shadows_a_module():
    import importlib

    for name in _modules():
        module = importlib.import_module(name)
        parent, _, leaf = name.rpartition(".")
        # the attribute of the parent package is the module itself, not a function
        assert getattr(importlib.import_module(parent), leaf) is module, name
    import libyaevents.analysis.panels as panels

    assert callable(panels.indicators)  # was broken: libyaevents.aggregate was the function


def test_every_import_path_in_the_docs_resolves():
    import importlib

    texts = [p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *ROOT.glob("docs/*.md")]]
    dotted = set(re.findall(r"\blibyaevents(?:\.[A-Za-z_][A-Za-z0-9_]*)+", "\n".join(texts)))
    assert dotted, "no documented paths found"
    for path in sorted(dotted):
        parts = path.split(".")
        obj: object = None
        for i in range(len(parts), 0, -1):  # the longest importable module, then attributes
            try:
                obj = importlib.import_module(".".join(parts[:i]))
            except ModuleNotFoundError:
                continue
            for attr in parts[i:]:
                assert hasattr(obj, attr), f"{path} (documented) does not resolve"
                obj = getattr(obj, attr)
            break
        assert obj is not None, path


def test_pandera_is_imported_when_a_frame_is_validated_not_with_the_package():
    # pandera was over a third of `import libyaevents`; loading and reading do not use it
    import subprocess
    import sys

    script = (
        "import sys, libyaevents\n"
        "release = libyaevents.load()\n"
        "print('pandera' in sys.modules)\n"
        "print(libyaevents.validate(release.events).ok, 'pandera' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.split() == ["False", "True", "True"]
