"""As-of dates: when each version's data stood, and which version stood at a date.

A snapshot of living data records when its source was read; a coded release
counts from its ``created`` date (see :func:`~libyaevents.releases.stores.accessed_of`).

Examples
--------
>>> times = accessed_times()  # the bundled store
>>> list(times), str(times["0.1.0"].tz)
(['0.1.0'], 'UTC')
>>> version_as_of(times["0.1.0"])
'0.1.0'
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from libyaevents.errors import InputError, IntegrityError, ReleaseNotFoundError
from libyaevents.releases.stores import StoreArg, open_store, version_key

__all__ = ["AsOf", "accessed_times", "version_as_of"]

#: What ``as_of=`` accepts: a day or an instant.
AsOf = str | dt.date | pd.Timestamp


def _cutoff(as_of: AsOf) -> pd.Timestamp:
    """The last instant ``as_of`` covers (UTC): a bare date means the end of that day."""
    if isinstance(as_of, str | dt.date) and not isinstance(as_of, bool):
        try:
            stamp = pd.Timestamp(as_of)
        except (ValueError, TypeError):
            stamp = None
        if stamp is not None and not pd.isna(stamp):
            stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
            bare = (isinstance(as_of, dt.date) and not isinstance(as_of, dt.datetime)) or (
                isinstance(as_of, str) and len(as_of.strip()) == len("2025-06-01")
            )
            return stamp + pd.Timedelta(days=1) - pd.Timedelta(1, "ns") if bare else stamp
    msg = (
        f"as_of must be a date or a date and time (e.g. '2025-06-01' or "
        f"'2025-06-01T12:00:00Z'); found {as_of!r}."
    )
    raise InputError(msg)


def _instant(text: str) -> pd.Timestamp:
    stamp = pd.Timestamp(text)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def accessed_times(store: StoreArg = None) -> dict[str, pd.Timestamp]:
    """When each version's data stood as it holds it (UTC), oldest version first.

    A snapshot of living data records when its source was read; a coded
    release counts from its ``created`` date (see :func:`~libyaevents.releases.stores.accessed_of`).
    """
    times = {}
    for v, text in open_store(store).accessed().items():
        try:
            times[v] = _instant(text)
        except (ValueError, TypeError):
            msg = f"Release {v}: its manifest says it was accessed {text!r}, not a date."
            raise IntegrityError(msg) from None
    return times


def version_as_of(as_of: AsOf, *, store: StoreArg = None) -> str:
    """The version holding the data as it stood at ``as_of``: the newest accessed by then.

    Parameters
    ----------
    as_of : date, datetime or str
        A day (its end counts: a snapshot taken that afternoon is included) or
        an instant (naive means UTC).
    store : path, URL or Store, optional
        The store (bundled by default).

    Raises
    ------
    ReleaseNotFoundError
        When no release had been accessed by then.

    Examples
    --------
    >>> version_as_of("2100-01-01")
    '0.1.0'
    """
    cutoff = _cutoff(as_of)
    times = accessed_times(store)
    before = [v for v, at in times.items() if at <= cutoff]
    if not before:
        first = min(times.items(), key=lambda kv: kv[1], default=None)
        held = f"; the first, {first[0]}, was accessed {first[1].isoformat()}" if first else ""
        msg = f"No release in {open_store(store)!r} was accessed on or before {as_of}{held}."
        raise ReleaseNotFoundError(msg)
    return max(before, key=lambda v: (times[v], version_key(v)))
