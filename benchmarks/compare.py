"""Benchmark: compare_events against the join a researcher would write by hand.

Run:  python -m benchmarks.compare [--rows 100000] [--repeat 3]

Two synthetic datasets of ``--rows`` events each (2011-2025, Libya's places).
Baseline, in the same process: ``pandas.merge`` on the day and event type,
haversine distance, pairs within ``km``, then one pair per event by sorting on
distance and dropping repeated left and right ids (not a true one-to-one
matching: an event whose nearest partner was taken is dropped, not re-paired).
``compare_events`` runs with the same windows (same day, ``km``, same type, no
widening), and then with its defaults (1 day, 10 km, precision widening),
which the baseline cannot express. Not a test: nothing asserts a time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.common import arguments, best
from libyaevents import compare_events
from libyaevents.synthetic import synthetic_events

KM = 10.0


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


def main() -> None:
    args = arguments(__doc__, rows=100_000)
    left = synthetic_events(args.rows, seed=1)
    right = synthetic_events(args.rows, seed=2)
    print(f"{args.rows:,} x {args.rows:,} synthetic events")
    print(f"{'comparison':<52} {'seconds':>8} {'ratio':>7} {'pairs':>8}")

    hand = best(lambda: by_hand(left, right), args.repeat)
    n_hand = len(by_hand(left, right))
    print(f"{'pandas merge + distance + drop_duplicates (baseline)':<52} {hand:8.3f} "
          f"{1.0:7.2f} {n_hand:8,}")  # fmt: skip

    def same_windows() -> object:
        return compare_events(left, right, days=0, km=KM, widen=False)

    ours = best(same_windows, args.repeat)
    result = compare_events(left, right, days=0, km=KM, widen=False)
    print(f"{'compare_events, same windows (one to one)':<52} {ours:8.3f} "
          f"{ours / hand:7.2f} {len(result.matches):8,}")  # fmt: skip

    wide = best(lambda: compare_events(left, right), args.repeat)
    result = compare_events(left, right)
    print(f"{'compare_events defaults (1 day, 10 km, widened)':<52} {wide:8.3f} "
          f"{wide / hand:7.2f} {len(result.matches):8,}")  # fmt: skip


if __name__ == "__main__":
    main()
