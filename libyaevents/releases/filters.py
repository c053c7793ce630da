"""What ``load`` may be asked for: event filters and columns, checked once for both engines.

:func:`event_query` turns the caller's ``filters`` and ``columns`` into what the
Parquet readers take (a DNF list that pyarrow and Dask both read, or a pyarrow
expression as given), plus the date bounds that pick row groups, after checking
every argument at the boundary: unknown keys, wrong value types, a list where a
mapping is due, a bare string for ``columns``, unknown column names.

Examples
--------
>>> from libyaevents.releases.filters import event_query
>>> query = event_query({"admin1": "East", "year": 2020}, None)
>>> query.dnf
[[('admin1', 'in', ['East']), ('year', 'in', [2020])]]
>>> query.dates
(datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))
>>> event_query({"admin": "East"}, None)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
libyaevents.errors.InputError: filters: unknown key(s) ['admin']; known: ['start', 'end', ...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq

from libyaevents.errors import InputError
from libyaevents.schema.tables import EVENTS

__all__ = ["FILTER_KEYS", "Filters", "Query", "event_query"]

#: Filter keys ``load`` understands.
FILTER_KEYS: Final = ("start", "end", "year", "admin1", "event_type", "country", "actor")

#: What ``filters=`` accepts.
Filters = Mapping[str, Any] | pc.Expression | None

_DATE_KEYS: Final = ("start", "end")

DNF = list[list[tuple[str, str, Any]]]


@dataclass(frozen=True, kw_only=True)
class Query:
    """Checked filters and columns, in the shapes the readers take."""

    dnf: DNF | None
    expression: pc.Expression | None
    dates: tuple[dt.date | None, dt.date | None] | None
    columns: list[str] | None

    @property
    def pushed(self) -> pc.Expression | DNF | None:
        """What the pandas reader takes: the expression, else the DNF."""
        return self.expression if self.expression is not None else self.dnf

    @property
    def arrow(self) -> pc.Expression | None:
        """The filters as one Arrow expression (the DNF converted), or None."""
        if self.dnf is None:
            return self.expression
        to_expression: Any = pq.filters_to_expression
        found: pc.Expression = to_expression(self.dnf)
        return found

    @property
    def complete(self) -> bool:
        """True when nothing narrows the events."""
        return self.pushed is None and self.columns is None


def _values(key: str, value: Any) -> list[Any]:
    values = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
    if not values:
        msg = f"filters[{key!r}] is an empty list; give at least one value or leave the key out."
        raise InputError(msg)
    allowed: tuple[type, ...] = (int,) if key == "year" else (str,)
    bad = [v for v in values if not isinstance(v, allowed) or isinstance(v, bool)]
    if bad:
        kind = "whole numbers (years)" if key == "year" else "strings"
        msg = f"filters[{key!r}] takes {kind} or a list of them; found {bad[0]!r}."
        raise InputError(msg)
    return values


def _date(key: str, value: Any) -> dt.date:
    stamp: Any = pd.NaT
    if isinstance(value, str | dt.date):  # a Timestamp and a datetime are dates too
        try:
            stamp = pd.Timestamp(value)
        except ValueError:
            stamp = pd.NaT
    if pd.isna(stamp):
        msg = f"filters[{key!r}] must be a date ('2020-03-21', a date); found {value!r}."
        raise InputError(msg)
    return stamp.date()  # type: ignore[no-any-return]


def _dnf(filters: Mapping[str, Any]) -> DNF | None:
    """Event filters in disjunctive normal form (actor: actor1 or actor2)."""
    both: list[tuple[str, str, Any]] = []
    actors: list[Any] = []
    for key, value in filters.items():
        if key == "start":
            both.append(("event_date", ">=", _date(key, value)))
        elif key == "end":
            both.append(("event_date", "<=", _date(key, value)))
        elif key == "actor":
            actors = _values(key, value)
        else:
            both.append((key, "in", _values(key, value)))
    if actors:
        return [[*both, ("actor1", "in", actors)], [*both, ("actor2", "in", actors)]]
    return [both] if both else None


def _dates(filters: Mapping[str, Any]) -> tuple[dt.date | None, dt.date | None] | None:
    """First and last event_date the filters can match; None when they have no date bound."""
    low = _date("start", filters["start"]) if "start" in filters else None
    high = _date("end", filters["end"]) if "end" in filters else None
    if "year" in filters:
        years = _values("year", filters["year"])
        first, last = dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)
        low, high = max(first, low or first), min(last, high or last)
    return None if low is None and high is None else (low, high)


def _columns(columns: Sequence[str] | None) -> list[str] | None:
    if columns is None:
        return None
    if isinstance(columns, str | bytes) or not isinstance(columns, Sequence | set):
        msg = f"columns must be a list of event column names; found {columns!r}."
        raise InputError(msg)
    unknown = [c for c in columns if c not in EVENTS.names]
    if unknown:
        msg = f"columns: unknown event column(s) {unknown}; see libyaevents.EVENTS.names."
        raise InputError(msg)
    return list(columns)


def event_query(filters: Filters, columns: Sequence[str] | None) -> Query:
    """Check ``filters`` and ``columns`` and put them in the readers' shapes.

    Raises
    ------
    InputError
        Naming the argument, the value and what is allowed.
    """
    wanted = _columns(columns)
    if filters is None:
        return Query(dnf=None, expression=None, dates=None, columns=wanted)
    if isinstance(filters, pc.Expression):
        return Query(dnf=None, expression=filters, dates=None, columns=wanted)
    if not isinstance(filters, Mapping):
        msg = (
            f"filters must be a mapping such as {{'admin1': 'East', 'year': 2020}} or a "
            f"pyarrow expression; found {type(filters).__name__}."
        )
        raise InputError(msg)
    unknown = sorted(str(k) for k in set(filters) - set(FILTER_KEYS))
    if unknown:
        msg = f"filters: unknown key(s) {unknown}; known: {list(FILTER_KEYS)}."
        raise InputError(msg)
    return Query(dnf=_dnf(filters), expression=None, dates=_dates(filters), columns=wanted)
