"""Build an actor registry from events: every actor named as actor1, actor2 or associated.

Used by the loaders, whose inputs (ACLED exports, UCDP GED) name actors only
inside events. Actor types come from the events' ``inter1``/``inter2``: the most
frequent code among the events naming the actor as a main actor; an actor only
ever named as an associated actor takes the code of the side it is associated
with, which is an approximation (its ``notes`` say so).

Examples
--------
>>> import pandas as pd
>>> from libyaevents.registry import actors_from_events
>>> events = pd.DataFrame({
...     "actor1": ["Taliban", "Taliban"], "assoc_actor_1": [None, "Haqqani Network"],
...     "inter1": [2, 2], "actor2": ["Military Forces of Afghanistan (2014-)", None],
...     "assoc_actor_2": [None, None], "inter2": [1, None], "country": ["Afghanistan"] * 2,
...     "event_date": pd.to_datetime(["2020-03-21", "2020-03-22"]),
... })
>>> actors_from_events(events)[["actor_id", "inter_code", "first_seen"]].to_dict("records")
... # doctest: +NORMALIZE_WHITESPACE
[{'actor_id': 'haqqani-network', 'inter_code': 2, 'first_seen': Timestamp('2020-03-22 00:00:00')},
 {'actor_id': 'military-forces-of-afghanistan-2014', 'inter_code': 1,
  'first_seen': Timestamp('2020-03-21 00:00:00')},
 {'actor_id': 'taliban', 'inter_code': 2, 'first_seen': Timestamp('2020-03-21 00:00:00')}]
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from libyaevents.schema import pandas_dtype
from libyaevents.tables import ACTORS, actor_id_of

__all__ = ["actors_from_events"]

_SIDES: Final = (("actor1", "assoc_actor_1", "inter1"), ("actor2", "assoc_actor_2", "inter2"))
_ASSOCIATED_NOTE: Final = (
    "Named only as an associated actor; actor type taken from the side it is associated with."
)


def _mentions(events: pd.DataFrame) -> pd.DataFrame:
    """One row per (event, actor named): name, inter code, whether main, date, country."""
    parts = []
    for name_col, assoc_col, inter_col in _SIDES:
        if name_col not in events:
            continue
        base = {
            "inter": events[inter_col].astype("Int64"),
            "event_date": events["event_date"],
            "country": events["country"].astype("str"),
        }
        parts.append(pd.DataFrame({"name": events[name_col].astype("str"), "main": True, **base}))
        if assoc_col in events:
            side = pd.DataFrame({"name": events[assoc_col].astype("str"), "main": False, **base})
            side["name"] = side["name"].str.split("; ")
            parts.append(side.explode("name"))
    mentions = pd.concat(parts, ignore_index=True)
    mentions["name"] = mentions["name"].str.strip()
    return mentions[mentions["name"].notna() & (mentions["name"] != "")]


def _most_frequent(mentions: pd.DataFrame, column: str) -> pd.Series:
    counts = mentions.groupby(["name", column], observed=True).size().rename("n").reset_index()
    counts = counts.sort_values(["n", column], ascending=[False, True], kind="stable")
    return counts.drop_duplicates("name").set_index("name")[column]


def _unique_ids(names: pd.Index) -> list[str]:
    """Slugs of the names, with -2, -3... where two names give the same slug."""
    ids = [actor_id_of(n) or "actor" for n in names]
    seen: dict[str, int] = {}
    out = []
    for slug in ids:
        seen[slug] = seen.get(slug, 0) + 1
        out.append(slug if seen[slug] == 1 else f"{slug}-{seen[slug]}")
    return out


def actors_from_events(events: pd.DataFrame) -> pd.DataFrame:
    """Return the actors table for the actors the events name.

    Parameters
    ----------
    events : DataFrame
        Events with ``actor1``, ``inter1``, ``event_date``, ``country`` and
        optionally ``actor2``, ``inter2``, ``assoc_actor_1``, ``assoc_actor_2``.

    Returns
    -------
    DataFrame
        The canonical actors table, sorted by name; ``actor_id`` is the slug
        of the name.
    """
    mentions = _mentions(events)
    main = mentions[mentions["main"]]
    inter = _most_frequent(main.dropna(subset=["inter"]), "inter")
    side_inter = _most_frequent(mentions.dropna(subset=["inter"]), "inter")
    dates = mentions.groupby("name")["event_date"].agg(["min", "max"])
    names = dates.index
    only_associated = ~names.isin(main["name"].unique())
    frame = pd.DataFrame(
        {
            "actor_id": _unique_ids(names),
            "name": names,
            "aliases": None,
            "inter_code": inter.reindex(names).fillna(side_inter.reindex(names)).to_numpy(),
            "country": _most_frequent(mentions, "country").reindex(names).to_numpy(),
            "parent_id": None,
            "role": None,
            "first_seen": dates["min"].to_numpy(),
            "last_seen": dates["max"].to_numpy(),
            "notes": np.where(only_associated, _ASSOCIATED_NOTE, None),
        }
    )
    dtypes = {f.name: pandas_dtype(f) for f in ACTORS.fields if f.required}
    return frame.astype(dtypes).reset_index(drop=True)
