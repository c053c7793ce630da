"""ACLED's event types before 2019 (dataset versions 1-8), mapped onto the current taxonomy.

A legacy type maps *faithfully* when every event of that type has exactly one
current event type, sub-event type and disorder type. Where only some of the
three follow (``Remote violence`` is always *Explosions/Remote violence* and
*Political violence*, but the old data does not say whether it was an air
strike, shelling or a bomb), only those are filled and the rest stay empty;
where none follows (``Riots/Protests`` can be a protest, a riot, or mob
violence), nothing is filled. Loaders keep the original type alongside and say
which rows were not mapped in full.

Examples
--------
>>> from libyaevents.vocab.legacy import LEGACY_EVENT_TYPES
>>> LEGACY_EVENT_TYPES["Battle-No change of territory"]  # doctest: +NORMALIZE_WHITESPACE
LegacyMapping(event_type='Battles', sub_event_type='Armed clash',
              disorder_type='Political violence')
>>> LEGACY_EVENT_TYPES["Riots/Protests"].faithful
False
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final, NamedTuple

from libyaevents.vocab.taxonomy import DISORDER_TYPE_OF, EVENT_TYPE_OF

__all__ = ["LEGACY_EVENT_TYPES", "LegacyMapping"]


class LegacyMapping(NamedTuple):
    """What a legacy event type says about the current columns (None: unknown)."""

    event_type: str | None
    sub_event_type: str | None
    disorder_type: str | None

    @property
    def faithful(self) -> bool:
        """True when all three current columns follow from the legacy type."""
        return None not in self


def _full(sub: str) -> LegacyMapping:
    return LegacyMapping(EVENT_TYPE_OF[sub], sub, DISORDER_TYPE_OF[sub])


#: legacy event type -> what it maps to.
LEGACY_EVENT_TYPES: Final = MappingProxyType(
    {
        "Battle-No change of territory": _full("Armed clash"),
        "Battle-Government regains territory": _full("Government regains territory"),
        "Battle-Non-state actor overtakes territory": _full("Non-state actor overtakes territory"),
        "Non-violent transfer of territory": _full("Non-violent transfer of territory"),
        "Headquarters or base established": _full("Headquarters or base established"),
        "Remote violence": LegacyMapping("Explosions/Remote violence", None, "Political violence"),
        "Violence against civilians": LegacyMapping(
            "Violence against civilians", None, "Political violence"
        ),
        "Strategic development": LegacyMapping(
            "Strategic developments", None, "Strategic developments"
        ),
        "Riots/Protests": LegacyMapping(None, None, None),
    }
)
