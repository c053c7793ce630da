"""The ``libyaevents`` command line: parse, call one public function, render.

Exit codes: 0 success (valid), 1 invalid data, 2 unreadable input or usage error.

Examples
--------
>>> from libyaevents.cli import main
>>> main(["demo", "--events", "300", "--today", "2026-01-01"])
valid: 300 events, 20 actors, ... measures checked, no failures
0
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from libyaevents import __version__
from libyaevents.errors import LibyaeventsError
from libyaevents.export import write_schemas
from libyaevents.io import read_table
from libyaevents.synthetic import synthetic_dataset
from libyaevents.tables import TABLES
from libyaevents.validation import ValidationReport, validate

__all__ = ["main"]

EXIT_OK: Final = 0
EXIT_INVALID: Final = 1
EXIT_USAGE: Final = 2


def _render(report: ValidationReport, args: argparse.Namespace) -> int:
    """Print the report as asked; return the exit code it implies."""
    if args.format == "json":
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(report.summary(limit=args.limit))
    return EXIT_OK if report.ok else EXIT_INVALID


def _cmd_validate(args: argparse.Namespace) -> int:
    frame, table = read_table(args.path, args.table)
    return _render(validate(frame, table, today=args.today), args)


def _cmd_demo(args: argparse.Namespace) -> int:
    dataset = synthetic_dataset(args.events, seed=args.seed)
    return _render(validate(dataset, today=args.today), args)


def _cmd_schema(args: argparse.Namespace) -> int:
    if args.write:
        for path in write_schemas(Path(args.schemas), Path(args.codebook)):
            print(f"wrote {path}")
        return EXIT_OK
    for spec in TABLES.values():
        print(
            f"{spec.name}: {len(spec.fields)} columns, {len(spec.rules)} row rules - {spec.title}"
        )
    return EXIT_OK


def _add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--limit", type=int, default=20, help="failures listed in text output")
    parser.add_argument("--today", help="treat dates after this day (YYYY-MM-DD) as future")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="libyaevents", description="Libya conflict events in ACLED style."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    val = sub.add_parser("validate", help="validate a CSV or Parquet table")
    val.add_argument("path", help="CSV or .parquet file in the canonical schema")
    val.add_argument("--table", choices=tuple(TABLES), help="guessed from the id column")
    _add_output(val)
    val.set_defaults(run=_cmd_validate)

    demo = sub.add_parser("demo", help="generate a synthetic dataset and validate it")
    demo.add_argument("--events", type=int, default=10_000)
    demo.add_argument("--seed", type=int, default=0)
    _add_output(demo)
    demo.set_defaults(run=_cmd_demo)

    schema = sub.add_parser("schema", help="describe the tables; --write regenerates files")
    schema.add_argument("--write", action="store_true")
    schema.add_argument("--schemas", default="schemas", help="folder for <table>.json")
    schema.add_argument("--codebook", default="docs/codebook.md")
    schema.set_defaults(run=_cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        code: int = args.run(args)
    except LibyaeventsError as exc:
        print(f"libyaevents: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return code


if __name__ == "__main__":
    raise SystemExit(main())
