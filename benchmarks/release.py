"""Benchmark: releases. load vs read_csv and bare pyarrow, filtered load, diff, memory.

Run:  python -m benchmarks.release [--rows 1000000] [--repeat 3]

Everything runs in this process on the same synthetic events: a release is
built in a temporary store, and the same events are written as a typed ACLED
CSV. Reported: the full loads' median wall time over ``--repeat`` interleaved
rounds with the median of the rounds' ratios (and their spread), the best wall
time of ``--repeat`` runs of the others, ratios to the baseline of each
comparison, and the peak resident memory a first load adds in a fresh process
(Linux VmHWM) against the loaded frames' own size. Also in fresh processes (five,
alternating): the first filtered load against the later ones in the same process,
for ``libyaevents.load`` and for a bare filtered ``pyarrow.parquet.read_table``
(both pay Arrow's first-read costs). Not a test: nothing asserts a time.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

import libyaevents
from benchmarks.common import arguments, best, median_ratios, rounds
from libyaevents.releases.hashes import SETTLED_NS
from libyaevents.schema.models import pandas_dtype
from libyaevents.schema.tables import EVENTS
from libyaevents.synthetic import synthetic_dataset

TODAY = "2026-01-01"


_CHILD = """
import sys
from pathlib import Path
import libyaevents

def mb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024

before = mb("VmRSS")
release = libyaevents.load("1.0.0", store=sys.argv[1])
size = sum(f.memory_usage(deep=True).sum() for f in release.tables().values()) / 2**20
print(mb("VmHWM") - before, size)
"""


_FIRST = """
import sys, time

start = time.perf_counter()
store, bare = sys.argv[1], sys.argv[2] == "pyarrow"
if bare:  # each imports what it uses (to_pandas needs pandas)
    import pandas
    import pyarrow.parquet as pq
else:
    import libyaevents
imported = time.perf_counter() - start
one = {"admin1": "West", "year": 2020}
path = f"{store}/1.0.0/events.parquet"
found = []
for _ in range(6):
    start = time.perf_counter()
    if bare:
        pq.read_table(path, filters=[("admin1", "=", "West"), ("year", "=", 2020)]).to_pandas()
    else:
        libyaevents.load("1.0.0", store=store, filters=one)
    found.append(time.perf_counter() - start)
print(imported, found[0], min(found[1:]))
"""


def first_loads(store: Path, rounds: int = 5) -> dict[str, list[tuple[float, float, float]]]:
    """(import, first, best later) filtered load in fresh processes, alternating.

    ``libyaevents``: a process after one that loaded the release (the record of
    verified files has its files, as for any script run after the first);
    ``libyaevents, first ever``: each process with an empty cache folder (every
    file hashed); ``pyarrow``: a bare filtered ``read_table``. The record lives
    in a cache folder of the benchmark's own, not the user's. The processes
    keep the modules' bytecode, as an installed package does.
    """
    cache = Path(tempfile.mkdtemp(prefix="libyaevents-bench-cache-"))
    found: dict[str, list[tuple[float, float, float]]] = {
        "libyaevents": [], "libyaevents, first ever": [], "pyarrow": [],
    }  # fmt: skip

    def run(who: str, folder: Path) -> tuple[float, float, float]:
        # bytecode as an installed package has it (pip compiles it at install): a
        # PYTHONDONTWRITEBYTECODE=1 shell compiled every module the first load imports
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["LIBYAEVENTS_CACHE_DIR"] = str(folder)
        out = subprocess.run(
            [sys.executable, "-c", _FIRST, str(store), who.split(",", maxsplit=1)[0]],
            capture_output=True, text=True, check=True, env=env,
        )  # fmt: skip
        imported, first, later = (float(x) for x in out.stdout.split())
        return imported, first, later

    newest = max(p.stat().st_ctime_ns for p in (store / "1.0.0").iterdir())
    time.sleep(max(0.0, (newest + SETTLED_NS) / 1e9 - time.time() + 0.5))  # files settle
    run("libyaevents", cache)  # records the release's files
    for _ in range(rounds):
        for who, runs in found.items():
            empty = Path(tempfile.mkdtemp(dir=cache))
            runs.append(run(who, empty if who.endswith("first ever") else cache))
    return found


def load_peak(store: Path) -> tuple[float, float]:
    """Peak RSS a first load adds in a fresh process (after imports), and the frames' size."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(store)], capture_output=True, text=True, check=True
    )
    added, size = (float(x) for x in out.stdout.split())
    return added, size


def read_csv_typed(path: Path) -> pd.DataFrame:
    """pandas.read_csv typed as a researcher would (text left to pandas' default): the baseline.

    Naming ``str`` for the text columns makes pandas' C engine much slower for the
    same frame, so the fastest idiomatic typed call leaves them out.
    """
    dtypes = {f.name: pandas_dtype(f) for f in EVENTS.fields if f.kind not in ("date", "string")}
    dtypes.update({f.name: "Int8" for f in EVENTS.fields if f.name == "inter2"})
    return pd.read_csv(path, dtype=dtypes, parse_dates=["event_date"])


def edited(data: dict[str, pd.DataFrame], fraction: float) -> dict[str, pd.DataFrame]:
    new = {k: v.copy() for k, v in data.items()}
    rows = np.random.default_rng(5).choice(len(new["events"]), int(len(new["events"]) * fraction))
    new["events"].loc[rows, "fatalities"] = new["events"].loc[rows, "fatalities"] + 1
    return new


def row(label: str, seconds: float, base: float, note: str = "") -> None:
    print(f"{label:<44} {seconds:8.3f} {seconds / base:7.2f}  {note}")


def main() -> None:
    args = arguments(__doc__, rows=1_000_000)
    data = synthetic_dataset(args.rows, seed=0)
    store = Path(tempfile.mkdtemp(prefix="libyaevents-bench-"))
    t0 = time.perf_counter()
    libyaevents.build_release(data, "1.0.0", store=store, today=TODAY)
    build_s = time.perf_counter() - t0
    libyaevents.build_release(edited(data, 0.01), "1.1.0", store=store, today=TODAY)
    csv = store / "events.csv"
    data["events"].to_csv(csv, index=False)
    parquet_path = store / "1.0.0" / "events.parquet"
    print(f"libyaevents {libyaevents.__version__}, pandas {pd.__version__}, rows {args.rows:,}")
    sizes = parquet_path.stat().st_size / 1e6, csv.stat().st_size / 1e6
    print(f"build of 1.0.0 (validate + write + hashes): {build_s:.1f} s; "
          f"events.parquet {sizes[0]:.1f} MB, CSV {sizes[1]:.1f} MB")  # fmt: skip
    print(f"{'comparison':<44} {'seconds':>8} {'ratio':>7}")

    each = rounds(
        {
            "full": lambda: libyaevents.load("1.0.0", store=store),
            "csv": lambda: read_csv_typed(csv),
            "bare": lambda: pq.read_table(parquet_path).to_pandas(),
        },
        args.repeat,
    )
    full, csv_c, bare = (statistics.median(each[k]) for k in ("full", "csv", "bare"))
    row("pandas.read_csv typed (baseline)", csv_c, csv_c)
    row("libyaevents.load (verified, typed)", full, csv_c, f"{csv_c / full:.1f}x faster")
    row("pyarrow read_table().to_pandas() (baseline)", bare, bare)
    ratio, spread = median_ratios(each, "full", "bare")
    rounds_said = f"{ratio:.2f}x median of {len(spread)} rounds ({spread[0]:.2f}-{spread[-1]:.2f})"
    row("libyaevents.load", full, bare, rounds_said)

    one = {"admin1": "West", "year": 2020}
    filtered = best(lambda: libyaevents.load("1.0.0", store=store, filters=one), args.repeat)
    n = len(libyaevents.load("1.0.0", store=store, filters=one).events)
    row("libyaevents.load full (baseline)", full, full)
    row("load filtered admin1=West, year=2020", filtered, full,
        f"{full / filtered:.1f}x faster, {n:,} rows")  # fmt: skip

    both = best(
        lambda: (libyaevents.load("1.0.0", store=store), libyaevents.load("1.1.0", store=store)),
        args.repeat,
    )
    changes = libyaevents.diff("1.0.0", "1.1.0", store=store)
    diff_s = best(lambda: libyaevents.diff("1.0.0", "1.1.0", store=store), args.repeat)
    row("load both releases (baseline)", both, both)
    row("diff 1.0.0 -> 1.1.0 (loads both + compares)", diff_s, both, f"{len(changes):,} changes")

    medians, scripts = {}, {}
    for who, runs in first_loads(store).items():
        ratios = sorted(first / later for _, first, later in runs)
        firsts = sorted(first for _, first, _ in runs)
        middle = len(runs) // 2
        medians[who] = firsts[middle]
        scripts[who] = sorted(imported + first for imported, first, _ in runs)[middle]
        spread = f"{ratios[0]:.2f}-{ratios[-1]:.2f}"
        print(f"{who} first filtered load, fresh process: median {firsts[middle]:.3f} s, "
              f"{ratios[middle]:.2f}x the later ones ({spread}); with the imports "
              f"{scripts[who]:.3f} s")  # fmt: skip
    print(f"libyaevents first filtered load against pyarrow's first: "
          f"{medians['libyaevents'] / medians['pyarrow']:.2f}x; a fresh script (imports and "
          f"first load): {scripts['libyaevents'] / scripts['pyarrow']:.2f}x")  # fmt: skip

    added, size = load_peak(store)
    print(f"load peak memory added {added:.0f} MB; frames' own size {size:.0f} MB; "
          f"ratio {added / size:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
