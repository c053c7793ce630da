"""The release room's result types are built by keyword: a field added or reordered cannot shift."""

from __future__ import annotations

import dataclasses

import pytest

from libyaevents.releases.checks import VerifyResult
from libyaevents.releases.filters import Query
from libyaevents.releases.licences import Redistribution
from libyaevents.releases.loading import DaskRelease, Release
from libyaevents.releases.summary import Summary

RESULTS = [Release, DaskRelease, VerifyResult, Redistribution, Query, Summary]


@pytest.mark.parametrize("kind", RESULTS)
def test_result_types_take_keywords_only(kind):
    assert all(f.kw_only for f in dataclasses.fields(kind))
    with pytest.raises(TypeError, match="positional"):
        kind("1.0.0")


def test_a_verify_result_built_by_keyword_reads_as_before():
    assert VerifyResult(version="1.0.0").ok
    assert VerifyResult(version="1.0.0").messages() == []
