"""Benchmark: the whole pipeline at 100k, 1M and 3M events, time and memory per step.

Run:  python -m benchmarks.pipeline [--rows 3000000]

For each size (100,000; 1,000,000; then ``--rows``), in a fresh child process so
that each size's peak memory is its own: write the synthetic events as an ACLED
export (not timed), then read it (``read_acled``), validate it, build a release,
load it, and aggregate the weekly admin1 panel. Each step's wall time, the
process's resident memory after it and its peak so far (Linux VmRSS, VmHWM) are
printed. 3M events is about ACLED's whole world. Not a test: nothing asserts.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import arguments, rss_mb


def run(rows: int) -> list[dict[str, float | str]]:
    """Run the pipeline on ``rows`` events in this process; one record per step."""
    import libyaevents  # noqa: PLC0415 - imported in the child, after the size is known
    from libyaevents.synthetic import synthetic_events  # noqa: PLC0415

    folder = Path(tempfile.mkdtemp(prefix="libyaevents-pipeline-"))
    export = folder / "acled.csv"
    libyaevents.write_acled(synthetic_events(rows, seed=0), export)
    records: list[dict[str, float | str]] = []
    clock = [time.perf_counter()]

    def done(name: str) -> None:
        now = time.perf_counter()
        records.append({"step": name, "seconds": now - clock[0],
                        "rss_mb": rss_mb("VmRSS"), "peak_mb": rss_mb("VmHWM")})  # fmt: skip
        clock[0] = time.perf_counter()

    loaded = libyaevents.read_acled(export)
    done("read_acled")
    libyaevents.validate(loaded, today="2026-12-31")
    done("validate")
    data = {"events": loaded.events, "actors": loaded.actors, "measures": loaded.measures}
    del loaded
    libyaevents.build_release(data, "1.0.0", store=folder / "store", today="2026-12-31")
    done("build_release")
    del data
    release = libyaevents.load("1.0.0", store=folder / "store")
    done("load")
    libyaevents.aggregate(release, period="week", level="admin1")
    done("aggregate")
    return records


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(run(int(sys.argv[2]))))
        return
    args = arguments(__doc__, rows=3_000_000, repeat=1)
    sizes = sorted({100_000, 1_000_000, args.rows})
    print(f"{'events':>10} {'step':<14} {'seconds':>8} {'resident MB':>12} {'peak MB':>8}")
    for rows in sizes:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.pipeline", "--child", str(rows)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        for rec in json.loads(out.stdout.strip().splitlines()[-1]):
            print(f"{rows:>10,} {rec['step']:<14} {rec['seconds']:8.2f} "
                  f"{rec['rss_mb']:12.0f} {rec['peak_mb']:8.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
