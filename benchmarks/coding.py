"""Benchmark: agreement of two codings (``code agree``), alpha alone, adjudication of three.

Run:  python -m benchmarks.coding [--rows 10000] [--repeat 3]

Two synthetic codings of ``--rows`` events each (``synthetic_codings``: the same
reports coded twice, ids renumbered, 1% of the events dropped and 1% added,
planted disagreements at the default rates), written once as TOML folders. In
the same process, in interleaved rounds:

- baseline: ``read_sources`` of both folders (parsing and compiling the TOML,
  which ``agree_codings`` does too);
- ``agree_codings`` with its defaults (alignment, 21 fields' alpha, a 1,000-draw
  bootstrap interval each, every disagreement), and without the bootstrap;
- Krippendorff's alpha of every event field on the aligned units: ours
  (``krippendorff_alpha``) against the ``krippendorff`` package's (nominal and
  numeric fields; it has no set level), checked equal;
- adjudication of three codings of ``--rows`` events each (the same planting, coders
  b and c each against a): the baseline is ``agree_codings`` of the three without the
  bootstrap (which ``adjudicate`` runs first), against ``adjudicate`` with every
  decision made (the majority's accepted, the rest chosen in the file): reading,
  checking the decisions, writing the merged folder, reading and validating it.

Not a test: nothing asserts a time.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import os
import statistics
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from benchmarks.common import arguments, interleaved, median_ratios, rounds
from libyaevents import (
    adjudicate,
    agree_codings,
    krippendorff_alpha,
    read_sources,
    synthetic_codings,
)
from libyaevents.coding.agreement import EVENT_LEVELS, _alpha_values, _gathered, _unit_rows

_FEW = 60  # distinct values of a field the krippendorff package is given


def _distinct(data: list[list[Any]]) -> int:
    numbers = _as_numbers(data)
    return len(np.unique(numbers[~np.isnan(numbers)]))


def _aligned_fields(folders: list[Path]) -> dict[str, tuple[str, list[list[Any]]]]:
    """Each event field's reliability data over the aligned events (coders x units)."""
    agreement = agree_codings(folders, draws=0)
    rows = _unit_rows(agreement.events, 2)
    return {
        field: (
            level,
            [
                _gathered(_alpha_values(c, "events", field, level), rows[i]).tolist()
                for i, c in enumerate(agreement.codings)
            ],
        )
        for field, level in EVENT_LEVELS.items()
        if level != "set"
    }


def _as_numbers(data: list[list[Any]]) -> np.ndarray[Any, Any]:
    """Codes as the krippendorff package takes them: numbers, NaN where missing."""
    codes: dict[Any, float] = {}
    return np.array(
        [
            [
                math.nan
                if v is None
                else float(v)
                if isinstance(v, int | float)
                else codes.setdefault(v, len(codes))
                for v in row
            ]
            for row in data
        ]
    )


def _decided(folders: list[Path], root: Path) -> Path:
    """The decisions file of ``folders``, every disagreement without a majority chosen."""
    first = adjudicate(folders, root / "first", accept_majority=True)
    data = tomllib.loads(first.decisions.read_text(encoding="utf-8"))
    for table in data["decisions"]:
        if "suggested" not in table:
            unit = table["field"] in ("event", "measure")
            table["choice"] = "keep" if unit else next(c for c in "abc" if f"id_{c}" in table)
    first.decisions.write_text(tomli_w.dumps(data), encoding="utf-8")
    return first.decisions


def _adjudication(rows: int, repeat: int) -> None:
    """Three codings adjudicated against agreeing them (see the module)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        made = synthetic_codings(
            root / "coded", events=rows, coders=3, seed=1, dropped=rows // 100, added=rows // 100
        )
        decisions = _decided(made.folders, root)
        outputs = (root / f"merged-{i}" for i in itertools.count())
        base = "agree_codings of the three, no bootstrap (baseline)"
        ours = "adjudicate, every decision made"
        cpu: dict[str, list[float]] = {base: [], ours: []}

        def timed(name: str, call: Callable[[], object]) -> Callable[[], None]:
            def run() -> None:
                start = time.process_time()
                call()
                cpu[name].append(time.process_time() - start)

            return run

        calls = {
            base: timed(base, lambda: agree_codings(made.folders, draws=0)),
            ours: timed(ours, lambda: adjudicate(
                made.folders, next(outputs), decisions=decisions, accept_majority=True)),
        }  # fmt: skip
        times = rounds(calls, repeat)
        done = adjudicate(made.folders, next(outputs), decisions=decisions, accept_majority=True)
    median, each = median_ratios(times, ours, base)
    by = done.decided["by"].value_counts().to_dict()
    print(f"\nadjudication: 3 codings x {rows:,} events; {len(done.decided):,} disagreements "
          f"decided ({by}); events {done.counts['events']}")  # fmt: skip
    for name, found in times.items():
        print(f"{name:<52} wall median {statistics.median(found):7.2f} s, best {min(found):7.2f}"
              f" s; CPU median {statistics.median(cpu[name]):7.2f} s")  # fmt: skip
    ratios = ", ".join(f"{r:.2f}" for r in each)
    print(
        f"median of per-round wall ratios {median:.2f} ({ratios}); "
        f"load average at the end {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    args = arguments(__doc__, rows=10_000)
    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    _adjudication(args.rows, args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        made = synthetic_codings(
            folder, events=args.rows, seed=1, dropped=args.rows // 100, added=args.rows // 100
        )
        folders = made.folders
        calls = {
            "read_sources of both codings (baseline)": lambda: [read_sources(f) for f in folders],
            "agree_codings (1,000 bootstrap draws per field)": lambda: agree_codings(folders),
            "agree_codings, no bootstrap": lambda: agree_codings(folders, draws=0),
        }
        times = interleaved(calls, args.repeat)
        base = times["read_sources of both codings (baseline)"]
        print(f"{args.rows:,} events per coding; {len(made.planted):,} planted differences")
        print(f"{'call':<50} {'seconds':>8} {'ratio':>7}")
        for name, seconds in times.items():
            print(f"{name:<50} {seconds:8.3f} {seconds / base:7.2f}")
        fields = _aligned_fields(folders)
    if importlib.util.find_spec("krippendorff") is None:
        print("krippendorff package: skipped (not installed)")
    else:
        krippendorff = importlib.import_module("krippendorff")
        # the package holds units x values x values floats: fields with few values only
        few = {f: v for f, v in fields.items() if _distinct(v[1]) <= _FEW}
        left_out = ", ".join(sorted(set(fields) - set(few)))
        print(f"krippendorff package: fields with more than {_FEW} values left out "
              f"(it would need units x values^2 memory): {left_out}")  # fmt: skip
        fields = few
        numeric = {f: (level, _as_numbers(data)) for f, (level, data) in fields.items()}
        same = all(
            math.isclose(
                krippendorff_alpha(data, level) or math.nan,
                krippendorff.alpha(numeric[f][1], level_of_measurement=level),
                abs_tol=1e-9,
            )
            for f, (level, data) in fields.items()
            if krippendorff_alpha(data, level) is not None
        )
        print(f"krippendorff package: {'same' if same else 'DIFFERENT'} alphas as ours")

        def package() -> list[float]:
            return [krippendorff.alpha(d, level_of_measurement=lv) for lv, d in numeric.values()]

        theirs = {"krippendorff.alpha, the same fields (baseline)": package}
        ours = {"krippendorff_alpha, the same fields": lambda: [
            krippendorff_alpha(data, level) for level, data in fields.values()]}  # fmt: skip
        times = interleaved(theirs | ours, args.repeat)
        base = times["krippendorff.alpha, the same fields (baseline)"]
        for name, seconds in times.items():
            print(f"{name:<50} {seconds:8.3f} {seconds / base:7.2f}")


if __name__ == "__main__":
    main()
