"""Build an actor registry from events: every actor named as actor1, actor2 or associated.

Used by the loaders, whose inputs (ACLED exports, UCDP GED) name actors only
inside events. Actor types come from the events' ``inter1``/``inter2``: the most
frequent code among the events naming the actor as a main actor; an actor only
ever named as an associated actor takes the code of the side it is associated
with, which is an approximation (its ``notes`` say so).

Examples
--------
>>> import pandas as pd
>>> from libyaevents.readers.registry import actors_from_events
>>> events = pd.DataFrame({
...     "actor1": ["Taliban", "Taliban"], "assoc_actor_1": [None, "Haqqani Network"],
...     "inter1": [2, 2], "actor2": ["Military Forces of Afghanistan (2014-)", None],
...     "assoc_actor_2": [None, None], "inter2": [1, None], "country": ["Afghanistan"] * 2,
...     "event_date": pd.to_datetime(["2020-03-21", "2020-03-22"]),
... })
>>> actors_from_events(events)[["actor_id", "inter_code", "first_seen"]].to_dict("records")
... # doctest: +NORMALIZE_WHITESPACE
[{'actor_id': 'haqqani-network', 'inter_code': 2, 'first_seen': Timestamp('2020-03-22 00:00:00')},
 {'actor_id': 'military-forces-of-afghanistan-2014', 'inter_code': 1,
  'first_seen': Timestamp('2020-03-21 00:00:00')},
 {'actor_id': 'taliban', 'inter_code': 2, 'first_seen': Timestamp('2020-03-21 00:00:00')}]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from libyaevents.compute import loose
from libyaevents.schema.models import pandas_dtype
from libyaevents.schema.tables import ACTORS, actor_id_of

__all__ = [
    "actors_from_counts",
    "actors_from_events",
    "actors_from_mentions",
    "mention_counts",
    "mentions",
    "updated_mentions",
]

#: What mentions are grouped by.
_KEYS: Final = ["name", "main", "inter", "country"]
_SIDES: Final = (("actor1", "assoc_actor_1", "inter1"), ("actor2", "assoc_actor_2", "inter2"))
_ASSOCIATED_NOTE: Final = (
    "Named only as an associated actor; actor type taken from the side it is associated with."
)


def _column(events: pd.DataFrame | pa.Table, name: str, kind: pa.DataType) -> Any:
    values = events[name]
    if not isinstance(values, pa.ChunkedArray):
        values = pa.array(values, from_pandas=True)  # arrow-backed columns: no copy
    chunked = values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])
    return chunked.cast(kind)


def mentions(events: pd.DataFrame | pa.Table) -> pa.Table:
    """Per (name, main or associated, inter, country): how many events, first and last date.

    Every mention (main and associated actors of both sides) gets one integer
    key made of codes: names are coded together by one hash of all the name
    columns, the other keys by their own. The keys are grouped once by Arrow's
    hash aggregation (count, min, max): 13 ms per 36k-event part of an export
    against 4 ms now (four pandas group-bys before, one per side and kind;
    measured), and no table of every mention's text is built.
    """
    keyed = _Keyed.of(events)
    keys, count, low, high = _by_key(keyed.key, keyed.known.astype("int64"), *keyed.days())
    return keyed.decoded(keys, {
        "event_date_count": count, "event_date_min": low, "event_date_max": high,
    })  # fmt: skip


def mention_counts(events: pd.DataFrame | pa.Table) -> pa.Table:
    """:func:`mentions` with what updates them exactly when events are taken out.

    Also per key: ``mentions`` (every mention, dated or not) and how many
    dated mentions fall on the first and on the last date
    (``event_date_min_count``, ``event_date_max_count``): taking out events
    moves a first or last date only when it takes out every mention on it
    (:func:`updated_mentions`).
    """
    keyed = _Keyed.of(events)
    low, high = keyed.days()
    keys, count, first, last = _by_key(keyed.key, keyed.known.astype("int64"), low, high)
    group, _ = pd.factorize(keyed.key)  # the same groups, in the same order, as _by_key's
    total = np.bincount(group, minlength=len(keys)).astype("int64")
    at_first, at_last = (
        _count_at(group, len(keys), values, known, extreme.cast(pa.int64()).fill_null(0))
        for (values, known), extreme in ((low, first), (high, last))
    )
    return keyed.decoded(keys, {
        "mentions": pa.array(total), "event_date_count": count,
        "event_date_min": first, "event_date_min_count": at_first,
        "event_date_max": last, "event_date_max_count": at_last,
    })  # fmt: skip


def _count_at(
    group: np.ndarray, groups: int, values: np.ndarray, known: np.ndarray, extreme: Any
) -> pa.Array[Any]:
    """Per group, how many dated mentions fall on its extreme (``extreme``: per group)."""
    hit = known & (values == np.asarray(extreme, "int64")[group])
    counted: pa.Array[Any] = pa.array(np.bincount(group[hit], minlength=groups).astype("int64"))
    return counted


_FAR: Final = np.iinfo("int64").max  # no date: beyond every date


def updated_mentions(
    held: pa.Table, removed: pa.Table, added: pa.Table, recount: Callable[[list[str]], pa.Table]
) -> pa.Table:
    """:func:`mention_counts` of events after some are taken out and others put in.

    ``held``, ``removed`` and ``added`` are :func:`mention_counts` of the events
    before, of those taken out and of those put in. Counts add up; a first (or
    last) date moves only when every mention on it is taken out and none is
    put in on or before (after) it: for those keys only, ``recount(names)``
    gives :func:`mention_counts` of the events after the change that name any
    of ``names`` (more events are harmless), and their dates are taken from it.
    """
    table = pa.concat_tables([held, removed, added], promote_options="permissive")
    sizes = [held.num_rows, removed.num_rows, added.num_rows]
    group, groups = _groups(table)
    at = np.cumsum([0, *sizes])
    # per source (held, removed, added) and group: each key is at most once in each source
    h, r, a = (_by_group(table.slice(at[i], sizes[i]), group[at[i] : at[i + 1]], groups)
               for i in range(3))  # fmt: skip
    total = h["mentions"] - r["mentions"] + a["mentions"]
    dated = h["event_date_count"] - r["event_date_count"]
    found = {"mentions": total, "event_date_count": dated + a["event_date_count"]}
    lost = np.zeros(groups, bool)
    for which, sign in (("min", 1), ("max", -1)):
        day, count, gone = _extreme(h, r, a, which=which, dated=dated, sign=sign)
        found |= {f"event_date_{which}": day, f"event_date_{which}_count": count}
        lost |= gone
    first = np.full(groups, table.num_rows, "int64")
    np.minimum.at(first, group, np.arange(table.num_rows))
    keep = total > 0
    keys = table.select(_KEYS).take(pa.array(first[keep]))
    values = {k: v[keep] for k, v in found.items()}
    lost = lost[keep]
    if lost.any():
        _recounted(keys, values, lost, recount)
    for name in _DATES:  # no date: empty
        far = values[name] == _FAR
        values[name] = pa.array(np.where(far, 0, values[name]), mask=far).cast(pa.timestamp("ms"))
    columns = {**{k: keys[k] for k in _KEYS}, **values}
    return pa.table({n: columns[n] for n in held.schema.names}).cast(held.schema)


def _groups(table: pa.Table) -> tuple[np.ndarray, int]:
    """One group number per distinct key (name, main, inter, country) of the table's rows."""
    group, uniques = pd.factorize(_joint_key(table)[0])
    return group, len(uniques)


def _joint_key(table: pa.Table) -> tuple[np.ndarray, list[_Coded]]:
    """Each row's key (name, main, inter, country) as one integer, and each column coded."""
    coded = [_Coded.of(table[name]) for name in _KEYS]
    key = np.zeros(table.num_rows, dtype="int64")
    for column in coded:
        key = key * (len(column.values) + 1) + column.codes
    return key, coded


_DATES: Final = ("event_date_min", "event_date_max")


def _by_group(part: pa.Table, group: np.ndarray, groups: int) -> dict[str, np.ndarray]:
    """The counts of one source by group (0 and no date where the source lacks the key)."""
    found = {}
    for name in part.column_names:
        if name in _KEYS:
            continue
        values: Any = part[name].cast(pa.int64())
        out = np.full(groups, _FAR if name in _DATES else 0, "int64")
        given = np.asarray(values.is_valid(), bool)
        out[group[given]] = np.asarray(values.fill_null(0), "int64")[given]
        found[name] = out
    return found


def _extreme(
    h: dict[str, np.ndarray], r: dict[str, np.ndarray], a: dict[str, np.ndarray], *,
    which: str, dated: np.ndarray, sign: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """The first (``sign`` 1) or last (-1) date after the change, its count, and where unknown.

    Dates are ms since 1970, :data:`_FAR` for none. Worked on ``sign * date``, so
    that the last date is the first of the negated ones.
    """
    column = f"event_date_{which}"

    def day(counts: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        values = counts[column]
        return np.where(values == _FAR, _FAR, sign * values), counts[f"{column}_count"]

    (held, held_n), (gone, gone_n), (new, new_n) = day(h), day(r), day(a)
    left_n = np.where(gone == held, held_n - gone_n, held_n)
    emptied = (left_n == 0) & (held != _FAR)
    lost = emptied & (dated > 0) & (new > held)  # the old extreme went and none came on or before
    now = np.where(emptied, _FAR, held)
    now_n = np.where(emptied, 0, left_n)
    first = np.minimum(now, new)
    count = np.where(now == first, now_n, 0) + np.where(new == first, new_n, 0)
    count = np.where(first == _FAR, 0, count)
    return np.where(first == _FAR, _FAR, sign * first), count, lost


def _recounted(
    keys: pa.Table, values: dict[str, np.ndarray], lost: np.ndarray,
    recount: Callable[[list[str]], pa.Table],
) -> None:  # fmt: skip
    """Put the recounted first and last dates of the ``lost`` keys into ``values``."""
    rows = keys.filter(pa.array(lost)).to_pylist()
    again = recount(sorted({str(row["name"]) for row in rows}))
    for name in _DATES:  # as ms, like ``values``
        again = again.set_column(
            again.schema.get_field_index(name), name, again[name].cast("int64")
        )
    by_key = {tuple(row[k] for k in _KEYS): row for row in again.to_pylist()}
    positions = np.flatnonzero(lost)
    for name in (*_DATES, *(f"{d}_count" for d in _DATES)):
        given = [by_key[tuple(row[k] for k in _KEYS)][name] for row in rows]
        values[name][positions] = [_FAR if v is None else v for v in given]


@dataclass(frozen=True)
class _Keyed:
    """Every mention of a table of events as one integer key, with its event's date."""

    key: np.ndarray
    day: np.ndarray
    known: np.ndarray
    names: _Coded
    inter: _Coded
    country: _Coded

    @classmethod
    def of(cls, events: pd.DataFrame | pa.Table) -> _Keyed:
        present = set(events.column_names if isinstance(events, pa.Table) else events.columns)
        text = pa.large_string()
        sides = [side for side in _SIDES if side[0] in present]
        rows = len(events)
        everywhere = np.arange(rows)
        inter = _Coded.of(_chunked([_column(events, side[2], pa.int64()) for side in sides]))
        names: list[Any] = []
        at: list[np.ndarray] = []
        main: list[np.ndarray] = []
        inter_codes: list[np.ndarray] = []
        for number, (name_col, assoc_col, _) in enumerate(sides):
            side_inter = inter.codes[number * rows : (number + 1) * rows]
            names.append(_column(events, name_col, text))
            at.append(everywhere)
            main.append(np.ones(rows, dtype=bool))
            inter_codes.append(side_inter)
            if assoc_col in present:
                lists = pc.split_pattern(_column(events, assoc_col, text), "; ")
                parents = np.asarray(pc.list_parent_indices(lists))
                names.append(pc.utf8_trim_whitespace(pc.list_flatten(lists)))
                at.append(parents)
                main.append(np.zeros(len(parents), dtype=bool))
                inter_codes.append(side_inter[parents])
        named = _Coded.of(_chunked(names))
        row = np.concatenate(at) if at else np.zeros(0, dtype="int64")
        country = _Coded.of(_column(events, "country", text)).at(row)
        n_inter, n_country = len(inter.values) + 1, len(country.values) + 1
        key = (named.codes * 2 + np.concatenate(main or [np.zeros(0, bool)])) * n_inter
        key = (key + np.concatenate(inter_codes or [np.zeros(0, "int64")])) * n_country
        key += country.codes
        day, known = _instants(_column(events, "event_date", pa.timestamp("ms")))
        return cls(key, day[row], known[row], named, inter, country)

    def days(self) -> tuple[_Given, _Given]:
        """The mentions' dates, as ``_by_key`` takes them for the least and the greatest."""
        return (self.day, self.known), (self.day, self.known)

    def decoded(self, keys: np.ndarray, values: dict[str, Any]) -> pa.Table:
        """The grouped keys as columns (name, main, inter, country), then ``values``."""
        n_inter, n_country = len(self.inter.values) + 1, len(self.country.values) + 1
        rest, country_codes = np.divmod(keys, n_country)
        rest, inter_found = np.divmod(rest, n_inter)
        name_codes, is_main = np.divmod(rest, 2)
        return _named(pa.table({
            "name": self.names.decoded(name_codes), "main": pa.array(is_main.astype(bool)),
            "inter": self.inter.decoded(inter_found),
            "country": self.country.decoded(country_codes), **values,
        }))  # fmt: skip


def _instants(dates: Any) -> tuple[np.ndarray, np.ndarray]:
    """Timestamps (ms) as int64 (0 where missing) and whether each is given."""
    whole = dates.combine_chunks() if isinstance(dates, pa.ChunkedArray) else dates
    values = np.asarray(whole.cast(pa.int64()).fill_null(0), dtype="int64")
    return values, np.asarray(whole.is_valid(), dtype=bool)


_Given = tuple[np.ndarray, np.ndarray]  # values and whether each is given


def _by_key(key: np.ndarray, count: np.ndarray, low: _Given, high: _Given) -> tuple[Any, ...]:
    """Per distinct key: the sum of ``count``, the least ``low`` and the greatest ``high``.

    Missing values are skipped; a key without any gets a missing extreme. What
    Arrow's hash aggregation gives (count, min, max), with a pandas hash of the
    keys and numpy: Arrow's ``group_by`` loads its query engine (``pyarrow.acero``,
    and the dataset and file system modules with it: 15 MB resident in a reading
    process), and took 15 ms where this takes 4 on a part's 90k mentions.
    """
    group, keys = pd.factorize(key)  # hashed, in order of first appearance
    total = np.zeros(len(keys), dtype="int64")
    np.add.at(total, group, count)
    extremes = []
    picked: dict[tuple[int, int], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for (values, given), ufunc, start in (
        (low, np.minimum, np.iinfo("int64").max),
        (high, np.maximum, np.iinfo("int64").min),
    ):
        which = (id(values), id(given))  # the same dates for both extremes: picked once
        if which not in picked:
            at = group[given]
            seen = np.zeros(len(keys), dtype=bool)
            seen[at] = True
            picked[which] = (at, values[given], ~seen)
        at, chosen, unseen = picked[which]
        found = np.full(len(keys), start, dtype="int64")
        ufunc.at(found, at, chosen)
        extremes.append(pa.array(found, mask=unseen).cast(pa.timestamp("ms")))
    return keys, pa.array(total), *extremes


def _chunked(columns: Sequence[Any]) -> Any:
    """Columns of one type as one chunked array, end to end (no copy)."""
    if not columns:
        return pa.chunked_array([], pa.large_string())
    return pa.chunked_array([c for column in columns for c in column.chunks], columns[0].type)


def _named(counts: pa.Table) -> pa.Table:
    """Mentions with a name: an empty or missing name is not an actor."""
    return counts.filter(loose.fill_null(loose.not_equal(counts["name"], ""), False))


def _together(parts: Sequence[pa.Table]) -> pa.Table:
    """Mention tables of parts of the events grouped again as one (counts add up)."""
    table = pa.concat_tables(parts)
    key, coded = _joint_key(table)
    low, high = (_instants(table[name]) for name in ("event_date_min", "event_date_max"))
    count = np.asarray(table["event_date_count"].combine_chunks(), dtype="int64")
    keys, total, first, last = _by_key(key, count, low, high)
    decoded = {}
    for name, column in reversed(list(zip(_KEYS, coded, strict=True))):
        keys, codes = np.divmod(keys, len(column.values) + 1)
        decoded[name] = column.decoded(codes)
    together = pa.table({
        **{name: decoded[name] for name in _KEYS}, "event_date_count": total,
        "event_date_min": first, "event_date_max": last,
    })  # fmt: skip
    return _named(together)


@dataclass(frozen=True)
class _Coded:
    """A column as integer codes (0 for empty, 1.. for each distinct value) and its values."""

    codes: np.ndarray
    values: Any

    @classmethod
    def of(cls, column: Any) -> _Coded:
        """Code a (chunked) column: one hash of its values."""
        encoded: Any = pc.dictionary_encode(column)
        if isinstance(encoded, pa.ChunkedArray):  # one dictionary for every chunk
            encoded = encoded.combine_chunks() if encoded.num_chunks else pa.array([], encoded.type)
        return cls(np.asarray(encoded.indices.fill_null(-1), "int64") + 1, encoded.dictionary)

    def at(self, rows: np.ndarray) -> _Coded:
        """The codes of the given rows (same values)."""
        return replace(self, codes=self.codes[rows])

    def decoded(self, codes: np.ndarray) -> Any:
        """The values of the given codes (null for 0)."""
        return self.values.take(pa.array(codes - 1, mask=codes == 0))


def _most_frequent(counts: pd.DataFrame, column: str) -> pd.Series:
    """Per name, the value of ``column`` it appears with most often (ties: the smallest)."""
    totals = counts.dropna(subset=[column]).groupby(["name", column])["event_date_count"].sum()
    ranked = totals.rename("n").reset_index().sort_values(["n", column], ascending=[False, True])
    return ranked.drop_duplicates("name").set_index("name")[column]


def _unique_ids(names: pd.Index) -> list[str]:
    """Slugs of the names, with -2, -3... where two names give the same slug."""
    ids = [actor_id_of(n) or "actor" for n in names]
    seen: dict[str, int] = {}
    out = []
    for slug in ids:
        seen[slug] = seen.get(slug, 0) + 1
        out.append(slug if seen[slug] == 1 else f"{slug}-{seen[slug]}")
    return out


def actors_from_events(
    events: pd.DataFrame, parts: Sequence[pa.Table] | None = None
) -> pd.DataFrame:
    """Return the actors table for the actors the events name.

    Parameters
    ----------
    events : DataFrame
        Events with ``actor1``, ``inter1``, ``event_date``, ``country`` and
        optionally ``actor2``, ``inter2``, ``assoc_actor_1``, ``assoc_actor_2``.
    parts : sequence of pyarrow.Table, optional
        :func:`mentions` of consecutive parts of ``events``, when a reader
        counted them part by part (the events are then not scanned again).

    Returns
    -------
    DataFrame
        The canonical actors table, sorted by name; ``actor_id`` is the slug
        of the name.
    """
    return actors_from_mentions(mentions(events)) if parts is None else actors_from_counts(parts)


def actors_from_counts(parts: Sequence[pa.Table]) -> pd.DataFrame:
    """The actors table from :func:`mentions` of consecutive parts of some events.

    What :func:`actors_from_events` returns for those events, without them: a
    reader builds it while it makes the parts one frame.
    """
    return actors_from_mentions(_together(parts))


def actors_from_mentions(mentioned: pa.Table) -> pd.DataFrame:
    """The actors table from :func:`mentions` (or :func:`mention_counts`) of the events.

    What :func:`actors_from_events` returns, from the counts alone: a
    snapshot that keeps its events' counts updates its actors from the
    events it changes.
    """
    counts = mentioned.to_pandas()
    main = counts[counts["main"]]
    dates = counts.groupby("name").agg(
        first=("event_date_min", "min"), last=("event_date_max", "max")
    )
    names = dates.index
    inter = _most_frequent(main, "inter").reindex(names)
    side_inter = _most_frequent(counts, "inter").reindex(names)
    only_associated = ~names.isin(main["name"])
    frame = pd.DataFrame(
        {
            "actor_id": _unique_ids(names),
            "name": names,
            "aliases": None,
            "inter_code": inter.fillna(side_inter).to_numpy(),
            "country": _most_frequent(counts, "country").reindex(names).to_numpy(),
            "parent_id": None,
            "role": None,
            "first_seen": dates["first"].to_numpy(),
            "last_seen": dates["last"].to_numpy(),
            "notes": [_ASSOCIATED_NOTE if flag else None for flag in only_associated],
        }
    )
    dtypes = {f.name: pandas_dtype(f) for f in ACTORS.fields if f.required}
    if frame["inter_code"].isna().any():  # no event gave a valid type: validate() says so
        dtypes["inter_code"] = "Int8"
    return frame.astype(dtypes).reset_index(drop=True)
