"""Read UCDP GED files into the canonical events table: a documented crosswalk.

UCDP's Georeferenced Event Dataset codes organised violence with at least one
death; ACLED codes all political violence and more. The crosswalk below maps
each GED column onto the ACLED-style schema; where the two codings do not line
up, the mapping is an approximation and says so (:data:`CROSSWALK`, and the
``ucdp ...`` tags every row carries).

=====================  =====================================================
events column          from GED
=====================  =====================================================
event_id_cnty          ``UCD`` + ``id`` (the GED id kept; also in ``tags``)
event_date             middle of ``date_start`` .. ``date_end``
time_precision         ``date_prec`` 1 -> 1; 2, 3 -> 2 (within a week);
                       4 -> 3 (within a month); 5 -> 3 (*coarser than ACLED
                       allows*: row noted)
event_type, sub_event  ``type_of_violence`` 1 state-based and 2 non-state ->
                       Battles / Armed clash; 3 one-sided -> Violence against
                       civilians / Attack (*approximation*: GED does not say
                       whether an attack was an air strike, shelling...)
civilian_targeting     set for one-sided violence
actor1, actor2         ``side_a``, ``side_b``
inter1, inter2         ``Government of ...`` -> 1 State forces; side_b of
                       state-based conflict -> 2 Rebel group; sides of
                       non-state conflict -> 3 Political militia; side_a of
                       one-sided violence -> 2; side_b of one-sided violence
                       -> 7 Civilians (*approximation* of ACLED's actor types)
fatalities             ``best``; ``low`` and ``high`` kept as fatalities_low/_high
country, latitude,     as in GED; ``adm_1``/``adm_2`` -> admin1/admin2 (Libyan
longitude, admin1/2    districts resolved to the current region and district)
location               ``where_coordinates``
geo_precision          ``where_prec`` 1 -> 1; 2, 3, 5 -> 2; 4, 6, 7 -> 3
(checked)              ``priogrid_gid``: a note (``priogrid-mismatch``) where it
                       is not the PRIO-GRID cell of the coordinates
iso, region            from ``country_id`` (Gleditsch-Ward): ISO 3166 numeric
                       for every state GED covers; ACLED's region where
                       known, else GED's ``region`` (noted in the file notes)
source                 ``source_office`` (outlets), else ``UCDP GED``
notes                  composed from GED's death counts (no source text)
source_scale,          not coded by UCDP: left empty (validate() reports them)
timestamp
=====================  =====================================================

Examples
--------
>>> import io, libyaevents
>>> ged = io.StringIO(
...     "id,relid,year,type_of_violence,conflict_name,dyad_name,side_a,side_b,"
...     "where_prec,where_coordinates,adm_1,adm_2,latitude,longitude,country,country_id,"
...     "region,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,"
...     "deaths_unknown,best,high,low,source_office\\n"
...     "244657,LIB-2020-1-123,2020,1,Libya:Government,Government of Libya - LNA,"
...     "Government of Libya,LNA,1,Tripoli town,Tripoli district,,32.8925,13.18,Libya,620,"
...     "Africa,1,2020-03-21 00:00:00.000,2020-03-21 00:00:00.000,2,3,0,0,5,7,5,Reuters\\n")
>>> loaded = libyaevents.read_ucdp_ged(ged)
>>> event = loaded.events.iloc[0]
>>> event["event_id_cnty"], event["sub_event_type"], int(event["interaction"]), event["admin1"]
('UCD244657', 'Armed clash', 12, 'West')
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from libyaevents.compute import loose
from libyaevents.errors import ReadError
from libyaevents.readers import conversions as convert
from libyaevents.readers.account import Loaded
from libyaevents.readers.assemble import (
    Columns,
    Part,
    counted,
    country_codes,
    current_districts,
    each_part,
    joined,
    loaded,
    read_in_parts,
)
from libyaevents.readers.csvtext import CsvText, Progress, Source
from libyaevents.schema.tables import EVENTS
from libyaevents.vocab import actortypes, countries, gazetteer, priogrid, taxonomy

__all__ = ["CROSSWALK", "GW_TO_ISO", "is_ucdp_ged", "read_ucdp_ged"]

#: events column -> how it is derived from GED, and whether that is an approximation.
CROSSWALK: Final = MappingProxyType(
    {
        "event_id_cnty": ("'UCD' + id", False),
        "event_date": ("middle of date_start..date_end", False),
        "time_precision": ("date_prec 1->1, 2-3->2, 4-5->3", True),
        "event_type": ("type_of_violence 1-2 -> Battles, 3 -> Violence against civilians", True),
        "sub_event_type": ("Armed clash / Attack", True),
        "actor1": ("side_a", False),
        "actor2": ("side_b", False),
        "inter1": ("Government of ... -> 1; otherwise by type_of_violence", True),
        "inter2": ("Government of ... -> 1; otherwise by type_of_violence", True),
        "fatalities": ("best", False),
        "geo_precision": ("where_prec 1->1, 2/3/5->2, 4/6/7->3", True),
        "location": ("where_coordinates", False),
        "admin1": ("adm_1 (Libya: current region)", False),
        "admin2": ("adm_2 (Libya: current district)", False),
        "iso": ("country_id (Gleditsch-Ward) -> ISO 3166 numeric", False),
        "region": ("country_id -> ACLED region where known, else GED's region", True),
        "source": ("source_office", False),
        "notes": ("composed from GED's death counts", False),
    }
)

#: Gleditsch-Ward country code -> (ISO 3166 numeric, ACLED region or None): every
#: state GED covers (see :mod:`libyaevents.vocab.countries`).
GW_TO_ISO: Final = MappingProxyType({c.gw: (c.iso, c.region) for c in countries.COUNTRIES})

_REQUIRED: Final = ("id", "type_of_violence", "side_a", "side_b", "best", "date_start")
_TIME_PRECISION: Final = {"1": 1, "2": 2, "3": 2, "4": 3, "5": 3}
_GEO_PRECISION: Final = {"1": 1, "2": 2, "3": 2, "4": 3, "5": 2, "6": 3, "7": 3}
_TYPES: Final = {"1": "Armed clash", "2": "Armed clash", "3": "Attack"}
_ADMIN_SUFFIX: Final = r" (district|municipality|province|shabiyah|governorate)$"


def is_ucdp_ged(header: list[str]) -> bool:
    """True when a header has GED's defining columns."""
    names = {h.strip().lower() for h in header}
    return all(c in names for c in _REQUIRED)


def _null(kind: pa.DataType = convert.TEXT) -> Any:
    return pa.scalar(None, kind)


def _inter(cols: Columns, side: str, violence: Any) -> Any:
    """Approximate ACLED actor types from GED's sides and type of violence."""
    names = cols.get(side)
    government = pc.fill_null(pc.starts_with(names, "Government of"), False)
    by_type = {"1": 1, "2": 3, "3": 2} if side == "side_a" else {"1": 2, "2": 3, "3": 7}
    fallback = convert.lookup(violence, by_type, pa.int64())[0]
    return pc.if_else(government, 1, fallback)


def _dates(cols: Columns) -> Any:
    start, bad_start = convert.dates(cols.get("date_start"))
    cols.reject("date_start", bad_start, "not-a-date", "not a date")
    if "date_end" not in cols.text:
        return start
    end, bad_end = convert.dates(cols.get("date_end"))
    cols.reject("date_end", bad_end, "not-a-date", "not a date")
    days = pc.cast(pc.cast(start, pa.int32()), pa.int64())
    span = pc.subtract(pc.cast(pc.cast(end, pa.int32()), pa.int64()), days)
    backwards = convert.present(span) & np.asarray(loose.fill_null(loose.less(span, 0), False))
    cols.reject("date_end", backwards, "date-order", "date_end is before date_start")
    middle = loose.add(days, loose.divide(loose.fill_null(span, 0), 2))
    return pc.cast(pc.cast(middle, pa.int32()), pa.date32())


def _place(cols: Columns) -> int:
    """iso and region from ``country_id``; return how many rows took UCDP's region."""
    country_id, bad = convert.integers(cols.get("country_id"), 0, 10**4)
    cols.reject("country_id", bad, "country-code-unknown", "not a Gleditsch-Ward country code")
    cols.out["iso"], acled = country_codes(country_id)
    unknown = convert.present(country_id) & ~convert.present(cols.out["iso"]) & ~bad
    cols.caveat(
        "country_id",
        unknown,
        "country-code-unmapped",
        "not a Gleditsch-Ward code GED uses: iso left empty",
    )
    cols.out["region"] = pc.coalesce(acled, cols.get("region"))  # else UCDP's own region
    cols.out["country"] = cols.get("country")
    admin1 = pc.replace_substring_regex(cols.get("adm_1"), _ADMIN_SUFFIX, "")
    admin2 = pc.replace_substring_regex(cols.get("adm_2"), _ADMIN_SUFFIX, "")
    libya = loose.fill_null(loose.equal(cols.out["country"], gazetteer.COUNTRY), False)
    resolved = current_districts(admin1)
    region_of = convert.lookup(resolved, gazetteer.ADMIN1_OF, convert.TEXT)[0]
    known = pc.and_(libya, pc.is_valid(resolved))
    cols.out["admin1"] = pc.if_else(known, region_of, admin1)
    cols.out["admin2"] = pc.if_else(known, resolved, admin2)
    cols.out["admin3"] = pc.if_else(known, admin2, _null())
    cols.out["location"] = cols.get("where_coordinates")
    for name in ("latitude", "longitude"):
        cols.number(EVENTS.field(name))
    _check_cell(cols)
    geo, bad_geo = convert.lookup(cols.get("where_prec"), _GEO_PRECISION, pa.int64())
    cols.reject("where_prec", bad_geo, "not-in-vocabulary", "not a UCDP where_prec (1-7)")
    cols.out["geo_precision"] = geo
    return int((~convert.present(acled) & convert.present(cols.get("region"))).sum())


def _check_cell(cols: Columns) -> None:
    """GED's own ``priogrid_gid`` against the PRIO-GRID cell of its coordinates: a note if not."""
    if "priogrid_gid" not in cols.text:
        return
    given, bad = convert.integers(cols.get("priogrid_gid"), 0, 2**62)
    stated = np.asarray(given.fill_null(-1).to_numpy(zero_copy_only=False))
    lat, lon = (cols.out[name].to_numpy(zero_copy_only=False) for name in ("latitude", "longitude"))
    cells = priogrid.cell_ids(lat, lon)
    differ = convert.present(cols.get("priogrid_gid")) & (bad | (stated != cells))
    if not differ.any():
        return
    cell_text = pc.cast(pa.array(cells), convert.TEXT)
    parts = [
        "GED's priogrid_gid ", cols.get("priogrid_gid"), " is not cell ",
        pc.if_else(pa.array(cells == priogrid.NO_CELL), "(none)", cell_text),
        ", the PRIO-GRID cell of its coordinates (latitude ", _text_of(cols, "latitude"),
        ", longitude ", _text_of(cols, "longitude"), "); the event keeps its coordinates, "
        "and panels place it by them",
    ]  # fmt: skip
    messages = pc.binary_join_element_wise(
        *[pa.scalar(p, convert.TEXT) if isinstance(p, str) else p for p in parts],
        pa.scalar("", convert.TEXT),
    )
    cols.caveat("priogrid_gid", differ, "priogrid-mismatch", "", messages)


def _violence(cols: Columns) -> Any:
    violence = cols.get("type_of_violence")
    sub, bad = convert.lookup(violence, _TYPES, convert.TEXT)
    cols.reject(
        "type_of_violence", bad, "not-in-vocabulary", "not a UCDP type_of_violence (1, 2, 3)"
    )
    cols.out["sub_event_type"] = sub
    cols.out["event_type"] = convert.lookup(sub, taxonomy.EVENT_TYPE_OF, convert.TEXT)[0]
    cols.out["disorder_type"] = convert.lookup(sub, taxonomy.DISORDER_TYPE_OF, convert.TEXT)[0]
    one_sided = loose.fill_null(loose.equal(violence, "3"), False)
    cols.out["civilian_targeting"] = pc.if_else(one_sided, taxonomy.CIVILIAN_TARGETING, _null())
    return violence


def _actors(cols: Columns, violence: Any) -> None:
    cols.out["actor1"] = cols.get("side_a")
    cols.out["actor2"] = cols.get("side_b")
    inter1, inter2 = _inter(cols, "side_a", violence), _inter(cols, "side_b", violence)
    inter2 = pc.if_else(pc.is_null(cols.out["actor2"]), None, inter2)
    cols.out["inter1"], cols.out["inter2"] = inter1, inter2
    floats = [
        np.asarray(pc.cast(i, pa.float64()).to_numpy(zero_copy_only=False))
        for i in (inter1, inter2)
    ]
    codes = actortypes.interaction_codes(*floats)
    cols.out["interaction"] = pc.cast(pa.array(codes, from_pandas=True), pa.int64())
    for name in ("assoc_actor_1", "assoc_actor_2"):
        cols.out[name] = pa.nulls(cols.rows, convert.TEXT)


def _text_of(cols: Columns, column: str) -> Any:
    return pc.fill_null(cols.get(column), "?")


def _describe(cols: Columns) -> None:
    """Notes composed from GED's numbers, tags keeping GED's ids and precisions."""
    parts = [
        "UCDP GED event ",
        _text_of(cols, "id"),
        " (",
        _text_of(cols, "dyad_name"),
        "): deaths side A ",
        _text_of(cols, "deaths_a"),
        ", side B ",
        _text_of(cols, "deaths_b"),
        ", civilians ",
        _text_of(cols, "deaths_civilians"),
        ", unknown ",
        _text_of(cols, "deaths_unknown"),
        "; best ",
        _text_of(cols, "best"),
        " (low ",
        _text_of(cols, "low"),
        ", high ",
        _text_of(cols, "high"),
        ").",
    ]
    cols.out["notes"] = pc.binary_join_element_wise(
        *[pa.scalar(p, convert.TEXT) if isinstance(p, str) else p for p in parts],
        pa.scalar("", convert.TEXT),
    )
    tags = [
        "ucdp id=",
        _text_of(cols, "id"),
        "; ucdp relid=",
        _text_of(cols, "relid"),
        "; ucdp date_prec=",
        _text_of(cols, "date_prec"),
        "; ucdp where_prec=",
        _text_of(cols, "where_prec"),
    ]
    cols.out["tags"] = pc.binary_join_element_wise(
        *[pa.scalar(p, convert.TEXT) if isinstance(p, str) else p for p in tags],
        pa.scalar("", convert.TEXT),
    )
    office = pc.replace_substring_regex(cols.get("source_office"), r"\s*;\s*", "; ")
    cols.out["source"] = pc.fill_null(office, "UCDP GED")


def _ged_part(text: CsvText) -> tuple[Part, int]:
    """Convert one text (a whole GED file, or a part of one); and its rows keeping UCDP's region."""
    columns = {
        h.strip().lower(): c  # trimmed when first used
        for h, c in zip(text.header, text.table.columns, strict=True)
    }
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        msg = (
            f"{text.name}: not a UCDP GED file: no {', '.join(missing)} column. Expected GED's "
            "CSV (id, type_of_violence, side_a, side_b, best, date_start, ...)."
        )
        raise ReadError(msg)
    cols = Columns(columns, text.table.num_rows)
    gid, bad = convert.integers(cols.get("id"), 0, 10**15)
    cols.reject("id", bad | ~convert.present(cols.get("id")), "id-invalid", "not a GED event id")
    cols.out["event_id_cnty"] = pc.binary_join_element_wise(
        pa.scalar("UCD", convert.TEXT), pc.cast(gid, convert.TEXT), pa.scalar("", convert.TEXT)
    )
    cols.out["event_date"] = _dates(cols)
    cols.out["year"] = pc.year(cols.out["event_date"])
    precision, bad_prec = convert.lookup(cols.get("date_prec"), _TIME_PRECISION, pa.int64())
    cols.reject("date_prec", bad_prec, "not-in-vocabulary", "not a UCDP date_prec (1-5)")
    cols.out["time_precision"] = precision
    cols.caveat(
        "date_prec",
        convert.members(cols.get("date_prec"), ["1", "2", "3", "4"]),
        "date-imprecise",
        "dated to more than a month: coded as time_precision 3",
    )
    violence = _violence(cols)
    _actors(cols, violence)
    ucdp_regions = _place(cols)
    best, bad_best = convert.integers(cols.get("best"), 0, 2**31 - 1)
    cols.reject("best", bad_best, "not-an-integer", "not a death count")
    cols.out["fatalities"] = best
    for bound in ("low", "high"):  # the uncertainty GED gives around best, kept
        if bound in columns:
            values, bad = convert.integers(cols.get(bound), 0, 2**31 - 1)
            cols.reject(bound, bad, "not-an-integer", "not a death count")
            cols.out[f"fatalities_{bound}"] = values
    _describe(cols)
    for name in ("source_scale", "timestamp"):
        cols.out[name] = pa.nulls(cols.rows, pa.int64() if name == "timestamp" else convert.TEXT)
    return Part.of(text, cols, id_column="id"), ucdp_regions


def _ged(texts: Iterable[CsvText]) -> Loaded:
    """Convert the texts of a GED file (the whole file, or its parts in order) into one result."""
    found, text, rows_read = each_part(texts, _ged_part)
    parts, ucdp_regions = [part for part, _ in found], sum(n for _, n in found)
    found.clear()
    actors = counted(parts)
    events, problems, notes, lines = joined(parts)
    file_notes = [
        "source_scale and timestamp are not coded by UCDP: left empty",
        "event types and actor types are approximations (see libyaevents.readers.ucdp)",
    ]
    if ucdp_regions:
        file_notes.append(
            f"region: {ucdp_regions:,} rows keep UCDP's region (no ACLED region is known "
            "here for their country; see libyaevents.vocab.countries)"
        )
    return loaded(
        text, events, problems, notes, lines=lines, vintage="ucdp-ged", file_notes=file_notes,
        rows_read=rows_read, actors=actors,
    )  # fmt: skip


def events_from_ged(text: CsvText) -> Loaded:
    """Convert a UCDP GED file already read as text (see :func:`read_ucdp_ged`)."""
    return _ged([text])


def read_ucdp_ged(source: Source, *, progress: Progress | None = None) -> Loaded:
    """Read a UCDP GED CSV file into canonical events and actors (see :data:`CROSSWALK`).

    Parameters
    ----------
    source : path or file object
        GED's CSV (any version with GED's column names).
    progress : callable, optional
        ``progress(bytes_read, bytes_total)``, called as the file is read.

    Returns
    -------
    Loaded
        As :func:`libyaevents.read_acled`: events, actors, problems with
        lines, notes (rows dated less precisely than ACLED allows), the
        row account.

    Raises
    ------
    ReadError
        When the file is missing, empty, not CSV or not a GED file.
    """
    return read_in_parts(source, progress, _ged)
