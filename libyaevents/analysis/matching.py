"""Compare two event datasets: which events are the same, which only one has.

Two datasets about the same conflict (this project's release and an ACLED
export, or ACLED and UCDP GED) record many of the same events with jittered
coordinates, dates a day apart and different taxonomies. :func:`compare_events`
pairs them by location, time and type, in the spirit of MELTT (Donnay et al.,
"Integrating Conflict Event Data", Journal of Conflict Resolution, 2018):

1. **Candidates.** A pair is a candidate when the events are at most ``days``
   days and ``km`` kilometres apart (great-circle distance) and, unless
   ``same=None``, agree on the ``same`` column (``event_type`` by default).
   With ``widen=True`` the windows of imprecise events are wider: an event
   dated to a week (``time_precision`` 2) may be up to 7 days off, one dated to
   a month (3) up to 31; an event located near a place (``geo_precision`` 2) up
   to 25 km, one located in a region (3) up to 100 km. A pair uses the widest
   window either event allows.
2. **Score.** ``days_apart / days + km_apart / km`` (the base windows, each
   at least 1, so widening admits imprecise events without making them look
   closer), plus 0.25 for each of ``sub_event_type``, ``actor1``,
   ``actor2`` that both datasets have and that differs (:data:`SECONDARY`;
   both empty counts as agreeing). Lower is closer.
3. **One to one.** Pairs are accepted closest first, each event in at most one
   pair (greedy matching, computed as repeated rounds of mutual best
   candidates, which accept the same pairs).

Every event ends up in exactly one place: a row of ``matches`` or a row of
``unmatched`` with the reason (no coordinates or date, nothing within the
window, nothing of the same type within the window, or every candidate
matched a closer event). Rows in = matched + unmatched, on each side.

Examples
--------
>>> import pandas as pd
>>> from libyaevents.analysis.matching import compare_events
>>> ours = pd.DataFrame({
...     "event_id_cnty": ["LBY1", "LBY2"],
...     "event_date": pd.to_datetime(["2020-11-25", "2020-11-26"]),
...     "event_type": ["Battles", "Protests"],
...     "latitude": [32.8872, 32.0],
...     "longitude": [13.1913, 20.0],
...     "fatalities": [2, 0],
... })
>>> theirs = ours.iloc[[0]].assign(
...     event_id_cnty="LBY900", event_date=pd.Timestamp("2020-11-26"), latitude=32.9
... )
>>> result = compare_events(ours, theirs, names=("ours", "acled"))
>>> result.matches[["left_id", "right_id", "days_apart"]]
  left_id right_id  days_apart
0    LBY1   LBY900           1
>>> result.unmatched[["side", "id", "code"]]
   side    id               code
0  left  LBY2  nothing-in-window
>>> result.problems()[["source", "record_id", "code", "severity"]].to_dict("records")
[{'source': 'ours', 'record_id': 'LBY2', 'code': 'nothing-in-window', 'severity': 'note'}]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa

from libyaevents.arguments import has_columns, number
from libyaevents.dataset import events_of
from libyaevents.errors import InputError
from libyaevents.problems import PROBLEM_CODES, problem_table

__all__ = ["GEO_KM", "REASONS", "SECONDARY", "TIME_DAYS", "Comparison", "compare_events"]

#: Extra day window of an event dated to a week (2) or a month (3).
TIME_DAYS: Final = {1: 0, 2: 7, 3: 31}

#: Extra distance window (km) of an event located near a place (2) or in a region (3).
GEO_KM: Final = {1: 0.0, 2: 25.0, 3: 100.0}

#: Codes of the unmatched reasons, in the order they are decided (meanings in
#: :data:`libyaevents.problems.PROBLEM_CODES`).
REASONS: Final = ("no-date-or-position", "nothing-in-window", "no-same-type", "partner-taken")

_MESSAGES: Final = tuple(PROBLEM_CODES[code].meaning for code in REASONS)

_REQUIRED: Final = ("event_id_cnty", "event_date", "latitude", "longitude")
_EARTH_KM: Final = 6371.0088  # mean Earth radius (IUGG)
_KM_PER_DEGREE: Final = _EARTH_KM * np.pi / 180
_PENALTY: Final = 0.25

#: Columns whose disagreement adds :data:`_PENALTY` to a pair's score.
SECONDARY: Final = ("sub_event_type", "actor1", "actor2")


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """What :func:`compare_events` found.

    Attributes
    ----------
    names : tuple of str
        Labels of the two datasets (for summaries).
    matches : DataFrame
        One row per matched pair: ``left_id``, ``right_id``, ``left_date``,
        ``right_date``, ``days_apart``, ``km_apart``, ``score``,
        ``left_type``, ``right_type`` (the ``same`` column, or
        ``event_type``), ``left_fatalities``, ``right_fatalities`` (when both
        have the column), ``candidates`` (candidate pairs either event had:
        above 1, a reviewer may want to look), ``left_row``, ``right_row``
        (0-based positions in the inputs).
    unmatched : DataFrame
        One row per event in no pair: ``side`` (``left``/``right``), ``id``,
        ``row``, ``event_date``, ``event_type``, ``fatalities``, ``code`` (one
        of :data:`REASONS`) and ``message`` (its meaning). :meth:`problems`
        gives the same rows in the shared problem shape.
    left_events, right_events : DataFrame
        The events compared (the inputs, not copied), for :meth:`merged`.
    """

    names: tuple[str, str]
    matches: pd.DataFrame
    unmatched: pd.DataFrame
    left_events: pd.DataFrame = field(repr=False, compare=False)
    right_events: pd.DataFrame = field(repr=False, compare=False)

    @property
    def left_rows(self) -> int:
        """Events in the left dataset."""
        return len(self.left_events)

    @property
    def right_rows(self) -> int:
        """Events in the right dataset."""
        return len(self.right_events)

    def merged(self) -> pd.DataFrame:
        """Both datasets as one event list: each shared event once.

        Every left event, then the right events no left event matched; column
        ``dataset`` names where the row comes from and ``matched_id`` the id of
        its partner on the other side (empty when it has none). Rows =
        ``left_rows + right_rows - len(matches)``. Ids may repeat across the
        two datasets: this is a frame for analysis (counts, panels), not a
        release table.
        """
        left, right = self.names
        partner = pd.Series(pd.NA, index=range(self.left_rows), dtype="str")
        partner.iloc[self.matches["left_row"].to_numpy()] = self.matches["right_id"].to_numpy()
        mine = self.left_events.reset_index(drop=True).assign(dataset=left, matched_id=partner)
        alone = self.only("right")["row"].to_numpy()
        theirs = self.right_events.iloc[alone].reset_index(drop=True)
        theirs = theirs.assign(
            dataset=right, matched_id=pd.Series(pd.NA, index=theirs.index, dtype="str")
        )
        merged = pd.concat([mine, theirs], ignore_index=True)
        merged["dataset"] = merged["dataset"].astype("str")
        return merged

    def problems(self) -> pd.DataFrame:
        """The unmatched events as notes in the shared problem shape.

        ``source`` is the dataset's name, ``row`` its position there; concatenate
        with any other report (:func:`libyaevents.problems.concat_problems`).
        """
        names = dict(zip(("left", "right"), self.names, strict=True))
        found = self.unmatched
        return problem_table(
            {
                "source": found["side"].map(names),
                "record_id": found["id"],
                "row": found["row"],
                "code": found["code"],
                "message": found["message"],
            },
            table="events",
            severity="note",
        )

    def only(self, side: str) -> pd.DataFrame:
        """Unmatched events of one side (``"left"`` or ``"right"``)."""
        if side not in ("left", "right"):
            msg = f"side must be 'left' or 'right', not {side!r}"
            raise InputError(msg)
        return self.unmatched[self.unmatched["side"] == side].reset_index(drop=True)

    def summary(self) -> str:
        """A few readable lines: match rates, reasons, fatalities of matched pairs."""
        left, right = self.names
        n = len(self.matches)
        lines = [
            f"{left}: {self.left_rows:,} events; {right}: {self.right_rows:,} events",
            f"matched pairs: {n:,} ({_share(n, self.left_rows)} of {left}, "
            f"{_share(n, self.right_rows)} of {right})",
        ]
        for side, name in (("left", left), ("right", right)):
            reasons = self.only(side)["message"].value_counts()
            for reason, count in reasons.items():
                lines.append(f"only in {name}: {count:,} ({reason})")
        if n and {"left_fatalities", "right_fatalities"} <= set(self.matches.columns):
            a, b = self.matches["left_fatalities"], self.matches["right_fatalities"]
            differ = int((a.fillna(-1) != b.fillna(-1)).sum())
            lines.append(
                f"fatalities in matched pairs: {int(a.sum()):,} ({left}) vs {int(b.sum()):,} "
                f"({right}); {differ:,} pairs differ"
            )
        if n:
            lines.append(
                f"matched pairs apart: median {self.matches['days_apart'].median():g} days, "
                f"{self.matches['km_apart'].median():.1f} km; "
                f"{int((self.matches['candidates'] > 1).sum()):,} had more than one candidate"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Counts as plain data (for JSON output)."""
        reasons = {
            side: {str(k): int(v) for k, v in self.only(side)["code"].value_counts().items()}
            for side in ("left", "right")
        }
        return {
            "names": list(self.names),
            "left_rows": self.left_rows,
            "right_rows": self.right_rows,
            "matched": len(self.matches),
            "unmatched": reasons,
        }


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def _events(given: Any, side: str, same: str | None) -> pd.DataFrame:
    """The events frame of one side (a frame, or any dataset: a release, a loaded file)."""
    frame = events_of(given, what=side)
    needed = [*_REQUIRED, *([same] if same else [])]
    advice = (
        f"compare needs {needed}. Load the file with libyaevents.read_acled / read_ucdp_ged, "
        "or pass same=None to compare without a type"
    )
    has_columns(frame, needed, f"{side} events", advice)
    return frame


def _windows(frame: pd.DataFrame, days: int, km: float, widen: bool) -> tuple[Any, Any]:
    """Each event's own day and km windows (the base ones, widened by its precision)."""
    n = len(frame)
    own_days, own_km = np.full(n, days, dtype="int64"), np.full(n, km, dtype="float64")
    if widen and "time_precision" in frame.columns:
        extra = frame["time_precision"].map(TIME_DAYS).fillna(0).to_numpy(dtype="int64")
        own_days = np.maximum(own_days, extra)
    if widen and "geo_precision" in frame.columns:
        extra_km = frame["geo_precision"].map(GEO_KM).fillna(0.0).to_numpy(dtype="float64")
        own_km = np.maximum(own_km, extra_km)
    return own_days, own_km


class _Side:
    """One dataset's arrays: day numbers, coordinates, windows."""

    def __init__(self, frame: pd.DataFrame, days: int, km: float, widen: bool):
        dates = pd.to_datetime(frame["event_date"], errors="coerce")
        self.day = dates.to_numpy(dtype="datetime64[D]").astype("int64")
        self.lat = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(dtype="float64")
        self.lon = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(dtype="float64")
        self.usable = dates.notna().to_numpy() & np.isfinite(self.lat) & np.isfinite(self.lon)
        # per event once, not per candidate pair: radians and the cosine of the latitude
        self.phi, self.lam = np.radians(self.lat), np.radians(self.lon)
        self.cos_phi = np.cos(self.phi)
        self.days, self.km = _windows(frame, days, km, widen)

    def classes(self, rows: Any) -> list[tuple[int, float, Any]]:
        """``rows`` grouped by their windows: (day window, km window, rows) per group."""
        day_group, day_windows = pd.factorize(self.days[rows])
        km_group, km_windows = pd.factorize(self.km[rows])
        group = day_group * len(km_windows) + km_group
        bounds = np.r_[
            0, np.cumsum(np.bincount(group, minlength=len(day_windows) * len(km_windows)))
        ]
        order = rows[np.argsort(group, kind="stable")]
        return [
            (int(day_windows[k // len(km_windows)]), float(km_windows[k % len(km_windows)]), found)
            for k in range(len(bounds) - 1)
            if len(found := order[bounds[k] : bounds[k + 1]])
        ]


@dataclass(frozen=True)
class _Grid:
    """Cells twice as large as the windows, so a close pair meets in one of two cells.

    Days in buckets ``2 * days`` wide; latitude in bands ``2 * km`` high (a
    great-circle distance is at least the distance along the meridian);
    longitude in ``sectors`` equal sectors of the circle (so the date line
    needs nothing special), each at least twice the largest longitude
    difference two events within ``km`` can have at latitudes up to
    ``max_lat`` (one sector near the poles). In every dimension an event's
    partners lie in its own cell or in the one neighbour on the side of the
    cell it is nearer to: an event spreads over 2 x 2 x 2 cells.
    """

    day_width: int
    band_km: float
    sectors: int

    @classmethod
    def of(cls, days: int, km: float, max_lat: float) -> _Grid:
        reach_km = max(km, 1.0) * (1 + 1e-9)  # a hair wide: rounding never splits a pair
        half = np.sin(min(reach_km / (2 * _EARTH_KM), np.pi / 2))
        cos_lat = np.cos(np.radians(min(max_lat, 90.0)))
        sectors = 1
        if cos_lat > 0 and half < cos_lat:
            degrees = np.degrees(2 * np.arcsin(half / cos_lat)) * (1 + 1e-9)
            sectors = int(180 // degrees)  # sectors at least twice as wide
        return cls(2 * days if days else 1, 2 * reach_km, max(sectors, 1))

    def parts(self, side: _Side, rows: Any, spread: bool) -> tuple[Any, list[Any]]:
        """(owner row, [day bucket, band, sector]) of the cells of ``rows``.

        Spread: each event in its own cell and its nearer neighbours;
        otherwise its own cell only.
        """
        day = side.day[rows]
        band = side.lat[rows] * (_KM_PER_DEGREE / self.band_km)
        sector = (side.lon[rows] + 180.0) * (self.sectors / 360.0)
        cells = [day // self.day_width, np.floor(band).astype("int64")]
        cells.append(np.floor(sector).astype("int64") % self.sectors)
        if not spread:
            return rows, cells
        # the neighbour each dimension needs: below (-1) in the cell's lower half, else above
        steps = [
            np.where(day % self.day_width * 2 < self.day_width, -1, 1)
            if self.day_width > 1
            else None,
            np.where(band % 1.0 < 0.5, -1, 1),
            np.where(sector % 1.0 < 0.5, -1, 1) if self.sectors > 1 else None,
        ]
        owner = rows
        for k, step in enumerate(steps):
            if step is None:
                continue
            shift = np.tile(step, len(owner) // len(rows))  # the copies so far, in order
            cells = [np.concatenate([c, c + shift if m == k else c]) for m, c in enumerate(cells)]
            owner = np.concatenate([owner, owner])
        cells[2] %= self.sectors
        return owner, cells


def _within(
    a: _Side, b: _Side, rows_a: Any, rows_b: Any, kinds: tuple[Any, Any] | None
) -> tuple[Any, Any, Any, Any]:
    """Pairs of ``rows_a`` and ``rows_b`` inside both windows (and of one kind).

    Returns positions ``i``, ``j`` and the pairs' days and km apart. Events
    are grouped by their windows; each pair of groups shares one window (the
    wider of each), so one grid finds their pairs: the smaller group spreads
    over its cells' neighbours, the other stays in its own cell, and the two
    meet in exactly one cell per pair close enough. Each group pair's cells
    get keys of their own range, and all are joined at once.
    """
    owners: tuple[list[Any], list[Any]] = ([], [])
    keys: tuple[list[Any], list[Any]] = ([], [])
    classes_a, classes_b = a.classes(rows_a), b.classes(rows_b)
    room, start = _KEY_ROOM // max(len(classes_a) * len(classes_b), 1), 0
    for day_a, km_a, group_a in classes_a:
        for day_b, km_b, group_b in classes_b:
            lat = np.abs(np.r_[a.lat[group_a], b.lat[group_b]]).max()
            grid = _Grid.of(max(day_a, day_b), max(km_a, km_b), float(lat))
            spread_a = len(group_a) <= len(group_b)
            owner_a, cells_a = grid.parts(a, group_a, spread_a)
            owner_b, cells_b = grid.parts(b, group_b, not spread_a)
            if kinds is not None:
                cells_a.append(kinds[0][owner_a])
                cells_b.append(kinds[1][owner_b])
            key_a, key_b, size = _keys(cells_a, cells_b, room)
            owners[0].append(owner_a)
            owners[1].append(owner_b)
            keys[0].append(key_a + start)
            keys[1].append(key_b + start)
            start += size
    if not owners[0]:
        empty = np.empty(0, dtype="int64")
        return empty, empty, empty, np.empty(0, dtype="float64")
    # Arrow's hash join: measured about twice as fast as pandas.merge on these keys
    tables = [
        pa.table({name: pa.array(np.concatenate(o)), "key": pa.array(np.concatenate(k))})
        for name, o, k in zip("ab", owners, keys, strict=True)
    ]
    joined = tables[0].join(tables[1], "key", join_type="inner")
    i, j = joined["a"].to_numpy(), joined["b"].to_numpy()
    days_apart = np.abs(a.day[i] - b.day[j])
    km_apart = _distance_km(a, b, i, j)
    keep = (days_apart <= np.maximum(a.days[i], b.days[j])) & (
        km_apart <= np.maximum(a.km[i], b.km[j])
    )
    return i[keep], j[keep], days_apart[keep], km_apart[keep]


_KEY_ROOM: Final = 1 << 62  # the int64 keys all group pairs share


def _keys(cells_a: list[Any], cells_b: list[Any], room: int) -> tuple[Any, Any, int]:
    """Integer keys, equal where every cell part is, in ``range(size)``; and ``size``.

    The parts are packed (mixed radix over their ranges) when the product of
    the ranges fits in ``room``, as it does for any real dataset; otherwise
    each part is factorised and the codes combined step by step.
    """
    both = [np.concatenate([x, y]) for x, y in zip(cells_a, cells_b, strict=True)]
    lows = [int(values.min()) for values in both]
    spans = [int(values.max()) - low + 1 for values, low in zip(both, lows, strict=True)]
    key = np.zeros(len(both[0]), dtype="int64")
    size = 1
    if np.prod(np.array(spans, dtype=object)) < room:
        for values, low, span in zip(both, lows, spans, strict=True):
            key = key * span + (values - low)
            size *= span
    else:
        for values in both:
            codes, distinct = pd.factorize(values)
            key, found = pd.factorize(key * len(distinct) + codes)
            size = len(found)
    return key[: len(cells_a[0])], key[len(cells_a[0]) :], size


def _distance_km(a: _Side, b: _Side, i: Any, j: Any) -> Any:
    """Great-circle distance (haversine) in km between events ``a[i]`` and ``b[j]``.

    Radians and cosines come from each side's arrays, computed once per event.
    """
    half_phi = np.sin((b.phi[j] - a.phi[i]) / 2)
    half_lam = np.sin((b.lam[j] - a.lam[i]) / 2)
    h = half_phi * half_phi + a.cos_phi[i] * b.cos_phi[j] * (half_lam * half_lam)
    return 2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _codes(left: pd.DataFrame, right: pd.DataFrame, column: str) -> tuple[Any, Any]:
    """One column of both frames as shared integer codes (-1: missing).

    Each side is factorised on its own (categoricals by their codes), then
    the right side's few distinct values are mapped onto the left's.
    """
    a, a_values = pd.factorize(left[column], use_na_sentinel=True)
    b, b_values = pd.factorize(right[column], use_na_sentinel=True)
    known = pd.Index([str(v) for v in a_values])
    shared = known.get_indexer(pd.Index([str(v) for v in b_values]))
    new = shared < 0
    shared[new] = len(known) + np.arange(new.sum())
    return a, np.where(b >= 0, shared[np.maximum(b, 0)], -1) if len(shared) else b


def _as_text(values: pd.Series) -> pd.Series:
    """Text values in pandas' ``str`` dtype (categoricals and objects converted)."""
    return values if values.dtype == "str" else values.astype("str").where(values.notna())


def _text(frame: pd.DataFrame, column: str | None, rows: Any) -> pd.Series:
    """``column`` at ``rows`` as text (all missing when the frame lacks it)."""
    if column is None or column not in frame.columns:
        return pd.Series(pd.NA, index=range(len(rows)), dtype="str")
    return _as_text(frame[column].iloc[rows].reset_index(drop=True))


def _greedy(i: Any, j: Any, score: Any) -> Any:
    """Indexes of the accepted pairs: closest first, each event at most once.

    Rounds of mutual best candidates: a pair that is the best of both its
    events in what is left is the pair greedy matching would accept, and the
    closest pair left always is one, so each round accepts at least one.
    """
    alive = np.lexsort((j, i, score))
    taken_i = np.zeros(int(i.max()) + 1 if len(i) else 0, dtype=bool)
    taken_j = np.zeros(int(j.max()) + 1 if len(j) else 0, dtype=bool)
    accepted = []
    while len(alive):
        li, rj = i[alive], j[alive]
        # in score order, an event's first pair is its best one
        best = ~(pd.Series(li).duplicated().to_numpy() | pd.Series(rj).duplicated().to_numpy())
        mutual = alive[best]
        accepted.append(mutual)
        taken_i[i[mutual]] = True
        taken_j[j[mutual]] = True
        alive = alive[~(taken_i[li] | taken_j[rj])]
    return np.concatenate(accepted) if accepted else np.empty(0, dtype="int64")


def compare_events(
    left: pd.DataFrame | Any,
    right: pd.DataFrame | Any,
    *,
    days: int = 1,
    km: float = 10.0,
    same: str | None = "event_type",
    widen: bool = True,
    names: tuple[str, str] = ("left", "right"),
) -> Comparison:
    """Pair the events two datasets share by location, time and type.

    Parameters
    ----------
    left, right : DataFrame, Release or Loaded
        Events in the canonical schema: a frame, or what :func:`libyaevents.load`,
        :func:`libyaevents.read_acled` or :func:`libyaevents.read_ucdp_ged`
        return (their ``.events`` are used). Needed: ``event_id_cnty``,
        ``event_date``, ``latitude``, ``longitude`` and the ``same`` column;
        used when present: ``time_precision``, ``geo_precision``,
        ``sub_event_type``, ``event_type``, ``fatalities``.
    days : int
        Events at most this many days apart can match (0: same day).
    km : float
        Events at most this many kilometres apart can match.
    same : str or None
        A column both events must agree on (``event_type``; ``disorder_type``
        to compare with UCDP, whose events cross into ACLED's types only
        roughly); ``None`` for location and time alone.
    widen : bool
        Widen the windows of events with time or geo precision 2 or 3
        (:data:`TIME_DAYS`, :data:`GEO_KM`).
    names : tuple of str
        Labels for the two datasets in the summary.

    Returns
    -------
    Comparison
        ``matches``, ``unmatched`` (with reasons), ``summary()``.

    Raises
    ------
    InputError
        When a frame lacks a needed column, or a window is negative.
    """
    days = int(number(days, "days", minimum=0, maximum=3660, whole=True))  # ten years
    km = number(km, "km", minimum=0, maximum=20_038)  # half the equator
    if days < 0 or km < 0 or not np.isfinite(km):
        msg = f"days and km must be >= 0 (got days={days!r}, km={km!r})"
        raise InputError(msg)
    left, right = _events(left, "left", same), _events(right, "right", same)
    a, b = _Side(left, days, km, widen), _Side(right, days, km, widen)
    usable_a, usable_b = np.flatnonzero(a.usable), np.flatnonzero(b.usable)
    if same is None:
        pairs = _Candidates(*_within(a, b, usable_a, usable_b, None))
    else:  # the type is part of the join key: other types never become candidates
        kinds = _codes(left, right, same)
        typed_a, typed_b = usable_a[kinds[0][usable_a] >= 0], usable_b[kinds[1][usable_b] >= 0]
        pairs = _Candidates(*_within(a, b, typed_a, typed_b, kinds))
    per_left = np.bincount(pairs.i, minlength=len(left))
    per_right = np.bincount(pairs.j, minlength=len(right))
    near_left, near_right = per_left > 0, per_right > 0
    if same is not None:  # near in time and place, other type? Only the rest is searched
        alone = usable_a[~near_left[usable_a]]
        near_left[_within(a, b, alone, usable_b, None)[0]] = True
        alone = usable_b[~near_right[usable_b]]
        near_right[_within(a, b, usable_a, alone, None)[1]] = True
    score = pairs.score(left, right, days, km)
    chosen = _greedy(pairs.i, pairs.j, score)
    chosen = chosen[np.argsort(pairs.i[chosen], kind="stable")]
    best = pairs.keep(chosen)
    matches = _match_table(left, right, same, best, score[chosen])
    matches.insert(len(matches.columns) - 2, "candidates", per_left[best.i] + per_right[best.j] - 1)
    sides = (
        _unmatched(
            left,
            "left",
            usable=a.usable,
            near=near_left,
            typed=per_left > 0,
            matched=best.i,
        ),
        _unmatched(
            right,
            "right",
            usable=b.usable,
            near=near_right,
            typed=per_right > 0,
            matched=best.j,
        ),
    )
    unmatched = pd.concat(sides, ignore_index=True)
    return Comparison(
        names=names, matches=matches, unmatched=unmatched, left_events=left, right_events=right
    )


@dataclass(frozen=True)
class _Candidates:
    """Candidate pairs: positions ``i`` (left) and ``j`` (right), days and km apart."""

    i: Any
    j: Any
    days: Any
    km: Any

    def keep(self, which: Any) -> _Candidates:
        """The pairs a boolean mask or an index array selects."""
        return _Candidates(*(getattr(self, f)[which] for f in self.__dataclass_fields__))

    def score(self, left: pd.DataFrame, right: pd.DataFrame, days: int, km: float) -> Any:
        """Closeness (lower is closer): days and km over the base windows, disagreements.

        Over the base windows, not the widened ones: widening lets an
        imprecise event be a candidate, but does not make it look closer
        than a precise event at the same distance.
        """
        score = self.days / max(days, 1) + self.km / max(km, 1.0)
        for column in SECONDARY:
            if column in left.columns and column in right.columns:
                a, b = _codes(left, right, column)
                score = score + _PENALTY * (a[self.i] != b[self.j])  # both missing: agree
        return score


def _match_table(
    left: pd.DataFrame, right: pd.DataFrame, same: str | None, pairs: _Candidates, score: Any
) -> pd.DataFrame:
    i, j = pairs.i, pairs.j
    kind = same or "event_type"
    table: dict[str, Any] = {
        "left_id": _text(left, "event_id_cnty", i),
        "right_id": _text(right, "event_id_cnty", j),
        "left_date": pd.to_datetime(left["event_date"]).to_numpy()[i],
        "right_date": pd.to_datetime(right["event_date"]).to_numpy()[j],
        "days_apart": pairs.days.astype("int64"),
        "km_apart": np.round(pairs.km, 3),
        "score": np.round(score, 4),
        "left_type": _text(left, kind, i),
        "right_type": _text(right, kind, j),
    }
    if "fatalities" in left.columns and "fatalities" in right.columns:
        table["left_fatalities"] = left["fatalities"].iloc[i].reset_index(drop=True)
        table["right_fatalities"] = right["fatalities"].iloc[j].reset_index(drop=True)
    table.update(left_row=i.astype("int64"), right_row=j.astype("int64"))
    return pd.DataFrame(table)


def _unmatched(
    frame: pd.DataFrame, side: str, *, usable: Any, near: Any, typed: Any, matched: Any
) -> pd.DataFrame:
    """Events of one side in no accepted pair, each with the first reason that applies."""

    taken = np.zeros(len(frame), dtype=bool)
    taken[matched] = True
    rows = np.flatnonzero(~taken)
    reason = np.full(len(rows), 3, dtype="int8")
    reason[~typed[rows]] = 2
    reason[~near[rows]] = 1
    reason[~usable[rows]] = 0
    out = pd.DataFrame(
        {
            "side": side,
            "id": _text(frame, "event_id_cnty", rows),
            "row": rows.astype("int64"),
            "event_date": pd.to_datetime(frame["event_date"], errors="coerce").to_numpy()[rows],
            "event_type": _text(frame, "event_type", rows),
            "fatalities": (
                frame["fatalities"].iloc[rows].reset_index(drop=True)
                if "fatalities" in frame.columns
                else pd.NA
            ),
            "code": np.asarray(REASONS, dtype=object)[reason],
            "message": np.asarray(_MESSAGES, dtype=object)[reason],
        }
    )
    return out
