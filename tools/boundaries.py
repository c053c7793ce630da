"""Build the boundary files libyaevents bundles, from Natural Earth via world-atlas.

Reads the npm package ``world-atlas`` 2.0.2 (Natural Earth 4.1.0 vectors as
TopoJSON; get it with ``npm pack world-atlas@2.0.2``), decodes the TopoJSON arcs
of ``countries-10m.json`` (delta-encoded quantized positions, then the file's
``transform``) and writes, under ``libyaevents/data/boundaries/``:

- ``libya-admin0.geojson``: Libya's outline (Natural Earth 1:10m Admin 0,
  ISO 3166 numeric 434);
- ``libya-land.geojson``: the land of Natural Earth's 1:10m ``land`` object within
  a box around Libya (coasts of Tunisia, Egypt, Malta, Sicily, Crete), which tells
  events in the sea off Libya from events on a neighbour's land;
- ``PROVENANCE.json``: source, licence, extraction date, the sha256 of the input
  package and file, and the sha256 of each file written.

Natural Earth is in the public domain; world-atlas is ISC-licensed (Mike Bostock).
The output is deterministic: running the tool again on the same package gives
the same bytes (the test suite checks this when the package is at hand).

Usage::

    python tools/boundaries.py world-atlas-2.0.2.tgz [--out libyaevents/data/boundaries]

Needs shapely (the ``geo`` extra) for the land clip.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tarfile
from pathlib import Path
from typing import Any, Final

import shapely

SOURCE: Final = "Natural Earth 4.1.0, 1:10m Cultural Vectors, Admin 0 - Countries"
LAND_SOURCE: Final = "Natural Earth 4.1.0, 1:10m land (merged Admin 0 countries)"
VIA: Final = "npm package world-atlas 2.0.2 (package/countries-10m.json), TopoJSON"
LICENCE: Final = (
    "Natural Earth: public domain (naturalearthdata.com/about/terms-of-use); "
    "world-atlas packaging: ISC licence, Copyright 2013-2019 Michael Bostock"
)
#: The day the files were extracted (fixed, so that a rerun gives the same bytes).
EXTRACTED: Final = "2026-12-07"
MEMBER: Final = "package/countries-10m.json"
LIBYA_ISO_N3: Final = "434"
#: (min_lon, min_lat, max_lon, max_lat) of the land kept around Libya.
LAND_BOX: Final = (5.0, 17.0, 30.0, 38.0)
DIGITS: Final = 5  # 1e-5 degrees ~ 1 m; the quantization step is ~0.002 degrees
DEFAULT_OUT: Final = Path(__file__).resolve().parents[1] / "libyaevents" / "data" / "boundaries"


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Every arc of a quantized topology as absolute (longitude, latitude) positions."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """A closed ring from arc indexes (``~i`` is arc ``i`` reversed); shared ends kept once."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def geometry(obj: dict[str, Any], arcs: list[list[tuple[float, float]]]) -> dict[str, Any]:
    """A TopoJSON Polygon or MultiPolygon as a GeoJSON geometry."""
    if obj["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r, arcs) for r in obj["arcs"]]}
    if obj["type"] == "MultiPolygon":
        polygons = [[ring(r, arcs) for r in polygon] for polygon in obj["arcs"]]
        return {"type": "MultiPolygon", "coordinates": polygons}
    msg = f"expected a Polygon or MultiPolygon, found {obj['type']!r}"
    raise ValueError(msg)


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, DIGITS)
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def collection(features: list[dict[str, Any]]) -> bytes:
    """A FeatureCollection as compact JSON, one feature per line (stable bytes)."""
    lines = [json.dumps(f, separators=(",", ":"), sort_keys=True) for f in features]
    return ('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n").encode()


def libya(topology: dict[str, Any], arcs: list[list[tuple[float, float]]]) -> dict[str, Any]:
    """Libya's feature (found by ISO 3166 numeric id 434, checked by name)."""
    found = [
        g for g in topology["objects"]["countries"]["geometries"] if g.get("id") == LIBYA_ISO_N3
    ]
    if len(found) != 1 or found[0]["properties"].get("name") != "Libya":
        msg = f"expected one country with id {LIBYA_ISO_N3} named Libya; found {found!r:.200}"
        raise ValueError(msg)
    shape = geometry(found[0], arcs)
    properties = {"id": "LBY", "name": "Libya", "iso_n3": LIBYA_ISO_N3, "level": "admin0"}
    return {"type": "Feature", "properties": properties, "geometry": _rounded(shape)}


def land(topology: dict[str, Any], arcs: list[list[tuple[float, float]]]) -> dict[str, Any]:
    """Natural Earth's land within :data:`LAND_BOX`, as one MultiPolygon feature."""
    polygons = []
    for shape in topology["objects"]["land"]["geometries"]:
        coordinates = geometry(shape, arcs)["coordinates"]
        for rings in [coordinates] if shape["type"] == "Polygon" else coordinates:
            kept = [r for r in rings if len(r) >= 4]  # a 10m islet can collapse to a point
            if kept and len(kept[0]) == len(rings[0]):
                polygons.append(shapely.Polygon(kept[0], kept[1:]))
    near = [p for p in polygons if p.intersects(shapely.box(*LAND_BOX))]
    merged = shapely.union_all(shapely.make_valid(near))
    clipped = shapely.normalize(shapely.clip_by_rect(merged, *LAND_BOX))
    shape = _rounded(shapely.geometry.mapping(shapely.MultiPolygon(_parts(clipped))))
    properties = {"id": "land", "name": "land near Libya", "box": list(LAND_BOX)}
    return {"type": "Feature", "properties": properties, "geometry": shape}


def _parts(shape: Any) -> list[Any]:
    return [p for p in shapely.get_parts(shape) if p.geom_type == "Polygon" and not p.is_empty]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(package: Path, out: Path) -> dict[str, Any]:
    """Write the boundary files and their provenance from the world-atlas package."""
    packed = package.read_bytes()
    with tarfile.open(package) as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            msg = f"{package}: no {MEMBER} in it; expected the npm package world-atlas 2.0.2"
            raise ValueError(msg)
        raw = member.read()
    topology = json.loads(raw)
    arcs = decode_arcs(topology)
    files = {
        "libya-admin0.geojson": (collection([libya(topology, arcs)]), SOURCE),
        "libya-land.geojson": (collection([land(topology, arcs)]), LAND_SOURCE),
    }
    out.mkdir(parents=True, exist_ok=True)
    provenance: dict[str, Any] = {
        "tool": "tools/boundaries.py",
        "input": {
            "package": VIA,
            "package_sha256": sha256(packed),
            "file": MEMBER,
            "file_sha256": sha256(raw),
            "reproduce": "npm pack world-atlas@2.0.2",
        },
        "licence": LICENCE,
        "extracted": EXTRACTED,
        "files": {},
    }
    for name, (data, source) in files.items():
        (out / name).write_bytes(data)
        provenance["files"][name] = {"source": source, "sha256": sha256(data)}
    text = json.dumps(provenance, indent=2, sort_keys=True) + "\n"
    (out / "PROVENANCE.json").write_text(text, encoding="utf-8")
    return provenance


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="world-atlas-2.0.2.tgz (npm pack)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    provenance = build(args.package, args.out)
    for name, entry in provenance["files"].items():
        print(f"{args.out / name}  sha256 {entry['sha256']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
