"""Benchmark: read_acled vs pandas.read_csv on a current-vintage ACLED CSV.

Run:  python -m benchmarks.load_acled [--rows 1000000] [--repeat 3]

Synthetic events are written as an ACLED export (current 31-column layout),
once with numeric actor types and once with text labels. On each file,
:func:`libyaevents.read_acled` (read every column as text, detect the layout,
convert and check every value, account for every row, build the actors table)
is timed against ``pandas.read_csv`` with the equivalent dtypes and date
parsing, with pandas' default C engine and with its pyarrow engine. Times are
the best of ``--repeat`` runs in this process; peak memory is the VmHWM a first
read adds in a fresh process. Not a test: nothing asserts a time.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

import libyaevents
from benchmarks.common import arguments, best
from libyaevents.readers.acled import write_acled
from libyaevents.schema.models import pandas_dtype
from libyaevents.schema.tables import EVENTS
from libyaevents.synthetic import synthetic_events

_CHILD = """
import sys
sys.path.insert(0, {root!r})
from benchmarks.common import rss_mb
from benchmarks.load_acled import READERS

before = rss_mb("VmRSS")
READERS[sys.argv[1]](sys.argv[2], sys.argv[3] == "labels")
print(rss_mb("VmHWM") - before)
"""


def _dtypes(labels: bool) -> dict[str, Any]:
    dtypes = {f.name: pandas_dtype(f) for f in EVENTS.fields if f.required and f.kind != "date"}
    dtypes["inter2"] = "Int8"
    if labels:  # text labels cannot be read as numbers: the closest dtype is a category
        for name in ("inter1", "inter2", "interaction"):
            dtypes[name] = "category"
    return dtypes


def pandas_c(path: str, labels: bool) -> pd.DataFrame:
    """pandas.read_csv, C engine, canonical dtypes and date parsing: the baseline."""
    return pd.read_csv(path, dtype=_dtypes(labels), parse_dates=["event_date"])


def pandas_arrow(path: str, labels: bool) -> pd.DataFrame:
    """pandas.read_csv with engine='pyarrow' (the fastest reader pandas offers)."""
    frame = pd.read_csv(path, engine="pyarrow", parse_dates=["event_date"])
    return frame.astype(_dtypes(labels))


def ours(path: str, labels: bool) -> Any:
    return libyaevents.read_acled(path)


READERS: dict[str, Callable[[str, bool], Any]] = {
    "pandas_c": pandas_c,
    "pandas_arrow": pandas_arrow,
    "read_acled": ours,
}


def peak(reader: str, path: Path, labels: bool) -> float:
    root = str(Path(__file__).resolve().parents[1])
    out = subprocess.run(
        [sys.executable, "-c", _CHILD.format(root=root), reader, str(path),
         "labels" if labels else "codes"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(out.stdout.split()[-1])


def main() -> None:
    args = arguments(__doc__, rows=1_000_000)
    events = synthetic_events(args.rows, seed=0)
    folder = Path(tempfile.mkdtemp(prefix="libyaevents-bench-"))
    print(f"libyaevents {libyaevents.__version__}, pandas {pd.__version__}, rows {args.rows:,}")
    for labels in (False, True):
        path = folder / f"acled_{'labels' if labels else 'codes'}.csv"
        write_acled(events, path, labels=labels)
        loaded = libyaevents.read_acled(path)
        if loaded.rows_used != args.rows:
            raise SystemExit(f"read_acled used {loaded.rows_used} of {args.rows} rows")
        kind = "text labels" if labels else "numeric codes"
        print(f"\n{path.name}: {path.stat().st_size / 1e6:.0f} MB, actor types as {kind}")
        print(f"{'reader':<40} {'seconds':>8} {'ratio':>6} {'peak MB':>8} {'ratio':>6}")
        base_s = best(lambda p=path, lb=labels: pandas_c(str(p), lb), args.repeat)
        base_m = peak("pandas_c", path, labels)
        for label, name in (
            ("pandas.read_csv C engine (baseline)", "pandas_c"),
            ("pandas.read_csv engine=pyarrow", "pandas_arrow"),
            ("libyaevents.read_acled", "read_acled"),
        ):
            reader = READERS[name]
            seconds = base_s if name == "pandas_c" else best(
                lambda r=reader, p=path, lb=labels: r(str(p), lb), args.repeat
            )  # fmt: skip
            memory = base_m if name == "pandas_c" else peak(name, path, labels)
            print(f"{label:<40} {seconds:8.2f} {seconds / base_s:6.2f} {memory:8.0f} "
                  f"{memory / base_m:6.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
