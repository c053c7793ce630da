"""Benchmark: point in polygon against GeoPandas, spreading over cells, polygon panels.

Run:  python -m benchmarks.spatial [--rows 1000000] [--repeat 5]

All in this process, interleaved round by round (benchmarks.common.rounds): the
median time and the range of the rounds, and the median of the per-round ratios to
the first call of each table (benchmarks.common.median_ratios) with their range:

1. Point in polygon: ``--rows`` points scattered uniformly over Libya's box, placed
   in ~100 synthetic polygons (Libya's bundled outline cut by a 12 x 12 lattice of
   meridians and parallels). The peer: GeoPandas ``sjoin(points, polygons,
   predicate="within")`` (an STRtree query, as ours), its points built from the
   same coordinates inside the timing as ours are. Ours: ``polygon_index`` (the
   query alone) and ``polygon_units`` (also the bad-coordinate checks, the units of
   events at sea or abroad, and the comparison with the coded unit). Issue target:
   within 1.5x of sjoin.
2. Spreading: ``aggregate(period="month", level="priogrid", precision="spread")`` of
   ``synthetic_dataset(--rows)`` events (30% geo_precision 2, 5% 3): without
   boundaries (discs and Libya's outline), with synthetic admin1 and admin2
   polygons, and with every time_precision set to 1 (space only). Time and peak
   resident memory above the memory before the call. Target: under 3 s and 1.5 GB.
3. Panels: the month panel by coded admin1 (baseline), by PRIO-GRID cell, and by
   admin1 polygon (``spatial="polygon"``), same events. Target: grid within 1.2x
   of admin1.

Not a test: nothing asserts a time.
"""

from __future__ import annotations

import statistics

import geopandas
import numpy as np
import pandas as pd
import shapely

import libyaevents
from benchmarks.common import arguments, median_ratios, reset_peak, rounds, rss_mb
from libyaevents.analysis.boundaries import Boundaries, libya_outline
from libyaevents.analysis.spatial import polygon_index, polygon_units
from libyaevents.synthetic import synthetic_dataset
from libyaevents.vocab import gazetteer


def lattice(level: str, cuts: int) -> Boundaries:
    """Libya's outline cut by ``cuts`` x ``cuts`` meridians and parallels, empty pieces dropped."""
    outline = libya_outline().geometries[0]
    west, south, east, north = outline.bounds
    lons, lats = np.linspace(west, east, cuts + 1), np.linspace(south, north, cuts + 1)
    shapes = [
        shapely.clip_by_rect(outline, lons[i], lats[j], lons[i + 1], lats[j + 1])
        for i in range(cuts)
        for j in range(cuts)
    ]
    shapes = [s for s in shapes if not s.is_empty and s.area > 0]
    ids = tuple(f"{level}-{i:03d}" for i in range(len(shapes)))
    return Boundaries(ids, ids, np.array(shapes, dtype=object), level, "synthetic", "", "")


def report(title: str, times: dict[str, list[float]]) -> None:
    """Median time, the rounds' range, and the median of per-round ratios to the first call."""
    base = next(iter(times))
    print(f"\n{title}\n{'computation':<58} {'median s':>9} {'min-max':>13} "
          f"{'ratio':>6} {'ratios min-max':>15}")  # fmt: skip
    for label, found in times.items():
        ratio, each = median_ratios(times, label, base)
        print(f"{label:<58} {statistics.median(found):9.3f} {min(found):6.3f}-{max(found):<6.3f} "
              f"{ratio:6.2f} {each[0]:7.2f}-{each[-1]:<7.2f}")  # fmt: skip


def point_in_polygon(rows: int, repeat: int) -> None:
    box, rng = gazetteer.LIBYA_BOX, np.random.default_rng(0)
    events = pd.DataFrame({
        "latitude": rng.uniform(box.min_lat, box.max_lat, rows),
        "longitude": rng.uniform(box.min_lon, box.max_lon, rows),
        "country": "Libya",
    })  # fmt: skip
    units = lattice("admin2", 12)
    polygons = geopandas.GeoDataFrame({"unit": units.ids}, geometry=list(units.geometries),
                                      crs=4326)  # fmt: skip
    lon, lat = events["longitude"].to_numpy(), events["latitude"].to_numpy()

    def sjoin() -> object:
        points = geopandas.GeoDataFrame(geometry=geopandas.points_from_xy(lon, lat), crs=4326)
        return geopandas.sjoin(points, polygons, predicate="within", how="left")

    ours = polygon_index(units, lon, lat)
    peer = sjoin()
    theirs = peer.groupby(level=0)["index_right"].min().reindex(range(rows)).fillna(-1)
    agree = float((ours == theirs.to_numpy(dtype="int64")).mean())
    print(
        f"point in polygon: {rows:,} points, {len(units)} polygons; "
        f"ours and sjoin agree on {agree:.4%} of points (edges differ: within vs intersects)"
    )
    times = rounds({
        "geopandas.sjoin(points, polygons, predicate='within') (peer)": sjoin,
        "polygon_index(boundaries, lon, lat)": lambda: polygon_index(units, lon, lat),
        "polygon_units(events, boundaries) (units, checks, problems)": lambda: polygon_units(
            events, units
        ),
    }, repeat)  # fmt: skip
    report("Point in polygon (baseline: GeoPandas sjoin)", times)


def peak(call: object) -> tuple[object, float, float]:
    """The call's result, the process's peak resident memory during it, and the rise."""
    reset_peak()
    before = rss_mb("VmRSS")
    result = call()  # type: ignore[operator]
    return result, rss_mb("VmHWM"), rss_mb("VmHWM") - before


def spreading(events: pd.DataFrame, repeat: int) -> None:
    admin1, admin2 = lattice("admin1", 2), lattice("admin2", 5)
    space_only = events.assign(time_precision=1)

    def spread(frame: pd.DataFrame, boundaries: list[Boundaries]) -> pd.DataFrame:
        return libyaevents.aggregate(frame, period="month", level="priogrid",
                                     precision="spread", boundaries=boundaries)  # fmt: skip

    calls = {
        "aggregate(month, priogrid, precision='keep') (baseline)": lambda: libyaevents.aggregate(
            events, period="month", level="priogrid"
        ),
        "precision='spread', no boundaries (discs, outline)": lambda: spread(events, []),
        "precision='spread', admin1 + admin2 polygons": lambda: spread(events, [admin1, admin2]),
        "precision='spread', no boundaries, time_precision 1": lambda: spread(space_only, []),
    }
    for label, call in list(calls.items())[1:]:
        panel, top, rise = peak(call)
        total = panel["events"].sum()  # type: ignore[index]
        print(f"{label}: peak RSS {top:,.0f} MB (+{rise:,.0f} during the call), "
              f"events {total:,.6f}, rows {len(panel):,}")  # type: ignore[arg-type]  # fmt: skip
    report("Spreading over cells (baseline: the grid panel without spreading)",
           rounds(calls, repeat))  # fmt: skip


def panels(events: pd.DataFrame, repeat: int) -> None:
    admin1 = lattice("admin1", 2)
    calls = {
        "aggregate(month, level='admin1') coded (baseline)": lambda: libyaevents.aggregate(
            events, period="month", level="admin1"
        ),
        "aggregate(month, level='priogrid')": lambda: libyaevents.aggregate(
            events, period="month", level="priogrid"
        ),
        "aggregate(month, level='admin1', spatial='polygon')": lambda: libyaevents.aggregate(
            events, period="month", level="admin1", spatial="polygon", boundaries=admin1
        ),
    }
    report("Month panels (baseline: coded admin1)", rounds(calls, repeat))


def main() -> None:
    args = arguments(__doc__, rows=1_000_000, repeat=5)
    print(f"libyaevents {libyaevents.__version__}, shapely {shapely.__version__}, "
          f"rows {args.rows:,}, repeat {args.repeat}")  # fmt: skip
    point_in_polygon(args.rows, args.repeat)
    events = synthetic_dataset(args.rows, seed=0)["events"]
    spreading(events, args.repeat)
    panels(events, args.repeat)


if __name__ == "__main__":
    main()
