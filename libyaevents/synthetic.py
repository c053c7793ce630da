"""Synthetic, valid-by-construction Libya events at any size, for tests and benchmarks.

The distributions are ACLED-like: most events are battles, explosions and
strategic developments; most have no fatalities and a long tail; locations are
real Libyan towns with their current admin1/admin2; actors come from a small
registry of Libyan and foreign actors with their inter codes. Nothing here is
real data.

Examples
--------
>>> from libyaevents.synthetic import synthetic_dataset
>>> data = synthetic_dataset(1_000, seed=7)
>>> len(data["events"]), data["events"]["event_type"].dtype.name
(1000, 'category')
>>> bool(data["events"]["event_id_cnty"].is_unique)
True
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from libyaevents.schema.models import pandas_dtype
from libyaevents.schema.tables import ACTORS, EVENTS, MEASURES, actor_id_of
from libyaevents.vocab import gazetteer, measures, taxonomy

__all__ = ["PLACES", "synthetic_dataset", "synthetic_events"]

# name, inter code
_ACTORS: Final = (
    ("Military Forces of Libya (2014-) Libyan National Army", 1),
    ("Military Forces of Libya (2016-2021) Government of National Accord", 1),
    ("Police Forces of Libya (2016-2021)", 1),
    ("Kaniyat Militia", 3),
    ("Rada Special Deterrence Force", 3),
    ("Tripoli Revolutionaries Battalion", 3),
    ("Misrata Communal Militia (Libya)", 4),
    ("Zintan Communal Militia (Libya)", 4),
    ("Tebu Ethnic Militia (Libya)", 4),
    ("Tuareg Ethnic Militia (Libya)", 4),
    ("Islamic State (Libya)", 2),
    ("Unidentified Armed Group (Libya)", 3),
    ("Rioters (Libya)", 5),
    ("Protesters (Libya)", 6),
    ("Civilians (Libya)", 7),
    ("Migrants (Libya)", 7),
    ("Wagner Group", 8),
    ("Military Forces of Turkey (2016-)", 8),
    ("Military Forces of the United Arab Emirates (2004-)", 8),
    ("Government of the United States (2017-2021)", 8),
)
_ARMED: Final = [i for i, (_, code) in enumerate(_ACTORS) if code in (1, 2, 3, 4, 8)]
_BY_CODE: Final = {c: [i for i, (_, k) in enumerate(_ACTORS) if k == c] for c in range(1, 9)}

#: Libyan places of synthetic events: location, admin2, latitude, longitude.
PLACES: Final = (
    ("Tripoli", "Tripoli", 32.8872, 13.1913),
    ("Benghazi", "Benghazi", 32.1167, 20.0667),
    ("Misrata", "Misrata", 32.3754, 15.0925),
    ("Sirte", "Sirt", 31.2089, 16.5887),
    ("Derna", "Derna", 32.7648, 22.6391),
    ("Sabha", "Sebha", 27.0377, 14.4283),
    ("Tobruk", "Tobruk", 32.0836, 23.9764),
    ("Ajdabiya", "Ejdabia", 30.7554, 20.2263),
    ("Zawiya", "Azzawya", 32.7571, 12.7276),
    ("Gharyan", "Al Jabal Al Gharbi", 32.1722, 13.0203),
    ("Zuwara", "Zwara", 32.9312, 12.0819),
    ("Kufra", "Alkufra", 24.1997, 23.2905),
    ("Ubari", "Ubari", 26.5903, 12.7751),
    ("Murzuq", "Murzuq", 25.9155, 13.9184),
    ("Ghat", "Ghat", 24.9647, 10.1728),
    ("Al Bayda", "Al Jabal Al Akhdar", 32.7627, 21.7551),
    ("Al Marj", "Almarj", 32.4925, 20.8304),
    ("Hun", "Aljufra", 29.1268, 15.9477),
    ("Brak", "Wadi Ashshati", 27.5496, 14.2714),
    ("Nalut", "Nalut", 31.8685, 10.9812),
    ("Tarhuna", "Almargeb", 32.4350, 13.6332),
    ("Al Aziziyah", "Aljfara", 32.5320, 13.0175),
)
_PLACE_WEIGHTS: Final = np.array(
    [30, 20, 10, 8, 6, 6, 4, 4, 4, 3, 2, 2, 2, 2, 1, 3, 2, 1, 1, 1, 2, 2]
)

# sub-event type weights (Libya-like: clashes, shelling, strategic developments)
_SUB_WEIGHTS: Final = {
    "Armed clash": 25,
    "Government regains territory": 1,
    "Non-state actor overtakes territory": 1,
    "Excessive force against protesters": 0.3,
    "Protest with intervention": 1,
    "Peaceful protest": 8,
    "Violent demonstration": 1,
    "Mob violence": 0.5,
    "Chemical weapon": 0.01,
    "Air/drone strike": 8,
    "Suicide bomb": 0.2,
    "Shelling/artillery/missile attack": 12,
    "Remote explosive/landmine/IED": 3,
    "Grenade": 0.5,
    "Sexual violence": 0.2,
    "Attack": 6,
    "Abduction/forced disappearance": 4,
    "Agreement": 2,
    "Arrests": 3,
    "Change to group/activity": 5,
    "Disrupted weapons use": 3,
    "Headquarters or base established": 1,
    "Looting/property destruction": 2,
    "Non-violent transfer of territory": 1,
    "Other": 2,
}

_SOURCES: Final = ("Libya Observer", "Libya Herald", "Al Wasat", "Libya Review", "Xinhua; AFP")
_SCALES: Final = ("National", "International", "Subnational", "National-International", "Other")
_START: Final = np.datetime64("2011-01-01", "D")
_END: Final = np.datetime64("2025-12-31", "D")


def _text_where(mask: np.ndarray, text: str) -> pd.Series:
    """``text`` where ``mask`` holds, empty elsewhere."""
    return pd.Series(text, index=range(len(mask)), dtype="str").where(mask)


def _pick(rng: np.random.Generator, pool: list[int], n: int) -> np.ndarray:
    return np.asarray(pool)[rng.integers(0, len(pool), n)]


def _actor_pairs(rng: np.random.Generator, event_type: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices into _ACTORS for actor1 and actor2 (-1: none), consistent with the type."""
    n = len(event_type)
    a1 = _pick(rng, _ARMED, n)
    a2 = _pick(rng, _ARMED, n)
    one_sided = rng.random(n) < 0.3
    rules = {
        "Protests": (_BY_CODE[6], None),
        "Riots": (_BY_CODE[5], _BY_CODE[7]),
        "Violence against civilians": (_ARMED, _BY_CODE[7]),
    }
    for kind, (first, second) in rules.items():
        mask = event_type == kind
        a1[mask] = _pick(rng, first, int(mask.sum()))
        a2[mask] = -1 if second is None else _pick(rng, second, int(mask.sum()))
    a2[
        one_sided & np.isin(event_type, ["Explosions/Remote violence", "Strategic developments"])
    ] = -1
    return a1, a2


def synthetic_events(n: int, *, seed: int = 0, first_id: int = 1) -> pd.DataFrame:
    """Return ``n`` valid synthetic Libya events in the canonical events schema.

    Parameters
    ----------
    n : int
        Number of events.
    seed : int
        Seed of the random generator; the same seed gives the same frame.
    first_id : int
        Number of the first event id (``LBY<first_id>``), so that batches
        generated separately can form one table without clashing ids.

    Returns
    -------
    pandas.DataFrame
        Canonical dtypes, sorted by event id, ``RangeIndex``.
    """
    rng = np.random.default_rng(seed)
    subs = np.array(list(_SUB_WEIGHTS))
    weights = np.array(list(_SUB_WEIGHTS.values()), dtype=float)
    sub = subs[rng.choice(len(subs), n, p=weights / weights.sum())]
    event_type = pd.Series(sub).map(dict(taxonomy.EVENT_TYPE_OF)).to_numpy(dtype=object)
    days = rng.integers(0, int((_END - _START).astype(int)) + 1, n)
    dates = (_START + days).astype("datetime64[ms]")
    a1, a2 = _actor_pairs(rng, event_type)
    names = np.array([a for a, _ in _ACTORS] + [None], dtype=object)
    inters = np.array([c for _, c in _ACTORS] + [0])
    inter1, inter2 = inters[a1], inters[a2]
    interaction = np.where(
        a2 < 0, inter1 * 10, np.minimum(inter1, inter2) * 10 + np.maximum(inter1, inter2)
    )
    place = rng.choice(len(PLACES), n, p=_PLACE_WEIGHTS / _PLACE_WEIGHTS.sum())
    loc = pd.DataFrame(PLACES, columns=["location", "admin2", "latitude", "longitude"]).iloc[place]
    violent = np.isin(
        event_type, ["Battles", "Explosions/Remote violence", "Violence against civilians"]
    )
    fatalities = np.where(
        violent & (rng.random(n) < 0.35), rng.negative_binomial(1, 0.25, n) + 1, 0
    )
    cat = {f.name: pandas_dtype(f) for f in EVENTS.fields}
    ids = "LBY" + pd.Series(np.arange(first_id, first_id + n)).astype("str")
    civ = np.isin(sub, list(taxonomy.CIVILIAN_TARGETING_REQUIRED))
    frame = pd.DataFrame(
        {
            "event_id_cnty": ids,
            "event_date": dates,
            "year": dates.astype("datetime64[Y]").astype(int) + 1970,
            "time_precision": rng.choice([1, 2, 3], n, p=[0.85, 0.12, 0.03]),
            "disorder_type": pd.Series(sub).map(dict(taxonomy.DISORDER_TYPE_OF)),
            "event_type": event_type,
            "sub_event_type": sub,
            "actor1": names[a1],
            "assoc_actor_1": _text_where(
                rng.random(n) < 0.05, "Civilians (Libya); Migrants (Libya)"
            ),
            "inter1": inter1,
            "actor2": names[a2],
            "assoc_actor_2": None,
            "inter2": pd.Series(inter2, dtype="Int8").where(a2 >= 0),
            "interaction": interaction,
            "civilian_targeting": _text_where(civ, taxonomy.CIVILIAN_TARGETING),
            "iso": gazetteer.ISO,
            "region": gazetteer.REGION,
            "country": gazetteer.COUNTRY,
            "admin1": loc["admin2"].map(dict(gazetteer.ADMIN1_OF)).to_numpy(),
            "admin2": loc["admin2"].to_numpy(),
            "admin3": None,
            "location": loc["location"].to_numpy(),
            "latitude": np.round(loc["latitude"].to_numpy() + rng.uniform(-0.05, 0.05, n), 4),
            "longitude": np.round(loc["longitude"].to_numpy() + rng.uniform(-0.05, 0.05, n), 4),
            "geo_precision": rng.choice([1, 2, 3], n, p=[0.7, 0.25, 0.05]),
            "source": np.asarray(_SOURCES, dtype=object)[rng.integers(0, len(_SOURCES), n)],
            "source_scale": np.asarray(_SCALES, dtype=object)[rng.integers(0, len(_SCALES), n)],
            "notes": "Synthetic event " + ids + " for testing; not a real event.",
            "fatalities": fatalities,
            "tags": _text_where(event_type == "Protests", "crowd size=no report"),
            "timestamp": np.minimum(
                dates.astype("datetime64[s]").astype("int64") + 86_400 * 3,
                (_END + 1).astype("datetime64[s]").astype("int64"),
            ),
        }
    )
    return frame.astype({name: cat[name] for name in frame.columns})


def _actors_for(events: pd.DataFrame) -> pd.DataFrame:
    inter = dict(_ACTORS)
    frame = pd.DataFrame({"name": [name for name, _ in _ACTORS]})
    lists = [
        events[c].dropna().str.split("; ").explode() for c in ("assoc_actor_1", "assoc_actor_2")
    ]
    dates = pd.concat(
        [events.set_index(events[c])["event_date"] for c in ("actor1", "actor2")]
        + [events["event_date"].reindex(s.index).set_axis(s.to_numpy()) for s in lists]
    )
    seen = dates[dates.index.notna()].groupby(level=0).agg(["min", "max"])
    frame = frame.assign(
        actor_id=frame["name"].map(actor_id_of),
        aliases=None,
        inter_code=frame["name"].map(inter),
        country=np.where(frame["name"].map(inter) == 8, "International", gazetteer.COUNTRY),
        parent_id=None,
        role=None,
        first_seen=frame["name"].map(seen["min"]),
        last_seen=frame["name"].map(seen["max"]),
        notes="Synthetic actor for testing.",
    )
    dtypes = {f.name: pandas_dtype(f) for f in ACTORS.fields if f.required}
    return frame[list(dtypes)].astype(dtypes)


def _measures_for(events: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    strategic = events[events["event_type"] == "Strategic developments"]
    picked = strategic.iloc[: max(1, len(strategic) // 20)]
    n = len(picked)
    imposer = actor_id_of("Government of the United States (2017-2021)")
    targets = np.array([actor_id_of(a) for a, code in _ACTORS if code in (2, 3, 4)])
    status = np.asarray(measures.MEASURE_STATUSES)[
        rng.integers(0, len(measures.MEASURE_STATUSES), n)
    ]
    start = picked["event_date"].to_numpy()
    ends = np.isin(status, list(measures.STATUS_NEEDS_END))
    frame = pd.DataFrame(
        {
            "measure_id": "LBYM" + pd.Series(np.arange(1, n + 1)).astype("str"),
            "event_id_cnty": picked["event_id_cnty"].to_numpy(),
            "measure_type": np.asarray(measures.MEASURE_TYPES)[rng.integers(0, 5, n)],
            "imposing_actor_id": imposer,
            "target_actor_id": targets[rng.integers(0, len(targets), n)],
            "legal_basis": "Synthetic legal basis",
            "status": status,
            "start_date": start,
            "end_date": pd.Series(start + np.timedelta64(365, "D")).where(ends).to_numpy(),
            "notes": "Synthetic measure for testing.",
            "report_id": None,
            "report_section": None,
        }
    )
    dtypes = {f.name: pandas_dtype(f) for f in MEASURES.fields}
    return frame.astype(dtypes)


def synthetic_dataset(n: int, *, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Return a valid synthetic dataset: ``events``, ``actors`` and ``measures``.

    Parameters
    ----------
    n : int
        Number of events; actors are the registry, measures about 1 per 20
        strategic developments.
    seed : int
        Seed; the same seed gives the same tables.

    Examples
    --------
    >>> data = synthetic_dataset(500, seed=3)
    >>> sorted(data)
    ['actors', 'events', 'measures']
    """
    events = synthetic_events(n, seed=seed)
    rng = np.random.default_rng(seed + 1)
    return {"events": events, "actors": _actors_for(events), "measures": _measures_for(events, rng)}
