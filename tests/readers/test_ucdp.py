"""UCDP GED crosswalk: each mapping, approximations noted, bad rows reported."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest

import libyaevents
from libyaevents.errors import ReadError

TODAY = "2026-11-29"

#: GED's 49 columns, in the order of the GED CSV.
GED_HEADER = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,"
    "conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,"
    "side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,"
    "source_date,source_headline,source_original,where_prec,where_coordinates,"
    "where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,"
    "country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,"
    "deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob"
)


def _row(**values: object) -> str:
    base = {
        "id": 300001, "relid": "LIB-2019-1-522-1", "year": 2019, "active_year": 1,
        "code_status": "Clear", "type_of_violence": 1, "conflict_dset_id": 522,
        "conflict_new_id": 522, "conflict_name": "Libya:Government",
        "dyad_dset_id": 906, "dyad_new_id": 906, "dyad_name": "Government of Libya - LNA",
        "side_a_dset_id": 620, "side_a_new_id": 84, "side_a": "Government of Libya",
        "side_b_dset_id": 5001, "side_b_new_id": 5001, "side_b": "LNA",
        "number_of_sources": 2, "source_article": '"Reuters, 2019-04-10, clashes"',
        "source_office": "Reuters;AFP", "source_date": "2019-04-10",
        "source_headline": "Clashes near Tripoli", "source_original": "",
        "where_prec": 1, "where_coordinates": "Tripoli town",
        "where_description": "Ain Zara", "adm_1": "Tripoli district", "adm_2": "",
        "latitude": 32.8925, "longitude": 13.18, "geom_wkt": '"POINT (13.18 32.8925)"',
        "country": "Libya", "country_id": 620,
        "region": "Africa", "event_clarity": 1, "date_prec": 1,
        "date_start": "2019-04-10 00:00:00.000", "date_end": "2019-04-10 00:00:00.000",
        "deaths_a": 2, "deaths_b": 4, "deaths_civilians": 1, "deaths_unknown": 0,
        "best": 7, "high": 9, "low": 7, "gwnoa": 620, "gwnob": "",
    }  # fmt: skip
    base.update(values)
    if "priogrid_gid" not in base:  # GED's cell: row * 720 + col + 1 of the coordinates
        row = math.floor((float(base["latitude"]) + 90) * 2)
        col = math.floor((float(base["longitude"]) + 180) * 2)
        base["priogrid_gid"] = row * 720 + col + 1
    return ",".join(str(base[c]) for c in GED_HEADER.split(","))


ROWS = [
    _row(),
    _row(id=300002, type_of_violence=2, side_a="Misratah militias", side_b="Zintan militias",
         adm_1="Misratah district", where_prec=4, date_prec=5, best=3,
         date_start="2019-05-01 00:00:00.000", date_end="2019-05-31 00:00:00.000"),
    _row(id=300003, type_of_violence=3, side_a="IS", side_b="Civilians", best=12, where_prec=6,
         adm_1="Sabha district", date_prec=2),
]  # fmt: skip


def _ged(*rows: str) -> io.StringIO:
    return io.StringIO(GED_HEADER + "\n" + "\n".join(rows) + "\n")


@pytest.fixture(scope="module")
def loaded() -> libyaevents.Loaded:
    return libyaevents.read_ucdp_ged(_ged(*ROWS))


def test_every_row_is_used_and_the_id_kept(loaded):
    assert (loaded.vintage, loaded.rows_read, loaded.rows_used, loaded.ok) == (
        "ucdp-ged", 3, 3, True,
    )  # fmt: skip
    assert loaded.events["event_id_cnty"].tolist() == ["UCD300001", "UCD300002", "UCD300003"]
    assert loaded.events["tags"].str.contains("ucdp id=3000").all()


def test_type_of_violence_maps_to_types_and_actor_types(loaded):
    events = loaded.events.set_index("event_id_cnty")
    state = events.loc["UCD300001"]
    assert (state["event_type"], state["sub_event_type"]) == ("Battles", "Armed clash")
    assert (state["inter1"], state["inter2"], state["interaction"]) == (1, 2, 12)
    nonstate = events.loc["UCD300002"]
    assert (nonstate["inter1"], nonstate["inter2"], nonstate["interaction"]) == (3, 3, 33)
    onesided = events.loc["UCD300003"]
    assert (onesided["event_type"], onesided["sub_event_type"]) == (
        "Violence against civilians", "Attack",
    )  # fmt: skip
    assert onesided["civilian_targeting"] == "Civilian targeting"
    assert (onesided["inter1"], onesided["inter2"], onesided["interaction"]) == (2, 7, 27)


def test_dates_precision_places_and_deaths(loaded):
    events = loaded.events.set_index("event_id_cnty")
    first = events.loc["UCD300001"]
    assert str(first["event_date"].date()) == "2019-04-10"
    assert (first["time_precision"], first["geo_precision"], first["fatalities"]) == (1, 1, 7)
    assert (first["admin1"], first["admin2"], first["iso"], first["region"]) == (
        "West", "Tripoli", 434, "Northern Africa",
    )  # fmt: skip
    assert first["source"] == "Reuters; AFP"
    ranged = events.loc["UCD300002"]
    assert str(ranged["event_date"].date()) == "2019-05-16"  # middle of 1-31 May
    assert (ranged["time_precision"], ranged["geo_precision"]) == (3, 3)
    assert (ranged["admin1"], ranged["admin2"]) == ("West", "Misrata")
    assert events.loc["UCD300003", "admin1"] == "South"
    noted = loaded.notes.set_index("record_id")
    assert noted.at["300002", "column"] == "date_prec"


def test_notes_are_composed_not_copied(loaded):
    note = loaded.events.iloc[0]["notes"]
    assert note.startswith("UCDP GED event 300001 (Government of Libya - LNA)")
    assert "Clashes near Tripoli" not in note  # GED's headline is the source's text


def test_validation_reports_only_what_ged_does_not_code(loaded):
    report = libyaevents.validate(loaded.tables(), today=TODAY)
    assert set(report.failures["column"]) == {"source_scale", "timestamp"}
    assert set(report.failures["code"]) == {"value-missing"}


def test_bad_rows_are_reported_with_lines():
    bad = [
        ROWS[0],
        _row(id=300010, type_of_violence=4),
        _row(id=300011, best="many"),
        _row(id=300012, date_start="2019-02-30 00:00:00.000", date_end="2019-02-30"),
        _row(id=300013, date_start="2019-05-02", date_end="2019-05-01"),
    ]
    loaded = libyaevents.read_ucdp_ged(_ged(*bad))
    assert loaded.rows_read == loaded.rows_used + loaded.rows_reported == 5
    problems = loaded.problems.set_index("line")
    assert problems.at[3, "column"] == "type_of_violence"
    assert (problems.at[4, "column"], problems.at[4, "value"]) == ("best", "many")
    assert set(problems.loc[[5], "column"]) == {"date_start", "date_end"}
    assert problems.at[6, "message"] == "date_end is before date_start"
    assert loaded.problems["record_id"].tolist()[:2] == ["300010", "300011"]


def test_not_a_ged_file_is_a_read_error():
    with pytest.raises(ReadError, match="not a UCDP GED file"):
        libyaevents.read_ucdp_ged(io.StringIO("id,side_a\n1,x\n"))


def test_events_load_into_a_frame_that_acled_tools_accept(loaded, tmp_path):
    path = tmp_path / "ged.csv"
    libyaevents.write_acled(loaded.events, path)
    again = libyaevents.read_acled(path)
    columns = [c for c in loaded.events.columns if c in again.events]
    pd.testing.assert_frame_equal(again.events[columns], loaded.events[columns])


def test_an_event_without_side_b_is_one_sided():
    loaded = libyaevents.read_ucdp_ged(_ged(_row(id=300020, side_b="")))
    event = loaded.events.iloc[0]
    assert pd.isna(event["actor2"])
    assert pd.isna(event["inter2"])
    assert event["interaction"] == 10  # Government of ... alone: state forces only


def test_countries_outside_libya_get_iso_everywhere_and_a_region():
    # a global GED file: Pakistan (no ACLED region known here: GED's kept),
    # Somalia (ACLED's region), and a code GED does not use
    rows = [
        _row(id=400001, country="Pakistan", country_id=770, region="Asia", latitude=33.6,
             longitude=73.0, adm_1="Punjab province"),
        _row(id=400002, country="Somalia", country_id=520, latitude=2.04, longitude=45.34,
             adm_1="Banadir region"),
        _row(id=400003, country="Atlantis", country_id=999),
    ]  # fmt: skip
    loaded = libyaevents.read_ucdp_ged(_ged(*rows))
    events = loaded.events.set_index("event_id_cnty")
    assert events.loc["UCD400001", ["iso", "region"]].tolist() == [586, "Asia"]
    assert events.loc["UCD400002", ["iso", "region"]].tolist() == [706, "Eastern Africa"]
    assert events.loc["UCD400001", "admin1"] == "Punjab"  # only Libyan districts are resolved
    assert pd.isna(events.loc["UCD400003", "iso"])
    note = loaded.notes[loaded.notes["record_id"] == "400003"]
    assert note["message"].str.contains("not a Gleditsch-Ward code GED uses").all()
    assert any("2 rows keep UCDP's region" in n for n in loaded.file_notes)


def test_a_ged_file_read_part_by_part_gives_what_the_whole_file_gives(monkeypatch):
    # big GED files are converted part by part, like ACLED exports; tiny blocks and
    # parts here make many parts of a file with bad rows, other countries (UCDP's
    # region kept: a file note counting rows of every part) and imprecise dates
    from libyaevents.readers import csvtext, ucdp
    from libyaevents.readers.csvtext import read_csv_text

    monkeypatch.setattr(csvtext, "_CSV_BLOCK", 1 << 11)
    monkeypatch.setattr(csvtext, "PART_BYTES", 1 << 12)
    seen = []
    part = ucdp._ged_part
    monkeypatch.setattr(ucdp, "_ged_part", lambda text: seen.append(1) or part(text))
    rows = []
    for k in range(60):
        rows.append(_row(id=500000 + k, best=k, date_prec=1 + k % 5))
        if k % 7 == 3:
            rows.append(_row(id=600000 + k, best="many"))  # reported, with its line
        if k % 11 == 5:
            rows.append(_row(id=700000 + k, country="Pakistan", country_id=770, region="Asia",
                             latitude=33.6, longitude=73.0, adm_1="Punjab province"))  # fmt: skip
    raw = GED_HEADER + "\n" + "\n".join(rows) + "\n"
    whole = ucdp.events_from_ged(read_csv_text(io.StringIO(raw)))
    parts = libyaevents.read_ucdp_ged(io.StringIO(raw))
    assert len(seen) > 2  # the whole-file call above converts once; the parts many times
    for name in ("events", "actors", "problems", "notes"):
        pd.testing.assert_frame_equal(getattr(parts, name), getattr(whole, name))
    assert parts.lines.tolist() == whole.lines.tolist()
    assert (parts.file_notes, parts.rows_read) == (whole.file_notes, whole.rows_read)
    assert any("5 rows keep UCDP's region" in note for note in parts.file_notes)
    assert parts.rows_read == parts.rows_used + parts.rows_reported == len(rows)


def test_the_fixture_carries_geds_own_cell_and_no_mismatch(loaded):
    assert ",176787," in ROWS[0]  # Tripoli, 32.8925 N 13.18 E: row 245, column 386
    assert not (loaded.notes["code"] == "priogrid-mismatch").any()


def test_a_cell_id_that_is_not_the_cell_of_the_coordinates_is_noted():
    rows = [
        _row(id=800001, priogrid_gid=174187),  # the cell id this fixture used to carry
        _row(id=800002),
        _row(id=800003, priogrid_gid="x17"),
        _row(id=800004, priogrid_gid=""),  # none given: nothing to check
        _row(id=800005, latitude=-33.9, longitude=18.4, priogrid_gid=81037),  # Cape Town
    ]
    loaded = libyaevents.read_ucdp_ged(_ged(*rows))
    assert loaded.rows_used == 5  # a note: the events are kept, with their coordinates
    noted = loaded.notes[loaded.notes["code"] == "priogrid-mismatch"]
    assert noted["record_id"].tolist() == ["800001", "800003"]
    assert noted["line"].tolist() == [2, 4]
    assert noted["column"].tolist() == ["priogrid_gid"] * 2
    assert noted["value"].tolist() == ["174187", "x17"]
    assert noted["severity"].tolist() == ["note"] * 2
    first = noted["message"].iloc[0]
    assert first.startswith("GED's priogrid_gid 174187 is not cell 176787, the PRIO-GRID cell")
    assert "(latitude 32.8925, longitude 13.18)" in first
