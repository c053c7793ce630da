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
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import pandas as pd

from libyaevents import __version__
from libyaevents.analysis.matching import compare_events
from libyaevents.analysis.panels import (
    BREAKDOWNS,
    LEVELS,
    PERIODS,
    PRECISION_MODES,
    aggregate,
    indicators,
)
from libyaevents.analysis.plots import plot_map, plot_timeline
from libyaevents.dataset import events_of
from libyaevents.errors import InputError, LibyaeventsError, ValidationError
from libyaevents.files import atomic_target, write_frame
from libyaevents.formats import parquet
from libyaevents.formats.geo import to_geojson, write_geoparquet
from libyaevents.inputs import open_dataset
from libyaevents.live.acled import fetch_acled
from libyaevents.live.ucdp import fetch_ucdp_ged
from libyaevents.publishing.publish import publish_to_zenodo
from libyaevents.readers.account import Loaded
from libyaevents.readers.acled import write_acled
from libyaevents.readers.coded import Sources, is_sources_folder, read_sources
from libyaevents.readers.detect import (
    is_events_export,
    read_events_export,
    read_table,
)
from libyaevents.releases.card import write_store_page
from libyaevents.releases.release import (
    build_release,
    diff,
    list_releases,
    verify_release,
    write_card,
)
from libyaevents.releases.summary import summarise
from libyaevents.schema.frictionless import write_schemas
from libyaevents.schema.tables import TABLES
from libyaevents.snapshots.reproduce import reproduce
from libyaevents.snapshots.revisions import history, revisions, stability
from libyaevents.snapshots.sync import sync
from libyaevents.synthetic import synthetic_dataset
from libyaevents.validation.validator import ValidationReport, validate

__all__ = ["main"]

EXIT_OK: Final = 0
EXIT_INVALID: Final = 1
EXIT_USAGE: Final = 2

_LARGE: Final = 50 * 10**6  # bytes: inputs this large report progress
_BAR: Final = 30  # characters of the progress bar
_STORE_HELP: Final = "store folder or http(s) URL (default: the releases bundled with the package)"
_INPUT_HELP: Final = (
    "a release version (see --store), a canonical .parquet, or an ACLED / UCDP GED file"
)


def _render(report: ValidationReport, args: argparse.Namespace) -> int:
    """Print the report as asked; return the exit code it implies."""
    if args.format == "json":
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(report.summary(limit=args.limit))
    return EXIT_OK if report.ok else EXIT_INVALID


class _Progress:
    """Phase-by-phase progress on stderr for large inputs (or when asked)."""

    def __init__(self, path: str, forced: bool | None) -> None:
        size = Path(path).stat().st_size if Path(path).is_file() else 0
        self.on = forced if forced is not None else size >= _LARGE
        self.size = size
        self.started = time.perf_counter()

    def phase(self, what: str) -> None:
        if self.on:
            elapsed = time.perf_counter() - self.started
            print(f"libyaevents: [{elapsed:6.1f} s] {what}", file=sys.stderr, flush=True)

    def bar(self, done: int, total: int) -> None:
        """Draw the reading progress as a bar on one line of stderr."""
        share = done / total if total else 1.0
        filled = int(share * _BAR)
        line = f"\rlibyaevents: [{'#' * filled}{'.' * (_BAR - filled)}] {share:4.0%} " + (
            f"{done / 1e6:,.0f}/{total / 1e6:,.0f} MB"
        )
        print(line, end="\n" if done >= total else "", file=sys.stderr, flush=True)


def _load(args: argparse.Namespace, progress: _Progress) -> Loaded:
    progress.phase(f"reading {args.path} ({progress.size / 1e6:,.0f} MB)")
    loaded = read_events_export(args.path, progress.bar if progress.on else None)
    progress.phase(
        f"read {loaded.rows_read:,} rows ({loaded.vintage}): {len(loaded.events):,} events, "
        f"{loaded.rows_reported:,} rows reported"
    )
    return loaded


def _render_load(loaded: Loaded, report: ValidationReport | None, args: argparse.Namespace) -> int:
    if args.format == "json":
        data: dict[str, Any] = {"load": loaded.to_dict()}
        if report is not None:
            data["validation"] = report.to_dict()
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(loaded.summary(limit=args.limit))
        if report is not None:
            print(report.summary(limit=args.limit))
    valid = report is None or report.ok
    return EXIT_OK if loaded.ok and valid else EXIT_INVALID


def _cmd_validate(args: argparse.Namespace) -> int:
    if is_sources_folder(args.path):
        return _render(read_sources(args.path).validate(today=args.today), args)
    if args.table in (None, "events") and is_events_export(args.path):
        progress = _Progress(args.path, args.progress)
        loaded = _load(args, progress)
        progress.phase("validating")
        report = validate(loaded, today=args.today)  # failures name the file line
        progress.phase("done")
        return _render_load(loaded, report, args)
    frame, table = read_table(args.path, args.table)
    return _render(validate(frame, table, today=args.today), args)


def _events_of(name: str, store: str | None) -> pd.DataFrame:
    """Events of whatever :func:`open_dataset` resolves ``name`` to."""
    data = open_dataset(name, store=store)
    if isinstance(data, Loaded) and not data.ok:
        print(
            f"libyaevents: {data.rows_reported:,} rows of {name} could not be read "
            "and are not counted (see `libyaevents convert`)",
            file=sys.stderr,
        )
    return events_of(data, what=name)


def _cmd_aggregate(args: argparse.Namespace) -> int:
    events = _events_of(args.input, args.store)
    if args.indicators:
        panel = indicators(events, period=args.period, level=args.level, min_events=args.min_events)
    else:
        panel = aggregate(
            events,
            period=args.period,
            level=args.level,
            by=args.by or (),
            zero_fill=args.zero_fill,
            precision=args.precision,
            start=args.start,
            end=args.end,
            centroids=args.centroids,
        )
    panel["period"] = panel["period"].dt.strftime("%Y-%m-%d")
    if args.output:
        with atomic_target(args.output) as target:
            panel.to_csv(target, index=False)
        print(f"wrote {len(panel):,} rows to {args.output}")
    else:
        print(panel.to_csv(index=False), end="")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    events = _events_of(args.input, args.store)
    if args.to == "acled-csv":
        write_acled(events, args.output, labels=not args.numeric)
    elif args.to == "geojson":
        to_geojson(events, args.output)
    else:
        write_geoparquet(events, args.output)
    print(f"wrote {len(events):,} events to {args.output} ({args.to})")
    return EXIT_OK


def _cmd_plot(args: argparse.Namespace) -> int:
    events = _events_of(args.input, args.store)
    if args.kind == "timeline":
        path = plot_timeline(events, args.output, period=args.period)
    else:
        path = plot_map(events, args.output)
    print(f"wrote {path}")
    return EXIT_OK


def _cmd_convert(args: argparse.Namespace) -> int:
    if Path(args.output).resolve() == Path(args.path).resolve():
        msg = f"{args.output}: is the input; convert writes Parquet beside it, never over it."
        raise InputError(msg)
    progress = _Progress(args.path, args.progress)
    loaded = _load(args, progress)
    output = Path(args.output)
    actors = Path(args.actors) if args.actors else output.with_name(f"{output.stem}.actors.parquet")
    progress.phase(f"writing {output} and {actors}")
    parquet.write_table(loaded.events, "events", str(output), gaps=True)
    parquet.write_table(loaded.actors, "actors", str(actors), gaps=True)
    progress.phase("done")
    return _render_load(loaded, None, args)


def _cmd_summary(args: argparse.Namespace) -> int:
    summary = summarise(args.release, store=args.store, as_of=args.as_of)
    if args.format == "json":
        print(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(summary.text())
    return EXIT_OK if summary.verified.ok else EXIT_INVALID


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


def _cmd_build(args: argparse.Namespace) -> int:
    data = open_dataset(Path(args.source))  # validated once, by build_release
    cited = data.manifest_sources() if isinstance(data, Sources) else []
    parent = None if args.no_parent else True
    path = build_release(
        data, args.version, store=args.store, parent=parent, today=args.today, sources=cited,
        card=args.card,
    )  # fmt: skip
    print(f"built release {args.version} at {path}")
    return EXIT_OK


def _cmd_card(args: argparse.Namespace) -> int:
    if args.index:
        if not args.store:
            print("libyaevents: card --index needs --store (a local store folder)", file=sys.stderr)
            return EXIT_USAGE
        print(f"wrote {write_store_page(args.store)}")
        return EXIT_OK
    if not args.output:
        print("libyaevents: card needs -o DIR (the folder to write index.html into)",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    page = write_card(args.version, store=args.store, output=args.output, verify=not args.no_verify)
    print(f"wrote {page}")
    return EXIT_OK


def _cmd_verify(args: argparse.Namespace) -> int:
    result = verify_release(args.version, store=args.store)
    if result.ok:
        print(f"release {args.version}: verified (files, hashes, rows, schema, rules)")
        return EXIT_OK
    print(f"release {args.version}: {len(result.problems)} problems")
    for problem in result.messages():
        print(f"  {problem}")
    return EXIT_INVALID


def _cmd_list(args: argparse.Namespace) -> int:
    for version in list_releases(args.store):
        print(version)
    return EXIT_OK


def _cmd_diff(args: argparse.Namespace) -> int:
    changes = diff(args.a, args.b, store=args.store)
    if args.format == "json":
        print(changes.to_json(orient="records", indent=2, force_ascii=False))
    else:
        print(changes.to_csv(index=False), end="")
    return EXIT_OK


def _add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--limit", type=int, default=20, help="failures listed in text output")
    parser.add_argument("--today", help="treat dates after this day (YYYY-MM-DD) as future")


def _add_progress(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    default = f"default: for files over {_LARGE // 10**6} MB"
    group.add_argument(
        "--progress",
        action="store_true",
        default=None,
        help=f"report progress on stderr ({default})",
    )
    group.add_argument("--quiet", dest="progress", action="store_false", help="no progress")


def _pull_progress(forced: bool | None) -> Any:
    """Pages and rows on one line of stderr, on a terminal (or when asked)."""
    if not (forced if forced is not None else sys.stderr.isatty()):
        return None

    def show(pages: int, rows: int) -> None:
        print(f"\rlibyaevents: {pages:,} pages, {rows:,} rows", end="", file=sys.stderr, flush=True)

    return show


def _cmd_fetch(args: argparse.Namespace) -> int:
    progress = _pull_progress(args.progress)
    if args.source == "acled":
        filters = dict(f.split("=", 1) for f in args.filter or [])
        pulled = fetch_acled(
            args.country or None, args.start, args.end, base_url=args.base_url,
            maritime=args.maritime, progress=progress, **filters,
        )  # fmt: skip
    else:
        countries = [int(c) for c in args.country] if args.country else None
        pulled = fetch_ucdp_ged(
            args.version, countries, args.start, args.end, base_url=args.base_url,
            progress=progress, budget=args.budget,
        )  # fmt: skip
    if progress is not None:
        print(file=sys.stderr)
    output = Path(args.output)
    actors = Path(args.actors) if args.actors else output.with_name(f"{output.stem}.actors.parquet")
    parquet.write_table(pulled.events, "events", str(output), gaps=True)
    parquet.write_table(pulled.actors, "actors", str(actors), gaps=True)
    if args.format == "json":
        print(json.dumps(pulled.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(pulled.summary(limit=args.limit))
        print(f"wrote {len(pulled.events):,} events to {output} and the actors to {actors}")
    return EXIT_OK


def _add_fetch_command(sub: Any) -> None:
    fetch = sub.add_parser("fetch", help="pull events from the ACLED or UCDP API into Parquet")
    kinds = fetch.add_subparsers(dest="source", required=True)
    acled = kinds.add_parser("acled", help="ACLED's API (ACLED_USERNAME / ACLED_PASSWORD)")
    acled.add_argument("--country", action="append", help="ACLED country name (repeatable)")
    acled.add_argument(
        "--filter", action="append", metavar="FIELD=VALUE",
        help="another ACLED field, e.g. event_type=Battles (repeatable)",
    )  # fmt: skip
    acled.add_argument("--maritime", action="store_true", help="events at sea as their sea")
    ucdp = kinds.add_parser("ucdp", help="UCDP GED by version (UCDP_API_TOKEN)")
    ucdp.add_argument("version", help="GED version, e.g. 25.1 or 26.0.3")
    ucdp.add_argument("--country", action="append", help="Gleditsch-Ward code (Libya 620)")
    ucdp.add_argument("--budget", type=int, default=5000, help="most requests to send")
    for kind in (acled, ucdp):
        kind.add_argument("--start", type=_day, help="first event day, YYYY-MM-DD")
        kind.add_argument("--end", type=_day, help="last event day, YYYY-MM-DD")
        kind.add_argument("-o", "--output", required=True, help="events Parquet file to write")
        kind.add_argument("--actors", help="actors Parquet file (default: OUTPUT.actors.parquet)")
        kind.add_argument("--base-url", help="API site root (default: the real service)")
        kind.add_argument("--format", choices=("text", "json"), default="text")
        kind.add_argument("--limit", type=int, default=20, help="problems listed in text output")
        kind.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                          help="pages and rows on stderr (default: on a terminal)")  # fmt: skip
        kind.set_defaults(run=_cmd_fetch)


def _sync_query(args: argparse.Namespace) -> dict[str, Any]:
    """The query and client options of ``sync`` from its arguments."""
    if args.source == "file":
        return {"path": args.export}
    query: dict[str, Any] = {"start": args.start, "end": args.end, "base_url": args.base_url,
                             "limit": args.page_rows}  # fmt: skip
    if args.source == "acled":
        query.update(dict(f.split("=", 1) for f in args.filter or []))
        query.update(country=args.country or None, maritime=args.maritime or None)
    else:
        query.update(version=args.version)
        query["country"] = [int(c) for c in args.country] if args.country else None
    return {k: v for k, v in query.items() if v is not None}


def _cmd_sync(args: argparse.Namespace) -> int:
    progress = _pull_progress(args.progress) if args.source != "file" else None
    done = sync(args.store, args.source, full=args.full, check=args.check, progress=progress,
                card=args.card, **_sync_query(args))  # fmt: skip
    if progress is not None:
        print(file=sys.stderr)
    if args.format == "json":
        print(json.dumps(done.to_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        print(done.summary())
    return EXIT_INVALID if done.differences is not None and len(done.differences) else EXIT_OK


def _table_out(frame: pd.DataFrame, fmt: str) -> None:
    if fmt == "json":
        print(frame.to_json(orient="records", indent=2, force_ascii=False, date_format="iso"))
    else:
        print(frame.to_csv(index=False), end="")


def _cmd_history(args: argparse.Namespace) -> int:
    found = history(args.event_id, store=args.store)
    if found.empty:
        print(f"libyaevents: no release in {args.store} ever held {args.event_id}", file=sys.stderr)
        return EXIT_INVALID
    _table_out(found, args.format)
    return EXIT_OK


def _cmd_revisions(args: argparse.Namespace) -> int:
    found = revisions(args.store, period=args.period)
    if args.output:
        print(f"wrote {found.to_file(args.output)}")
    if args.png:
        print(f"wrote {found.plot(args.png)}")
    print(found.by_sync().to_string(index=False))
    top = found.most_changed().head(10)
    if len(top):
        print("columns changed most:")
        print(top.to_string(index=False))
    if len(found.lag):
        lag = found.lag["lag_days"].describe(percentiles=[0.5, 0.9])
        print(f"revision lag (days from event to its last change): median {lag['50%']:.0f}, "
              f"90th percentile {lag['90%']:.0f}, max {lag['max']:.0f}")  # fmt: skip
    return EXIT_OK


def _cmd_stability(args: argparse.Namespace) -> int:
    found = stability(args.store, period=args.period, level=args.level)
    if args.output:
        print(f"wrote {write_frame(found, args.output)}")
    else:
        _table_out(found, "csv")
    return EXIT_OK


def _cmd_reproduce(args: argparse.Namespace) -> int:
    options = {k: v for k, v in {"base_url": args.base_url, "path": args.export}.items() if v}
    result = reproduce(args.manifest, store=args.store, **options)
    print(result.summary(limit=args.limit))
    if args.output:
        target = Path(args.output)
        with atomic_target(target) as tmp:
            (result.cells if result.cells is not None else result.changes).to_csv(tmp, index=False)
        print(f"wrote {target}")
    return EXIT_OK if result.matches else EXIT_INVALID


def _add_snapshot_commands(sub: Any) -> None:
    sync_cmd = sub.add_parser(
        "sync", help="pin what ACLED, UCDP or an export holds now as a release (snapshots)"
    )
    kinds = sync_cmd.add_subparsers(dest="source", required=True)
    acled = kinds.add_parser("acled", help="ACLED's API; incremental after the first sync")
    acled.add_argument("--country", action="append", help="ACLED country name (repeatable)")
    acled.add_argument("--filter", action="append", metavar="FIELD=VALUE",
                       help="another ACLED field (repeatable)")  # fmt: skip
    acled.add_argument("--maritime", action="store_true", help="events at sea as their sea")
    ucdp = kinds.add_parser("ucdp", help="UCDP GED of one version (always a full pull)")
    ucdp.add_argument("version", help="GED version, e.g. 25.1 or 26.0.3")
    ucdp.add_argument("--country", action="append", help="Gleditsch-Ward code (Libya 620)")
    export = kinds.add_parser("file", help="an ACLED or UCDP export downloaded again")
    export.add_argument("export", help="the export file (its modification time is the access)")
    for kind in (acled, ucdp, export):
        kind.add_argument("--store", required=True, help="folder of snapshots (one query each)")
        kind.add_argument("--full", action="store_true", help="re-pull everything")
        kind.add_argument(
            "--check", action="store_true", help="also pull all and report differences (exit 1)"
        )
        kind.add_argument("--format", choices=("text", "json"), default="text")
        kind.add_argument("--card", action="store_true", help="also write the data card")
        if kind is not export:
            kind.add_argument("--start", type=_day, help="first event day, YYYY-MM-DD")
            kind.add_argument("--end", type=_day, help="last event day, YYYY-MM-DD")
            kind.add_argument("--base-url", help="API site root (default: the real service)")
            kind.add_argument("--page-rows", type=int, help="rows per page (default: the API's)")
            kind.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                              help="pages and rows on stderr (default: on a terminal)")  # fmt: skip
        kind.set_defaults(run=_cmd_sync)

    hist = sub.add_parser("history", help="every version of one event across a store's snapshots")
    hist.add_argument("event_id", help="an event_id_cnty")
    hist.add_argument("--store", required=True, help=_STORE_HELP)
    hist.add_argument("--format", choices=("csv", "json"), default="csv")
    hist.set_defaults(run=_cmd_history)

    rev = sub.add_parser("revisions", help="what each sync added, edited and deleted")
    rev.add_argument("--store", required=True, help=_STORE_HELP)
    rev.add_argument("--period", choices=PERIODS, default="week", help="event period")
    rev.add_argument("-o", "--output", help="the table as .csv or .parquet")
    rev.add_argument("--png", help="a chart of the revisions per sync")
    rev.set_defaults(run=_cmd_revisions)

    stab = sub.add_parser("stability", help="how far a panel moved between snapshots")
    stab.add_argument("--store", required=True, help=_STORE_HELP)
    stab.add_argument("--period", choices=PERIODS, default="month")
    stab.add_argument("--level", choices=LEVELS, default="admin1")
    stab.add_argument("-o", "--output", help=".csv or .parquet (default: CSV on stdout)")
    stab.set_defaults(run=_cmd_stability)

    rep = sub.add_parser(
        "reproduce", help="re-pull a published snapshot and compare (exit 1: differs)"
    )
    rep.add_argument("manifest", help="the published datapackage.json (fingerprints beside it)")
    rep.add_argument("--store", required=True, help="your store of snapshots of this query")
    rep.add_argument("--base-url", help="API site root (default: the real service)")
    rep.add_argument("--export", help="for a file snapshot: your copy of the export")
    rep.add_argument("-o", "--output", help="CSV of what changed")
    rep.add_argument("--limit", type=int, default=20, help="ids listed")
    rep.set_defaults(run=_cmd_reproduce)


def _day(text: str) -> str:
    """An argparse type: a calendar day, or a usage error (exit 2)."""
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        msg = f"not a day {text!r}: expected YYYY-MM-DD"
        raise argparse.ArgumentTypeError(msg) from None


def _add_summary_command(sub: Any) -> None:
    summary = sub.add_parser(
        "summary", help="load, verify and summarise a release (the latest bundled one)"
    )
    summary.add_argument("release", nargs="?", help="version (default: the latest)")
    summary.add_argument("--store", help=_STORE_HELP)
    summary.add_argument("--as-of", help="day for 'measures in force' (default: release date)")
    summary.add_argument("--format", choices=("text", "json"), default="text")
    summary.set_defaults(run=_cmd_summary)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="libyaevents", description="Libya conflict events in ACLED style."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    _add_summary_command(sub)

    val = sub.add_parser("validate", help="validate a table file or a coded sources folder")
    val.add_argument(
        "path",
        help="CSV or .parquet file in the canonical schema, or a folder "
        "of coded sources (actors.toml, places.toml, reports/)",
    )
    val.add_argument("--table", choices=tuple(TABLES), help="guessed from the id column")
    _add_output(val)
    _add_progress(val)
    val.set_defaults(run=_cmd_validate)

    conv = sub.add_parser(
        "convert", help="convert an ACLED export (any vintage) or a UCDP GED file to Parquet"
    )
    conv.add_argument("path", help="ACLED export or UCDP GED CSV (detected from the header)")
    conv.add_argument("-o", "--output", required=True, help="events Parquet file to write")
    conv.add_argument("--actors", help="actors Parquet file (default: OUTPUT.actors.parquet)")
    conv.add_argument("--format", choices=("text", "json"), default="text")
    conv.add_argument("--limit", type=int, default=20, help="problems listed in text output")
    _add_progress(conv)
    conv.set_defaults(run=_cmd_convert)

    demo = sub.add_parser("demo", help="generate a synthetic dataset and validate it")
    demo.add_argument("--events", type=int, default=10_000)
    demo.add_argument("--seed", type=int, default=0)
    _add_output(demo)
    demo.set_defaults(run=_cmd_demo)

    _add_release_commands(sub)
    _add_aggregate_command(sub)
    _add_fetch_command(sub)
    _add_snapshot_commands(sub)
    _add_compare_command(sub)
    exp = sub.add_parser("export", help="events as an ACLED CSV, GeoJSON or GeoParquet file")
    exp.add_argument("input", help=_INPUT_HELP)
    exp.add_argument("--store", help=_STORE_HELP)
    exp.add_argument("--to", choices=("acled-csv", "geojson", "geoparquet"), required=True)
    exp.add_argument("--numeric", action="store_true", help="acled-csv: actor types as codes")
    exp.add_argument("-o", "--output", required=True)
    exp.set_defaults(run=_cmd_export)
    plot = sub.add_parser("plot", help="a timeline or a map as PNG (needs the plot extra)")
    plot.add_argument("kind", choices=("timeline", "map"))
    plot.add_argument("input", help=_INPUT_HELP)
    plot.add_argument("--store", help=_STORE_HELP)
    plot.add_argument("--period", choices=("week", "month", "year"), default="month")
    plot.add_argument("-o", "--output", required=True, help="PNG to write")
    plot.set_defaults(run=_cmd_plot)

    schema = sub.add_parser("schema", help="describe the tables; --write regenerates files")
    schema.add_argument("--write", action="store_true")
    schema.add_argument("--schemas", default="schemas", help="folder for <table>.json")
    schema.add_argument("--codebook", default="docs/codebook.md")
    schema.set_defaults(run=_cmd_schema)
    return parser


def _cmd_compare(args: argparse.Namespace) -> int:
    result = compare_events(
        _events_of(args.left, args.store),
        _events_of(args.right, args.store),
        days=args.days,
        km=args.km,
        same=None if args.same == "none" else args.same,
        widen=args.widen,
        names=(args.left, args.right),
    )
    for path, frame in ((args.output, result.matches), (args.unmatched, result.unmatched)):
        if path:
            frame.to_csv(path, index=False)
    if args.merged:
        merged = result.merged()
        if args.merged.endswith(".csv"):
            merged.to_csv(args.merged, index=False)
        else:
            merged.to_parquet(args.merged, index=False)
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(result.summary())
        written = (
            (args.output, "matched pairs"),
            (args.unmatched, "unmatched events"),
            (args.merged, "merged events"),
        )
        for path, what in written:
            if path:
                print(f"wrote the {what} to {path}")
    return EXIT_OK


def _add_compare_command(sub: Any) -> None:
    cmp = sub.add_parser("compare", help="which events two datasets share (location, time, type)")
    cmp.add_argument("left", help=_INPUT_HELP)
    cmp.add_argument("right", help=_INPUT_HELP)
    cmp.add_argument("--store", help=_STORE_HELP)
    cmp.add_argument("--days", type=int, default=1, help="largest date difference (default 1)")
    cmp.add_argument("--km", type=float, default=10.0, help="largest distance (default 10)")
    cmp.add_argument(
        "--same",
        choices=("event_type", "disorder_type", "none"),
        default="event_type",
        help="column a pair must agree on",
    )
    cmp.add_argument(
        "--no-widen",
        dest="widen",
        action="store_false",
        help="no wider windows for time/geo precision 2 and 3",
    )
    cmp.add_argument("-o", "--output", help="CSV of the matched pairs")
    cmp.add_argument("--unmatched", help="CSV of the unmatched events with reasons")
    cmp.add_argument(
        "--merged",
        help="both datasets as one event list, each shared event "
        "once, with dataset and matched_id columns (.parquet, or .csv)",
    )
    cmp.add_argument("--format", choices=("text", "json"), default="text")
    cmp.set_defaults(run=_cmd_compare)


def _add_aggregate_command(sub: Any) -> None:
    agg = sub.add_parser("aggregate", help="events and fatalities per period and area (a panel)")
    agg.add_argument("input", help=_INPUT_HELP)
    agg.add_argument("--store", help=_STORE_HELP)
    weeks = "week: ACLED's Saturday-Friday weeks, labelled by the Saturday"
    agg.add_argument("--period", choices=PERIODS, default="week", help=weeks)
    agg.add_argument("--level", choices=LEVELS, default="admin1")
    agg.add_argument(
        "--by", action="append", choices=BREAKDOWNS, help="break down by this column (repeatable)"
    )
    agg.add_argument(
        "--zero-fill",
        action="store_true",
        help="every unit x period in range, 0 where nothing happened",
    )
    coarse = "events less precise than the panel: keep, exclude or spread"
    agg.add_argument("--precision", choices=PRECISION_MODES, default="keep", help=coarse)
    agg.add_argument(
        "--centroids",
        action="store_true",
        help="add the mean latitude and longitude of each row's events",
    )
    agg.add_argument("--start", help="first day (YYYY-MM-DD)")
    agg.add_argument("--end", help="last day (YYYY-MM-DD)")
    instead = "deadliness, danger, diffusion, fragmentation instead of counts"
    agg.add_argument("--indicators", action="store_true", help=instead)
    agg.add_argument(
        "--min-events",
        type=int,
        default=10,
        help="events a ~10 km cell needs to count in diffusion",
    )
    agg.add_argument("-o", "--output", help="CSV to write (default: standard output)")
    agg.set_defaults(run=_cmd_aggregate)


def _add_release_commands(sub: Any) -> None:
    release = sub.add_parser("release", help="build, verify and list data releases")
    rsub = release.add_subparsers(dest="release_command", required=True)

    build = rsub.add_parser("build", help="validate a source folder and build a release")
    build.add_argument(
        "source",
        help="coded sources folder, or a folder with events, actors and measures (.csv/.parquet)",
    )
    build.add_argument("--version", required=True, help="MAJOR.MINOR.PATCH")
    build.add_argument("--store", required=True, help="folder of releases")
    build.add_argument("--no-parent", action="store_true", help="no change table parent")
    build.add_argument("--today", help="validation date (YYYY-MM-DD)")
    build.add_argument("--card", action="store_true", help="also write the data card")
    build.set_defaults(run=_cmd_build)

    card = sub.add_parser("card", help="a release's data card (HTML), or a store's index page")
    card.add_argument("version", nargs="?", help="version (default: the latest)")
    card.add_argument("--store", help=_STORE_HELP)
    card.add_argument("-o", "--output", help="folder to write index.html into")
    card.add_argument("--index", action="store_true", help="write the store's index.html")
    card.add_argument("--no-verify", action="store_true", help="do not verify first")
    card.set_defaults(run=_cmd_card)

    verify = rsub.add_parser("verify", help="check a release's files, hashes, rows and rules")
    verify.add_argument("version")
    verify.add_argument("--store", help=_STORE_HELP)
    verify.set_defaults(run=_cmd_verify)

    _add_publish_command(rsub)

    listing = rsub.add_parser("list", help="list the versions in a store")
    listing.add_argument("--store", help=_STORE_HELP)
    listing.set_defaults(run=_cmd_list)

    changes = sub.add_parser("diff", help="what changed between two releases")
    changes.add_argument("a")
    changes.add_argument("b")
    changes.add_argument("--store", help=_STORE_HELP)
    changes.add_argument("--format", choices=("csv", "json"), default="csv")
    changes.set_defaults(run=_cmd_diff)


def _cmd_publish(args: argparse.Namespace) -> int:
    rows = {"data": True, "recipe": False}.get(args.contents)
    done = publish_to_zenodo(args.version, store=args.store, sandbox=args.sandbox,
                             community=args.community, rows=rows)  # fmt: skip
    print(done.summary())
    return EXIT_OK


def _add_publish_command(rsub: Any) -> None:
    pub = rsub.add_parser(
        "publish", help="publish a release on Zenodo with a DOI (ZENODO_TOKEN; the recipe only "
        "where the data may not be redistributed)",
    )  # fmt: skip
    pub.add_argument("version")
    pub.add_argument("--store", help="store folder (default: the releases bundled)")
    pub.add_argument("--to", choices=("zenodo",), required=True, help="where to publish")
    pub.add_argument("--sandbox", action="store_true", help="Zenodo's sandbox (test DOIs)")
    pub.add_argument("--community", help="a Zenodo community to submit the record to")
    pub.add_argument(
        "--contents", choices=("licence", "data", "recipe"), default="licence",
        help="what goes up: as the licence allows (default), the data (refused where the "
        "licence forbids it) or the recipe only",
    )  # fmt: skip
    pub.set_defaults(run=_cmd_publish)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        code: int = args.run(args)
    except ValidationError as exc:  # e.g. a release build refusing invalid data
        print(f"libyaevents: invalid data:\n{exc}", file=sys.stderr)
        return EXIT_INVALID
    except LibyaeventsError as exc:
        print(f"libyaevents: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader stopped reading (`| head`): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush is quiet
        return EXIT_OK
    return code


if __name__ == "__main__":
    raise SystemExit(main())
