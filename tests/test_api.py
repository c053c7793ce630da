"""The public surface: every exported name imports; one version, stated once."""

from __future__ import annotations

import re
import sys

import pytest

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


# -- the API reference documents what the guides teach -------------------------------------

#: Pages that teach (the reference pages, generated or measured, are not scanned).
NOT_GUIDES = {"api.md", "codebook.md", "performance.md"}


def _taught() -> dict[str, set[str]]:
    """Every ``libyaevents.`` path the README and guides name or import: path -> pages."""
    pages = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md")
                                         if p.name not in NOT_GUIDES)]  # fmt: skip
    taught: dict[str, set[str]] = {}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        paths = re.findall(r"\blibyaevents(?:\.[A-Za-z_]\w*)+", text)
        for module, names in re.findall(r"from (libyaevents(?:\.\w+)*) import ([\w, ]+)", text):
            paths += [f"{module}.{name.strip()}" for name in names.split(",")]
        for path in paths:
            taught.setdefault(path, set()).add(page.name)
    return taught


def _reference() -> dict[str, set[str] | None]:
    """The modules docs/api.md documents: module -> the members it lists (None: its __all__)."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    found: dict[str, set[str] | None] = {}
    for block in re.split(r"(?=\.\. automodule::)", text)[1:]:
        module = re.match(r"\.\. automodule:: (\S+)", block)[1]
        listed = re.search(r"^\s+:members: (\S.*)$", block.split("```")[0], re.M)
        found[module] = {m.strip() for m in listed[1].split(",")} if listed else None
    return found


def _resolve(path: str) -> tuple[str, str, object]:
    """The longest importable module of a dotted path, the attribute named in it, the object."""
    import importlib

    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        for attr in parts[i:]:
            assert hasattr(obj, attr), f"{path} (taught) does not resolve"
            obj = getattr(obj, attr)
        return ".".join(parts[:i]), ".".join(parts[i:]), obj
    raise AssertionError(path)


def test_the_api_reference_documents_every_name_the_guides_teach():
    import types

    analyzer = pytest.importorskip("sphinx.pycode", reason="sphinx (dev group) reads #: comments")
    reference = _reference()
    assert reference["libyaevents"] is None, "the package's __all__ is documented"
    missing = []
    for path, pages in sorted(_taught().items()):
        module, name, obj = _resolve(path)
        if isinstance(obj, types.ModuleType) or name.startswith("__") or not name:
            continue  # a module, or __all__ / __version__: not an API entry
        if module == "libyaevents" and name in libyaevents.__all__:
            continue
        members = reference.get(module, set())
        public = getattr(sys.modules[module], "__all__", [])
        listed = name in public if members is None else name in members
        if callable(obj):
            said = bool(getattr(obj, "__doc__", None))
        else:  # a constant is documented by its #: comment
            docs = analyzer.ModuleAnalyzer.for_module(module).find_attr_docs()
            said = ("", name) in docs
        if module not in reference or not listed or not said:
            missing.append(f"{path} (taught in {', '.join(sorted(pages))})")
    assert not missing, "not in docs/api.md (add the name to __all__ or its module's page):\n" + (
        "\n".join(missing)
    )
