"""Actor types (ACLED ``inter`` codes) and the interaction lookup, both ways.

ACLED codes each side of an event with an actor type from 1 to 8. The
``interaction`` of an event combines the two: older exports write a number made
of the two codes, smaller first (``12``, ``37``; ``10``..``80`` for one-sided
events); exports since about September 2024 write a text label. The labels do
not always put the smaller code first (78 is ``External/Other forces-Civilians``),
so the lookup is a table, never a concatenation.

Examples
--------
>>> from libyaevents.vocab import actortypes as at
>>> at.INTER_LABEL[3]
'Political militia'
>>> at.interaction_code(8, 2)
28
>>> at.INTERACTION_LABEL[28]
'Rebel group-External/Other forces'
>>> at.INTERACTION_CODE["External/Other forces-Civilians"]
78
>>> at.INTERACTION_LABEL[60]
'Protesters only'
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

import numpy as np

__all__ = [
    "INTERACTION_CODE",
    "INTERACTION_CODES",
    "INTERACTION_LABEL",
    "INTER_CODE",
    "INTER_CODES",
    "INTER_LABEL",
    "interaction_code",
    "interaction_codes",
]

#: inter code -> actor type label.
INTER_LABEL: Final = MappingProxyType(
    {
        1: "State forces",
        2: "Rebel group",
        3: "Political militia",
        4: "Identity militia",
        5: "Rioters",
        6: "Protesters",
        7: "Civilians",
        8: "External/Other forces",
    }
)

#: actor type label -> inter code.
INTER_CODE: Final = MappingProxyType({label: code for code, label in INTER_LABEL.items()})

#: The eight valid inter codes.
INTER_CODES: Final[tuple[int, ...]] = tuple(INTER_LABEL)

# Labels where ACLED does not put the smaller code first.
_LABEL_OVERRIDES: Final = {78: "External/Other forces-Civilians"}


def interaction_code(inter1: int, inter2: int | None) -> int:
    """Return the numeric interaction of two inter codes.

    Parameters
    ----------
    inter1 : int
        Actor type of the first side, 1-8.
    inter2 : int or None
        Actor type of the second side, 1-8; ``None`` or ``0`` for a one-sided event.

    Returns
    -------
    int
        The two codes, smaller first; ``inter1 * 10`` for one-sided events.

    Examples
    --------
    >>> interaction_code(7, 3)
    37
    >>> interaction_code(1, None)
    10
    """
    if not inter2:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def interaction_codes(inter1: np.ndarray, inter2: np.ndarray) -> np.ndarray:
    """:func:`interaction_code` over float arrays of codes; NaN in ``inter2`` is one-sided.

    ``inter1`` is expected to be given (a missing one is its own failure).

    Examples
    --------
    >>> interaction_codes(np.array([8.0, 1.0]), np.array([2.0, np.nan])).tolist()
    [28.0, 10.0]
    """
    two_sided = np.fmin(inter1, inter2) * 10 + np.fmax(inter1, inter2)
    codes: np.ndarray = np.where(np.isnan(inter2), inter1 * 10, two_sided)
    return codes


def _label(code: int) -> str:
    low, high = divmod(code, 10)
    if high == 0:
        return f"{INTER_LABEL[low]} only"
    return _LABEL_OVERRIDES.get(code, f"{INTER_LABEL[low]}-{INTER_LABEL[high]}")


#: Every valid numeric interaction: 10..80 and each pair, smaller first.
INTERACTION_CODES: Final[tuple[int, ...]] = tuple(
    sorted(
        {interaction_code(a, None) for a in INTER_CODES}
        | {interaction_code(a, b) for a in INTER_CODES for b in INTER_CODES}
    )
)

#: numeric interaction -> the text label current exports use.
INTERACTION_LABEL: Final = MappingProxyType({code: _label(code) for code in INTERACTION_CODES})

#: text label -> numeric interaction.
INTERACTION_CODE: Final = MappingProxyType(
    {label: code for code, label in INTERACTION_LABEL.items()}
)
