"""The adjudication's fast path (its own TOML writer, the merged tables compiled from the
records in memory) gives what writing with tomli-w and reading the folder back gave: the
same bytes in every file, the same decisions, the same validation outcome."""

from __future__ import annotations

import contextlib
import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from libyaevents import ValidationError, adjudicate
from libyaevents.coding import merge
from libyaevents.coding.synthetic import synthetic_codings
from libyaevents.errors import ReadError
from libyaevents.readers.coded import compile_sources
from tests.coding.test_merge import _fill
from tests.coding.test_merge_coders import _third_coder
from tests.conftest import ROOT

SEED_B = ROOT / "docs" / "coding" / "seed" / "coder-b"


@contextlib.contextmanager
def _read_back(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The path before: tomli-w writes each file and the folder written is read back."""
    with monkeypatch.context() as patched:
        patched.setattr(
            merge, "dump_toml", lambda data, header: (header + tomli_w.dumps(data), None)
        )
        patched.setattr(merge, "compile_sources", lambda folder, parsed: compile_sources(folder))
        yield


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


def _both(monkeypatch: pytest.MonkeyPatch, folders: list[Path], root: Path,
          **options: Any) -> None:  # fmt: skip
    """Adjudicate with each path into its own folder: the same files and results."""
    fast = adjudicate(folders, root / "fast", **options)
    with _read_back(monkeypatch):
        before = adjudicate(folders, root / "before", **options)
    assert fast.merged is not None
    assert before.merged is not None
    assert _files(fast.merged) == _files(before.merged)
    assert fast.decided.equals(before.decided)
    assert fast.counts == before.counts


def _decide(folders: list[Path], root: Path, choose: Callable[[dict[str, Any]], dict[str, Any]],
            ) -> Path:  # fmt: skip
    first = adjudicate(folders, root / "first", decisions=root / "decisions.toml")
    assert first.merged is None  # the decisions file, written to be filled in
    _fill(root / "decisions.toml", choose)
    return root / "decisions.toml"


def _majority_else_first(table: dict[str, Any]) -> dict[str, Any]:
    if "suggested" in table:
        return {}
    unit = table["field"] in ("event", "measure")
    return {"choice": "keep" if unit else next(c for c in "abc" if f"id_{c}" in table)}


def _quote_notes(folder: Path) -> None:
    """Notes as reports quote them (quotes, a backslash, a tab): strings tomli-w escapes."""
    path = sorted((folder / "reports").glob("*.toml"))[0]
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data["events"][0]["notes"] = 'The LNA said "no strikes" (C:\\docs\tp. 3).'
    path.write_text(tomli_w.dumps(data), encoding="utf-8")


def test_three_synthetic_codings_merge_to_the_same_bytes(monkeypatch, tmp_path):
    made = synthetic_codings(tmp_path / "coded", events=900, coders=3, seed=21, dropped=9, added=9)
    _quote_notes(made.folders[0])
    decisions = _decide(made.folders, tmp_path, _majority_else_first)
    _both(monkeypatch, made.folders, tmp_path, decisions=decisions, accept_majority=True)
    merged = (tmp_path / "fast" / "reports").glob("*.toml")
    assert sum('"no strikes\\" (C:' in p.read_text(encoding="utf-8") for p in merged) == 1


def test_the_seed_report_coded_three_times_merges_to_the_same_bytes(monkeypatch, tmp_path):
    folders = [ROOT / "libyaevents" / "data" / "coded", SEED_B, _third_coder(tmp_path / "c")]
    _both(monkeypatch, folders, tmp_path, decisions=tmp_path / "d.toml", accept_majority=True)


def _outcome(call: Callable[[], object], error: type[Exception]) -> str:
    with pytest.raises(error) as raised:
        call()
    return str(raised.value)


@pytest.mark.parametrize(
    ("value", "error"),
    [(-3, ValidationError), ("many", ReadError)],  # fails validation; does not compile
)
def test_a_merge_that_would_not_validate_fails_alike_and_leaves_nothing(
    monkeypatch, tmp_path, value, error
):
    made = synthetic_codings(tmp_path / "coded", events=120, coders=3, seed=4)
    bad: list[str] = []

    def choose(table: dict[str, Any]) -> dict[str, Any]:
        if table["field"] == "fatalities" and not bad:
            bad.append(table["id_a"])
            return {"choice": "value", "value": value}
        return _majority_else_first(table)

    decisions = _decide(made.folders, tmp_path, choose)
    out = tmp_path / "merged"
    options = {"decisions": decisions, "accept_majority": True}
    fast = _outcome(lambda: adjudicate(made.folders, out, **options), error)
    with _read_back(monkeypatch):
        before = _outcome(lambda: adjudicate(made.folders, out, **options), error)
    assert bad[0] in fast or str(value) in fast
    temporary = r"\.merged\.[0-9a-f]{8}\.tmp"  # the folder it was written to, removed
    assert _normalised(fast, temporary) == _normalised(before, temporary)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coded", "decisions.toml"]
    assert tomllib.loads(decisions.read_text(encoding="utf-8"))["decisions"]


def _normalised(message: str, pattern: str) -> str:
    return re.sub(pattern, "<tmp>", message)
