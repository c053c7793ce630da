"""Python blocks in README and docs run as written (the ones that need no outside files)."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.conftest import ROOT

_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
#: Blocks that read a file the repository cannot make (a UCDP GED download), or need an
#: account the tests have not (a Zenodo token: they are shown, not run).
_NEEDS_FILES = ("GEDEvent", "ZENODO_TOKEN")


def _blocks():
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for i, block in enumerate(_BLOCK.findall(path.read_text(encoding="utf-8"))):
            if not any(marker in block for marker in _NEEDS_FILES):
                yield pytest.param(block, id=f"{path.name}-{i}")


@pytest.fixture(scope="module")
def prelude(tmp_path_factory):
    """What the docs assume a reader has: frames of each table and an ACLED export."""
    import libyaevents
    from libyaevents.synthetic import synthetic_dataset

    folder = tmp_path_factory.mktemp("docs")
    data = synthetic_dataset(300, seed=12)
    for name in ("acled_export.csv", "acled_libya.csv"):
        libyaevents.write_acled(data["events"], folder / name)
    names = {"libyaevents": libyaevents, **data}
    return folder, names


@pytest.mark.parametrize("block", list(_blocks()))
def test_documented_example_runs(block, prelude, tmp_path, monkeypatch):
    folder, names = prelude
    for path in folder.iterdir():
        shutil.copy(path, tmp_path)
    monkeypatch.chdir(tmp_path)  # each block in a fresh folder of its own
    code = block
    for inside in ("libyaevents/data/coded", "docs/coding/seed"):  # paths of a checkout
        code = code.replace(inside, str(ROOT / inside))
    exec(compile(code, "<doc>", "exec"), dict(names))
