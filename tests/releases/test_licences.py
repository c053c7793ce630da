"""Each release says whether its data may be redistributed; older manifests are judged by source."""

from __future__ import annotations

import json

import pytest

import libyaevents
from libyaevents.releases.licences import REDISTRIBUTION_FIELD, redistribution
from libyaevents.releases.stores import bundled_store, manifest_at
from libyaevents.synthetic import synthetic_dataset


def test_a_coded_release_states_that_it_may_be_redistributed(tmp_path):
    folder = libyaevents.build_release(synthetic_dataset(40, seed=2), "1.0.0", store=tmp_path)
    manifest = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert manifest[REDISTRIBUTION_FIELD] is True
    assert list(manifest).index(REDISTRIBUTION_FIELD) == list(manifest).index("x-citation") + 1
    assert redistribution(manifest).allowed


def test_a_snapshot_of_an_acled_export_states_that_it_may_not(tmp_path):
    export = tmp_path / "acled.csv"
    libyaevents.write_acled(synthetic_dataset(30, seed=4), export)
    done = libyaevents.sync(tmp_path / "store", "file", path=export)
    manifest = manifest_at(done.store / done.version)
    assert manifest[REDISTRIBUTION_FIELD] is False
    found = redistribution(manifest)
    assert (found.allowed, found.licence) == (False, "ACLED-terms-of-use")


def test_the_bundled_release_predates_the_field_and_is_judged_by_its_licence():
    manifest = manifest_at(bundled_store().folder("0.1.0"))
    assert REDISTRIBUTION_FIELD not in manifest
    found = redistribution(manifest)
    assert (found.allowed, found.licence) == (True, "CC-BY-4.0")
    assert "from its licences" in found.reason


@pytest.mark.parametrize(
    ("manifest", "allowed", "licence"),
    [
        ({"x-snapshot": {"source": "acled"}}, False, "ACLED-terms-of-use"),
        ({"x-snapshot": {"source": "ucdp"}}, True, "CC-BY-4.0"),
        ({"licenses": [{"name": "CC-BY-4.0"}, {"name": "ACLED-terms-of-use"}]}, False,
         "CC-BY-4.0 + ACLED-terms-of-use"),
        ({"licenses": [{"name": "Proprietary-1"}]}, False, "Proprietary-1"),
        ({"licenses": "CC-BY-4.0"}, False, "unknown"),
        ({}, False, "unknown"),
        ({"licenses": [{"name": "CC-BY-4.0"}], REDISTRIBUTION_FIELD: False}, False, "CC-BY-4.0"),
    ],
)  # fmt: skip
def test_old_and_odd_manifests(manifest, allowed, licence):
    found = redistribution(manifest)
    assert (found.allowed, found.licence) == (allowed, licence)
    assert found.reason.endswith(").") or "names no licence" in found.reason
