"""Precision codes and the ``source_scale`` grammar.

Examples
--------
>>> from libyaevents.vocab import codes
>>> codes.TIME_PRECISION[2]
'within a week or weekend; the mid-point is used'
>>> codes.is_source_scale("National-Regional"), codes.is_source_scale("Regional-Regional")
(True, False)
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

__all__ = [
    "GEO_PRECISION",
    "SOURCE_SCALES",
    "SOURCE_SCALE_VALUES",
    "TIME_PRECISION",
    "is_source_scale",
]

#: time_precision code -> meaning.
TIME_PRECISION: Final = MappingProxyType(
    {
        1: "exact day",
        2: "within a week or weekend; the mid-point is used",
        3: "within a month; the middle, first or last day of the month is used",
    }
)

#: geo_precision code -> meaning.
GEO_PRECISION: Final = MappingProxyType(
    {
        1: "the named town or city",
        2: "part of a region, or near a named town; the nearest town is used",
        3: "a larger region; a natural feature or the provincial capital is used",
    }
)

#: The terms ``source_scale`` is built from.
SOURCE_SCALES: Final[tuple[str, ...]] = (
    "Local partner",
    "Subnational",
    "National",
    "Regional",
    "International",
    "New media",
    "Other",
)

#: Every well-formed source_scale: one term, or two different terms joined by
#: ``-`` in either order (real exports write both ``Other-National`` and
#: ``Local partner-Other``). A closed set, so checks are a fast ``isin``.
SOURCE_SCALE_VALUES: Final[tuple[str, ...]] = SOURCE_SCALES + tuple(
    f"{a}-{b}" for a in SOURCE_SCALES for b in SOURCE_SCALES if a != b
)
_VALUES: Final = frozenset(SOURCE_SCALE_VALUES)


def is_source_scale(value: str) -> bool:
    """Tell whether ``value`` is a well-formed ``source_scale``.

    Parameters
    ----------
    value : str
        A source_scale as written in an export, e.g. ``"Local partner-Other"``.

    Returns
    -------
    bool
        True for one term or two different terms joined by ``-``.

    Examples
    --------
    >>> is_source_scale("Local partner-Other")
    True
    >>> is_source_scale("national")
    False
    """
    return value in _VALUES
