"""Vocabularies: sizes, lookups both ways, and agreement with a real export."""

from __future__ import annotations

import pandas as pd
import pytest

from libyaevents.vocab import actortypes, codes, gazetteer, measures, taxonomy


def test_taxonomy_sizes_and_membership():
    assert len(taxonomy.EVENT_TYPES) == 6
    assert len(taxonomy.SUB_EVENT_TYPES) == 25
    assert set(taxonomy.EVENT_TYPE_OF.values()) == set(taxonomy.EVENT_TYPES)
    assert set(taxonomy.DISORDER_TYPE_OF.values()) == set(taxonomy.DISORDER_TYPES)
    assert taxonomy.DISORDER_TYPE_OF["Excessive force against protesters"] == (
        "Political violence; Demonstrations"
    )
    assert taxonomy.CIVILIAN_TARGETING_REQUIRED <= taxonomy.CIVILIAN_TARGETING_ALLOWED


@pytest.mark.parametrize(
    ("a", "b", "code", "label"),
    [
        (1, 2, 12, "State forces-Rebel group"),
        (7, 3, 37, "Political militia-Civilians"),
        (8, 7, 78, "External/Other forces-Civilians"),
        (8, 2, 28, "Rebel group-External/Other forces"),
        (6, None, 60, "Protesters only"),
        (1, 0, 10, "State forces only"),
        (4, 4, 44, "Identity militia-Identity militia"),
    ],
)
def test_interaction_both_ways(a, b, code, label):
    assert actortypes.interaction_code(a, b) == code
    assert actortypes.INTERACTION_LABEL[code] == label
    assert actortypes.INTERACTION_CODE[label] == code


def test_interaction_table_is_complete():
    assert len(actortypes.INTERACTION_CODES) == 8 + 36
    assert len(set(actortypes.INTERACTION_LABEL.values())) == 44


@pytest.mark.parametrize(
    ("value", "ok"),
    [("National", True), ("Local partner-Other", True), ("Other-National", True),
     ("National-National", False), ("National-Regional-Other", False), ("national", False),
     ("", False)],
)  # fmt: skip
def test_source_scale_grammar(value, ok):
    assert codes.is_source_scale(value) is ok


def test_gazetteer():
    assert len(gazetteer.ADMIN2) == 22
    assert {gazetteer.ADMIN1_OF[d] for d in gazetteer.ADMIN2} == {"East", "West", "South"}
    assert all(target in gazetteer.ADMIN1_OF for target in gazetteer.ADMIN2_ALIASES.values())
    assert gazetteer.resolve_admin2("Az Zawiyah") == "Azzawya"
    assert not gazetteer.in_libya_box(55.75, 37.62)


def test_measure_vocabularies():
    assert "Arms embargo" in measures.MEASURE_TYPES
    assert (
        measures.STATUS_NEEDS_END <= measures.STATUS_NEEDS_START <= set(measures.MEASURE_STATUSES)
    )


def test_vocabularies_cover_a_real_current_export(shared_acled):
    frame = pd.read_csv(shared_acled / "acled_somalia_2025_modern31.csv", dtype="str")
    assert set(frame["interaction"]) <= set(actortypes.INTERACTION_CODE)
    assert set(frame["inter1"]) <= set(actortypes.INTER_CODE)
    assert set(frame["source_scale"].dropna()) <= set(codes.SOURCE_SCALE_VALUES)
    assert set(frame["civilian_targeting"].dropna()) == {taxonomy.CIVILIAN_TARGETING}
    pairs = frame[["sub_event_type", "event_type", "disorder_type"]].drop_duplicates()
    for sub, event, disorder in pairs.itertuples(index=False):
        assert taxonomy.EVENT_TYPE_OF[sub] == event
        assert taxonomy.DISORDER_TYPE_OF[sub] == disorder
    # the numeric rule, applied to the text labels, agrees with every row
    codes_1 = frame["inter1"].map(actortypes.INTER_CODE)
    codes_2 = frame["inter2"].map(actortypes.INTER_CODE)
    expected = [
        actortypes.interaction_code(a, None if pd.isna(b) else int(b))
        for a, b in zip(codes_1, codes_2, strict=True)
    ]
    assert list(frame["interaction"].map(actortypes.INTERACTION_CODE)) == expected


def test_country_codes_agree_with_iso_3166():
    pycountry = pytest.importorskip("pycountry", reason="pycountry (dev group) checks ISO codes")
    from libyaevents.vocab.countries import ACLED_REGIONS, COUNTRIES

    assert len({c.gw for c in COUNTRIES}) == len(COUNTRIES)
    assert len({c.iso for c in COUNTRIES}) == len(COUNTRIES)
    for country in COUNTRIES:
        if country.name == "Kosovo":  # no ISO 3166 numeric code
            assert country.iso == 0
            continue
        iso = pycountry.countries.get(numeric=f"{country.iso:03d}")
        assert iso is not None, country
        assert iso.name == country.name, country
    assert {c.gw for c in COUNTRIES if c.region} == set(ACLED_REGIONS)


@pytest.mark.parametrize(
    ("written", "district"),
    [("Al Hizam Al Akhdar", "Almarj"), ("Tajura wa an Nawahi al Arba", "Tripoli"),
     ("Sabratah Surman", "Azzawya"), ("Sabratah wa Surman", "Azzawya"),
     ("Mourzouq district", "Murzuq"), ("Tripoli district", "Tripoli"),
     ("MISRATAH", "Misrata"), ("Ghadamis", "Nalut"), ("al  jabal al gharbi", "Al Jabal Al Gharbi"),
     ("Atlantis", None)],
)  # fmt: skip
def test_old_and_variant_district_names_resolve(written, district):
    from libyaevents.vocab import gazetteer

    assert gazetteer.resolve_admin2(written) == district
    if district is not None:
        assert gazetteer.ADMIN1_OF[district] in gazetteer.ADMIN1
