"""Benchmark: read_acled vs pandas.read_csv on a current-vintage ACLED CSV.

Run:  python -m benchmarks.load_acled [--rows 1000000] [--repeat 3]

Synthetic events are written as an ACLED export (current 31-column layout),
once with numeric actor types and once with text labels. On each file,
:func:`libyaevents.read_acled` (parse byte ranges of the file two at a time, each
column as text or typed where the parse is exact, detect the layout, convert and
check every value, account for every row, build the actors table)
is timed against the fastest idiomatic typed read of each peer, each ending in a
pandas frame with the same columns typed alike (categories for closed
vocabularies, small integers, parsed dates; text left to each reader's default
string type, which is how a researcher reads it, and faster than naming ``str``):

- ``pandas.read_csv``, C engine (the baseline) and engine="pyarrow";
- ``pyarrow.csv.read_csv`` with column types and ``newlines_in_values`` (ACLED notes
  hold quoted line breaks, so a reader of its exports needs it), then ``to_pandas``;
- Polars ``read_csv`` with a schema, then ``to_pandas`` (skipped when not installed);
- DuckDB ``read_csv`` then ``.df()`` (skipped when not installed).

Each read runs in a fresh process, the readers alternating round by round
(``--repeat`` rounds, the order rotated each round, so a slow minute on the shared
machine costs every contender alike); the figures are the medians over the rounds
of each read's wall time, its CPU time (every thread) and the peak resident memory
it added (VmHWM). ``--readers`` picks contenders (default: all). The load average is
printed with the figures. Not a test: nothing asserts a time.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pv

import libyaevents
from benchmarks.common import arguments
from libyaevents.readers.acled import write_acled
from libyaevents.schema.models import pandas_dtype
from libyaevents.schema.tables import EVENTS
from libyaevents.synthetic import synthetic_events

_CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from benchmarks.common import rss_mb
from benchmarks.load_acled import READERS

before = rss_mb("VmRSS")
wall, cpu = time.perf_counter(), time.process_time()
READERS[sys.argv[1]](sys.argv[2], sys.argv[3] == "labels")
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(wall, cpu, rss_mb("VmHWM") - before)
"""


def _dtypes(labels: bool) -> dict[str, Any]:
    """Typed columns: every required one but dates and free text (left to the reader)."""
    dtypes = {
        f.name: pandas_dtype(f)
        for f in EVENTS.fields
        if f.required and f.kind not in ("date", "string")
    }
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


def _arrow_types(labels: bool) -> dict[str, Any]:
    types: dict[str, Any] = {}
    for name, dtype in _dtypes(labels).items():
        text = str(dtype)
        if text == "category":
            types[name] = pa.dictionary(pa.int32(), pa.string())
        elif text.lower().startswith(("int", "uint")):
            types[name] = pa.from_numpy_dtype(pd.api.types.pandas_dtype(text.lower()))
        elif text.startswith("float"):
            types[name] = pa.float64()
    types["event_date"] = pa.timestamp("ms")
    return types


def pyarrow_csv(path: str, labels: bool) -> pd.DataFrame:
    """pyarrow's multi-threaded CSV reader with column types, then to_pandas."""
    convert = pv.ConvertOptions(column_types=_arrow_types(labels))
    parse = pv.ParseOptions(newlines_in_values=True)  # ACLED notes hold line breaks
    read = pv.ReadOptions(use_threads=True)
    return pv.read_csv(
        path, read_options=read, parse_options=parse, convert_options=convert
    ).to_pandas()


def polars_csv(path: str, labels: bool) -> pd.DataFrame:
    """Polars read_csv with a schema for the typed columns, then to_pandas."""
    import polars as pl  # noqa: PLC0415 - an optional contender

    kinds = {"int8": pl.Int8, "int16": pl.Int16, "int32": pl.Int32, "int64": pl.Int64,
             "float64": pl.Float64, "category": pl.Categorical}  # fmt: skip
    schema = {n: kinds[str(d).lower()] for n, d in _dtypes(labels).items()}
    frame = pl.read_csv(path, schema_overrides=schema, try_parse_dates=True)
    return frame.to_pandas()


def duckdb_csv(path: str, labels: bool) -> pd.DataFrame:
    """DuckDB's CSV reader (its own type detection, dates included), then .df()."""
    import duckdb  # noqa: PLC0415 - an optional contender

    return duckdb.read_csv(path).df()


def ours(path: str, labels: bool) -> Any:
    return libyaevents.read_acled(path)


READERS: dict[str, Callable[[str, bool], Any]] = {
    "pandas_c": pandas_c,
    "pandas_arrow": pandas_arrow,
    "pyarrow_csv": pyarrow_csv,
    "polars_csv": polars_csv,
    "duckdb_csv": duckdb_csv,
    "read_acled": ours,
}
OPTIONAL = {"polars_csv": "polars", "duckdb_csv": "duckdb"}


def fresh(reader: str, path: Path, labels: bool) -> tuple[float, float, float]:
    """One read in a fresh process: wall seconds, CPU seconds, peak MB it added."""
    root = str(Path(__file__).resolve().parents[1])
    out = subprocess.run(
        [sys.executable, "-c", _CHILD.format(root=root), reader, str(path),
         "labels" if labels else "codes"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    wall, cpu, memory = (float(v) for v in out.stdout.split()[-3:])
    return wall, cpu, memory


def alternating(
    names: list[str], path: Path, labels: bool, rounds: int
) -> dict[str, list[tuple[float, float, float]]]:
    """Wall, CPU and peak of each reader in each of ``rounds`` rounds of fresh processes."""
    found: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
    for number in range(rounds):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:  # each reader first in turn
            found[name].append(fresh(name, path, labels))
    return found


def medians(runs: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """The median wall, CPU and peak of a reader's rounds."""
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        statistics.median(r[2] for r in runs),
    )


def main() -> None:
    parser_args = sys.argv[1:]
    chosen = None
    if "--readers" in parser_args:  # e.g. --readers pandas_c,pyarrow_csv,read_acled
        at = parser_args.index("--readers")
        chosen = parser_args[at + 1].split(",")
        del sys.argv[at + 1 : at + 3]
    args = arguments(__doc__, rows=1_000_000)
    events = synthetic_events(args.rows, seed=0)
    folder = Path(tempfile.mkdtemp(prefix="libyaevents-bench-"))
    print(f"libyaevents {libyaevents.__version__}, pandas {pd.__version__}, "
          f"pyarrow {pa.__version__}, rows {args.rows:,}, rounds {args.repeat}")  # fmt: skip
    shown = {
        "pandas_c": "pandas.read_csv C engine (baseline)",
        "pandas_arrow": "pandas.read_csv engine=pyarrow",
        "pyarrow_csv": "pyarrow.csv.read_csv + to_pandas",
        "polars_csv": "polars.read_csv + to_pandas",
        "duckdb_csv": "duckdb.read_csv + df()",
        "read_acled": "libyaevents.read_acled",
    }
    missing = {n for n in OPTIONAL if importlib.util.find_spec(OPTIONAL[n]) is None}
    names = [n for n in shown if n not in missing and (chosen is None or n in chosen)]
    for labels in (False, True):
        path = folder / f"acled_{'labels' if labels else 'codes'}.csv"
        write_acled(events, path, labels=labels)
        loaded = libyaevents.read_acled(path)
        if loaded.rows_used != args.rows:
            raise SystemExit(f"read_acled used {loaded.rows_used} of {args.rows} rows")
        kind = "text labels" if labels else "numeric codes"
        print(f"\n{path.name}: {path.stat().st_size / 1e6:.0f} MB, actor types as {kind}")
        before = os.getloadavg()[0]
        runs = alternating(names, path, labels, args.repeat)
        after = os.getloadavg()[0]
        found = {name: medians(each) for name, each in runs.items()}
        base = found.get("pandas_c")
        arrow = found.get("pyarrow_csv")
        print(f"load average {before:.1f} before, {after:.1f} after; medians of {args.repeat} "
              "rounds, wall and CPU spread (min-max) in brackets")  # fmt: skip
        print(f"{'reader':<36} {'wall s':>7} {'cpu s':>6} {'/pandas':>7} {'/pyarrow':>8} "
              f"{'peak MB':>8} {'/pandas':>7}  spread wall / cpu")  # fmt: skip
        for name in names:
            wall, cpu, memory = found[name]
            vs_pandas = f"{wall / base[0]:7.2f}" if base else f"{'-':>7}"
            vs_arrow = f"{wall / arrow[0]:8.2f}" if arrow else f"{'-':>8}"
            peak_ratio = f"{memory / base[2]:7.2f}" if base else f"{'-':>7}"
            walls, cpus = [r[0] for r in runs[name]], [r[1] for r in runs[name]]
            print(f"{shown[name]:<36} {wall:7.2f} {cpu:6.2f} {vs_pandas} {vs_arrow} "
                  f"{memory:8.0f} {peak_ratio}  [{min(walls):.2f}-{max(walls):.2f} / "
                  f"{min(cpus):.2f}-{max(cpus):.2f}]")  # fmt: skip
        for name in missing:
            print(f"{shown[name]:<36} skipped: {OPTIONAL[name]} is not installed")


if __name__ == "__main__":
    main()
