"""Benchmark: the weekly admin1 panel vs a straightforward pandas groupby.

Run:  python -m benchmarks.aggregate [--rows 1000000] [--repeat 5]

On the same synthetic events, in this process: ``libyaevents.analysis.panels`` (ACLED
weeks, admin1, events and fatalities) against the groupby an analyst writes by
hand for the same panel, checked to give the same numbers; then the zero-filled
panel and a breakdown by event type for reference. Best of ``--repeat`` runs.
Not a test: nothing asserts a time.
"""

from __future__ import annotations

import pandas as pd

import libyaevents
from benchmarks.common import arguments, best
from libyaevents.synthetic import synthetic_events


def by_hand(events: pd.DataFrame) -> pd.DataFrame:
    """The straightforward pandas version: Saturday weeks, groupby, size and sum."""
    saturday = events["event_date"] - pd.to_timedelta(
        (events["event_date"].dt.day_of_week - 5) % 7, unit="D"
    )
    grouped = events.assign(period=saturday).groupby(["period", "country", "admin1"])
    out = grouped.agg(events=("event_id_cnty", "size"), fatalities=("fatalities", "sum"))
    return out.reset_index()


def main() -> None:
    args = arguments(__doc__, rows=1_000_000, repeat=5)
    events = synthetic_events(args.rows, seed=0)
    ours = libyaevents.aggregate(events, period="week", level="admin1")
    theirs = by_hand(events)
    pd.testing.assert_frame_equal(
        ours.reset_index(drop=True), theirs.astype(ours.dtypes.to_dict()), check_dtype=False
    )
    print(f"libyaevents {libyaevents.__version__}, pandas {pd.__version__}, rows {args.rows:,}; "
          f"panel rows {len(ours):,} (same numbers by hand)")  # fmt: skip
    base = best(lambda: by_hand(events), args.repeat)
    print(f"{'computation':<48} {'seconds':>8} {'ratio':>6}")
    print(f"{'pandas groupby by hand (baseline)':<48} {base:8.3f} {1:6.2f}")
    for label, kwargs in (
        ("aggregate(period='week', level='admin1')", {}),
        ("  ... zero_fill=True", {"zero_fill": True}),
        ("  ... by=['event_type']", {"by": ["event_type"]}),
        ("  ... precision='exclude'", {"precision": "exclude"}),
    ):
        seconds = best(
            lambda k=kwargs: libyaevents.aggregate(events, period="week", level="admin1", **k),
            args.repeat,
        )
        print(f"{label:<48} {seconds:8.3f} {seconds / base:6.2f}")


if __name__ == "__main__":
    main()
