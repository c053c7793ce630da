"""ACLED event taxonomy: event types, sub-event types and disorder types.

The taxonomy is the current one (since 2019, disorder types since 2022). Each
sub-event type belongs to exactly one event type and implies exactly one
disorder type.

Examples
--------
>>> from libyaevents.vocab import taxonomy
>>> taxonomy.EVENT_TYPE_OF["Armed clash"]
'Battles'
>>> taxonomy.DISORDER_TYPE_OF["Peaceful protest"]
'Demonstrations'
>>> len(taxonomy.EVENT_TYPES), len(taxonomy.SUB_EVENT_TYPES)
(6, 25)
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

__all__ = [
    "CIVILIAN_TARGETING",
    "CIVILIAN_TARGETING_ALLOWED",
    "CIVILIAN_TARGETING_REQUIRED",
    "DISORDER_TYPES",
    "DISORDER_TYPE_OF",
    "EVENT_TYPES",
    "EVENT_TYPE_OF",
    "SUB_EVENT_TYPES",
]

POLITICAL_VIOLENCE: Final = "Political violence"
DEMONSTRATIONS: Final = "Demonstrations"
STRATEGIC: Final = "Strategic developments"
MIXED: Final = "Political violence; Demonstrations"

#: The four disorder types, in ACLED's order.
DISORDER_TYPES: Final[tuple[str, ...]] = (POLITICAL_VIOLENCE, MIXED, DEMONSTRATIONS, STRATEGIC)

# event type -> ((sub-event type, disorder type), ...), in ACLED's codebook order.
_TAXONOMY: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "Battles": (
        ("Government regains territory", POLITICAL_VIOLENCE),
        ("Non-state actor overtakes territory", POLITICAL_VIOLENCE),
        ("Armed clash", POLITICAL_VIOLENCE),
    ),
    "Protests": (
        ("Excessive force against protesters", MIXED),
        ("Protest with intervention", DEMONSTRATIONS),
        ("Peaceful protest", DEMONSTRATIONS),
    ),
    "Riots": (
        ("Violent demonstration", DEMONSTRATIONS),
        ("Mob violence", POLITICAL_VIOLENCE),
    ),
    "Explosions/Remote violence": (
        ("Chemical weapon", POLITICAL_VIOLENCE),
        ("Air/drone strike", POLITICAL_VIOLENCE),
        ("Suicide bomb", POLITICAL_VIOLENCE),
        ("Shelling/artillery/missile attack", POLITICAL_VIOLENCE),
        ("Remote explosive/landmine/IED", POLITICAL_VIOLENCE),
        ("Grenade", POLITICAL_VIOLENCE),
    ),
    "Violence against civilians": (
        ("Sexual violence", POLITICAL_VIOLENCE),
        ("Attack", POLITICAL_VIOLENCE),
        ("Abduction/forced disappearance", POLITICAL_VIOLENCE),
    ),
    "Strategic developments": (
        ("Agreement", STRATEGIC),
        ("Arrests", STRATEGIC),
        ("Change to group/activity", STRATEGIC),
        ("Disrupted weapons use", STRATEGIC),
        ("Headquarters or base established", STRATEGIC),
        ("Looting/property destruction", STRATEGIC),
        ("Non-violent transfer of territory", STRATEGIC),
        ("Other", STRATEGIC),
    ),
}

#: The six event types, in ACLED's order.
EVENT_TYPES: Final[tuple[str, ...]] = tuple(_TAXONOMY)

#: The 25 sub-event types, grouped by event type.
SUB_EVENT_TYPES: Final[tuple[str, ...]] = tuple(
    sub for subs in _TAXONOMY.values() for sub, _ in subs
)

#: sub-event type -> the event type it belongs to.
EVENT_TYPE_OF: Final = MappingProxyType(
    {sub: event for event, subs in _TAXONOMY.items() for sub, _ in subs}
)

#: sub-event type -> the disorder type it implies.
DISORDER_TYPE_OF: Final = MappingProxyType(
    {sub: disorder for subs in _TAXONOMY.values() for sub, disorder in subs}
)

#: The one value ``civilian_targeting`` takes when set. The codebook writes
#: "Civilians targeted"; real exports write this.
CIVILIAN_TARGETING: Final = "Civilian targeting"

#: Sub-event types on which ``civilian_targeting`` may be set.
CIVILIAN_TARGETING_ALLOWED: Final[frozenset[str]] = frozenset(
    [sub for sub, _ in _TAXONOMY["Violence against civilians"]]
    + [sub for sub, _ in _TAXONOMY["Explosions/Remote violence"]]
    + [sub for sub, _ in _TAXONOMY["Riots"]]
    + ["Excessive force against protesters"]
)

#: Sub-event types on which ``civilian_targeting`` must be set: violence against
#: civilians targets civilians by definition.
CIVILIAN_TARGETING_REQUIRED: Final[frozenset[str]] = frozenset(
    sub for sub, _ in _TAXONOMY["Violence against civilians"]
)
