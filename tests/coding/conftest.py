"""Fixtures of the coding desk's tests: a copy of the bundled coded sources, a report text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from libyaevents.readers.coded import sources_folder
from tests.coding.test_paragraphs import REPORT


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    """A copy of the bundled coded sources, to mutate."""
    return Path(shutil.copytree(sources_folder(), tmp_path / "coded"))


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    """A report's text (not the seed: one the tests own), named ``<n>_<id>.txt``."""
    path = tmp_path / "0001_r0001.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path
