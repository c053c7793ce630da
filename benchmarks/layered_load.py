"""Benchmark: loading a layered snapshot vs loading the same content written whole.

Run:  python -m benchmarks.layered_load [--rows 1000000] [--repeat 7]

The setup of ``benchmarks/sync.py``: a store holds one snapshot of ``--rows``
synthetic events written by a full sync; the source then revises 1% of them
(a fatality count, a new ``timestamp``) and deletes 0.1%, and an incremental
sync writes the next snapshot as layers (the parent's events file, its own
changed rows, the deletes). The same content is then built whole into a
second store. With ``LAYERED_LOAD_FOLDER=DIR`` set, both stores are kept
there and reused on the next run (the build takes about a minute at 1M).

In the same process, alternating rounds: ``libyaevents.load`` of the layered
snapshot and of the whole one, wall and CPU time (all threads), the median of
the per-round ratios and their range; then the step times of each load
(reading the files, the live rows of each layer, putting the rows in release
order, the conversion to pandas), medians of the rounds. The load average is
printed before and after: on a shared machine the ratios hold better than
the seconds.

Not a test: nothing asserts a time.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as pds

import libyaevents
from benchmarks.common import arguments, median_ratios
from benchmarks.sync import DAY1, DAY2, changes, install, pulled
from libyaevents.formats import parquet
from libyaevents.releases import layers, splice
from libyaevents.releases.increments import layer_files, layer_revisions, read_deletes
from libyaevents.releases.manifest import read_manifest
from libyaevents.synthetic import synthetic_events


def build(folder: Path, rows: int) -> str:
    """The layered snapshot in ``folder/layered`` and its content whole in ``folder/whole``."""
    layered, whole = folder / "layered", folder / "whole"
    if whole.exists() and layered.exists():
        return libyaevents.releases.stores.LocalStore(whole).versions()[-1]
    events = synthetic_events(rows, seed=0)
    edited, deleted = changes(events, rows)
    install(pulled(events, DAY1), pulled(edited, DAY2), deleted)
    libyaevents.sync(layered, "acled", country="Libya")
    done = libyaevents.sync(layered, "acled", country="Libya")
    same = libyaevents.load(done.version, store=layered)
    libyaevents.build_release(same.tables(), done.version, store=whole, parent=None,
                              today="2030-01-01")  # fmt: skip
    return done.version


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """``fn()``, its wall time and its CPU time (every thread of the process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    found = fn()
    return found, time.perf_counter() - wall, time.process_time() - cpu


def layered_steps(folder: Path) -> dict[str, float]:
    """Wall time of each step of loading a layered snapshot's events (as ``load`` does)."""
    manifest = read_manifest(folder)
    paths, deletes = layer_files(folder, manifest, "events"), read_deletes(folder, manifest)
    parts, read, _ = timed(lambda: layers.read_parts(paths))
    live, alive, _ = timed(lambda: layers.live_parts(parts, deletes))
    revised = layer_revisions(manifest, "events")
    table, merge, _ = timed(lambda: splice.merged(parts, live, revised=revised))
    _, convert, _ = timed(lambda: parquet.from_arrow(table, "events", pa.system_memory_pool()))
    return {"read": read, "live rows": alive, "release order": merge, "to pandas": convert}


def whole_steps(path: Path) -> dict[str, float]:
    """Wall time of each step of loading a whole events file (as ``parquet.read_table`` does)."""
    pool = pa.system_memory_pool()
    table, read, _ = timed(lambda: pds.dataset(path, format="parquet").to_table(memory_pool=pool))
    _, convert, _ = timed(lambda: parquet.from_arrow(table, "events", pool))
    return {"read": read, "to pandas": convert}


def main() -> None:
    args = arguments(__doc__, rows=1_000_000, repeat=7)
    folder = Path(os.environ.get("LAYERED_LOAD_FOLDER") or tempfile.mkdtemp(prefix="layered-"))
    keep = "LAYERED_LOAD_FOLDER" in os.environ
    try:
        version = build(folder, args.rows)
        stores = {"layered": folder / "layered", "whole": folder / "whole"}
        print(f"{args.rows:,} events, snapshot {version}; load average "
              f"{os.getloadavg()[0]:.1f} before")  # fmt: skip
        walls: dict[str, list[float]] = {k: [] for k in stores}
        cpus: dict[str, list[float]] = {k: [] for k in stores}
        steps: dict[str, dict[str, list[float]]] = {k: {} for k in stores}
        for k in stores.values():  # warm: files cached, hashes of the layer files known
            libyaevents.load(version, store=k)
        for _ in range(args.repeat):
            for name, store in stores.items():
                _, wall, cpu = timed(lambda store=store: libyaevents.load(version, store=store))
                walls[name].append(wall)
                cpus[name].append(cpu)
            found = {
                "layered": layered_steps(stores["layered"] / version),
                "whole": whole_steps(stores["whole"] / version / "events.parquet"),
            }
            for name, times in found.items():
                for step, seconds in times.items():
                    steps[name].setdefault(step, []).append(seconds)
        ratio, each = median_ratios(walls, "layered", "whole")
        cpu_ratio, cpu_each = median_ratios(cpus, "layered", "whole")
        median = statistics.median
        print(f"{args.repeat} alternating rounds, medians:")
        print(f"  load of the layered snapshot {median(walls['layered']):.3f} s wall, "
              f"{median(cpus['layered']):.3f} s CPU")  # fmt: skip
        print(f"  load of the same written whole {median(walls['whole']):.3f} s wall, "
              f"{median(cpus['whole']):.3f} s CPU")  # fmt: skip
        print(f"  ratio wall {ratio:.2f}x (rounds {each[0]:.2f}-{each[-1]:.2f}), "
              f"CPU {cpu_ratio:.2f}x (rounds {cpu_each[0]:.2f}-{cpu_each[-1]:.2f})")  # fmt: skip
        for name, times in steps.items():
            shown = ", ".join(f"{step} {median(s):.3f}" for step, s in times.items())
            print(f"  steps, {name} (s): {shown}")
        print(f"load average {os.getloadavg()[0]:.1f} after")
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
