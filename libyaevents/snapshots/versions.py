"""Calendar versions for snapshots: ``YEAR.MMDD.N`` from the access date (UTC).

A snapshot's version says when its source was read: ``2026.1203.0`` is the
first pull of 3 December 2026, ``2026.1203.1`` the second that day, and
``2027.105.0`` the first of 5 January 2027 (the middle number is month x 100 +
day, so versions sort in access order as plain ``MAJOR.MINOR.PATCH`` numbers,
which is what every store already understands).

Examples
--------
>>> calendar_version("2026-12-03T09:30:00+00:00", [])
'2026.1203.0'
>>> calendar_version("2026-12-03T17:00:00Z", ["2026.1203.0"])
'2026.1203.1'
>>> calendar_version("2027-01-05T08:00:00Z", ["2026.1203.0", "2026.1203.1"])
'2027.105.0'
>>> day_of("2027.105.0")
datetime.date(2027, 1, 5)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from libyaevents.arguments import timestamp
from libyaevents.errors import InputError, ReleaseError
from libyaevents.releases.stores import version_key

__all__ = ["calendar_version", "day_of"]


def calendar_version(accessed: str, existing: Sequence[str]) -> str:
    """The version of a snapshot accessed at ``accessed``, given the versions a store holds.

    Raises
    ------
    ReleaseError
        When the store already holds a later version (the clock went back, or
        the store holds releases numbered otherwise): versions must sort in
        access order.
    """
    stamp = timestamp(accessed)
    if stamp is None:
        msg = f"accessed must be a date and time; found {accessed!r}."
        raise InputError(msg)
    day = (stamp.tz_convert("UTC") if stamp.tzinfo else stamp).date()
    base = (day.year, day.month * 100 + day.day)
    same = [version_key(v)[2] for v in existing if version_key(v)[:2] == base]
    version = f"{base[0]}.{base[1]}.{max(same) + 1 if same else 0}"
    newest = max(existing, key=version_key, default=None)
    if newest is not None and version_key(version) <= version_key(newest):
        msg = (
            f"A snapshot accessed {day} would be {version}, which does not sort after the "
            f"store's newest release {newest}: snapshot versions follow the access date. Check "
            "the system clock, or sync into a store that holds only snapshots."
        )
        raise ReleaseError(msg)
    return version


def day_of(version: str) -> dt.date | None:
    """The access day a calendar version stands for (None for another kind of version)."""
    year, middle, _ = version_key(version)
    try:
        return dt.date(year, middle // 100, middle % 100)
    except ValueError:
        return None
