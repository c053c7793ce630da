"""Measure types and statuses: the instruments actors take against other actors.

Examples
--------
>>> from libyaevents.vocab import measures
>>> "Asset freeze" in measures.MEASURE_TYPES
True
>>> sorted(measures.STATUS_NEEDS_END)
['Expired', 'Lifted']
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

__all__ = [
    "MEASURE_STATUSES",
    "MEASURE_TYPES",
    "MEASURE_TYPE_MEANING",
    "STATUS_MEANING",
    "STATUS_NEEDS_END",
    "STATUS_NEEDS_START",
]

#: measure type -> meaning.
MEASURE_TYPE_MEANING: Final = MappingProxyType(
    {
        "Designation": "the target is put on a sanctions list",
        "Asset freeze": "the target's assets under the imposer's jurisdiction are frozen",
        "Travel ban": "the target may not enter or transit the imposer's territory",
        "Business prohibition": "the imposer's persons may not deal with the target",
        "Arms embargo": "arms and related materiel may not be supplied to the target",
        "Embargo enforcement": "inspections, seizures or patrols enforcing an embargo",
        "Monitoring mission": "a mission that monitors an embargo or a ceasefire",
        "Resolution": "a resolution of an international body",
        "Ceasefire term": "a term of a ceasefire agreement binding the parties",
        "Other": "any other instrument; the notes say which",
    }
)

#: The measure types.
MEASURE_TYPES: Final[tuple[str, ...]] = tuple(MEASURE_TYPE_MEANING)

#: status -> meaning.
STATUS_MEANING: Final = MappingProxyType(
    {
        "Proposed": "put forward, not yet decided",
        "Blocked": "put forward and stopped, e.g. by a veto or a hold",
        "Adopted": "decided, not yet in effect",
        "In force": "in effect",
        "Lifted": "ended by a decision",
        "Expired": "ended by its own terms",
    }
)

#: The statuses.
MEASURE_STATUSES: Final[tuple[str, ...]] = tuple(STATUS_MEANING)

#: Statuses that need a start date (the measure has taken effect).
STATUS_NEEDS_START: Final[frozenset[str]] = frozenset({"In force", "Lifted", "Expired"})

#: Statuses that need an end date (the measure has ended).
STATUS_NEEDS_END: Final[frozenset[str]] = frozenset({"Lifted", "Expired"})
