"""Libya's outline for maps: the bundled Natural Earth 1:10m polygon, read without shapely.

Source: Natural Earth 4.1.0, 1:10m Cultural Vectors, Admin 0 - Countries, the
polygon of Libya (public domain: "No permission is needed to use Natural Earth",
naturalearthdata.com/about/terms-of-use), as packaged in the npm package
``world-atlas`` 2.0.2 (ISC licence) and extracted by ``tools/boundaries.py`` into
``libyaevents/data/boundaries/libya-admin0.geojson``, whose provenance (and the
sha256 of the input) is in ``PROVENANCE.json`` beside it. The file is read on
first use (no I/O at import) with the standard library, so maps and data cards
need no geometry library; placing events in polygons uses it through
:mod:`libyaevents.analysis.boundaries` (the ``geo`` extra).

Examples
--------
>>> ring = libya_outline_ring()
>>> len(ring) > 500, ring[0] == ring[-1]
(True, True)
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files
from typing import Final

__all__ = ["ADMIN1_LABELS", "OUTLINE_SOURCE", "libya_outline_ring"]

#: Where to write each admin1 region's name on a map of Libya: (longitude, latitude).
ADMIN1_LABELS: Final = {"West": (12.5, 30.0), "East": (22.0, 28.5), "South": (16.0, 24.0)}

#: Where the outline comes from, and its terms.
OUTLINE_SOURCE: Final = (
    "Natural Earth 1:10m Admin 0 countries (public domain), via world-atlas 2.0.2"
)


@functools.cache
def libya_outline_ring() -> tuple[tuple[float, float], ...]:
    """(longitude, latitude) vertices of Libya's outline, closed (first == last)."""
    path = files("libyaevents") / "data" / "boundaries" / "libya-admin0.geojson"
    feature = json.loads(path.read_text(encoding="utf-8"))["features"][0]
    exterior = feature["geometry"]["coordinates"][0]
    return tuple((float(lon), float(lat)) for lon, lat in exterior)
