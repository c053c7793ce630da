"""Language-neutral exports of the schema: Frictionless Table Schema and the codebook.

Both are generated from the table specs; ``schemas/*.json`` and
``docs/codebook.md`` in the repository are their output, and a test fails when
they drift. Regenerate with ``libyaevents schema --write``.

Examples
--------
>>> from libyaevents.schema.frictionless import table_schema
>>> ts = table_schema("measures")
>>> ts["primaryKey"], ts["foreignKeys"][0]["reference"]
('measure_id', {'resource': 'events', 'fields': 'event_id_cnty'})
>>> [f for f in ts["fields"] if f["name"] == "status"][0]["constraints"]["enum"][:2]
['Proposed', 'Blocked']
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from libyaevents.problems import PROBLEM_CODES, PROBLEM_COLUMNS
from libyaevents.schema.models import get_table
from libyaevents.schema.spec import COLUMN_RULES, Field, TableSpec
from libyaevents.schema.tables import TABLES
from libyaevents.vocab import actortypes, codes, gazetteer, measures, taxonomy

__all__ = ["codebook_markdown", "table_schema", "table_schema_json", "write_schemas"]

_FRICTIONLESS_TYPE: Final = {
    "string": "string",
    "category": "string",
    "int8": "integer",
    "int16": "integer",
    "int32": "integer",
    "int64": "integer",
    "float64": "number",
    "date": "date",
}


def _xsd_pattern(pattern: str) -> str:
    """Frictionless patterns are implicitly anchored: drop our anchors."""
    return pattern.removeprefix("^").removesuffix(r"\Z")


def _constraints(field: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"required": not field.nullable}
    if field.unique:
        out["unique"] = True
    if field.categories is not None:
        out["enum"] = list(field.categories)
    if field.values is not None:
        out["enum"] = list(field.values)
    if field.minimum is not None:
        out["minimum"] = field.minimum
    if field.maximum is not None:
        out["maximum"] = field.maximum
    if field.pattern is not None:
        out["pattern"] = _xsd_pattern(field.pattern)
    return out


def _field_json(field: Field) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": field.name,
        "type": _FRICTIONLESS_TYPE[field.kind],
        "description": field.description,
        "constraints": _constraints(field),
        "x-libyaevents-storage": field.kind,
    }
    closed = field.categories if field.categories is not None else field.values
    if closed is not None and field.kind == "category":  # Table Schema v2: a closed vocabulary
        out["categories"] = list(closed)
    if not field.required:
        out["x-libyaevents-optional-column"] = True
    if field.is_list:
        out["x-libyaevents-list-separator"] = "; "
    return out


def table_schema(table: str | TableSpec) -> dict[str, Any]:
    """Return a table's Frictionless Table Schema as a dict.

    Parameters
    ----------
    table : str or TableSpec
        ``events``, ``actors`` or ``measures``.
    """
    spec = get_table(table)
    foreign = [
        {"fields": column, "reference": {"resource": ref_table, "fields": ref_column}}
        for column, (ref_table, ref_column) in spec.foreign_keys.items()
    ]
    return {
        "name": spec.name,
        "title": spec.title,
        "fields": [_field_json(f) for f in spec.fields],
        "missingValues": [""],
        "primaryKey": spec.primary_key,
        "foreignKeys": foreign,
        "x-libyaevents-rules": [
            {"code": r.code, "column": r.column, "message": r.message} for r in spec.rules
        ],
    }


def table_schema_json(table: str | TableSpec) -> str:
    """Return the Table Schema as the exact text stored in ``schemas/``."""
    return json.dumps(table_schema(table), indent=2, ensure_ascii=False) + "\n"


def write_schemas(schemas_dir: Path, codebook: Path) -> list[Path]:
    """Write ``schemas/<table>.json`` and the codebook; return the paths written."""
    schemas_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLES:
        path = schemas_dir / f"{name}.json"
        path.write_text(table_schema_json(name), encoding="utf-8")
        written.append(path)
    codebook.parent.mkdir(parents=True, exist_ok=True)
    codebook.write_text(codebook_markdown(), encoding="utf-8")
    return [*written, codebook]


# -- codebook ---------------------------------------------------------------------


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|")


def _md_table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def _allowed(field: Field) -> str:
    if field.categories is not None:
        return (
            f"{len(field.categories)} values (see vocabularies)"
            if len(field.categories) > 8
            else ", ".join(field.categories)
        )
    if field.values is not None:
        return ", ".join(map(str, field.values)) if len(field.values) <= 10 else "see below"
    parts = []
    if field.minimum is not None:
        parts.append(f">= {field.minimum:g}")
    if field.maximum is not None:
        parts.append(f"<= {field.maximum:g}")
    if field.pattern is not None:
        parts.append(f"`{_xsd_pattern(field.pattern)}`")
    if field.is_list:
        parts.append("list joined by '; '")
    return "; ".join(parts)


def _table_section(spec: TableSpec) -> list[str]:
    lines = [f"## {spec.name}", "", spec.title + ".", "", f"Primary key: `{spec.primary_key}`.", ""]
    rows: list[tuple[object, ...]] = [
        (
            f"`{f.name}`",
            f.kind,
            "yes" if f.required else "optional",
            "yes" if f.nullable else "no",
            _allowed(f),
            f.description,
        )
        for f in spec.fields
    ]
    lines += _md_table(
        ("column", "storage", "column required", "empty allowed", "allowed", "meaning"), rows
    )
    lines += ["Row rules:", ""]
    lines += _md_table(
        ("code", "reported on", "rule"), [(f"`{r.code}`", r.column, r.message) for r in spec.rules]
    )
    return lines


def _vocab_section() -> list[str]:
    lines = ["## Vocabularies", "", "### Event taxonomy", ""]
    lines += _md_table(
        ("event_type", "sub_event_type", "disorder_type"),
        [
            (taxonomy.EVENT_TYPE_OF[s], s, taxonomy.DISORDER_TYPE_OF[s])
            for s in taxonomy.SUB_EVENT_TYPES
        ],
    )
    lines += [
        f"`civilian_targeting` is `{taxonomy.CIVILIAN_TARGETING}` or empty; required on: "
        + ", ".join(sorted(taxonomy.CIVILIAN_TARGETING_REQUIRED))
        + "; allowed on: "
        + ", ".join(sorted(taxonomy.CIVILIAN_TARGETING_ALLOWED))
        + ".",
        "",
        "### Actor types and interactions",
        "",
    ]
    lines += _md_table(("inter", "actor type"), list(actortypes.INTER_LABEL.items()))
    lines += _md_table(("interaction", "label"), list(actortypes.INTERACTION_LABEL.items()))
    lines += ["### Precision codes", ""]
    lines += _md_table(("time_precision", "meaning"), list(codes.TIME_PRECISION.items()))
    lines += _md_table(("geo_precision", "meaning"), list(codes.GEO_PRECISION.items()))
    lines += [
        "`source_scale` is one of " + ", ".join(codes.SOURCE_SCALES)
        + ", or two different ones joined by `-`.",
        "",
        "### Libya gazetteer",
        "",
        f"Country `{gazetteer.COUNTRY}`, iso {gazetteer.ISO}, region `{gazetteer.REGION}`; "
        f"bounding box longitude {gazetteer.LIBYA_BOX.min_lon} to {gazetteer.LIBYA_BOX.max_lon}, "
        f"latitude {gazetteer.LIBYA_BOX.min_lat} to {gazetteer.LIBYA_BOX.max_lat}.",
        "",
    ]  # fmt: skip
    lines += _md_table(("admin2 (district)", "admin1"), list(gazetteer.ADMIN1_OF.items()))
    lines += _md_table(("alias", "district"), sorted(gazetteer.ADMIN2_ALIASES.items()))
    lines += ["### Measures", ""]
    lines += _md_table(("measure_type", "meaning"), list(measures.MEASURE_TYPE_MEANING.items()))
    lines += _md_table(("status", "meaning"), list(measures.STATUS_MEANING.items()))
    return lines


def _problem_section() -> list[str]:
    lines = [
        "## Problem codes",
        "",
        "Every report (validation failures, reader problems and notes, release",
        "verification, unmatched events of a comparison) is one table with the columns",
        f"{', '.join(f'`{c}`' for c in PROBLEM_COLUMNS)}.",
        "Besides the rule codes above, its `code` column takes these values:",
        "",
    ]
    rows: list[tuple[object, ...]] = [
        (f"`{c.code}`", c.severity, c.reported_by, c.meaning) for c in PROBLEM_CODES.values()
    ]
    return lines + _md_table(("code", "severity", "reported by", "meaning"), rows)


def codebook_markdown() -> str:
    """Return ``docs/codebook.md``: tables, rules and vocabularies, generated."""
    lines = [
        "# Codebook",
        "",
        "Generated from the schema by `libyaevents schema --write`; do not edit by hand",
        "(a test fails when this file and the code disagree).",
        "",
        "## Rule codes shared by all tables",
        "",
    ]
    lines += _md_table(("code", "meaning"), [(f"`{c}`", m) for c, m in COLUMN_RULES.items()])
    for spec in TABLES.values():
        lines += _table_section(spec)
    lines += _problem_section()
    lines += _vocab_section()
    return "\n".join(lines).rstrip() + "\n"
