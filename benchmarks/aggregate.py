"""Benchmark: the weekly admin1 panel vs a straightforward pandas groupby.

Run:  python -m benchmarks.aggregate [--rows 1000000] [--repeat 5]

On the same synthetic events, in this process: ``libyaevents.analysis.panels`` (ACLED
weeks, admin1, events and fatalities) against the groupby an analyst writes by
hand for the same panel, checked to give the same numbers; then the zero-filled
panel and a breakdown by event type for reference. Best of ``--repeat`` runs.
Not a test: nothing asserts a time.
"""

from __future__ import annotations

import importlib.util

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


def by_duckdb(events: pd.DataFrame) -> pd.DataFrame:
    """DuckDB on the same pandas frame: Saturday weeks in SQL, group by, count and sum."""
    import duckdb  # noqa: PLC0415 - an optional contender

    query = """
        SELECT CAST(event_date AS DATE) - CAST((dayofweek(event_date) + 1) % 7 AS INTEGER)
                   AS period,
               country, admin1, count(*) AS events, sum(fatalities) AS fatalities
        FROM events GROUP BY ALL ORDER BY ALL
    """
    return duckdb.query_df(events, "events", query).df()


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
    if importlib.util.find_spec("duckdb") is None:
        print("DuckDB: skipped (not installed)")
        return
    check = by_duckdb(events)
    if len(check) != len(ours) or int(check["events"].sum()) != int(ours["events"].sum()):
        raise SystemExit("DuckDB's panel differs from aggregate's")
    duck = best(lambda: by_duckdb(events), args.repeat)
    mine = best(lambda: libyaevents.aggregate(events, period="week", level="admin1"), args.repeat)
    print(f"{'DuckDB on the pandas frame (same panel)':<48} {duck:8.3f} {duck / base:6.2f}")
    print(f"aggregate vs DuckDB: {mine / duck:.2f}x")


if __name__ == "__main__":
    main()
