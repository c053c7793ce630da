"""Benchmark: the version 3 content hash of a whole events table against version 2.

Run:  python -m benchmarks.content_hash [--rows 1000000] [--repeat 7]

Synthetic events in release form are written to a Parquet file and read back
(as ``verify_release`` and a compaction see them: several row groups, so
chunked columns), then ``content_hash_v3`` and ``content_hash_v2`` of that
table alternate, ``--repeat`` rounds in this process. Reported: each one's
median wall and CPU time (``time.process_time``: every thread's), the medians
of the per-round ratios v3 / v2 (and their spread), the load average before
and after, and the hashes (a faster version 3 must not change one). Not a
test: nothing asserts a time.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from benchmarks.common import arguments
from libyaevents.formats import parquet
from libyaevents.formats.content import content_hash_v2, content_hash_v3
from libyaevents.synthetic import synthetic_events


def main() -> None:
    """Print v3 against v2 over the same table, wall and CPU, in alternating rounds."""
    args = arguments(__doc__, rows=1_000_000, repeat=7)
    table = parquet.release_arrow(synthetic_events(args.rows, seed=1), "events")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.parquet"
        parquet.write_table(table, "events", str(path))
        table = pq.read_table(path)
    calls = {"v3": content_hash_v3, "v2": content_hash_v2}
    wall: dict[str, list[float]] = {name: [] for name in calls}
    cpu: dict[str, list[float]] = {name: [] for name in calls}
    hashes = {name: fn(table) for name, fn in calls.items()}  # warm-up
    print(f"{args.rows:,} events, {table.num_columns} columns, "
          f"{table.column(0).num_chunks} chunks; "
          f"load average before {os.getloadavg()[0]:.2f}")  # fmt: skip
    for _ in range(args.repeat):
        for name, fn in calls.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            fn(table)
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    for label, times in (("wall", wall), ("CPU", cpu)):
        each = sorted(a / b for a, b in zip(times["v3"], times["v2"], strict=True))
        print(f"{label:4s}: v3 {statistics.median(times['v3']):.3f} s, "
              f"v2 {statistics.median(times['v2']):.3f} s, "
              f"v3/v2 median {statistics.median(each):.2f}x "
              f"(rounds {each[0]:.2f}-{each[-1]:.2f})")  # fmt: skip
    print(f"load average after {os.getloadavg()[0]:.2f}")
    for name, digest in hashes.items():
        print(f"{name} {digest}")


if __name__ == "__main__":
    main()
