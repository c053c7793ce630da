"""Frictionless schemas and the codebook: generated, shipped, and never drifting."""

from __future__ import annotations

import json

import pytest

from libyaevents.schema.frictionless import codebook_markdown, table_schema, table_schema_json
from libyaevents.schema.models import pandas_dtype
from libyaevents.schema.spec import Field
from libyaevents.schema.tables import TABLES
from tests.conftest import ROOT


@pytest.mark.parametrize("name", sorted(TABLES))
def test_committed_schema_matches_the_code(name):
    committed = (ROOT / "schemas" / f"{name}.json").read_text(encoding="utf-8")
    assert committed == table_schema_json(name), (
        f"schemas/{name}.json drifted from the code: run `libyaevents schema --write`"
    )


def test_committed_codebook_matches_the_code():
    committed = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    assert committed == codebook_markdown(), (
        "docs/codebook.md drifted from the code: run `libyaevents schema --write`"
    )


_KIND_OF_TYPE = {"string": {"string", "category"}, "integer": {"int8", "int16", "int32", "int64"},
                 "number": {"float64"}, "date": {"date"}}  # fmt: skip


@pytest.mark.parametrize("name", sorted(TABLES))
def test_schema_round_trips(name):
    """Fields rebuilt from the JSON equal the Python fields."""
    spec = TABLES[name]
    doc = json.loads(table_schema_json(name))
    rebuilt = []
    for f in doc["fields"]:
        c = f["constraints"]
        kind = f["x-libyaevents-storage"]
        assert kind in _KIND_OF_TYPE[f["type"]]
        enum = c.get("enum")
        rebuilt.append(
            Field(
                f["name"], kind, f["description"], nullable=not c["required"],
                required=not f.get("x-libyaevents-optional-column", False),
                categories=tuple(enum) if kind == "category" else None,
                values=tuple(enum) if enum is not None and kind != "category" else None,
                minimum=c.get("minimum"), maximum=c.get("maximum"),
                pattern=None if "pattern" not in c else f"^{c['pattern']}\\Z",
                unique=c.get("unique", False),
                is_list="x-libyaevents-list-separator" in f,
            )
        )  # fmt: skip
    assert tuple(rebuilt) == spec.fields
    assert doc["primaryKey"] == spec.primary_key
    assert [r["code"] for r in doc["x-libyaevents-rules"]] == [r.code for r in spec.rules]
    assert all(pandas_dtype(f) is not None for f in rebuilt)


def test_foreign_keys_point_at_known_tables():
    for name in TABLES:
        for fk in table_schema(name)["foreignKeys"]:
            assert fk["reference"]["resource"] in TABLES
