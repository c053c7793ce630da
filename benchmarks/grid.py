"""Benchmark: the PRIO-GRID month panel against the admin1 month panel, same events.

Run:  python -m benchmarks.grid [--rows 1000000] [--repeat 5]

On the events of ``synthetic_dataset(--rows)`` (Libya's places), in this process,
interleaved round by round (benchmarks.common.interleaved, so a busy minute on a
shared machine costs both alike): ``aggregate(period="month", level="admin1")`` as
the baseline, and ``aggregate(period="month", level="priogrid")``, which also
checks every coordinate (missing, out of range, swapped-looking) and adds each
cell's row, column and centre. The synthetic events sit on a few dozen towns
(27 cells), so the grid panel is also timed on the same events scattered
uniformly over Libya's box (about 900 cells, a panel 30x longer). For reference:
the cells alone (``priogrid_cells``, with the problem table) and the grid panel
zero-filled over Libya's box. The issue's target: the grid panel within 1.2x of the admin1 panel.
Also the H3 month panel (``level="h3:7"``, the ``h3`` extra), on the same events and
scattered (H3 is called once per distinct point: the scattered points all differ).
Not a test: nothing asserts a time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import libyaevents
from benchmarks.common import arguments, interleaved
from libyaevents.analysis.grid import priogrid_cells
from libyaevents.synthetic import synthetic_dataset
from libyaevents.vocab import gazetteer


def main() -> None:
    args = arguments(__doc__, rows=1_000_000, repeat=5)
    events = synthetic_dataset(args.rows, seed=0)["events"]
    box, rng = gazetteer.LIBYA_BOX, np.random.default_rng(0)
    scattered = events.assign(
        latitude=rng.uniform(box.min_lat, box.max_lat, len(events)),
        longitude=rng.uniform(box.min_lon, box.max_lon, len(events)),
    )
    spread = libyaevents.aggregate(scattered, period="month", level="priogrid")
    grid = libyaevents.aggregate(events, period="month", level="priogrid")
    admin1 = libyaevents.aggregate(events, period="month", level="admin1")
    if grid["events"].sum() != len(events) or admin1["events"].sum() != len(events):
        raise SystemExit("a panel lost events")
    print(f"libyaevents {libyaevents.__version__}, pandas {pd.__version__}, rows {args.rows:,}; "
          f"panel rows: admin1 {len(admin1):,}, priogrid {len(grid):,} "
          f"({grid['priogrid_gid'].nunique():,} cells), scattered {len(spread):,} "
          f"({spread['priogrid_gid'].nunique():,} cells)")  # fmt: skip
    calls = {
        "aggregate(period='month', level='admin1') (baseline)": lambda: libyaevents.aggregate(
            events, period="month", level="admin1"
        ),
        "aggregate(period='month', level='priogrid')": lambda: libyaevents.aggregate(
            events, period="month", level="priogrid"
        ),
        "  ... events scattered over Libya's box": lambda: libyaevents.aggregate(
            scattered, period="month", level="priogrid"
        ),
        "aggregate(period='month', level='h3:7')": lambda: libyaevents.aggregate(
            events, period="month", level="h3:7"
        ),
        "  ... events scattered over Libya's box (h3:7)": lambda: libyaevents.aggregate(
            scattered, period="month", level="h3:7"
        ),
        "  priogrid_cells(events) alone": lambda: priogrid_cells(events),
        "  ... zero_fill=True, cells=LIBYA_BOX": lambda: libyaevents.aggregate(
            events, period="month", level="priogrid", zero_fill=True, cells=gazetteer.LIBYA_BOX
        ),
    }
    times = interleaved(calls, args.repeat)
    base = next(iter(times.values()))
    print(f"{'computation':<56} {'seconds':>8} {'ratio':>6}")
    for label, seconds in times.items():
        print(f"{label:<56} {seconds:8.3f} {seconds / base:6.2f}")


if __name__ == "__main__":
    main()
