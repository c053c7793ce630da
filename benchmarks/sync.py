"""Benchmark: an incremental sync of a large snapshot vs a plain load of the previous release.

Run:  python -m benchmarks.sync [--rows 1000000] [--repeat 3]

A store holds one snapshot of ``--rows`` synthetic events. The source then
revises 1% of the events (a fatality count, with a new ``timestamp``) and
deletes 0.1%; :func:`libyaevents.sync` pulls what changed and publishes the
next snapshot. The fetch is excluded (the pulled increment is handed to sync in
memory, in place of the HTTP client), so the time is sync's own: loading the
parent, validating the increment, merging, fingerprints, the change table and
writing the release. In the same process:

- the baseline: ``libyaevents.load`` of the previous release (warm, as a
  researcher reloads it);
- the incremental sync (alternating with the load; the median of the
  per-round ratios), its CPU time (every thread's) against the load's, the
  time of its steps (medians; reading the parent's files runs on a thread
  while the pull is validated, so those two overlap), the bytes it writes
  against the full snapshot's, and its peak resident memory above the size
  before it, against the memory of the two frames a load holds (parent and
  result);
- the load of the incremental snapshot against the same content written
  whole (a release built from it);
- ``load(as_of=day)`` against ``load(version)`` of the same release.

Not a test: nothing asserts a time.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import libyaevents
from benchmarks.common import arguments, best, median_ratios, reset_peak, rounds, rss_mb
from libyaevents.live.pulls import Pulled
from libyaevents.problems import problem_table
from libyaevents.readers.registry import actors_from_events
from libyaevents.snapshots import incremental, plans, steps
from libyaevents.snapshots import sync as syncing
from libyaevents.synthetic import synthetic_events

DAY1 = "2026-03-02T09:00:00+00:00"
DAY2 = "2026-03-09T09:00:00+00:00"


def pulled(events: pd.DataFrame, accessed: str) -> Pulled:
    """Rows as a pull hands them to sync (what fetch_acled returns)."""
    return Pulled(
        events=events.reset_index(drop=True), actors=actors_from_events(events),
        problems=problem_table({}), notes=problem_table({}), source="benchmark",
        vintage="current", encoding="utf-8", rows_read=len(events),
        endpoint="https://acleddata.com/api/acled/read", query={"country": "Libya"},
        accessed=accessed,
    )  # fmt: skip


def install(full: Pulled, increment: Pulled, deleted: pd.DataFrame) -> None:
    """Serve sync the pulls from memory instead of the API (the fetch is not timed)."""

    def plan(query: dict[str, Any], options: dict[str, Any]) -> Any:
        del query, options
        return plans.Plan(
            "acled", full.endpoint, {"country": "Libya"}, lambda: full,
            lambda since: increment, lambda since: deleted,
        )  # fmt: skip

    plans.PLANS["acled"] = plan  # type: ignore[index]


#: The steps of a sync timed, as (module, function, label).
STEPS = (
    (steps, "_valid", "validate the fetched rows"),
    (incremental.HeldRows, "read", "read the parent's files (on a thread)"),
    (incremental.HeldRows, "rows_of", "the touched ids' rows"),
    (incremental.HeldRows, "deletes_after", "the deletes with their positions"),
    (steps, "plan_layers", "plan the layers"),
    (steps, "mentions_after", "actors from the change"),
    (steps, "diff_tables", "the change table"),
    (steps, "content_after", "the content hash from the change"),
    (syncing, "publish_release", "write the snapshot"),
)


def timed(steps: dict[str, list[float]]) -> None:
    """Wrap each of :data:`STEPS` so that its wall time adds to ``steps[label]``'s last entry."""
    for owner, name, label in STEPS:
        inner = getattr(owner, name)
        inner = getattr(inner, "__func__", inner)
        steps[label] = []

        def wrapper(*args: Any, _f: Any = inner, _label: str = label, **kw: Any) -> Any:
            start = time.perf_counter()
            try:
                return _f(*args, **kw)
            finally:
                steps[_label][-1] += time.perf_counter() - start

        is_class = isinstance(owner, type) and name == "read"
        setattr(owner, name, classmethod(wrapper) if is_class else wrapper)


def changes(events: pd.DataFrame, rows: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The source's changes: 1% of the events revised (a fatality count), 0.1% deleted."""
    picks = np.random.default_rng(0).permutation(len(events))
    edited = events.iloc[np.sort(picks[: rows // 100])].copy()
    edited["fatalities"] = edited["fatalities"] + 1
    edited["timestamp"] = int(events["timestamp"].max()) + 3600
    gone = events["event_id_cnty"].iloc[picks[rows // 100 : rows // 100 + rows // 1000]]
    return edited, pd.DataFrame(
        {"event_id_cnty": gone.to_numpy(), "deleted_timestamp": 1_773_000_000}
    )


def main() -> None:
    args = arguments(__doc__, rows=1_000_000, repeat=3)
    events = synthetic_events(args.rows, seed=0)
    edited, deleted = changes(events, args.rows)
    gone = deleted["event_id_cnty"]
    install(pulled(events, DAY1), pulled(edited, DAY2), deleted)
    store = tempfile.mkdtemp(prefix="libyaevents-sync-")
    try:
        start = time.perf_counter()
        first = libyaevents.sync(store, "acled", country="Libya")
        print(f"{args.rows:,} events: first (full) sync {time.perf_counter() - start:.2f} s "
              f"-> {first.version}")  # fmt: skip
        base = libyaevents.load(first.version, store=store)
        frame_mb = base.events.memory_usage(deep=True).sum() / 2**20
        times: dict[str, list[float]] = {"load": [], "sync": []}
        cpu: dict[str, list[float]] = {"load": [], "sync": []}
        steps: dict[str, list[float]] = {}
        timed(steps)
        peaks = []
        for _ in range(args.repeat):  # alternating: a busy minute weighs on both sides
            start, used = time.perf_counter(), time.process_time()
            libyaevents.load(first.version, store=store)
            times["load"].append(time.perf_counter() - start)
            cpu["load"].append(time.process_time() - used)
            before = rss_mb("VmRSS")
            reset_peak()
            for found in steps.values():
                found.append(0.0)
            start, used = time.perf_counter(), time.process_time()
            done = libyaevents.sync(store, "acled", country="Libya")
            times["sync"].append(time.perf_counter() - start)
            cpu["sync"].append(time.process_time() - used)
            peaks.append(rss_mb("VmHWM") - before)
            version = done.version
            counts = done.changes["change"].value_counts().to_dict()
            new_bytes = sum(p.stat().st_size for p in Path(store, version).iterdir())
            shutil.rmtree(f"{store}/{version}")  # the next round publishes it again
            libyaevents.releases.stores.LocalStore(store).write_index()
        full_bytes = sum(p.stat().st_size for p in Path(store, first.version).iterdir())
        ratio, each = median_ratios(times, "sync", "load")
        print(f"incremental sync ({args.rows // 100:,} modified, {len(gone):,} deleted; "
              f"changes {counts}); {args.repeat} alternating rounds, load average "
              f"{os.getloadavg()[0]:.1f}:")  # fmt: skip
        print(f"  load of the previous release {statistics.median(times['load']):.3f} s (median)")
        print(f"  incremental sync             {statistics.median(times['sync']):.3f} s  "
              f"ratio {ratio:.2f}x load (rounds {each[0]:.2f}-{each[-1]:.2f})")  # fmt: skip
        cpu_ratio, cpu_each = median_ratios(cpu, "sync", "load")
        print(f"  CPU time: load {statistics.median(cpu['load']):.3f} s, sync "
              f"{statistics.median(cpu['sync']):.3f} s  ratio {cpu_ratio:.2f}x "
              f"(rounds {cpu_each[0]:.2f}-{cpu_each[-1]:.2f})")  # fmt: skip
        for label, found in steps.items():
            print(f"    {label:<40} {statistics.median(found):.3f} s (median)")
        print(f"  new bytes {new_bytes:,} = {new_bytes / full_bytes:.1%} of the full snapshot's "
              f"{full_bytes:,}")  # fmt: skip
        # the first round's peak: later rounds reuse memory the allocator kept
        print(f"  peak memory above start      {peaks[0]:.0f} MB; two frames "
              f"{2 * frame_mb:.0f} MB  ratio {peaks[0] / (2 * frame_mb):.2f}x")  # fmt: skip
        done = libyaevents.sync(store, "acled", country="Libya")  # kept: load it against whole
        whole = tempfile.mkdtemp(prefix="libyaevents-sync-whole-")
        same = libyaevents.load(done.version, store=store)
        libyaevents.build_release(same.tables(), done.version, store=whole, parent=None,
                                  today="2030-01-01")  # fmt: skip
        loads = rounds({
            "incremental": lambda: libyaevents.load(done.version, store=store),
            "whole": lambda: libyaevents.load(done.version, store=whole),
        }, args.repeat)  # fmt: skip
        ratio, each = median_ratios(loads, "incremental", "whole")
        print(f"  load of the incremental snapshot {statistics.median(loads['incremental']):.3f}"
              f" s vs the same content written whole {statistics.median(loads['whole']):.3f} s"
              f"  ratio {ratio:.2f}x (rounds {each[0]:.2f}-{each[-1]:.2f})")  # fmt: skip
        shutil.rmtree(whole, ignore_errors=True)
        by_version = best(lambda: libyaevents.load(first.version, store=store), args.repeat)
        as_of = best(lambda: libyaevents.load(store=store, as_of="2026-03-05"), args.repeat)
        print(f"  load(version) {by_version:.3f} s; load(as_of) {as_of:.3f} s  "
              f"ratio {as_of / by_version:.2f}x")  # fmt: skip
    finally:
        shutil.rmtree(store, ignore_errors=True)


if __name__ == "__main__":
    main()
