"""Checks of public functions' arguments, one per kind, with one message shape.

Each names the argument, shows the value and says what is allowed, raising
:class:`~libyaevents.errors.InputError` (a ``ValueError``) so that only the
library's errors leave a public function.

Examples
--------
>>> from libyaevents.arguments import day, number
>>> day("2020-03-21", "start")
Timestamp('2020-03-21 00:00:00')
>>> number(float("nan"), "km", minimum=0)
Traceback (most recent call last):
...
libyaevents.errors.InputError: km must be a number >= 0; found nan.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from typing import Any
from urllib.parse import SplitResult, urlsplit

import numpy as np
import pandas as pd

from libyaevents.errors import InputError

__all__ = [
    "choice", "day", "day_range", "has_columns", "joined", "names", "number", "source",
    "timestamp", "unique_columns", "url_parts",
]  # fmt: skip


def _fail(name: str, expected: str, value: object) -> InputError:
    shown = repr(value) if not isinstance(value, pd.DataFrame | pd.Series) else type(value).__name__
    return InputError(f"{name} must be {expected}; found {shown}.")


def timestamp(value: Any) -> pd.Timestamp | None:
    """``value`` as pandas reads a Timestamp, or None where it reads none (or NaT).

    Examples
    --------
    >>> timestamp("2020-03-21"), timestamp("not a date"), timestamp(None)
    (Timestamp('2020-03-21 00:00:00'), None, None)
    """
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return None
    return None if pd.isna(stamp) else stamp


def day(value: Any, name: str) -> pd.Timestamp:
    """A calendar day: a ``'YYYY-MM-DD'`` string, a date or a Timestamp."""
    stamp = timestamp(value) if isinstance(value, str | dt.date | np.datetime64) else None
    if stamp is None:
        raise _fail(name, "a date ('2020-03-21', a date or a Timestamp)", value)
    found: pd.Timestamp = stamp.tz_localize(None) if stamp.tzinfo is not None else stamp
    return found


def day_range(start: Any, end: Any) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """``start`` and ``end`` as days (either may be None), ``start`` not after ``end``.

    Examples
    --------
    >>> day_range("2020-01-01", None)
    (Timestamp('2020-01-01 00:00:00'), None)
    >>> day_range("2020-12-31", "2020-01-01")
    Traceback (most recent call last):
    ...
    libyaevents.errors.InputError: start 2020-12-31 is after end 2020-01-01: the range holds no day; swap them.
    """  # noqa: E501
    first = None if start is None else day(start, "start")
    last = None if end is None else day(end, "end")
    if first is not None and last is not None and first > last:
        msg = (
            f"start {first:%Y-%m-%d} is after end {last:%Y-%m-%d}: the range holds no day; "
            "swap them."
        )
        raise InputError(msg)
    return first, last


def number(
    value: Any, name: str, *, minimum: float | None = None, maximum: float | None = None,
    whole: bool = False,
) -> float:  # fmt: skip
    """A finite number (a whole one with ``whole``) from ``minimum`` to ``maximum``."""
    kind = "a whole number" if whole else "a number"
    expected = kind if minimum is None else f"{kind} >= {minimum:g}"
    expected += "" if maximum is None else f" and <= {maximum:g}"
    ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    if not ok or not math.isfinite(float(value)) or (whole and float(value) != int(value)):
        raise _fail(name, expected, value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise _fail(name, expected, value)
    return float(value)


def choice(value: Any, name: str, options: Collection[str]) -> str:
    """One of ``options``."""
    if not isinstance(value, str) or value not in options:
        raise _fail(name, f"one of {sorted(options)}", value)
    return value


def names(value: Any, name: str, options: Collection[str]) -> list[str]:
    """A list (not a bare string) of names among ``options``."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | set | frozenset):
        raise _fail(name, f"a list of names among {sorted(options)}", value)
    unknown = [v for v in value if v not in options]
    if unknown:
        raise _fail(name, f"a list of names among {sorted(options)}", unknown)
    return list(value)


def has_columns(frame: pd.DataFrame, needed: Sequence[str], name: str, advice: str) -> None:
    """``frame`` has every column in ``needed``."""
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        msg = f"{name} lack the column(s) {missing}; {advice}."
        raise InputError(msg)


def unique_columns(columns: Iterable[Any], name: str) -> None:
    """No column name appears twice in ``columns`` (which one would be meant is unknown).

    Examples
    --------
    >>> unique_columns(["event_id_cnty", "notes", "notes"], "events.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    libyaevents.errors.InputError: events.csv has the column(s) ['notes'] more than once; ...
    """
    repeated = [c for c, n in Counter(columns).items() if n > 1]
    if repeated:
        msg = (
            f"{name} has the column(s) {repeated} more than once; which one holds the data is "
            "unknown: rename or drop the copies."
        )
        raise InputError(msg)


def joined(value: Any, name: str, separator: str) -> str:
    """A value, or a list of values joined with ``separator`` (an API's list syntax)."""
    values = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
    if not values or any(v is None or isinstance(v, bool) for v in values):
        raise _fail(name, "a value or a non-empty list of values", value)
    return separator.join(str(v) for v in values)


def source(value: Any, name: str) -> Any:
    """A path (str or os.PathLike) or an open file object with ``read``."""
    if isinstance(value, str | os.PathLike) or callable(getattr(value, "read", None)):
        return value
    raise _fail(name, "a path or an open file (bytes, text or a buffer)", value)


def url_parts(url: str, what: str, instead: str) -> SplitResult:
    """``url`` split, refused when it carries credentials (``user:password@host``).

    A password in a URL ends up in manifests, logs and messages; the message
    names the host, never the credentials, and says what to do ``instead``.

    Examples
    --------
    >>> url_parts("https://example.org/x", "base_url", "").hostname
    'example.org'
    >>> url_parts("https://me:secret@example.org", "base_url", "Use the environment.")
    Traceback (most recent call last):
    ...
    libyaevents.errors.InputError: base_url: the URL has credentials in it (user:password@ \
before the host 'example.org'), which would end up in manifests, logs and messages. Use the \
environment.
    """
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        msg = (
            f"{what}: the URL has credentials in it (user:password@ before the host "
            f"{parts.hostname!r}), which would end up in manifests, logs and messages. {instead}"
        )
        raise InputError(msg)
    return parts
