"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path


def best(fn: Callable[[], object], repeat: int) -> float:
    """The best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def rounds(calls: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Every wall time of each call over ``repeat`` rounds, each round calling every one.

    On a shared, noisy machine a slow minute then costs every contender alike,
    instead of only the one whose turn it was.
    """
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat):
        for name, fn in calls.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def interleaved(calls: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """The best wall time of each call over ``repeat`` interleaved :func:`rounds`."""
    return {name: min(found) for name, found in rounds(calls, repeat).items()}


def median_ratios(times: dict[str, list[float]], ours: str, base: str) -> tuple[float, list[float]]:
    """The median of the per-round ratios ``ours / base``, and every round's ratio, sorted.

    Each round's ratio pairs two calls made back to back, so a busy minute
    weighs on both sides of it; the median does not reward one lucky round.
    """
    each = sorted(a / b for a, b in zip(times[ours], times[base], strict=True))
    return statistics.median(each), each


def rss_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS, VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> None:
    """Reset VmHWM to the current resident size (Linux; a no-op elsewhere)."""
    clear = Path("/proc/self/clear_refs")
    if clear.exists():
        clear.write_text("5")


def arguments(doc: str | None, *, rows: int, repeat: int = 3) -> argparse.Namespace:
    """Parse the options every benchmark takes: ``--rows`` and ``--repeat``."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--rows", type=int, default=rows)
    parser.add_argument("--repeat", type=int, default=repeat)
    return parser.parse_args()
