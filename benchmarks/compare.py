"""Benchmark: compare_events against a hand-written join and a DuckDB join.

Run:  python -m benchmarks.compare [--rows 100000] [--repeat 3]

Two synthetic datasets of ``--rows`` events each (2011-2025, Libya's places).
In the same process, in interleaved rounds (each round runs every contender):

- baseline: ``pandas.merge`` on the day and event type, haversine distance,
  pairs within ``km``, then one pair per event by sorting on distance and
  dropping repeated left and right ids (not a true one-to-one matching: an
  event whose nearest partner was taken is dropped, not re-paired);
- ``compare_events`` with the same windows (same day, ``km``, same type, no
  widening), and with its defaults (1 day, 10 km, precision widening), which
  the baseline cannot express;
- DuckDB (optional): the candidate pairs of the defaults found by a SQL join
  (each side's events spread over their own day windows, joined on type and
  day, great-circle distance in SQL, every window as ``compare_events``
  widens it), then the same score and one-to-one step as ``compare_events``.
  It checks it finds the same pairs. ``compare_events`` also decides every
  unmatched event's reason and builds its tables; the contender does not.

Not a test: nothing asserts a time.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.common import arguments, interleaved
from libyaevents import compare_events
from libyaevents.analysis import matching
from libyaevents.synthetic import synthetic_events

KM = 10.0

# Pairs inside the pair's windows (the wider of the two events' own): found
# from the side whose day window admits them, each pair once.
CANDIDATES = """
WITH by_left AS (
  SELECT l.i, r.j FROM (SELECT *, unnest(range(day - dw, day + dw + 1)) AS d FROM lt) l
  JOIN rt r ON l.kind = r.kind AND l.d = r.day
), by_right AS (
  SELECT l.i, r.j FROM (SELECT *, unnest(range(day - dw, day + dw + 1)) AS d FROM rt) r
  JOIN lt l ON l.kind = r.kind AND r.d = l.day
  WHERE abs(l.day - r.day) > l.dw
), pairs AS (SELECT * FROM by_left UNION ALL SELECT * FROM by_right)
SELECT p.i, p.j, abs(l.day - r.day) AS days,
  2 * 6371.0088 * asin(sqrt(pow(sin(radians(r.lat - l.lat) / 2), 2)
    + cos(radians(l.lat)) * cos(radians(r.lat)) * pow(sin(radians(r.lon - l.lon) / 2), 2)))
    AS km
FROM pairs p JOIN lt l ON l.i = p.i JOIN rt r ON r.j = p.j
WHERE km <= greatest(l.kw, r.kw)
"""


def by_hand(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """Same day, same type, within KM; nearest first, each id kept once."""
    keys = ["event_date", "event_type"]
    cols = [*keys, "event_id_cnty", "latitude", "longitude"]
    pairs = left[cols].merge(right[cols], on=keys, suffixes=("_l", "_r"))
    p1, p2 = np.radians(pairs["latitude_l"]), np.radians(pairs["latitude_r"])
    dlon = np.radians(pairs["longitude_r"] - pairs["longitude_l"])
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    pairs["km"] = 2 * 6371.0088 * np.arcsin(np.sqrt(h))
    pairs = pairs[pairs["km"] <= KM].sort_values("km", kind="stable")
    pairs = pairs.drop_duplicates("event_id_cnty_l").drop_duplicates("event_id_cnty_r")
    return pairs


def _for_sql(events: pd.DataFrame, row: str) -> pd.DataFrame:
    """What the SQL join reads: day number, place, type code, widened windows."""
    day_window, km_window = matching._windows(events, 1, KM, widen=True)
    return pd.DataFrame(
        {
            row: np.arange(len(events)),
            "day": events["event_date"].to_numpy("datetime64[D]").astype("int64"),
            "lat": events["latitude"].to_numpy("float64"),
            "lon": events["longitude"].to_numpy("float64"),
            "kind": events["event_type"].cat.codes.to_numpy(),
            "dw": day_window,
            "kw": km_window,
        }
    )


def by_duckdb(left: pd.DataFrame, right: pd.DataFrame) -> Any:
    """DuckDB's candidate pairs, then compare_events' own score and one-to-one step."""
    import duckdb  # noqa: PLC0415 - an optional contender

    con = duckdb.connect()
    con.register("lt", _for_sql(left, "i"))
    con.register("rt", _for_sql(right, "j"))
    found = con.execute(CANDIDATES).df()
    pairs = matching._Candidates(
        found["i"].to_numpy("int64"),
        found["j"].to_numpy("int64"),
        found["days"].to_numpy("int64"),
        found["km"].to_numpy("float64"),
    )
    score = pairs.score(left, right, 1, KM)
    return pairs.keep(matching._greedy(pairs.i, pairs.j, score))


def main() -> None:
    args = arguments(__doc__, rows=100_000)
    left = synthetic_events(args.rows, seed=1)
    right = synthetic_events(args.rows, seed=2)
    print(f"{args.rows:,} x {args.rows:,} synthetic events")
    calls = {
        "pandas merge + distance + drop_duplicates (baseline)": lambda: by_hand(left, right),
        "compare_events, same windows (one to one)": lambda: compare_events(
            left, right, days=0, km=KM, widen=False
        ),
        "compare_events defaults (1 day, 10 km, widened)": lambda: compare_events(left, right),
    }
    found = dict(
        zip(
            calls,
            (
                len(by_hand(left, right)),
                len(compare_events(left, right, days=0, km=KM, widen=False).matches),
                len(compare_events(left, right).matches),
            ),
            strict=True,
        )
    )
    if importlib.util.find_spec("duckdb") is None:
        print("DuckDB: skipped (not installed)")
    else:
        duck = by_duckdb(left, right)
        ours = compare_events(left, right).matches
        same = set(zip(duck.i, duck.j, strict=True)) == set(
            zip(ours["left_row"], ours["right_row"], strict=True)
        )
        label = "DuckDB join + the same score and one-to-one step"
        print(f"{label}: {'same' if same else 'DIFFERENT'} pairs as compare_events defaults")
        calls[label] = lambda: by_duckdb(left, right)
        found[label] = len(duck.i)
    times = interleaved(calls, args.repeat)
    hand = times["pandas merge + distance + drop_duplicates (baseline)"]
    wide = times["compare_events defaults (1 day, 10 km, widened)"]
    print(f"{'comparison':<52} {'seconds':>8} {'ratio':>7} {'pairs':>8} {'defaults/it':>12}")
    for name, seconds in times.items():
        print(f"{name:<52} {seconds:8.3f} {seconds / hand:7.2f} {found[name]:8,} "
              f"{wide / seconds:12.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
