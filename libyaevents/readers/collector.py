"""Pausing Python's cycle collector while a large acyclic structure is built.

Compiling a coded folder builds hundreds of thousands of dicts, lists and
strings that hold no reference cycles; the cycle collector, triggered by the
allocations, walks the whole (growing) heap again and again and frees nothing:
a fifth of the CPU time of reading three 10,000-event codings
(docs/performance.md, "Adjudication of three codings"). :func:`paused` switches
it off for the duration of such a step and back on after it (also when the
step raises); garbage made meanwhile is collected at the next collection.

Examples
--------
>>> import gc
>>> with paused():
...     gc.isenabled()
False
>>> gc.isenabled()
True
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["paused"]


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Switch the cycle collector off for the block; on again after it if it was on."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
