"""ACLED loader: every vintage and quirk, the row account, the real exports, fuzzing."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import libyaevents
from libyaevents.errors import ReadError
from libyaevents.readers.acled import ACLED_COLUMNS
from libyaevents.synthetic import synthetic_events

TODAY = "2026-11-29"

CURRENT_HEADER = ",".join(ACLED_COLUMNS[:31])

API_HEADER = (
    "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,"
    "sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,"
    "region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
    "source_scale,notes,fatalities,timestamp,iso3"
)
API_ROWS = (
    '7000001,434,LBY101,101,"21 March 2020",2020,1,Battles,"Armed clash",'
    '"Military Forces of Libya (2014-) Libyan National Army",,1,'
    '"Military Forces of Libya (2016-) Government of National Accord",,1,11,'
    '"Northern Africa",Libya,West,Tripoli,,"Tripoli - Ain Zara",32.8000,13.2200,1,'
    '"Libya Observer; Libya Herald",National,"Clashes south of the capital.",3,1584984341,LBY\n'
    '7000002,434,LBY102,102,"22 March 2020",2020,1,"Violence against civilians",Abduction/forced '
    'disappearance,"Unidentified Armed Group (Libya)",,3,"Civilians (Libya)",,7,37,'
    '"Northern Africa",Libya,East,Benghazi,,Benghazi,32.1167,20.0667,1,"Libya Review",'
    'National,"A journalist was abducted.",0,1584984341,LBY\n'
)

LEGACY_HEADER = (
    "GWNO,EVENT_ID_CNTY,EVENT_ID_NO_CNTY,EVENT_DATE,YEAR,TIME_PRECISION,EVENT_TYPE,ACTOR1,"
    "ALLY_ACTOR_1,INTER1,ACTOR2,ALLY_ACTOR_2,INTER2,INTERACTION,COUNTRY,ADMIN1,ADMIN2,ADMIN3,"
    "LOCATION,LATITUDE,LONGITUDE,GEO_PRECISION,SOURCE,NOTES,FATALITIES,,"
)
LEGACY_ROWS = [
    '620,LBY1,1,16/05/2014,2014,1,Battle-No change of territory,"Military Forces of Libya '
    '(2014-) Libyan National Army",,1,"Ansar al Sharia",,2,12,Libya,Banghazi,Banghazi,,'
    'Benghazi,32.1167,20.0667,1,Reuters,"Operation Dignity begins; d\xe9j\xe0 vu in Benghazi.",'
    "70,,",
    '620,LBY2,2,17/05/2014,2014,1,Riots/Protests,"Protesters (Libya)",,6,,,0,60,Libya,'
    'Misratah,Misratah,,Misrata,32.3754,15.0925,1,AFP,"Crowds gathered.",0,,',
    '620,LBY3,3,18/05/2014,2014,2,Remote violence,"Unidentified Armed Group (Libya)",,3,'
    ',,0,30,Libya,Tarabulus,Tarabulus,,Tripoli,32.8925,13.18,1,AFP,"A rocket hit a house.",'
    "1,,",
]


def _current_csv(events: pd.DataFrame, *, labels: bool = True) -> bytes:
    buffer = io.BytesIO()
    libyaevents.write_acled(events, buffer, labels=labels)
    return buffer.getvalue()


def _check_account(loaded: libyaevents.Loaded) -> None:
    assert loaded.rows_read == loaded.rows_used + loaded.rows_reported
    assert len(loaded.problems) >= loaded.rows_reported


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return synthetic_events(300, seed=11)


# -- current layout -------------------------------------------------------------


@pytest.mark.parametrize("labels", [True, False], ids=["text-labels", "numeric"])
def test_current_export_reads_back_unchanged(events, labels):
    loaded = libyaevents.read_acled(io.BytesIO(_current_csv(events, labels=labels)))
    assert (loaded.vintage, loaded.encoding, loaded.ok) == ("current", "utf-8", True)
    columns = [c for c in ACLED_COLUMNS if c in events]
    pd.testing.assert_frame_equal(loaded.events[columns], events[columns].reset_index(drop=True))
    assert libyaevents.validate(loaded.tables(), today=TODAY).ok


def test_bom_crlf_and_text_buffers_give_the_same_events(events):
    raw = _current_csv(events)
    plain = libyaevents.read_acled(io.BytesIO(raw)).events
    quirky = b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n")
    pd.testing.assert_frame_equal(libyaevents.read_acled(io.BytesIO(quirky)).events, plain)
    text = io.StringIO(raw.decode("utf-8"))
    pd.testing.assert_frame_equal(libyaevents.read_acled(text).events, plain)


def test_spreadsheet_resave_dates_and_short_coordinates():
    row = (
        'LBY9,5-Aug-24,2024,1,"Political violence",Battles,"Armed clash","Rada Special '
        'Deterrence Force",,"Political militia","Military Forces of Libya (2014-) Libyan '
        'National Army",,"State forces","State forces-Political militia",,434,"Northern '
        'Africa",Libya,West,Tripoli,,Tripoli,32.9,13.2,1,"Libya Observer",National,'
        '"Clash.",2,,1722816000'
    )
    loaded = libyaevents.read_acled(io.StringIO(f"{CURRENT_HEADER}\r\n{row}\r\n"))
    event = loaded.events.iloc[0]
    assert str(event["event_date"].date()) == "2024-08-05"
    assert (event["latitude"], event["longitude"], event["interaction"]) == (32.9, 13.2, 13)
    assert loaded.ok


def test_multiline_notes_and_population_columns(events):
    sample = events.head(3).copy()
    sample["notes"] = ["First line.\nSecond line.", "One line.", "A\r\nB\r\nC"]
    sample["population_best"] = pd.array([1000, None, 25], dtype="Int64")
    loaded = libyaevents.read_acled(io.BytesIO(_current_csv(sample)))
    assert loaded.events["notes"].tolist() == sample["notes"].tolist()
    assert loaded.events["population_best"].tolist() == [1000, pd.NA, 25]


# -- API 2019-2023 and legacy layouts -------------------------------------------


def test_api_layout_dates_derived_disorder_and_civilian_targeting():
    loaded = libyaevents.read_acled(io.StringIO(API_HEADER + "\n" + API_ROWS))
    assert loaded.vintage == "api"
    assert any("data_id" in n for n in loaded.file_notes)
    assert "not in this layout, left empty: tags" in loaded.file_notes
    events = loaded.events.set_index("event_id_cnty")
    assert str(events.at["LBY101", "event_date"].date()) == "2020-03-21"
    assert events.at["LBY101", "disorder_type"] == "Political violence"
    assert events.at["LBY102", "civilian_targeting"] == "Civilian targeting"
    assert pd.isna(events.at["LBY101", "civilian_targeting"])
    assert libyaevents.validate(loaded.tables(), today=TODAY).ok


def test_legacy_layout_windows_1252_crlf_trailing_columns_and_old_types():
    raw = (LEGACY_HEADER + "\r\n" + "\r\n".join(LEGACY_ROWS) + "\r\n").encode("cp1252")
    loaded = libyaevents.read_acled(io.BytesIO(raw))
    assert (loaded.vintage, loaded.encoding) == ("legacy", "cp1252")
    _check_account(loaded)
    assert loaded.ok
    events = loaded.events.set_index("event_id_cnty")
    assert "déjà vu" in events.at["LBY1", "notes"]
    # faithful mapping
    assert (events.at["LBY1", "event_type"], events.at["LBY1", "sub_event_type"]) == (
        "Battles", "Armed clash",
    )  # fmt: skip
    # partial: event type and disorder follow, the sub-event type does not
    assert events.at["LBY3", "event_type"] == "Explosions/Remote violence"
    assert pd.isna(events.at["LBY3", "sub_event_type"])
    assert "legacy event type=Remote violence" in events.at["LBY3", "tags"]
    # none: Riots/Protests could be either
    assert pd.isna(events.at["LBY2", "event_type"])
    assert "legacy event type=Riots/Protests" in events.at["LBY2", "tags"]
    noted = loaded.notes[loaded.notes["column"] == "event_type"]
    assert sorted(noted["record_id"]) == ["LBY2", "LBY3"]
    assert noted.set_index("record_id").at["LBY2", "line"] == 3
    # inter2 written as 0 for a blank actor2 is empty; Libya gets iso and region
    assert pd.isna(events.at["LBY2", "inter2"])
    assert (events.at["LBY2", "iso"], events.at["LBY2", "region"]) == (434, "Northern Africa")
    # old district names in admin1 become the current region and district
    assert (events.at["LBY2", "admin1"], events.at["LBY2", "admin2"]) == ("West", "Misrata")
    assert (events.at["LBY1", "admin1"], events.at["LBY1", "admin2"]) == ("East", "Benghazi")
    # validation then says exactly what the old layout cannot provide
    report = libyaevents.validate(loaded.tables(), today=TODAY)
    missing = set(report.failures.loc[report.failures["code"] == "value-missing", "column"])
    assert missing == {"event_type", "sub_event_type", "disorder_type", "source_scale", "timestamp"}


def _monadic_rows(sample: pd.DataFrame) -> list[dict]:
    """Each event as ACLED's monadic exports give it: an actor1 row, then an actor2 row."""
    rows = []
    for event in sample.itertuples(index=False):
        base = event._asdict()
        rows.append(base)
        rows.append({**base, "actor1": event.actor2, "assoc_actor_1": event.assoc_actor_2,
                     "inter1": event.inter2})  # fmt: skip
    return rows


def _read_monadic(rows: list[dict]):
    monadic = pd.DataFrame(rows).drop(columns=["actor2", "assoc_actor_2", "inter2"])
    monadic["inter1"] = monadic["inter1"].astype("int8")
    return libyaevents.read_acled(io.BytesIO(_current_csv(monadic, labels=False)))


def test_monadic_export_is_merged_and_a_third_row_is_reported(events):
    sample = events[events["actor2"].notna()].head(3).reset_index(drop=True)
    rows = _monadic_rows(sample)
    rows.append(dict(rows[0]))  # a third row for the first event
    loaded = _read_monadic(rows)
    assert loaded.vintage == "current (monadic)"
    _check_account(loaded)
    assert (loaded.rows_read, len(loaded.events), loaded.rows_merged) == (7, 3, 3)
    assert loaded.problems["line"].tolist() == [8]
    merged = loaded.events.set_index("event_id_cnty")
    for event in sample.itertuples(index=False):
        assert merged.at[event.event_id_cnty, "actor2"] == event.actor2
        assert merged.at[event.event_id_cnty, "inter2"] == event.inter2


# -- bad input: reported, never dropped silently ---------------------------------


def test_every_bad_row_is_reported_at_its_line_and_the_rest_returned(events):
    lines = _current_csv(events.head(8)).decode("utf-8").splitlines()
    lines[1] = lines[1].replace("Political violence", "Political violence", 1)
    row2 = lines[2].split(",")
    row2[1] = "2020-02-31"  # impossible day
    lines[2] = ",".join(row2)
    lines[3] = (
        lines[3].replace(',"Armed clash"', ',"Armed clashes"').replace(',"Attack"', ',"Attacks"')
    )
    lines.insert(5, "")  # an empty line
    lines[7] = lines[7] + ",surplus"  # one field too many
    text = "\n".join(lines) + "\n"
    loaded = libyaevents.read_acled(io.StringIO(text))
    _check_account(loaded)
    assert loaded.rows_read == 9
    problems = loaded.problems.set_index("line")
    assert problems.at[3, "column"] == "event_date"
    assert problems.at[3, "value"] == "2020-02-31"
    assert problems.at[6, "message"] == "empty line"
    assert "fields" in problems.at[8, "message"]
    assert len(loaded.events) == loaded.rows_read - loaded.rows_reported


def test_line_numbers_count_lines_inside_quoted_notes(events):
    sample = events.head(4).copy()
    sample["notes"] = ["one\ntwo\nthree", "x", "y", "z"]
    raw = _current_csv(sample).decode("utf-8").split("\n")
    # the record of the 3rd event starts on line 2 + 3 (first record spans 3 lines) + 1
    bad = raw.index(next(r for r in raw if r.startswith('"' + sample.iloc[2]["event_id_cnty"])))
    raw[bad] = raw[bad].replace(",1,", ",one,", 1)  # a word where time_precision belongs
    loaded = libyaevents.read_acled(io.StringIO("\n".join(raw)))
    assert loaded.problems["line"].tolist() == [bad + 1] == [6]


def test_not_an_acled_file_or_no_file_is_a_read_error(tmp_path):
    with pytest.raises(ReadError, match="not an ACLED export: no event_id_cnty"):
        libyaevents.read_acled(io.StringIO("a,b\n1,2\n"))
    with pytest.raises(ReadError, match="no such file"):
        libyaevents.read_acled(tmp_path / "missing.csv")
    with pytest.raises(ReadError, match="empty"):
        libyaevents.read_acled(io.BytesIO(b""))


def test_summary_and_json_account(events):
    loaded = libyaevents.read_acled(io.StringIO(API_HEADER + "\n" + API_ROWS + "x,y\n"))
    data = loaded.to_dict()
    assert data["rows_read"] == data["rows_used"] + data["rows_reported"] == 3
    assert "rows read 3 = used 2" in loaded.summary()


# -- the real exports in ../shared ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "vintage", "rows"),
    [("acled_afghanistan_2020_api_legacy.csv", "api", 496),
     ("acled_somalia_2025_modern31.csv", "current", 6464)],
)  # fmt: skip
def test_real_exports_load_whole_and_validate(shared_acled, name, vintage, rows):
    loaded = libyaevents.read_acled(shared_acled / name)
    assert (loaded.vintage, loaded.rows_read, loaded.rows_used) == (vintage, rows, rows)
    assert loaded.ok
    assert libyaevents.validate(loaded.tables(), today=TODAY).ok
    named = set(loaded.events["actor1"]) | set(loaded.events["actor2"].dropna())
    assert named <= set(loaded.actors["name"])


# -- fuzzing: any bytes, truncated or garbled CSV ------------------------------------


def _read_or_read_error(raw: bytes) -> None:
    try:
        loaded = libyaevents.read_acled(io.BytesIO(raw))
    except ReadError:
        return
    _check_account(loaded)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_give_a_result_or_a_read_error(raw):
    _read_or_read_error(raw)
    _read_or_read_error(CURRENT_HEADER.encode() + b"\n" + raw)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_truncated_or_garbled_exports_keep_the_account(events, data):
    raw = bytearray(_current_csv(events.head(20)))
    cut = data.draw(st.integers(0, len(raw)))
    _read_or_read_error(bytes(raw[:cut]))
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.sampled_from(b',"\n\r\x00\xff;a9'))
    _read_or_read_error(bytes(raw))


def test_each_event_knows_its_line(events):
    sample = events.head(5).copy()
    sample["notes"] = ["a\nb", "c", "d\ne\nf", "g", "h"]
    loaded = libyaevents.read_acled(io.BytesIO(_current_csv(sample)))
    assert loaded.lines.tolist() == [2, 4, 5, 8, 9]


def test_progress_reports_bytes_read(tmp_path):
    path = tmp_path / "export.csv"
    libyaevents.write_acled(synthetic_events(2_000, seed=5), path)
    seen: list[tuple[int, int]] = []
    loaded = libyaevents.read_acled(path, progress=lambda done, total: seen.append((done, total)))
    size = path.stat().st_size
    assert seen[-1] == (size, size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert loaded.rows_used == 2_000


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(seed=st.integers(0, 100_000), rows=st.integers(1, 300), labels=st.booleans())
def test_any_events_round_trip_through_an_acled_csv(seed, rows, labels):
    events = synthetic_events(rows, seed=seed)
    loaded = libyaevents.read_acled(io.BytesIO(_current_csv(events, labels=labels)))
    columns = [c for c in ACLED_COLUMNS if c in events]
    pd.testing.assert_frame_equal(loaded.events[columns], events[columns].reset_index(drop=True))
    assert loaded.ok


def test_legacy_files_of_other_countries_take_iso_from_gwno():
    rows = [
        LEGACY_ROWS[0],
        LEGACY_ROWS[0].replace("620,LBY1,1,", "651,EGY1,1,").replace(",Libya,", ",Egypt,"),
        LEGACY_ROWS[0].replace("620,LBY1,1,", "475,NIG1,1,").replace(",Libya,", ",Nigeria,"),
        LEGACY_ROWS[0].replace("620,LBY1,1,", ",LBY4,4,"),  # no code: a Libyan row still is
    ]
    raw = (LEGACY_HEADER + "\n" + "\n".join(rows) + "\n").encode("cp1252")
    events = libyaevents.read_acled(io.BytesIO(raw)).events.set_index("event_id_cnty")
    assert events["iso"].to_dict() == {"LBY1": 434, "EGY1": 818, "NIG1": 566, "LBY4": 434}
    assert events.at["EGY1", "region"] == "Northern Africa"
    assert pd.isna(events.at["NIG1", "region"])  # ACLED's region for Nigeria is not known here


def test_formula_cells_are_defused_in_the_export_and_numbers_are_not(tmp_path):
    events = synthetic_events(20, seed=3)
    events.loc[0, "notes"] = '=HYPERLINK("http://example.org")'
    events.loc[1, "notes"] = "@SUM(A1)"
    events.loc[2, "longitude"] = -0.5  # a negative number stays a number
    path = tmp_path / "out.csv"
    libyaevents.write_acled(events, path)
    back = libyaevents.read_acled(path).events.set_index("event_id_cnty")
    ids = events["event_id_cnty"]
    assert back.loc[ids[0], "notes"] == "'" + events.loc[0, "notes"]
    assert back.loc[ids[1], "notes"] == "'@SUM(A1)"
    assert back.loc[ids[2], "longitude"] == -0.5
    libyaevents.write_acled(events, path, formulas=True)  # raw, when asked
    assert (
        libyaevents.read_acled(path).events.set_index("event_id_cnty").loc[ids[0], "notes"]
        == events.loc[0, "notes"]
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no temporary left


def test_writing_into_a_missing_folder_says_so(tmp_path):
    with pytest.raises(libyaevents.InputError, match="does not exist"):
        libyaevents.write_acled(synthetic_events(3, seed=1), tmp_path / "nope" / "out.csv")


def test_a_current_export_with_upper_case_headers_is_still_current():
    events = synthetic_events(30, seed=9)
    buffer = io.BytesIO()
    libyaevents.write_acled(events, buffer)
    header, rest = buffer.getvalue().decode().split("\n", 1)
    loaded = libyaevents.read_acled(io.StringIO(header.upper() + "\n" + rest))
    assert loaded.vintage == "current"
    lower = libyaevents.read_acled(io.BytesIO(buffer.getvalue()))
    pd.testing.assert_frame_equal(loaded.events, lower.events)  # nothing emptied
    assert loaded.events["sub_event_type"].notna().all()


def test_monadic_rows_that_disagree_are_noted_and_the_note_does_not_say_left_empty(events):
    sample = events[events["actor2"].notna()].head(2).reset_index(drop=True)
    rows = _monadic_rows(sample)
    rows[1]["fatalities"] = rows[0]["fatalities"] + 5  # the actor2 row counts more deaths
    loaded = _read_monadic(rows)
    noted = loaded.notes[loaded.notes["code"] == "monadic-disagreement"]
    assert noted[["record_id", "column", "line"]].values.tolist() == [
        [sample.loc[0, "event_id_cnty"], "fatalities", 2]
    ]
    assert str(rows[0]["fatalities"] + 5) in noted["message"].iloc[0]
    assert (
        loaded.events.set_index("event_id_cnty").at[sample.loc[0, "event_id_cnty"], "fatalities"]
        == rows[0]["fatalities"]
    )
    assert not any("left empty" in n and "actor2" in n for n in loaded.file_notes)
    assert any("filled from each event's second row" in n for n in loaded.file_notes)


def test_padded_notes_and_sources_are_trimmed_like_every_other_column(events):
    sample = events.head(3).copy()
    sample["notes"] = sample["notes"].astype("str")
    sample.loc[0, "notes"] = "  Clashes near the port.  "
    sample.loc[1, "source"] = " Libya Herald "
    loaded = libyaevents.read_acled(io.BytesIO(_current_csv(sample)))
    assert loaded.events.loc[0, "notes"] == "Clashes near the port."
    assert loaded.events.loc[1, "source"] == "Libya Herald"
    report = libyaevents.validate(loaded, today="2030-01-01")
    assert not (report.failures["column"].isin(["notes", "source"])).any()


def test_actor_names_are_normalised_and_unknown_districts_noted():
    events = synthetic_events(12, seed=4)
    for column in ("actor1", "admin1"):
        events[column] = events[column].astype("str")
    name = events.loc[0, "actor1"]
    events.loc[1, "actor1"] = name.replace(" ", "\u00a0", 1)  # looks the same, was another actor
    events.loc[2, "admin1"] = "Atlantis District"
    events.loc[3, "admin1"] = "Al Hizam Al Akhdar"  # an old district: resolved
    buffer = io.BytesIO()
    libyaevents.write_acled(events, buffer)
    loaded = libyaevents.read_acled(io.BytesIO(buffer.getvalue()))
    assert loaded.events.loc[1, "actor1"] == name
    assert (loaded.actors["name"] == name).sum() == 1
    codes = dict(zip(loaded.notes["line"], loaded.notes["code"], strict=True))
    assert codes[3] == "name-normalised"
    assert codes[4] == "district-unknown"
    assert codes[5] == "district-renamed"
    assert loaded.events.loc[3, ["admin1", "admin2"]].tolist() == ["East", "Almarj"]


def test_a_re_derived_column_is_said_in_the_file_notes():
    buffer = io.BytesIO()
    libyaevents.write_acled(synthetic_events(5, seed=1).drop(columns=["disorder_type"]), buffer)
    loaded = libyaevents.read_acled(io.BytesIO(buffer.getvalue()))
    assert "disorder_type is not in this layout: derived from sub_event_type" in loaded.file_notes
    assert loaded.events["disorder_type"].notna().all()


_CONVERTED = ("event_date", "year", "time_precision", "disorder_type", "event_type",
              "sub_event_type", "inter1", "inter2", "interaction", "civilian_targeting", "iso",
              "latitude", "longitude", "geo_precision", "source_scale", "fatalities",
              "timestamp")  # fmt: skip


def _pad_cells(raw: bytes, cells: list[tuple[int, str, str]]) -> bytes:
    """Rewrite the given (row, column) cells of a CSV, each as ``pad + value + pad``."""
    frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
    for row, column, pad in cells:
        frame.loc[row, column] = pad + frame.loc[row, column] + pad
    return frame.to_csv(index=False).encode("utf-8")


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
          deadline=None, max_examples=25)  # fmt: skip
@given(
    labels=st.booleans(),
    cells=st.lists(
        st.tuples(st.integers(0, 29), st.sampled_from(_CONVERTED), st.sampled_from([" ", "\t"])),
        min_size=1, max_size=6,
    ),
)  # fmt: skip
def test_padded_values_in_converted_columns_read_as_if_trimmed(events, labels, cells):
    # numbers, dates, vocabularies and actor types are converted from the column as
    # read when every value converts; a padded value must send the column through the
    # trimmed path and give exactly what the unpadded file gives
    raw = _current_csv(events.head(30), labels=labels)
    clean = libyaevents.read_acled(io.BytesIO(raw))
    padded = libyaevents.read_acled(io.BytesIO(_pad_cells(raw, cells)))
    pd.testing.assert_frame_equal(padded.events, clean.events)
    assert padded.problems.empty
    assert clean.problems.empty


def test_a_bad_padded_value_is_reported_trimmed_and_a_hex_number_is_not_a_number(events):
    raw = _current_csv(events.head(5))
    frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
    frame.loc[1, "fatalities"] = " 0x1A "  # the cast alone would read 26
    frame.loc[2, "event_type"] = " Battle "  # padded and not a type
    frame.loc[3, "year"] = "   "  # blank: missing, not bad
    loaded = libyaevents.read_acled(io.BytesIO(frame.to_csv(index=False).encode("utf-8")))
    _check_account(loaded)
    found = loaded.problems.set_index("line")[["column", "value"]]
    assert found.loc[3].tolist() == ["fatalities", "0x1A"]
    assert found.loc[4].tolist() == ["event_type", "Battle"]
    assert loaded.events["year"].isna().sum() == 1


def test_old_district_spellings_in_admin2_become_current_only_in_libya(events):
    sample = events.head(4).copy()
    for column in ("admin1", "admin2", "country"):
        sample[column] = sample[column].astype("str")
    sample["admin1"] = "East"  # regions only: nothing moves out of admin1
    sample.loc[0, "admin2"] = "Darnah"  # an old spelling of Derna
    sample.loc[1, ["admin2", "country"]] = ["Darnah", "Egypt"]  # not Libya: kept as written
    loaded = libyaevents.read_acled(io.BytesIO(_current_csv(sample)))
    assert loaded.events["admin2"].iloc[:2].tolist() == ["Derna", "Darnah"]
    assert loaded.events["admin2"].iloc[2:].tolist() == sample["admin2"].iloc[2:].tolist()


# -- read part by part: the same result as the whole file ---------------------------


def _whole(raw: bytes) -> libyaevents.Loaded:
    from libyaevents.readers.acled import events_from_text
    from libyaevents.readers.csvtext import read_csv_text

    return events_from_text(read_csv_text(io.BytesIO(raw)))


def _same_result(parts: libyaevents.Loaded, whole: libyaevents.Loaded) -> None:
    for name in ("events", "actors", "problems", "notes"):
        pd.testing.assert_frame_equal(getattr(parts, name), getattr(whole, name))
    assert parts.lines.tolist() == whole.lines.tolist()
    assert (parts.file_notes, parts.rows_read, parts.rows_merged, parts.vintage) == (
        whole.file_notes, whole.rows_read, whole.rows_merged, whole.vintage)  # fmt: skip


def _defective(events: pd.DataFrame) -> bytes:
    """An export with a bit of everything that is converted row by row or reported."""
    sample = events.head(120).copy()
    sample["notes"] = sample["notes"].astype("str")
    sample.loc[3, "notes"] = "first line\nsecond line\nthird"  # lines inside a record
    sample.loc[40, "notes"] = "  padded  "
    sample["admin2"] = sample["admin2"].astype("str")
    sample.loc[50, "admin2"] = "Tarabulus"  # an old district spelling
    sample.loc[60:, "admin3"] = None  # a column empty in the later parts only
    sample["fatalities"] = sample["fatalities"].astype("Int32")
    sample.loc[5, "fatalities"] = None  # a required number missing in one part: nullable
    lines = _current_csv(sample).decode("utf-8").split("\n")
    lines[10] = lines[10].replace(",1,", ",one,", 1)  # a word for a number
    lines.insert(30, "")  # an empty line
    lines[70] = lines[70].replace("Battles", "Battle", 1)  # not in the vocabulary
    return "\n".join(lines).encode("utf-8")


@pytest.mark.parametrize("block", [1 << 10, 1 << 13])
def test_a_file_read_part_by_part_gives_what_the_whole_file_gives(events, monkeypatch, block):
    # large exports are converted part by part so the whole file is never held as
    # text; tiny blocks and parts here make many parts of these small files
    from libyaevents.readers import acled, csvtext

    monkeypatch.setattr(csvtext, "_CSV_BLOCK", block)
    monkeypatch.setattr(csvtext, "PART_BYTES", 2 * block)
    seen = []
    convert_part = acled._convert_part
    monkeypatch.setattr(acled, "_convert_part", lambda *a: seen.append(1) or convert_part(*a))
    monadic = pd.DataFrame(_monadic_rows(events[events["actor2"].notna()].head(60)))
    monadic = monadic.drop(columns=["actor2", "assoc_actor_2", "inter2"])
    monadic["inter1"] = monadic["inter1"].astype("int8")
    civilians = (  # civilian_targeting derived in the first part only
        '620,LBY9,9,19/05/2014,2014,1,Violence against civilians,"Unidentified Armed Group '
        '(Libya)",,3,"Civilians (Libya)",,7,37,Libya,Misratah,Misratah,,Misrata,32.3754,'
        '15.0925,1,AFP,"A man was shot.",1,,'
    )
    rows = [civilians, *LEGACY_ROWS * 40]
    legacy = (LEGACY_HEADER + "\n" + "\n".join(rows) + "\n").encode("cp1252")
    for raw in (_defective(events), _current_csv(monadic, labels=False), legacy):
        seen.clear()
        whole = _whole(raw)
        parts = libyaevents.read_acled(io.BytesIO(raw))
        assert len(seen) > 1  # read in parts (the legacy file in Windows-1252 too)
        _same_result(parts, whole)
        _check_account(parts)


def test_a_malformed_record_late_in_a_file_read_in_parts_is_still_reported(events, monkeypatch):
    from libyaevents.readers import csvtext

    monkeypatch.setattr(csvtext, "_CSV_BLOCK", 1 << 10)
    monkeypatch.setattr(csvtext, "PART_BYTES", 1 << 11)
    lines = _current_csv(events.head(80)).decode("utf-8").split("\n")
    lines[75] += ",surplus"  # found after several parts were converted
    raw = "\n".join(lines).encode("utf-8")
    loaded = libyaevents.read_acled(io.BytesIO(raw))
    _same_result(loaded, _whole(raw))
    assert loaded.problems["line"].tolist() == [76]


@pytest.mark.parametrize("bad", [None, b"\xff", b"\xe2\x80"])
def test_text_read_in_parts_is_checked_as_utf8_part_by_part(events, monkeypatch, bad):
    # the parts' reader leaves pyarrow's UTF-8 check off and checks the text
    # itself: ASCII columns at a glance, the others value by value. Valid
    # accented names stay UTF-8; an invalid sequence in a later part makes the
    # whole file be read again and decoded as Windows-1252, as the whole read does
    from libyaevents.readers import csvtext

    monkeypatch.setattr(csvtext, "_CSV_BLOCK", 1 << 12)
    monkeypatch.setattr(csvtext, "PART_BYTES", 1 << 13)
    lines = _current_csv(events).decode("utf-8").split("\n")
    lines[3] = lines[3].replace("Libya", "Lib\u00efa", 1)  # valid two-byte UTF-8, early
    raw = "\n".join(lines).encode("utf-8")
    if bad is not None:
        at = raw.index(b"\n", len(raw) * 3 // 4) + 5  # inside a record of a late part
        assert at > csvtext._HEAD_BYTES  # past the head that chose UTF-8
        raw = raw[:at] + bad + raw[at:]
    loaded = libyaevents.read_acled(io.BytesIO(raw))
    _same_result(loaded, _whole(raw))
    _check_account(loaded)
    assert loaded.encoding == ("utf-8" if bad is None else "cp1252")
    if bad is None:
        texts = loaded.events.select_dtypes("str")
        assert texts.apply(lambda column: column.str.contains("Lib\u00efa")).any(axis=None)
