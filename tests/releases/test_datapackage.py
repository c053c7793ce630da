"""Release manifests in today's Data Package shape (v2), read by the Frictionless tooling."""

from __future__ import annotations

import json

import pytest

import libyaevents
from libyaevents.synthetic import synthetic_dataset

frictionless = pytest.importorskip("frictionless", reason="frictionless is not installed")

# frictionless' Parquet parser counts neither bytes nor a hash (it reports "None"):
# libyaevents checks both itself (verify_release); every other check applies.
NOT_COUNTED = ["byte-count", "hash-count"]


def _release(tmp_path):
    store = tmp_path / "store"
    data = synthetic_dataset(250, seed=3)
    libyaevents.build_release(data, "1.0.0", store=store)
    data["events"].loc[1, "fatalities"] = 12
    libyaevents.build_release(data, "1.1.0", store=store, card=True)
    return store / "1.1.0" / "datapackage.json"


def test_a_release_is_a_valid_data_package_v2(tmp_path):
    path = _release(tmp_path)
    report = frictionless.validate(str(path), skip_errors=NOT_COUNTED, limit_errors=1000)
    problems = [(t.name, e.message) for t in report.tasks for e in t.errors] + [
        ("package", e.message) for e in report.errors
    ]
    assert report.valid, problems[:10]
    assert {t.name for t in report.tasks} >= {"events", "actors", "measures", "changes"}
    rows = {t.name: t.stats["rows"] for t in report.tasks if t.name != "card"}
    assert rows["events"] == 250


def test_the_manifest_has_the_v2_properties(tmp_path):
    manifest = json.loads(_release(tmp_path).read_text(encoding="utf-8"))
    assert manifest["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert "profile" not in manifest
    assert manifest["created"].endswith("T00:00:00Z")
    assert manifest["contributors"][0]["roles"] == ["creator", "publisher"]
    tables = {r["name"]: r for r in manifest["resources"]}
    for name in ("events", "actors", "measures", "changes"):
        assert tables[name]["type"] == "table"
        assert tables[name]["$schema"].endswith("/2.0/dataresource.json")
    assert "type" not in tables["card"]  # a page, not a table
    fields = {f["name"]: f for f in tables["events"]["schema"]["fields"]}
    assert "Battles" in fields["event_type"]["categories"]
    assert "population_1km" not in fields  # only the columns the file has


def test_v1_manifests_still_load_and_verify():
    bundled = libyaevents.load("0.1.0")
    assert bundled.manifest.get("profile") == "data-package"  # released before v2: immutable
    assert libyaevents.verify_release("0.1.0").ok
