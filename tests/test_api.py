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
