"""The three canonical tables: events, actors and measures.

Field lists follow ACLED's column names and meanings for events; actors and
measures are this project's. Row rules are vectorised functions over the whole
frame; each has a stable code.

Examples
--------
>>> from libyaevents.schema.tables import EVENTS, TABLES
>>> EVENTS.names[:3]
('event_id_cnty', 'event_date', 'year')
>>> sorted(TABLES)
['actors', 'events', 'measures']
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from types import MappingProxyType
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from libyaevents.schema.spec import Field, Rule, RuleContext, TableSpec
from libyaevents.vocab import actortypes, codes, gazetteer, measures, taxonomy

__all__ = ["ACTORS", "EVENTS", "MEASURES", "SCHEMA_VERSION", "TABLES", "actor_id_of"]

#: Version of the canonical schema: major changes break readers, minor ones add.
SCHEMA_VERSION: Final = "1.1"

EVENT_ID_PATTERN: Final = r"^[A-Z]{3}[0-9]+\Z"
ACTOR_ID_PATTERN: Final = r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z"
MEASURE_ID_PATTERN: Final = r"^[A-Z]{3}M[0-9]+\Z"


def actor_id_of(name: str) -> str:
    """Return the actor id derived from a name: lower-case words joined by ``-``.

    Examples
    --------
    >>> actor_id_of("Military Forces of Turkey (2016-)")
    'military-forces-of-turkey-2016'

    A name with no Latin letters or digits (e.g. written in Arabic script) gets
    a stable id from a hash of its NFC form, distinct for distinct names:

    >>> actor_id_of("ميليشيا الكانيات")
    'actor-41bf45a3bf'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if slug or not name.strip():
        return slug
    digest = hashlib.sha256(unicodedata.normalize("NFC", name.strip()).encode()).hexdigest()
    return f"actor-{digest[:10]}"


# -- helpers shared by rules ---------------------------------------------------


def _as_str(series: pd.Series) -> pd.Series:
    """Categorical -> its string values (null stays null), for comparisons."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.astype("str")
    return series


def _mapped_mismatch(key: pd.Series, actual: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """True where ``mapping[key]`` is known and differs from ``actual``.

    On categoricals this compares category codes through a lookup array, which
    costs one numpy gather instead of mapping a million strings.
    """
    if isinstance(key.dtype, pd.CategoricalDtype) and isinstance(actual.dtype, pd.CategoricalDtype):
        position = {cat: i for i, cat in enumerate(actual.cat.categories)}
        lookup = np.array([position.get(mapping.get(cat), -2) for cat in key.cat.categories] + [-2])
        key_codes = key.cat.codes.to_numpy()
        expected = lookup[key_codes]  # code -1 (empty) picks the trailing -2
        found = actual.cat.codes.to_numpy()
        bad = (expected != -2) & (found != -1) & (expected != found)
        return pd.Series(bad, index=key.index)
    expected_text = _as_str(key).map(mapping)
    found_text = _as_str(actual)
    return expected_text.notna() & found_text.notna() & (expected_text != found_text).fillna(True)


def isin(series: pd.Series, values: pd.Series) -> pd.Series:
    """``series.isin(values)`` in pyarrow: pandas' str ``isin`` loops over ``values`` in Python."""
    text = pa.large_string()
    is_in: Any = pc.is_in
    found = is_in(
        pa.array(series, type=text, from_pandas=True),
        value_set=pa.array(values, type=text, from_pandas=True),
    )
    flags = pc.fill_null(found, False)
    return pd.Series(np.asarray(flags), index=series.index)


def _floats(series: pd.Series) -> np.ndarray:
    """Numbers as a float array, nulls as NaN."""
    return series.to_numpy(dtype="float64", na_value=np.nan)


def _is_libya(df: pd.DataFrame) -> pd.Series:
    return (df["country"] == gazetteer.COUNTRY).fillna(False).astype(bool)


def _after(dates: pd.Series, limit: pd.Timestamp) -> pd.Series:
    return (dates > limit).fillna(False).astype(bool)


# -- events rules ----------------------------------------------------------------


def _year_mismatch(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    bad: pd.Series = (df["year"] != df["event_date"].dt.year).fillna(False)
    return bad & df["event_date"].notna()


def _date_future(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    return _after(df["event_date"], ctx.today)


def _timestamp_future(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    limit = int(ctx.today.timestamp()) + 86_400
    return (df["timestamp"] > limit).fillna(False).astype(bool)


def _sub_event_type(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    return _mapped_mismatch(df["sub_event_type"], df["event_type"], dict(taxonomy.EVENT_TYPE_OF))


def _disorder_type(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    return _mapped_mismatch(
        df["sub_event_type"], df["disorder_type"], dict(taxonomy.DISORDER_TYPE_OF)
    )


def _interaction(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    expected = actortypes.interaction_codes(_floats(df["inter1"]), _floats(df["inter2"]))
    found = _floats(df["interaction"])
    bad = ~np.isnan(expected) & ~np.isnan(found) & (expected != found)
    return pd.Series(bad, index=df.index)


def _inter2_actor2(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    return df["inter2"].isna() != df["actor2"].isna()


def _civilian_targeting(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    sub = _as_str(df["sub_event_type"])
    is_set = df["civilian_targeting"].notna()
    allowed = sub.isin(taxonomy.CIVILIAN_TARGETING_ALLOWED)
    required = sub.isin(taxonomy.CIVILIAN_TARGETING_REQUIRED)
    return (is_set & ~allowed & sub.notna()) | (~is_set & required)


def _outside_libya(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    box = gazetteer.LIBYA_BOX
    inside = df["latitude"].between(box.min_lat, box.max_lat) & df["longitude"].between(
        box.min_lon, box.max_lon
    )
    known = df["latitude"].notna() & df["longitude"].notna()
    return _is_libya(df) & known & ~inside


def _admin1_libya(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    return _is_libya(df) & df["admin1"].notna() & ~df["admin1"].isin(gazetteer.ADMIN1)


def _admin2_admin1(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    # Only judged when admin1 is itself valid; a bad admin1 is admin1-unknown's.
    expected = df["admin2"].map(dict(gazetteer.ADMIN1_OF))
    unknown = expected.isna() & df["admin2"].notna()
    wrong = (expected != df["admin1"]).fillna(False).astype(bool) & expected.notna()
    return _is_libya(df) & df["admin1"].isin(gazetteer.ADMIN1) & (unknown | wrong)


def _iso_country(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    is_iso = (df["iso"] == gazetteer.ISO).fillna(False).astype(bool)
    at_sea = _as_str(df["country"]).isin(gazetteer.SEAS)  # ACLED codes the coast's country
    return (_is_libya(df) != is_iso) & df["country"].notna() & ~at_sea


_EVENT_RULES: Final = (
    Rule("year-mismatch", "year", "year must equal the year of event_date", _year_mismatch,
         ("event_date",)),
    Rule("date-future", "event_date", "event_date must not be after today", _date_future),
    Rule("timestamp-future", "timestamp", "timestamp must not be after today",
         _timestamp_future),
    Rule("sub-event-type", "sub_event_type",
         "sub_event_type must belong to event_type (see the taxonomy)", _sub_event_type,
         ("event_type",)),
    Rule("disorder-type", "disorder_type",
         "disorder_type must be the one sub_event_type implies", _disorder_type,
         ("sub_event_type",)),
    Rule("interaction", "interaction",
         "interaction must combine inter1 and inter2, smaller code first (inter1*10 if "
         "one-sided)", _interaction, ("inter1", "inter2")),
    Rule("inter2-actor2", "inter2",
         "inter2 must be empty exactly when actor2 is empty", _inter2_actor2, ("actor2",)),
    Rule("civilian-targeting", "civilian_targeting",
         "civilian_targeting is set on violence against civilians, and only allowed on "
         "that, explosions/remote violence, riots and excessive force against protesters",
         _civilian_targeting, ("sub_event_type",)),
    Rule("outside-country", "latitude",
         "an event in Libya must lie inside Libya's bounding box", _outside_libya,
         ("longitude", "country")),
    Rule("admin1-unknown", "admin1",
         "admin1 of an event in Libya must be East, West or South", _admin1_libya,
         ("country",)),
    Rule("admin2-admin1", "admin2",
         "admin2 of an event in Libya must be a current district of its admin1",
         _admin2_admin1, ("admin1", "country")),
    Rule("iso-country", "iso", "iso must be 434 exactly when country is Libya",
         _iso_country, ("country",)),
)  # fmt: skip

_INTER_VALUES: Final = actortypes.INTER_CODES


def _text(name: str, description: str, **kw: Any) -> Field:
    return Field(name, "string", description, **kw)


_EVENT_FIELDS: Final = (
    _text("event_id_cnty", "Event id: ISO3 country prefix and a number; stable when the "
          "event is edited.", pattern=EVENT_ID_PATTERN, unique=True),
    Field("event_date", "date", "Day of the event (midpoint or chosen day when "
          "time_precision > 1)."),
    Field("year", "int16", "Year of event_date.", minimum=1900),
    Field("time_precision", "int8", "1 exact day, 2 within a week, 3 within a month.",
          values=tuple(codes.TIME_PRECISION)),
    Field("disorder_type", "category", "Disorder type implied by sub_event_type.",
          categories=taxonomy.DISORDER_TYPES),
    Field("event_type", "category", "One of ACLED's six event types.",
          categories=taxonomy.EVENT_TYPES),
    Field("sub_event_type", "category", "One of the 25 sub-event types; belongs to "
          "event_type.", categories=taxonomy.SUB_EVENT_TYPES),
    _text("actor1", "First actor (canonical name); not necessarily the aggressor."),
    _text("assoc_actor_1", "Actors associated with actor1, joined by '; '.",
          nullable=True, is_list=True),
    Field("inter1", "int8", "Actor type of actor1 (1-8).", values=_INTER_VALUES),
    _text("actor2", "Second actor (canonical name); empty for one-sided events.",
          nullable=True),
    _text("assoc_actor_2", "Actors associated with actor2, joined by '; '.",
          nullable=True, is_list=True),
    Field("inter2", "int8", "Actor type of actor2 (1-8); empty when actor2 is empty.",
          nullable=True, values=_INTER_VALUES),
    Field("interaction", "int8", "Combined actor types, smaller code first; inter1*10 "
          "for one-sided events.", values=actortypes.INTERACTION_CODES),
    Field("civilian_targeting", "category", "'Civilian targeting' when civilians were "
          "the target.", nullable=True, categories=(taxonomy.CIVILIAN_TARGETING,)),
    Field("iso", "int16", "ISO 3166 numeric country code (Libya 434).", minimum=0,
          maximum=999),
    _text("region", "ACLED region (Libya: Northern Africa)."),
    _text("country", "Country, or sea area, where the event happened."),
    _text("admin1", "Largest sub-national unit (Libya: East, West, South).",
          nullable=True),
    _text("admin2", "Second unit (Libya: one of 22 districts).", nullable=True),
    _text("admin3", "Third unit.", nullable=True),
    _text("location", "Named place of the event."),
    Field("latitude", "float64", "WGS84 latitude.", minimum=-90, maximum=90),
    Field("longitude", "float64", "WGS84 longitude.", minimum=-180, maximum=180),
    Field("geo_precision", "int8", "1 named town, 2 part of a region or near a town, "
          "3 larger region.", values=tuple(codes.GEO_PRECISION)),
    _text("source", "Sources, joined by '; '.", is_list=True),
    Field("source_scale", "category", "Scale of the sources: one or two terms joined "
          "by '-'.", categories=codes.SOURCE_SCALE_VALUES),
    _text("notes", "Short description of the event, in the coder's own words."),
    Field("fatalities", "int32", "Reported deaths; lowest figure when sources "
          "disagree; 0 when none reported.", minimum=0),
    _text("tags", "Extra tags joined by '; ' (e.g. crowd size=...).", nullable=True,
          is_list=True),
    Field("timestamp", "int64", "Unix seconds of the last change to the row.",
          minimum=0),
    Field("population_1km", "int64", "Population within 1 km (optional).",
          nullable=True, required=False, minimum=0),
    Field("population_2km", "int64", "Population within 2 km (optional).",
          nullable=True, required=False, minimum=0),
    Field("population_5km", "int64", "Population within 5 km (optional).",
          nullable=True, required=False, minimum=0),
    Field("population_best", "int64", "Best population estimate (optional).",
          nullable=True, required=False, minimum=0),
    Field("fatalities_low", "int32", "Lowest credible death count, where the source gives "
          "one (UCDP GED's low; optional).", nullable=True, required=False, minimum=0),
    Field("fatalities_high", "int32", "Highest credible death count, where the source gives "
          "one (UCDP GED's high; optional).", nullable=True, required=False, minimum=0),
    _text("report_id", "Extension: id of the report this row was coded from.",
          nullable=True, required=False),
    _text("report_section", "Extension: section or paragraph of that report.",
          nullable=True, required=False),
)  # fmt: skip

#: Events: one row per event, ACLED's columns and meanings.
EVENTS: Final = TableSpec(
    name="events",
    title="Conflict and political events, one row per event (ACLED columns)",
    fields=_EVENT_FIELDS,
    rules=_EVENT_RULES,
    primary_key="event_id_cnty",
)


# -- actors ------------------------------------------------------------------------


def _seen_order(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    return (df["first_seen"] > df["last_seen"]).fillna(False).astype(bool)


def _parent_self(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    return (df["parent_id"] == df["actor_id"]).fillna(False).astype(bool)


def _parent_unresolved(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    return df["parent_id"].notna() & ~isin(df["parent_id"], df["actor_id"].dropna())


def _alias_conflict(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    aliases = df["aliases"].str.split("; ").explode().dropna()
    names = pd.Series(df["name"].to_numpy(), index=df.index)
    owner_name = names.reindex(aliases.index)
    clash = aliases.isin(names.dropna()) & (aliases != owner_name)
    bad_rows = clash[clash].index.unique()
    return pd.Series(df.index.isin(bad_rows), index=df.index)


_ACTOR_RULES: Final = (
    Rule("seen-order", "last_seen", "last_seen must not be before first_seen",
         _seen_order, ("first_seen",)),
    Rule("parent-self", "parent_id", "an actor cannot be its own parent", _parent_self),
    Rule("parent-unresolved", "parent_id", "parent_id must be the actor_id of another "
         "actor in the table", _parent_unresolved),
    Rule("alias-conflict", "aliases", "an alias must not be another actor's canonical "
         "name", _alias_conflict),
)  # fmt: skip

_ACTOR_FIELDS: Final = (
    _text("actor_id", "Stable actor id: lower-case words joined by '-'.",
          pattern=ACTOR_ID_PATTERN, unique=True),
    _text("name", "Canonical name, ACLED style (e.g. 'Military Forces of Libya "
          "(2014-)'); events name actors by it.", unique=True),
    _text("aliases", "Other names, e.g. as written in reports, joined by '; '.",
          nullable=True, is_list=True),
    Field("inter_code", "int8", "Actor type (1-8), as in events' inter1/inter2.",
          values=_INTER_VALUES),
    _text("country", "Country the actor belongs to."),
    _text("parent_id", "actor_id of the group this actor belongs to or leads.",
          nullable=True, pattern=ACTOR_ID_PATTERN),
    _text("role", "Role within the parent (e.g. 'leader').", nullable=True),
    Field("first_seen", "date", "Date of the first event naming the actor.",
          nullable=True),
    Field("last_seen", "date", "Date of the last event naming the actor.",
          nullable=True),
    _text("notes", "Who the actor is, in the coder's words.", nullable=True),
    _text("report_id", "Id of the report the actor was first coded from.", nullable=True,
          required=False),
    _text("report_section", "Section or paragraph of that report.", nullable=True,
          required=False),
)  # fmt: skip

#: Actors: the registry events and measures point to.
ACTORS: Final = TableSpec(
    name="actors",
    title="Actor registry: every actor named by events and measures",
    fields=_ACTOR_FIELDS,
    rules=_ACTOR_RULES,
    primary_key="actor_id",
    foreign_keys=MappingProxyType({"parent_id": ("actors", "actor_id")}),
)


# -- measures ----------------------------------------------------------------------


def _date_order(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    return (df["end_date"] < df["start_date"]).fillna(False).astype(bool)


def _start_future(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    return _after(df["start_date"], ctx.today)


def _status_dates(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    status = _as_str(df["status"])
    no_start = status.isin(measures.STATUS_NEEDS_START) & df["start_date"].isna()
    no_end = status.isin(measures.STATUS_NEEDS_END) & df["end_date"].isna()
    return no_start | no_end


def _imposer_target(df: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    return (df["imposing_actor_id"] == df["target_actor_id"]).fillna(False).astype(bool)


_MEASURE_RULES: Final = (
    Rule("date-order", "end_date", "end_date must not be before start_date", _date_order,
         ("start_date",)),
    Rule("date-future", "start_date", "start_date must not be after today",
         _start_future),
    Rule("status-dates", "status", "in force, lifted and expired measures need a "
         "start_date; lifted and expired ones an end_date", _status_dates,
         ("start_date", "end_date")),
    Rule("imposer-target", "target_actor_id", "a measure cannot target the actor that "
         "imposes it", _imposer_target, ("imposing_actor_id",)),
)  # fmt: skip

_MEASURE_FIELDS: Final = (
    _text("measure_id", "Measure id: ISO3, 'M' and a number.", pattern=MEASURE_ID_PATTERN,
          unique=True),
    _text("event_id_cnty", "The event that records the measure.",
          pattern=EVENT_ID_PATTERN),
    Field("measure_type", "category", "Kind of instrument.",
          categories=measures.MEASURE_TYPES),
    _text("imposing_actor_id", "actor_id of the actor taking the measure.",
          pattern=ACTOR_ID_PATTERN),
    _text("target_actor_id", "actor_id of the actor the measure is against; empty "
          "when it has no single target.", nullable=True, pattern=ACTOR_ID_PATTERN),
    _text("legal_basis", "The act, order or resolution the measure rests on.",
          nullable=True),
    Field("status", "category", "Status as of the report.",
          categories=measures.MEASURE_STATUSES),
    Field("start_date", "date", "Date the measure took or takes effect.",
          nullable=True),
    Field("end_date", "date", "Date the measure ended or ends.", nullable=True),
    _text("notes", "What the measure does, in the coder's own words."),
    _text("report_id", "Id of the report this row was coded from.", nullable=True),
    _text("report_section", "Section or paragraph of that report.", nullable=True),
)  # fmt: skip

#: Measures: sanctions, embargoes and similar instruments.
MEASURES: Final = TableSpec(
    name="measures",
    title="Measures (sanctions, embargoes, resolutions...) actors take against actors",
    fields=_MEASURE_FIELDS,
    rules=_MEASURE_RULES,
    primary_key="measure_id",
    foreign_keys=MappingProxyType(
        {
            "event_id_cnty": ("events", "event_id_cnty"),
            "imposing_actor_id": ("actors", "actor_id"),
            "target_actor_id": ("actors", "actor_id"),
        }
    ),
)

#: name -> table.
TABLES: Final = MappingProxyType({t.name: t for t in (EVENTS, ACTORS, MEASURES)})
