"""Did you mean: the closest known ids for a name that does not resolve.

Coders type actor and place ids by hand; a typo, an alias or a canonical name
where an id belongs should come back with the id to write. Candidates are
matched on each known id and on every other name it is known by (an actor's
canonical name and aliases, a place's location), with ``rapidfuzz``'s weighted
ratio; the best three ids scoring at least :data:`CUTOFF` are suggested.

Examples
--------
>>> from libyaevents.readers.suggestions import did_you_mean
>>> known = {"kaniyat-militia": ["Kaniyat Militia", "Kaniyat"], "tripoli": ["Tripoli"]}
>>> did_you_mean("kaniyat-milita", known)
['kaniyat-militia']
>>> did_you_mean("Kaniyat", known)
['kaniyat-militia']
>>> did_you_mean("zzz", known)
[]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from rapidfuzz import fuzz, process, utils

__all__ = ["CUTOFF", "LIMIT", "did_you_mean", "hint"]

#: Lowest score (0-100, rapidfuzz's WRatio) a suggestion needs.
CUTOFF: Final = 75.0
#: Most suggestions given.
LIMIT: Final = 3


def did_you_mean(
    value: object, known: Mapping[str, Iterable[str]], *, limit: int = LIMIT
) -> list[str]:
    """The ids in ``known`` (id -> other names) closest to ``value``, best first."""
    names = {id_: id_ for id_ in known}
    for id_, others in known.items():
        for other in others:
            names.setdefault(other, id_)
    found = process.extract(
        str(value),
        list(names),
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=CUTOFF,
        limit=None,
    )
    ids: list[str] = []
    for name, _score, _index in found:
        if names[name] not in ids:
            ids.append(names[name])
    return ids[:limit]


def hint(suggestions: list[str]) -> str:
    """``; did you mean 'a', 'b'?`` (empty when there is no suggestion)."""
    if not suggestions:
        return ""
    return "; did you mean " + " or ".join(f"'{s}'" for s in suggestions) + "?"
