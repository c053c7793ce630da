"""Libya's outline: a small boundary polygon so maps can show where the country is.

Source: Natural Earth, 1:110m Cultural Vectors, Admin 0 - Countries (the
``naturalearth_lowres`` dataset as shipped in geopandas 0.14.4), the polygon of
Libya, coordinates rounded to 0.001 degree. Natural Earth is in the public
domain ("No permission is needed to use Natural Earth", naturalearthdata.com/about/terms-of-use).
At this scale the outline is for orientation only: it is not used to place or
check any event.

Examples
--------
>>> len(LIBYA_OUTLINE) > 50, LIBYA_OUTLINE[0] == LIBYA_OUTLINE[-1]
(True, True)
"""

from __future__ import annotations

from typing import Final

__all__ = ["ADMIN1_LABELS", "LIBYA_OUTLINE", "OUTLINE_SOURCE"]

#: Where to write each admin1 region's name on a map of Libya: (longitude, latitude).
ADMIN1_LABELS: Final = {"West": (12.5, 30.0), "East": (22.0, 28.5), "South": (16.0, 24.0)}

#: Where the outline comes from, and its terms.
OUTLINE_SOURCE: Final = "Natural Earth 1:110m Admin 0 countries (public domain)"

#: (longitude, latitude) vertices of Libya's outline, closed (first == last).
LIBYA_OUTLINE: Final[tuple[tuple[float, float], ...]] = (
    (25.0, 22.0),
    (25.0, 20.003),
    (23.85, 20.0),
    (23.838, 19.58),
    (19.849, 21.495),
    (15.861, 23.41),
    (14.851, 22.863),
    (14.144, 22.491),
    (13.581, 23.041),
    (12.0, 23.472),
    (11.561, 24.098),
    (10.771, 24.563),
    (10.304, 24.379),
    (9.948, 24.937),
    (9.911, 25.365),
    (9.319, 26.094),
    (9.716, 26.512),
    (9.629, 27.141),
    (9.756, 27.688),
    (9.684, 28.144),
    (9.86, 28.96),
    (9.806, 29.425),
    (9.482, 30.308),
    (9.97, 30.539),
    (10.057, 30.962),
    (9.95, 31.376),
    (10.637, 31.761),
    (10.945, 32.082),
    (11.432, 32.369),
    (11.489, 33.137),
    (12.663, 32.793),
    (13.083, 32.879),
    (13.919, 32.712),
    (15.246, 32.265),
    (15.714, 31.376),
    (16.612, 31.182),
    (18.021, 30.764),
    (19.086, 30.266),
    (19.574, 30.526),
    (20.053, 30.986),
    (19.82, 31.752),
    (20.134, 32.238),
    (20.855, 32.707),
    (21.543, 32.843),
    (22.896, 32.639),
    (23.237, 32.191),
    (23.609, 32.187),
    (23.928, 32.017),
    (24.921, 31.899),
    (25.165, 31.569),
    (24.803, 31.089),
    (24.958, 30.662),
    (24.7, 30.044),
    (25.0, 29.239),
    (25.0, 25.682),
    (25.0, 22.0),
)
