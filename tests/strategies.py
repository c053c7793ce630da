"""Hypothesis strategies: tables valid by construction, and single mutations.

Every strategy here draws data that passes :func:`libyaevents.validate`; each
mutation in ``EVENT_MUTATIONS`` etc. breaks exactly one rule on one row.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pandas as pd
import pyarrow as pa
from hypothesis import strategies as st

from libyaevents.schema.models import pandas_dtype
from libyaevents.schema.tables import ACTORS, EVENTS, MEASURES, actor_id_of
from libyaevents.vocab import actortypes, codes, gazetteer, measures, taxonomy

TODAY = pd.Timestamp("2026-01-01")
DAY = pd.Timedelta(days=1)

ACTOR_POOL: tuple[tuple[str, int], ...] = (
    ("Military Forces of Libya (2014-) Libyan National Army", 1),
    ("Kaniyat Militia", 3),
    ("Zintan Communal Militia (Libya)", 4),
    ("Islamic State (Libya)", 2),
    ("Rioters (Libya)", 5),
    ("Protesters (Libya)", 6),
    ("Civilians (Libya)", 7),
    ("Wagner Group", 8),
    ("Government of Russia (2000-)", 8),
)
_NAMES = [n for n, _ in ACTOR_POOL]
_INTER = dict(ACTOR_POOL)

text = st.text(
    # no hidden characters (format: zero-width, bidi, BOM): the hidden-character rule fails them
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cf", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=12,
)
# a text that is neither empty nor padded and has no list separator
words = st.builds(lambda a, b: f"{a} {b}", text, text).filter(lambda s: ";" not in s)


def _typed(frame: pd.DataFrame, fields: tuple[Any, ...]) -> pd.DataFrame:
    dtypes = {f.name: pandas_dtype(f) for f in fields if f.name in frame}
    return frame.astype(dtypes)


@st.composite
def event_rows(draw: st.DrawFn, index: int) -> dict[str, Any]:
    """One valid event row."""
    sub = draw(st.sampled_from(taxonomy.SUB_EVENT_TYPES))
    day = draw(st.dates(min_value=pd.Timestamp("1997-01-01").date(), max_value=TODAY.date()))
    actor1 = draw(st.sampled_from(_NAMES))
    actor2 = draw(st.none() | st.sampled_from(_NAMES))
    inter1 = _INTER[actor1]
    inter2 = None if actor2 is None else _INTER[actor2]
    admin2 = draw(st.none() | st.sampled_from(gazetteer.ADMIN2))
    admin1 = gazetteer.ADMIN1_OF[admin2] if admin2 else draw(st.sampled_from(gazetteer.ADMIN1))
    box = gazetteer.LIBYA_BOX
    civ = sub in taxonomy.CIVILIAN_TARGETING_REQUIRED or (
        sub in taxonomy.CIVILIAN_TARGETING_ALLOWED and draw(st.booleans())
    )
    assoc = draw(st.lists(st.sampled_from(_NAMES), max_size=2, unique=True))
    return {
        "event_id_cnty": f"LBY{index + 1}",
        "event_date": pd.Timestamp(day),
        "year": day.year,
        "time_precision": draw(st.sampled_from(tuple(codes.TIME_PRECISION))),
        "disorder_type": taxonomy.DISORDER_TYPE_OF[sub],
        "event_type": taxonomy.EVENT_TYPE_OF[sub],
        "sub_event_type": sub,
        "actor1": actor1,
        "assoc_actor_1": "; ".join(assoc) or None,
        "inter1": inter1,
        "actor2": actor2,
        "assoc_actor_2": None,
        "inter2": inter2,
        "interaction": actortypes.interaction_code(inter1, inter2),
        "civilian_targeting": taxonomy.CIVILIAN_TARGETING if civ else None,
        "iso": gazetteer.ISO,
        "region": gazetteer.REGION,
        "country": gazetteer.COUNTRY,
        "admin1": admin1,
        "admin2": admin2,
        "admin3": None,
        "location": draw(words),
        "latitude": draw(st.floats(box.min_lat, box.max_lat)),
        "longitude": draw(st.floats(box.min_lon, box.max_lon)),
        "geo_precision": draw(st.sampled_from(tuple(codes.GEO_PRECISION))),
        "source": "; ".join(draw(st.lists(words, min_size=1, max_size=3))),
        "source_scale": draw(st.sampled_from(codes.SOURCE_SCALE_VALUES)),
        "notes": draw(words),
        "fatalities": draw(st.integers(0, 500)),
        "tags": None,
        "timestamp": int(pd.Timestamp(day).timestamp()),
    }


@st.composite
def events_frames(draw: st.DrawFn, min_size: int = 1, max_size: int = 20) -> pd.DataFrame:
    """A valid events table."""
    n = draw(st.integers(min_size, max_size))
    rows = [draw(event_rows(i)) for i in range(n)]
    frame = pd.DataFrame(rows, columns=list(EVENTS.names[:31]))
    return _typed(frame, EVENTS.fields)


def actors_frame(extra_parent: bool = True) -> pd.DataFrame:
    """The actor registry for ACTOR_POOL, with one leader linked to his group."""
    rows = [
        {
            "actor_id": actor_id_of(name),
            "name": name,
            "aliases": None,
            "inter_code": code,
            "country": "Libya" if code != 8 else "Russia",
            "parent_id": None,
            "role": None,
            "first_seen": pd.Timestamp("2011-02-15"),
            "last_seen": pd.Timestamp("2025-12-01"),
            "notes": None,
        }
        for name, code in ACTOR_POOL
    ]
    if extra_parent:
        rows.append(
            {**rows[1], "actor_id": "mohammed-al-kani", "name": "Mohammed al-Kani",
             "aliases": "Mohamed al-Kani; Muhammad al-Kani", "parent_id": rows[1]["actor_id"],
             "role": "leader"}
        )  # fmt: skip
    return _typed(pd.DataFrame(rows), ACTORS.fields)


@st.composite
def actors_frames(draw: st.DrawFn) -> pd.DataFrame:
    """A valid actors table (the registry, in a drawn order)."""
    frame = actors_frame()
    order = draw(st.permutations(range(len(frame))))
    return frame.iloc[list(order)].reset_index(drop=True)


@st.composite
def measures_frames(draw: st.DrawFn, events: pd.DataFrame, actors: pd.DataFrame) -> pd.DataFrame:
    """A valid measures table pointing at the given events and actors."""
    n = draw(st.integers(1, 5))
    ids = list(actors["actor_id"])
    rows = []
    for i in range(n):
        status = draw(st.sampled_from(measures.MEASURE_STATUSES))
        start = draw(st.dates(min_value=pd.Timestamp("2011-01-01").date(), max_value=TODAY.date()))
        imposer, target = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
        rows.append(
            {
                "measure_id": f"LBYM{i + 1}",
                "event_id_cnty": draw(st.sampled_from(list(events["event_id_cnty"]))),
                "measure_type": draw(st.sampled_from(measures.MEASURE_TYPES)),
                "imposing_actor_id": imposer,
                "target_actor_id": draw(st.none() | st.just(target)),
                "legal_basis": draw(st.none() | words),
                "status": status,
                "start_date": pd.Timestamp(start),
                "end_date": pd.Timestamp(start) + pd.Timedelta(days=draw(st.integers(0, 900)))
                if status in measures.STATUS_NEEDS_END
                else None,
                "notes": draw(words),
                "report_id": None,
                "report_section": None,
            }
        )
    return _typed(pd.DataFrame(rows), MEASURES.fields)


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, pd.DataFrame]:
    """A valid dataset: events, actors and measures that reference each other."""
    events = draw(events_frames())
    actors = draw(actors_frames())
    return {"events": events, "actors": actors, "measures": draw(measures_frames(events, actors))}


# -- single mutations: (frame, row, draw) -> None, breaking one rule at `row` ------

Mutation = Callable[[pd.DataFrame, int], None]


def _set(column: str, value: Any) -> Mutation:
    """A mutation that writes ``value`` (or ``value(df, i)``) into one cell."""

    def mutate(df: pd.DataFrame, i: int) -> None:
        df.loc[i, column] = value(df, i) if callable(value) else value

    return mutate


def _flip(column: str, values: tuple[Any, ...]) -> Mutation:
    """Replace a cell by another value of the same vocabulary."""
    return _set(column, lambda df, i: _other(values, df.loc[i, column]))


def _copy(column: str, source: str) -> Mutation:
    """Copy the row's ``source`` cell into ``column``."""
    return _set(column, lambda df, i: df.loc[i, source])


def _other(values: tuple[Any, ...], current: Any) -> Any:
    return next(v for v in values if v != current)


def _toggle_actor2(df: pd.DataFrame, i: int) -> None:
    df.loc[i, "actor2"] = None if pd.notna(df.loc[i, "actor2"]) else _NAMES[0]


def _civilian(df: pd.DataFrame, i: int) -> None:
    sub = df.loc[i, "sub_event_type"]
    if sub in taxonomy.CIVILIAN_TARGETING_REQUIRED:
        df.loc[i, "civilian_targeting"] = None
    elif sub not in taxonomy.CIVILIAN_TARGETING_ALLOWED:
        df.loc[i, "civilian_targeting"] = taxonomy.CIVILIAN_TARGETING
    else:  # allowed, optional: move the row to a type where it is required
        df.loc[i, ["sub_event_type", "event_type"]] = ["Attack", "Violence against civilians"]
        df.loc[i, "disorder_type"] = taxonomy.DISORDER_TYPE_OF["Attack"]
        df.loc[i, "civilian_targeting"] = None


def _future_date(df: pd.DataFrame, i: int) -> None:
    df.loc[i, "event_date"] = TODAY + pd.Timedelta(days=40)
    df.loc[i, "year"] = (TODAY + pd.Timedelta(days=40)).year


def _wrong_district(df: pd.DataFrame, i: int) -> None:
    admin1 = df.loc[i, "admin1"]
    df.loc[i, "admin2"] = next(d for d, a in gazetteer.ADMIN1_OF.items() if a != admin1)


def _wrong_interaction(df: pd.DataFrame, i: int) -> None:
    current = int(df.loc[i, "interaction"])
    df.loc[i, "interaction"] = _other(actortypes.INTERACTION_CODES, current)


def _future_start(df: pd.DataFrame, i: int) -> None:
    start = TODAY + pd.Timedelta(days=3)
    df.loc[i, "start_date"] = start
    if pd.notna(df.loc[i, "end_date"]):
        df.loc[i, "end_date"] = start + pd.Timedelta(days=30)


#: rule code -> (column reported, mutation)
EVENT_MUTATIONS: dict[str, tuple[str, Mutation]] = {
    "year-mismatch": ("year", _set("year", 1990)),
    "date-future": ("event_date", _future_date),
    "timestamp-future": ("timestamp", _set("timestamp", int(TODAY.timestamp()) + 10 * 86_400)),
    "sub-event-type": ("sub_event_type", _flip("event_type", taxonomy.EVENT_TYPES)),
    "disorder-type": ("disorder_type", _flip("disorder_type", taxonomy.DISORDER_TYPES)),
    "interaction": ("interaction", _wrong_interaction),
    "inter2-actor2": ("inter2", _toggle_actor2),
    "civilian-targeting": ("civilian_targeting", _civilian),
    "outside-country": ("latitude", _set("latitude", 10.5)),
    "admin1-unknown": ("admin1", _set("admin1", "Cyrenaica")),
    "admin2-admin1": ("admin2", _wrong_district),
    "iso-country": ("iso", _set("iso", 818)),
    "out-of-range": ("fatalities", _set("fatalities", -1)),
    "not-in-vocabulary": ("time_precision", _set("time_precision", 4)),
    "pattern": ("event_id_cnty", _set("event_id_cnty", lambda df, i: f"lby-{i}")),
    "value-missing": ("notes", _set("notes", None)),
    "blank-string": ("location", _set("location", " Tripoli")),
    "list-format": ("source", _set("source", "Libya Herald;AFP")),
}  # fmt: skip

ACTOR_MUTATIONS: dict[str, tuple[str, Mutation]] = {
    "seen-order": ("last_seen", _set("last_seen", pd.Timestamp("2000-01-01"))),
    "parent-self": ("parent_id", _copy("parent_id", "actor_id")),
    "parent-unresolved": ("parent_id", _set("parent_id", "no-such-actor")),
    "alias-conflict": ("aliases", _set("aliases", lambda df, i: df.loc[(i + 1) % len(df), "name"])),
    "not-in-vocabulary": ("inter_code", _set("inter_code", 9)),
}  # fmt: skip

MEASURE_MUTATIONS: dict[str, tuple[str, Mutation]] = {
    "date-order": ("end_date", _set("end_date", lambda df, i: df.loc[i, "start_date"] - DAY)),
    "date-future": ("start_date", _future_start),
    "imposer-target": ("target_actor_id", _copy("target_actor_id", "imposing_actor_id")),
    "pattern": ("measure_id", _set("measure_id", "M-1")),
}  # fmt: skip


def rows_of(failures: pd.DataFrame) -> set[tuple[str, int, str]]:
    """(rule, row, column) of each failure, for comparisons."""
    return {
        (r.code, -1 if pd.isna(r.row) else int(r.row), r.column)
        for r in failures.itertuples(index=False)
    }


# -- Arrow tables of every kind the content hashes take -----------------------------------

#: Few words, so values repeat (the lookup paths): empty, non-ASCII, long.
_WORDS = ("", "a", "é", "Ṭarābulus", "Misrātah", "x" * 40, "🙂", "a\x00b")
_NUMBER_TYPES = (pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.uint8(), pa.uint32())


def _chunked(draw: st.DrawFn, array: pa.Array[Any]) -> pa.ChunkedArray[Any]:
    """``array`` cut into chunks at drawn places."""
    cuts = sorted(draw(st.lists(st.integers(0, len(array)), max_size=3)))
    bounds = [0, *cuts, len(array)]
    chunks = [array.slice(a, b - a) for a, b in itertools.pairwise(bounds)]
    return pa.chunked_array(chunks, type=array.type)


@st.composite
def _text_arrays(draw: st.DrawFn, size: int) -> pa.Array[Any]:
    pool = st.sampled_from(_WORDS) | st.text(max_size=8)
    if draw(st.booleans()):
        pool = st.text(min_size=0, max_size=30)  # mostly distinct: hashed value by value
    values = draw(st.lists(st.none() | pool, min_size=size, max_size=size))
    how = draw(st.sampled_from(["string", "large", "dictionary", "dictionary-null-word"]))
    if how == "string":
        return pa.array(values, pa.string())
    if how == "large":
        return pa.array(values, pa.large_string())
    words: list[str | None] = [*dict.fromkeys(v for v in values if v is not None), "unused"]
    empty = None  # an empty value: a null index, or an index to a null word
    if how == "dictionary-null-word":
        words.append(None)
        empty = len(words) - 1
    indices = [empty if v is None else words.index(v) for v in values]
    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int16()), pa.array(words))


@st.composite
def _number_arrays(draw: st.DrawFn, size: int) -> pa.Array[Any]:
    how = draw(st.sampled_from(["int", "wide", "bool", "date", "timestamp", "float"]))
    if how == "float":
        floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, -0.0])
        values = draw(st.lists(st.none() | floats, min_size=size, max_size=size))
        return pa.array(values, pa.float64())
    if how == "bool":
        values = draw(st.lists(st.none() | st.booleans(), min_size=size, max_size=size))
        return pa.array(values, pa.bool_())
    kind = draw(st.sampled_from(_NUMBER_TYPES))
    low, high = (-(2**62), 2**62) if how == "wide" else (0, 120)
    ints = draw(st.lists(st.none() | st.integers(low, high), min_size=size, max_size=size))
    if how == "date":
        return pa.array(ints, pa.int32()).cast(pa.date32())
    if how == "timestamp":
        return pa.array(ints, pa.int64()).cast(pa.timestamp("us"))
    return pa.array(ints, pa.int64() if how == "wide" else kind)


@st.composite
def arrow_tables(draw: st.DrawFn, max_rows: int = 40) -> pa.Table:
    """Tables of text (plain, large, dictionary-encoded), integer, boolean, date, float columns.

    With empty values, empty and non-ASCII strings, repeated and distinct
    values, each column chunked its own way, and sometimes a slice of it all.
    """
    size = draw(st.integers(0, max_rows))
    kinds = draw(st.lists(st.sampled_from(["text", "number"]), min_size=1, max_size=5))
    columns = [
        _chunked(draw, draw(_text_arrays(size) if k == "text" else _number_arrays(size)))
        for k in kinds
    ]
    names = [f"é{i}" if i % 2 else f"c{i}" for i in range(len(kinds))]  # non-ASCII too
    table = pa.table(columns, names=names)
    start = draw(st.integers(0, size))
    return table.slice(start) if draw(st.booleans()) else table


def numbers_of(column: pa.ChunkedArray[Any]) -> list[Any]:
    """A number column's values as Python ints or floats (dates: days since 1970)."""
    if pa.types.is_temporal(column.type):
        width = pa.int32() if column.type.bit_width == 32 else pa.int64()
        column = pa.chunked_array([c.view(width) for c in column.chunks], type=width)
    values = column.to_pylist()
    return [int(v) if isinstance(v, bool) else v for v in values]


__all__ = [
    "ACTOR_MUTATIONS",
    "EVENT_MUTATIONS",
    "MEASURE_MUTATIONS",
    "TODAY",
    "actors_frame",
    "actors_frames",
    "arrow_tables",
    "datasets",
    "events_frames",
    "measures_frames",
    "numbers_of",
    "rows_of",
]
