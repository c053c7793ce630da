"""A CSV file cut into byte ranges of whole records, parsed two at a time, given in order.

Arrow's streaming CSV reader parses one block at a time on one thread: for a
1M-event export that thread was the critical path of :func:`libyaevents.read_acled`
(~2.4 s of CPU, while the thread converting the parts waited for them most of
the time). :func:`parsed_ranges` cuts the file into ranges of about
``part_bytes`` ending after a line break, and hands each range to ``parse`` on
one of two threads, so two ranges parse at once while the caller converts an
earlier one; results come back in file order.

A range is first cut after its last line break, which ends a record unless it
is inside a quoted value (ACLED notes hold line breaks). ``parse`` must refuse
a range that ends inside quotes: its last record is then short (Arrow refuses
it), or its last value runs on to the range's end, the line break included
(:func:`ends_inside_quotes`). That range is then cut again where the number of
double quotes since its start is even (:func:`record_end`), and the ranges
after it parsed again from there; a range refused both ways raises (the caller
reads the file another way, e.g. a malformed record). A range is given out only
once parsed and accepted, so every range starts at a record.

Examples
--------
>>> from libyaevents.readers.ranges import record_end
>>> record_end(b'1,"a\\nb"\\n2,c\\n3,d')  # after "2,c\\n": the quoted line break is skipped
12
>>> record_end(b'1,"a\\nb') is None  # no line break outside quotes
True
"""

from __future__ import annotations

import contextlib
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent import futures
from concurrent.futures import Future, InvalidStateError, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

import pyarrow as pa

__all__ = ["ends_inside_quotes", "parsed_ranges", "record_end"]

_T = TypeVar("_T")

#: Ranges parsed at once (the machine has 2 cores; a third range would only wait).
_PARSERS: Final = 2


def record_end(chunk: bytes) -> int | None:
    """Where the last whole record of ``chunk`` ends (after its line break), by quote parity.

    ``chunk`` starts at a record. None when no line break in it has an even
    number of quotes before it.
    """
    quotes = chunk.count(b'"')
    end = len(chunk)
    while (line_break := chunk.rfind(b"\n", 0, end)) >= 0:
        quotes -= chunk.count(b'"', line_break + 1, end)
        if quotes % 2 == 0:
            return line_break + 1
        end = line_break
    return None


def ends_inside_quotes(table: pa.Table) -> bool:
    """Whether the last value of a parsed range ends in a line break: maybe cut inside quotes.

    A range cut inside a quoted value of its last column parses with that value
    running on to the range's end, the line break the cut fell after included
    (a quoted value of another column leaves its record short, which the parse
    itself refuses). A value that really ends in a line break looks the same and
    is refused too: the range is then read another way, never wrongly. (ACLED's
    last column is a number.)
    """
    if not table.num_rows or not table.num_columns:
        return False
    last: Any = table.column(table.num_columns - 1)[-1]
    value = last.as_py() if pa.types.is_large_string(last.type) else None
    return isinstance(value, str) and value.endswith("\n")


class _Source:
    """Reads byte ranges of a path (into buffers of ``pool``) or of bytes in memory (views).

    Not into ``bytes``: the C library's allocator keeps freed blocks of this size
    in its heap, where each range read as ``bytes`` stayed (+40-70 MB at 1M events).
    A range of at most ``part_bytes`` is read into a buffer of ``part_bytes``, and
    the buffer is used again for a later range once its parse is done
    (:meth:`give_back`): a fresh one costs a page fault per 4 kB written (85k for
    a 1M-event export). Once the file's end is read no buffer is kept, so that
    they do not add to the read's peak (all the parts held, at its end).
    """

    def __init__(self, data: Any, pool: pa.MemoryPool, part_bytes: int) -> None:
        self._data = pa.py_buffer(data) if isinstance(data, bytes) else None
        self._fd = None if self._data is not None else os.open(Path(data), os.O_RDONLY)
        self.size = self._data.size if self._data is not None else os.fstat(self._fd).st_size  # type: ignore[arg-type]
        self._pool = pool
        self._part_bytes = max(part_bytes, 1)
        self._spare: list[pa.Buffer] = []  # buffers of part_bytes whose parse is done
        self._ended = False  # the file's end was read: buffers are no longer kept

    def read(self, start: int, count: int) -> tuple[pa.Buffer, pa.Buffer | None]:
        """The bytes from ``start`` (``count`` or up to the end), and the buffer holding them.

        The holding buffer is None for bytes in memory (a view, nothing to give back).
        """
        count = max(0, min(count, self.size - start))
        if self._data is not None:
            return self._data.slice(start, count), None
        if start + count >= self.size:  # the last range: no later one needs a buffer
            self._ended = True
            self._spare.clear()
        buffer = self._spare_or_new(count)
        done = 0
        while done < count:  # a read may stop short
            got = os.preadv(self._fd, [memoryview(buffer)[done:count]], start + done)  # type: ignore[arg-type]
            if not got:
                break
            done += got
        return buffer.slice(0, done), buffer

    def _spare_or_new(self, count: int) -> pa.Buffer:
        """A kept buffer, else a new one: of ``part_bytes``, or ``count`` when larger (not kept)."""
        if count <= self._part_bytes:
            try:  # two parse threads take buffers: pop, not a test then a pop
                return self._spare.pop()
            except IndexError:
                pass
        return pa.allocate_buffer(max(count, self._part_bytes), memory_pool=self._pool)

    def give_back(self, buffer: pa.Buffer | None, parsed: pa.Table | None) -> None:
        """Keep ``buffer`` for a later range, unless ``parsed`` (its parse) may point into it.

        Arrow's CSV parse copies every value out of its input, so a parsed table
        never does; the check (each text column's data buffers, one address
        comparison per chunk) keeps the buffer from being overwritten should a
        pyarrow version ever keep views of it. ``parsed`` None: nothing parsed.
        """
        if buffer is None or buffer.size != self._part_bytes or self._ended:
            return
        if parsed is None or not _points_into(parsed, buffer):
            self._spare.append(buffer)

    def close(self) -> None:
        self._spare.clear()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _points_into(table: pa.Table, buffer: pa.Buffer) -> bool:
    """Whether a text column of ``table`` holds its values in ``buffer``'s memory."""
    low, high = buffer.address, buffer.address + buffer.size
    for column in table.columns:
        kind = column.type
        if not (pa.types.is_large_string(kind) or pa.types.is_string(kind)):
            continue  # numbers, dates and dictionaries are built, never views of the text
        for chunk in column.chunks:
            data = chunk.buffers()[2]
            if data is not None and data.size and low <= data.address < high:
                return True
    return False


_TAIL: Final = 1 << 16  # bytes looked at, from a chunk's end, for its last line break


def _last_line_break(chunk: pa.Buffer) -> int | None:
    """Where the chunk's last line break ends, looking back from its end a window at a time."""
    end = chunk.size
    while end > 0:
        low = max(0, end - _TAIL)
        found = chunk.slice(low, end - low).to_pybytes().rfind(b"\n")
        if found >= 0:
            return low + found + 1
        end = low
    return None


def _cut(
    source: _Source, start: int, part_bytes: int, *, by_quotes: bool
) -> tuple[pa.Buffer, pa.Buffer | None]:
    """Records from ``start``: about ``part_bytes``, more for a long one; the rest at the end.

    Cut after the last line break, or (``by_quotes``) after the last one outside quotes.
    Returns the range and the buffer holding it (see :meth:`_Source.read`).
    """
    count = max(part_bytes, 1)
    while True:
        chunk, holder = source.read(start, count)
        if start + chunk.size >= source.size:
            return chunk, holder  # the rest of the file
        end = record_end(chunk.to_pybytes()) if by_quotes else _last_line_break(chunk)
        if end is not None:
            return chunk.slice(0, end), holder
        source.give_back(holder, None)  # not kept: a longer read follows
        count *= 2  # a record longer than the chunk: look further


@dataclass
class _Task:
    """One range: where it starts, where the next one does, and its parse."""

    start: Future[int]
    following: Future[int]
    by_quotes: bool
    result: Future[tuple[Any, int] | None] | None = None


def _run(
    task: _Task, source: _Source, part_bytes: int, parse: Callable[[pa.Buffer, bool], _T]
) -> tuple[_T, int] | None:
    """Cut the task's range, give the next range its start, parse this one.

    None when the file ended before this range (nothing to parse).
    """
    start = task.start.result()
    if start >= source.size and start:
        task.following.set_result(start)
        return None
    try:
        chunk, holder = _cut(source, start, part_bytes, by_quotes=task.by_quotes)
    except BaseException as exc:
        task.following.set_exception(exc)
        raise
    end = start + chunk.size
    task.following.set_result(end)
    parsed = parse(chunk, start == 0)
    del chunk
    if isinstance(parsed, pa.Table):  # another result might hold the range: not reused
        source.give_back(holder, parsed)
    return parsed, end


def _drop(tasks: deque[_Task]) -> None:
    """Stop the tasks (their ranges were cut from a wrong start, or no one wants them)."""
    for task in reversed(tasks):
        if task.result is not None:
            task.result.cancel()
    for task in tasks:  # a task already running waits for its start: let it end
        for chained in (task.start, task.following):
            with contextlib.suppress(InvalidStateError):
                chained.set_exception(_Dropped())
    futures.wait([task.result for task in tasks if task.result is not None])
    tasks.clear()


class _Dropped(Exception):  # noqa: N818 - a signal between tasks, never raised out
    """A range no longer wanted."""


def parsed_ranges(
    data: Any,
    parse: Callable[[pa.Buffer, bool], _T],
    *,
    part_bytes: int,
    pool: pa.MemoryPool | None = None,
) -> Iterator[tuple[_T, int, int]]:
    """``parse(range, is_first)`` of each range of whole records, in order, with the range's end.

    Yields ``(parsed, end, size)``: ``end`` is the byte after the range,
    ``size`` the file's. Two ranges are parsed at once, on threads, while the
    caller uses an earlier result; an exception of ``parse`` on a range cut by
    quotes is raised here, in order. ``data`` is a path or bytes; the first
    range starts at the file's first byte (``parse`` skips the header). An
    empty file gives one (empty) range. A file's ranges are read into buffers
    of ``pool`` (Arrow's default pool when None).
    """
    source = _Source(data, pool or pa.default_memory_pool(), part_bytes)
    pending: deque[_Task] = deque()
    start: Future[int] = Future()
    start.set_result(0)

    def ended() -> bool:
        return start.done() and start.exception() is None and start.result() >= source.size

    try:
        with ThreadPoolExecutor(_PARSERS, thread_name_prefix="libyaevents-parse") as parsers:

            def submit(by_quotes: bool) -> None:
                nonlocal start
                task = _Task(start, Future(), by_quotes)
                task.result = parsers.submit(_run, task, source, part_bytes, parse)
                pending.append(task)
                start = task.following

            try:
                while True:
                    # this range and the next two: two parse while the caller uses this one
                    while len(pending) <= _PARSERS and not (pending and ended()):
                        submit(by_quotes=False)
                    task = pending.popleft()
                    try:
                        done = task.result.result()  # type: ignore[union-attr]
                    except Exception:
                        if task.by_quotes:
                            raise
                        _drop(pending)  # cut after this range's wrong end: cut again
                        start = Future()
                        start.set_result(task.start.result())
                        submit(by_quotes=True)
                        continue
                    if done is None:
                        return
                    yield done[0], done[1], source.size
            finally:
                _drop(pending)
                with contextlib.suppress(InvalidStateError):
                    start.set_exception(_Dropped())
    finally:
        source.close()
