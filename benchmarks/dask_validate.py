"""Benchmark: validate_dask on events larger than one partition, peak memory.

Run:  python -m benchmarks.dask_validate [--rows 20000000] [--batch 500000]

Synthetic events are written in files of ``--batch`` rows (never more than one
batch in memory), then validated by ``libyaevents.validation.partitioned.validate_dask``
from ``dask.dataframe.read_parquet``. Baseline in the same run: the in-memory
``libyaevents.validate`` of a single batch, scaled by the number of batches.
Reported: time, ratio, and the peak resident memory of the process (VmHWM).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import dask.dataframe as dd

import libyaevents
from benchmarks.common import reset_peak, rss_mb
from libyaevents.synthetic import synthetic_events
from libyaevents.validation.partitioned import validate_dask

TODAY = "2026-01-01"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--batch", type=int, default=500_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="libyaevents-dask-"))
    batches = args.rows // args.batch
    start = time.perf_counter()
    for i in range(batches):
        part = synthetic_events(args.batch, seed=i, first_id=1 + i * args.batch)
        part.to_parquet(folder / f"part-{i:03d}.parquet", index=False, row_group_size=131_072)
        del part
    print(f"wrote {args.rows:,} events in {batches} files: {time.perf_counter() - start:.0f} s")
    one = dd.read_parquet(folder / "part-000.parquet").compute()
    start = time.perf_counter()
    libyaevents.validate(one, "events", today=TODAY)
    baseline = (time.perf_counter() - start) * batches
    del one
    reset_peak()
    start = time.perf_counter()
    report = validate_dask(dd.read_parquet(folder, split_row_groups=False), today=TODAY)
    took = time.perf_counter() - start
    print(f"in-memory validate of one batch x {batches} (baseline): {baseline:.0f} s")
    print(f"validate_dask of {report.rows['events']:,} rows: {took:.0f} s, "
          f"ratio {took / baseline:.2f}, failures {len(report.failures)}")  # fmt: skip
    print(f"peak resident memory of the process: {rss_mb('VmHWM'):.0f} MB")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
