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


def _fresh(script: str) -> list[str]:
    """What a fresh interpreter running ``script`` prints, word by word."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return done.stdout.split()


def test_pandera_is_imported_when_a_frame_is_validated_not_with_the_package():
    # pandera was over a third of `import libyaevents`; loading and reading do not use it
    script = (
        "import sys, libyaevents\n"
        "release = libyaevents.load()\n"
        "print('pandera' in sys.modules)\n"
        "print(libyaevents.validate(release.events).ok, 'pandera' in sys.modules)\n"
    )
    assert _fresh(script) == ["False", "True", "True"]


def test_a_script_that_loads_a_release_imports_no_reader_client_or_snapshot_code():
    script = (
        "import sys, libyaevents\n"
        "libyaevents.load()\n"
        "kinds = ('readers', 'live', 'snapshots', 'analysis', 'inputs')\n"
        "print(sorted({m.split('.')[1] for m in sys.modules\n"
        "              if m.startswith('libyaevents.') and m.split('.')[1] in kinds}))\n"
        "print(libyaevents.read_acled.__module__, 'libyaevents.readers.acled' in sys.modules)\n"
    )
    assert _fresh(script) == ["[]", "libyaevents.readers.acled", "True"]


def test_lazy_names_are_the_names_type_checkers_see_and_all_of_them_are_exported():
    import ast

    tree = ast.parse((ROOT / "libyaevents" / "__init__.py").read_text(encoding="utf-8"))
    checking = next(
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"
    )
    seen = {
        (node.module, alias.name)
        for node in checking.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    lazy = {(module, name) for module, names in libyaevents._LAZY.items() for name in names}
    assert seen == lazy
    eager = {"__version__", "ACTORS", "EVENTS", "MEASURES", "TABLES"} | {
        name for name in libyaevents.__all__ if name.endswith("Error")
    }
    assert set(libyaevents.__all__) == eager | {name for _, name in lazy}
    for module, name in lazy:  # each lives where the table says
        assert getattr(libyaevents, name) is getattr(__import__(module, fromlist=[name]), name)
