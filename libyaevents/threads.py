"""Worker threads the readers share, started once per process.

Arrow's and numpy's kernels release the GIL, so steps that touch different
columns run side by side on this module's workers. The threads are started
the first time a pool is asked for and kept: starting them for every call cost
2-4 ms per thread, which a file converted part by part paid for every part
(13 of the 40 ms of fixed cost per part, measured).

Each purpose has its own pool, so a long task of one (counting a file's line
breaks) never holds up another's. A task must not wait for a task of its own
pool (the pool could be full of waiting tasks).

Examples
--------
>>> from libyaevents.threads import pool, run_all
>>> found = []
>>> run_all(pool("columns"), [lambda: found.append(1), lambda: found.append(2)])
>>> sorted(found)
[1, 2]
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Final

__all__ = ["WORKERS", "pool", "run_all"]

#: Threads per pool (this 2-core machine: 2, most of the work out of the GIL).
WORKERS: Final = min(4, os.cpu_count() or 1)


@functools.cache
def pool(purpose: str, workers: int = WORKERS) -> ThreadPoolExecutor:
    """The process's pool for ``purpose`` (started on first use)."""
    return ThreadPoolExecutor(workers, thread_name_prefix=f"libyaevents-{purpose}")


def run_all(executor: ThreadPoolExecutor, steps: Sequence[Callable[[], object]]) -> None:
    """Run the steps on the pool and wait for every one; then raise the first failure.

    Waiting for all before raising keeps a failed call from leaving steps
    running behind it.
    """
    futures = [executor.submit(step) for step in steps]
    wait(futures)
    for future in futures:
        future.result()
