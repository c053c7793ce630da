"""The one dataset type: what every function that takes "a dataset" accepts.

A dataset is anything with ``events`` (and usually ``actors`` and ``measures``)
frames: a loaded release (:class:`libyaevents.Release`), a reader's result
(:class:`libyaevents.Loaded`), coded sources (:class:`libyaevents.Sources`), or
a plain mapping of table name to frame. :func:`tables_of` and
:func:`events_of` turn any of them into frames, with one clear error for
anything else, so :func:`libyaevents.validate`, :func:`libyaevents.build_release`,
:func:`libyaevents.aggregate`, :func:`libyaevents.compare_events` and the
exports all accept the same things.

Examples
--------
>>> import pandas as pd
>>> from libyaevents.dataset import events_of, tables_of
>>> frames = {"events": pd.DataFrame({"event_id_cnty": ["LBY1"]})}
>>> list(tables_of(frames, what="data"))
['events']
>>> events_of(frames, what="events")["event_id_cnty"].tolist()
['LBY1']
>>> tables_of(3, what="data")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
libyaevents.errors.InputError: data must be a dataset (a release, ...); found int.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Protocol, runtime_checkable

import pandas as pd

from libyaevents.errors import InputError

__all__ = [
    "TABLE_NAMES",
    "Dataset",
    "DatasetLike",
    "Locating",
    "events_of",
    "table_of",
    "tables_of",
]

#: The tables a dataset can hold, in their canonical order.
TABLE_NAMES: Final = ("events", "actors", "measures")


@runtime_checkable
class Dataset(Protocol):
    """Anything with the three canonical tables as DataFrame attributes."""

    @property
    def events(self) -> pd.DataFrame:
        """One row per event."""

    @property
    def actors(self) -> pd.DataFrame:
        """The actor registry."""

    @property
    def measures(self) -> pd.DataFrame:
        """Sanctions, embargoes and the like."""


@runtime_checkable
class Locating(Protocol):
    """A dataset that knows where its rows came from (file and line)."""

    def locate(self, failures: pd.DataFrame) -> pd.DataFrame:
        """Fill ``source`` and ``line`` of the failures about its rows."""


#: What functions taking "a dataset" accept.
DatasetLike = Dataset | Mapping[str, pd.DataFrame]


def _expected(what: str, data: object, *, frame: bool = False) -> InputError:
    msg = (
        f"{what} must be {'a pandas DataFrame or ' if frame else ''}a dataset (a release, "
        "a reader's result, coded sources, or a "
        f"mapping of {', '.join(repr(t) for t in TABLE_NAMES)} to DataFrames); "
        f"found {type(data).__name__}."
    )
    return InputError(msg)


def tables_of(data: DatasetLike, *, what: str) -> dict[str, pd.DataFrame]:
    """The frames of a dataset, by table name (tables it lacks are left out).

    Parameters
    ----------
    data : dataset
        A :class:`Dataset`, or a mapping of table name to DataFrame.
    what : str
        The argument's name, for the error message.

    Raises
    ------
    InputError
        When ``data`` is neither, names an unknown table, or a table is not a
        DataFrame.
    """
    if isinstance(data, Mapping):
        tables = dict(data)
    elif isinstance(data, pd.DataFrame | str | bytes) or data is None:
        raise _expected(what, data)
    else:
        tables = {n: getattr(data, n) for n in TABLE_NAMES if getattr(data, n, None) is not None}
    unknown = sorted(str(t) for t in set(tables) - set(TABLE_NAMES))
    if unknown or not tables:
        if not unknown:
            raise _expected(what, data)
        msg = f"{what} names unknown tables {unknown}; the tables are {list(TABLE_NAMES)}."
        raise InputError(msg)
    for name, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            msg = f"{what}[{name!r}] must be a pandas DataFrame; found {type(frame).__name__}."
            raise InputError(msg)
    return {n: tables[n] for n in TABLE_NAMES if n in tables}


def table_of(data: DatasetLike | pd.DataFrame, table: str, *, what: str) -> pd.DataFrame:
    """One table of a dataset, or ``data`` itself when it is a DataFrame (of that table).

    Raises
    ------
    InputError
        When ``data`` is neither a DataFrame nor a dataset holding ``table``.
    """
    if isinstance(data, pd.DataFrame):
        return data
    if not isinstance(data, Mapping | Dataset):
        raise _expected(what, data, frame=True)
    tables = tables_of(data, what=what)
    if table not in tables:
        msg = f"{what} has no {table} table (it has {list(tables)})."
        raise InputError(msg)
    return tables[table]


def events_of(data: DatasetLike | pd.DataFrame, *, what: str) -> pd.DataFrame:
    """The events of a dataset, or ``data`` itself when it is a DataFrame of events."""
    return table_of(data, "events", what=what)
