"""Libya gazetteer: admin1 regions, the 22 districts, their aliases, the national box.

ACLED codes Libya on the current OCHA/UN boundaries: three admin1 regions
(``East``, ``West``, ``South``) and 22 districts (admin2, OCHA spellings).
Older exports used other spellings, and before the current boundaries they put
the older districts (*shabiyat*) in admin1. The aliases below map those names to
the current district that contains them, so loaders can normalise old files.

Examples
--------
>>> from libyaevents.vocab import gazetteer as gz
>>> gz.ADMIN1_OF["Benghazi"]
'East'
>>> gz.resolve_admin2("Misratah")
'Misrata'
>>> gz.resolve_admin2("Atlantis") is None
True
>>> gz.in_libya_box(32.8872, 13.1913)
True
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final, NamedTuple

__all__ = [
    "ADMIN1",
    "ADMIN1_OF",
    "ADMIN2",
    "ADMIN2_ALIASES",
    "COUNTRY",
    "ISO",
    "ISO3",
    "LIBYA_BOX",
    "REGION",
    "SEAS",
    "BoundingBox",
    "in_libya_box",
    "resolve_admin2",
]

COUNTRY: Final = "Libya"
ISO: Final = 434
ISO3: Final = "LBY"
REGION: Final = "Northern Africa"

#: Sea areas ACLED gives as ``country`` for events at sea (API ``maritime_pairs=true``
#: and exports that carry them); Libya's waters are in the Mediterranean.
SEAS: Final = ("Mediterranean Sea",)


class BoundingBox(NamedTuple):
    """A WGS84 box, edges included."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


#: Libya's national extent.
LIBYA_BOX: Final = BoundingBox(min_lon=9.319, min_lat=19.580, max_lon=25.165, max_lat=33.137)

_DISTRICTS: Final[dict[str, tuple[str, ...]]] = {
    "East": (
        "Derna",
        "Almarj",
        "Benghazi",
        "Tobruk",
        "Ejdabia",
        "Al Jabal Al Akhdar",
        "Alkufra",
    ),
    "West": (
        "Sirt",
        "Nalut",
        "Almargeb",
        "Tripoli",
        "Aljfara",
        "Azzawya",
        "Misrata",
        "Zwara",
        "Al Jabal Al Gharbi",
    ),
    "South": ("Aljufra", "Wadi Ashshati", "Sebha", "Ubari", "Ghat", "Murzuq"),
}

#: The three admin1 regions.
ADMIN1: Final[tuple[str, ...]] = tuple(_DISTRICTS)

#: The 22 districts (admin2), grouped by admin1.
ADMIN2: Final[tuple[str, ...]] = tuple(d for ds in _DISTRICTS.values() for d in ds)

#: district -> its admin1 region.
ADMIN1_OF: Final = MappingProxyType(
    {district: region for region, ds in _DISTRICTS.items() for district in ds}
)

#: Older or alternative spelling -> current district. Includes the pre-2017
#: districts ACLED used as admin1, mapped to the current district holding them.
ADMIN2_ALIASES: Final = MappingProxyType(
    {
        "Darnah": "Derna",
        "Darna": "Derna",
        "Al Qubbah": "Derna",
        "Al Marj": "Almarj",
        "Marj": "Almarj",
        "Banghazi": "Benghazi",
        "Al Butnan": "Tobruk",
        "Tubruq": "Tobruk",
        "Ajdabiya": "Ejdabia",
        "Ajdabia": "Ejdabia",
        "Al Wahat": "Ejdabia",
        "Al Jabal al Akhdar": "Al Jabal Al Akhdar",
        "Jabal Al Akhdar": "Al Jabal Al Akhdar",
        "Al Kufrah": "Alkufra",
        "Kufra": "Alkufra",
        "Surt": "Sirt",
        "Sirte": "Sirt",
        "Al Marqab": "Almargeb",
        "Murqub": "Almargeb",
        "Tarhunah-Masallatah": "Almargeb",
        "Tarabulus": "Tripoli",
        "Al Jifarah": "Aljfara",
        "Jafara": "Aljfara",
        "Az Zawiyah": "Azzawya",
        "Zawiya": "Azzawya",
        "Misratah": "Misrata",
        "Misurata": "Misrata",
        "An Nuqat al Khams": "Zwara",
        "Zuwara": "Zwara",
        "Al Jabal al Gharbi": "Al Jabal Al Gharbi",
        "Jabal Al Gharbi": "Al Jabal Al Gharbi",
        "Al Jufrah": "Aljufra",
        "Jufra": "Aljufra",
        "Ash Shati": "Wadi Ashshati",
        "Wadi Al Shatii": "Wadi Ashshati",
        "Sabha": "Sebha",
        "Wadi al Hayat": "Ubari",
        "Wadi al Hayaa": "Ubari",
        "Awbari": "Ubari",
        "Murzuk": "Murzuq",
        "Marzuq": "Murzuq",
        "Mourzouq": "Murzuq",
        # districts of 2001-2007 merged into the current ones
        "Al Hizam Al Akhdar": "Almarj",
        "Tajura wa an Nawahi al Arba": "Tripoli",
        "Tajura wa an Nawahi al Arbaa": "Tripoli",
        "Sabratah wa Surman": "Azzawya",
        "Sabratah Surman": "Azzawya",
        "Zuwarah": "Zwara",
        "Ghadamis": "Nalut",
        "Mizdah": "Al Jabal Al Gharbi",
        "Gharyan": "Al Jabal Al Gharbi",
        "Yafran": "Al Jabal Al Gharbi",
        "Bani Walid": "Misrata",
        "Al Murqub": "Almargeb",
        "Tarhuna wa Msalata": "Almargeb",
    }
)

_SUFFIXES: Final = (" district", " shabiyah", " sha'biyah")


def _key(name: str) -> str:
    """A spelling-insensitive key: lower case, single spaces, no hyphens, no 'district'."""
    key = " ".join(name.replace("-", " ").lower().split())
    for suffix in _SUFFIXES:
        key = key.removesuffix(suffix)
    return key


_BY_KEY: Final = MappingProxyType(
    {**{_key(a): d for a, d in ADMIN2_ALIASES.items()}, **{_key(d): d for d in ADMIN1_OF}}
)


def resolve_admin2(name: str) -> str | None:
    """Return the current district for a district name or alias.

    Parameters
    ----------
    name : str
        A district as written in any ACLED vintage.

    Returns
    -------
    str or None
        The current OCHA spelling, or None when the name is unknown.

    Examples
    --------
    >>> resolve_admin2("Al Butnan")
    'Tobruk'
    >>> resolve_admin2("Tripoli")
    'Tripoli'
    >>> resolve_admin2("Mourzouq district"), resolve_admin2("AL HIZAM AL AKHDAR")
    ('Murzuq', 'Almarj')
    """
    if name in ADMIN1_OF:
        return name
    return ADMIN2_ALIASES.get(name) or _BY_KEY.get(_key(name))


def in_libya_box(lat: float, lon: float) -> bool:
    """Tell whether a point lies inside Libya's bounding box.

    Examples
    --------
    >>> in_libya_box(55.75, 37.62)  # Moscow
    False
    """
    box = LIBYA_BOX
    return box.min_lat <= lat <= box.max_lat and box.min_lon <= lon <= box.max_lon
