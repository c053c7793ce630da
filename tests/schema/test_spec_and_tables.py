"""schema.spec and schema.tables: how tables are declared, and the three that are."""

from __future__ import annotations

import pandas as pd
import pytest

from libyaevents.schema.spec import COLUMN_RULES, Field, RuleContext, TableSpec
from libyaevents.schema.tables import ACTORS, EVENTS, MEASURES, TABLES, actor_id_of, isin


def test_field_defaults_and_lookups():
    field = Field("fatalities", "int32", "Reported deaths.", minimum=0)
    assert not field.nullable
    assert field.required
    assert EVENTS.field("event_id_cnty").kind == "string"
    with pytest.raises(KeyError):
        EVENTS.field("no_such_column")


def test_every_table_has_a_unique_primary_key_among_its_fields():
    for name, spec in TABLES.items():
        assert isinstance(spec, TableSpec)
        assert spec.name == name
        assert spec.primary_key in spec.names
        assert len(set(spec.names)) == len(spec.names)
        assert not spec.field(spec.primary_key).nullable


def test_rule_codes_are_stable_slugs():
    codes = list(COLUMN_RULES) + [r.code for s in TABLES.values() for r in s.rules]
    assert all(c == c.lower() and " " not in c for c in codes)
    assert {"type", "value-missing", "duplicate"} <= set(COLUMN_RULES)


def test_rule_context_pins_today():
    assert RuleContext.on("2026-01-01").today == pd.Timestamp("2026-01-01")
    assert RuleContext.on().today <= pd.Timestamp.now()


@pytest.mark.parametrize(
    ("name", "actor_id"),
    [("Military Forces of Turkey (2016-)", "military-forces-of-turkey-2016"),
     ("  Protesters (Libya)  ", "protesters-libya"), ("LNA", "lna")],
)  # fmt: skip
def test_actor_ids(name, actor_id):
    assert actor_id_of(name) == actor_id


def test_isin_ignores_dtype_differences():
    values = pd.Series(["a", "b", None], dtype="str")
    known = pd.Series(["b", "c"], dtype="category")
    assert isin(values, known).tolist() == [False, True, False]


def test_event_columns_follow_acled_names():
    assert EVENTS.names[:3] == ("event_id_cnty", "event_date", "year")
    assert {"actor_id", "name", "inter_code"} <= set(ACTORS.names)
    assert {"measure_id", "status", "target_actor_id"} <= set(MEASURES.names)


def test_non_latin_names_get_stable_distinct_ids():
    first, second = actor_id_of("ميليشيا الكانيات"), actor_id_of("قوات الردع")
    assert first.startswith("actor-")
    assert first != second
    assert actor_id_of("ميليشيا الكانيات") == first  # stable across calls and runs


def test_hidden_characters_in_names_are_failures():
    import libyaevents
    from libyaevents.synthetic import synthetic_dataset

    actors = synthetic_dataset(10, seed=1)["actors"].copy()
    actors.loc[0, "name"] = "Kaniyat\u202eMilitia"  # a right-to-left override
    actors.loc[1, "name"] = "LNA\u200b"  # a zero-width space
    actors.loc[2, "name"] = "Rada\x00"
    report = libyaevents.validate(actors, "actors", today="2030-01-01")
    hidden = report.failures[report.failures["code"] == "hidden-character"]
    assert hidden["row"].tolist() == [0, 1, 2]
