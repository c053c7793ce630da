"""The ``libyaevents`` command line: parse, call one public function, render.

Exit codes: 0 success (valid), 1 invalid data, 2 unreadable input or usage error,
130 interrupted (Ctrl-C; one line on stderr says what was kept).

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
import io
import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final, NoReturn

import pandas as pd

from libyaevents import __version__
from libyaevents.analysis.hexagons import h3_resolution
from libyaevents.analysis.matching import compare_events
from libyaevents.analysis.panels import (
    BREAKDOWNS,
    GRID_LEVELS,
    LEVELS,
    PERIODS,
    PRECISION_MODES,
    aggregate,
    indicators,
)
from libyaevents.analysis.plots import plot_map, plot_timeline
from libyaevents.coding.agreement import agree_codings
from libyaevents.coding.check import check_coding
from libyaevents.coding.conventions import markdown, write_manual
from libyaevents.coding.merge import adjudicate
from libyaevents.coding.skeleton import new_report
from libyaevents.dataset import events_of
from libyaevents.errors import AdjudicationError, InputError, LibyaeventsError, ValidationError
from libyaevents.files import TABLE_SUFFIXES, atomic_target, output_file, write_frame
from libyaevents.formats import parquet
from libyaevents.formats.geo import to_geojson, write_geoparquet
from libyaevents.inputs import open_dataset
from libyaevents.live.acled import PAGE_ROWS, fetch_acled
from libyaevents.live.ucdp import PAGE_ROWS as UCDP_PAGE_ROWS
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
from libyaevents.releases.build import build_release
from libyaevents.releases.card import write_store_page
from libyaevents.releases.release import diff, list_releases, write_card
from libyaevents.releases.stores import WRITER_WAIT, LocalStore
from libyaevents.releases.summary import summarise
from libyaevents.releases.verify import verify_release
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
EXIT_INTERRUPTED: Final = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C

_LARGE: Final = 50 * 10**6  # bytes: inputs this large report progress
_BAR: Final = 30  # characters of the progress bar
_STORE_HELP: Final = "store folder or http(s) URL (default: the releases bundled with the package)"
_OUTPUT_HELP: Final = "events file to write: .parquet or .csv (the suffix says which)"
_ACTORS_HELP: Final = "actors file (default: OUTPUT.actors.parquet or .csv, as OUTPUT)"
_WAIT_HELP: Final = (
    f"seconds to wait for another sync or build of the store (default {WRITER_WAIT:g})"
)
_INPUT_HELP: Final = (
    "a release version (see --store), a canonical .parquet, or an ACLED / UCDP GED file"
)


def _render(report: ValidationReport, args: argparse.Namespace) -> int:
    """Print the report as asked; return the exit code it implies."""
    if args.format == "json":
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(report.summary(limit=args.show))
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
        print(loaded.summary(limit=args.show))
        if report is not None:
            print(report.summary(limit=args.show))
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


def _destinations(*paths: str | None, table: bool = False) -> None:
    """Check the files a command will write before its work: not a folder, in one that exists.

    ``table``: a table written as its suffix says (``.csv`` or ``.parquet``).
    """
    for path in paths:
        if path:
            output_file(path, suffixes=TABLE_SUFFIXES if table else None)


def _cmd_aggregate(args: argparse.Namespace) -> int:
    _destinations(args.output)
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
            cells=args.box,
        )
        _tell_left_out(panel.attrs)
    suffix = Path(args.output).suffix.lower() if args.output else ""
    if args.level in GRID_LEVELS and suffix in (".geojson", ".parquet"):  # cells as polygons
        (to_geojson if suffix == ".geojson" else write_geoparquet)(panel, args.output)
        print(f"wrote {len(panel):,} rows to {args.output} (cells as polygons)")
        return EXIT_OK
    panel["period"] = panel["period"].dt.strftime("%Y-%m-%d")
    if args.output:
        with atomic_target(args.output) as target:
            panel.to_csv(target, index=False)
        print(f"wrote {len(panel):,} rows to {args.output}")
    else:
        print(panel.to_csv(index=False), end="")
    return EXIT_OK


_LEFT_OUT: Final = {
    "excluded": "less precise than the panel, left out (--precision exclude)",
    "outside_cells": "in cells outside --box, left out",
    "no_usable_location": (
        "with no usable location (missing, out-of-range or swapped-looking coordinates), "
        "counted in the row with no cell"
    ),
}


def _tell_left_out(counts: Mapping[Any, Any]) -> None:
    """One line on standard error per kind of event a panel did not put in a unit."""
    for name, what in _LEFT_OUT.items():
        if counts.get(name):
            print(f"libyaevents: {counts[name]:,} events {what}", file=sys.stderr)


def _level(text: str) -> str:
    """``--level``: an admin level, ``priogrid``, or ``h3:R`` (H3 at resolution R)."""
    if text in (*LEVELS, *GRID_LEVELS):
        return text
    try:
        resolution = h3_resolution(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if resolution is None:
        said = ", ".join(repr(v) for v in (*LEVELS, *GRID_LEVELS))
        msg = f"expected one of {said} or 'h3:R' (R from 0 to 15); got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return text


def _box(text: str) -> tuple[float, float, float, float]:
    """``--box MIN_LON,MIN_LAT,MAX_LON,MAX_LAT`` as four numbers."""
    parts = text.split(",")
    try:
        edges = tuple(float(p) for p in parts)
    except ValueError:
        edges = ()
    if len(edges) != 4:
        msg = f"expected MIN_LON,MIN_LAT,MAX_LON,MAX_LAT (four numbers); got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return edges[0], edges[1], edges[2], edges[3]


def _cmd_export(args: argparse.Namespace) -> int:
    _destinations(args.output)
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
    _destinations(args.output)
    events = _events_of(args.input, args.store)
    if args.kind == "timeline":
        path = plot_timeline(events, args.output, period=args.period)
    else:
        path = plot_map(events, args.output)
    print(f"wrote {path}")
    return EXIT_OK


def _table_outputs(args: argparse.Namespace) -> tuple[Path, Path]:
    """The events and actors files of ``fetch`` / ``convert``, checked before any work.

    Each is written in the format its suffix says (``.parquet`` or ``.csv``);
    the actors go beside the events, in the same format, unless ``--actors``.
    """
    output = output_file(args.output, suffixes=TABLE_SUFFIXES)
    named = Path(args.actors) if args.actors else None
    actors = output_file(
        named or output.with_name(f"{output.stem}.actors{output.suffix}"), suffixes=TABLE_SUFFIXES
    )
    return output, actors


def _write_tables(loaded: Loaded, events: Path, actors: Path) -> None:
    """Events and actors, each as its file's suffix says (Parquet in the canonical schema)."""
    for table, path in (("events", events), ("actors", actors)):
        frame = loaded.events if table == "events" else loaded.actors
        if path.suffix.lower() == ".parquet":
            parquet.write_table(frame, table, str(path), gaps=True)
        else:
            write_frame(frame, path)


def _cmd_convert(args: argparse.Namespace) -> int:
    output, actors = _table_outputs(args)
    for path in (output, actors):
        if path.resolve() == Path(args.path).resolve():
            msg = f"{path}: is the input; convert writes beside it, never over it."
            raise InputError(msg)
    progress = _Progress(args.path, args.progress)
    loaded = _load(args, progress)
    progress.phase(f"writing {output} and {actors}")
    _write_tables(loaded, output, actors)
    progress.phase("done")
    return _render_load(loaded, None, args)


def _cmd_summary(args: argparse.Namespace) -> int:
    summary = summarise(args.release, store=args.store, on=args.on, as_of=args.as_of)
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
    agreement = data.agreement if isinstance(data, Sources) else None
    parent = None if args.no_parent else True
    path = build_release(
        data, args.version, store=args.store, parent=parent, today=args.today, sources=cited,
        agreement=agreement, card=args.card, wait=args.wait,
    )  # fmt: skip
    print(f"built release {args.version} at {path}")
    return EXIT_OK


def _cmd_card(args: argparse.Namespace) -> int:
    if args.index:
        if not args.store:
            print("libyaevents: card --index needs --store (a local store folder)", file=sys.stderr)
            return EXIT_USAGE
        print(f"wrote {write_store_page(args.store, output=args.output)}")
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
    _add_show(parser, "failures")
    parser.add_argument("--today", help="treat dates after this day (YYYY-MM-DD) as future")


def _add_show(parser: argparse.ArgumentParser, what: str) -> None:
    """``--show N``: how many lines a text report lists (``--page-rows`` is the API's page size)."""
    parser.add_argument("--show", type=int, default=20, metavar="N",
                        help=f"{what} listed in text output (default 20)")  # fmt: skip


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


class _PageLine:
    """Pages and rows on one line of stderr, redrawn in place; :meth:`end` ends the line."""

    def __init__(self) -> None:
        self.open = False

    def __call__(self, pages: int, rows: int) -> None:
        said = "1 page" if pages == 1 else f"{pages:,} pages"
        print(f"\rlibyaevents: {said}, {rows:,} rows", end="", file=sys.stderr, flush=True)
        self.open = True

    def end(self) -> None:
        """End the line (once), so what follows starts on a line of its own."""
        if self.open:
            print(file=sys.stderr, flush=True)
        self.open = False


_PAGES: Final = _PageLine()


def _pull_progress(forced: bool | None) -> _PageLine | None:
    """Pages and rows on one line of stderr, on a terminal (or when asked)."""
    return _PAGES if (forced if forced is not None else sys.stderr.isatty()) else None


def _filters(given: Sequence[str] | None) -> dict[str, Any]:
    """``--filter FIELD=VALUE`` options as a dict; anything else is a usage error."""
    found: dict[str, Any] = {}
    for text in given or []:
        name, equals, value = text.partition("=")
        if not equals or not name.strip():
            msg = f"--filter {text!r}: expected FIELD=VALUE, e.g. --filter event_type=Battles."
            raise InputError(msg)
        found[name.strip()] = value
    return found


def _cmd_fetch(args: argparse.Namespace) -> int:
    output, actors = _table_outputs(args)  # before the first request
    progress = _pull_progress(args.progress)
    if args.source == "acled":
        filters = _filters(args.filter)
        pulled = fetch_acled(
            args.country or None, args.start, args.end, base_url=args.base_url,
            maritime=args.maritime, progress=progress, keep_pages=True,
            limit=PAGE_ROWS if args.page_rows is None else args.page_rows, **filters,
        )  # fmt: skip
    else:
        countries = [int(c) for c in args.country] if args.country else None
        pulled = fetch_ucdp_ged(
            args.version, countries, args.start, args.end, base_url=args.base_url,
            progress=progress, budget=args.budget, keep_pages=True,
            pagesize=UCDP_PAGE_ROWS if args.page_rows is None else args.page_rows,
        )  # fmt: skip
    _PAGES.end()
    _write_tables(pulled, output, actors)  # if this fails, a rerun resumes from the pages
    pulled.discard_pages()
    if args.format == "json":
        print(json.dumps(pulled.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(pulled.summary(limit=args.show))
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
    ucdp.add_argument(
        "--country", action="append", type=int, help="Gleditsch-Ward code (Libya 620)"
    )
    ucdp.add_argument("--budget", type=int, default=5000, help="most requests to send")
    for kind in (acled, ucdp):
        kind.add_argument("--start", type=_day, help="first event day, YYYY-MM-DD")
        kind.add_argument("--end", type=_day, help="last event day, YYYY-MM-DD")
        kind.add_argument("-o", "--output", required=True, help=_OUTPUT_HELP)
        kind.add_argument("--actors", help=_ACTORS_HELP)
        kind.add_argument("--base-url", help="API site root (default: the real service)")
        kind.add_argument("--format", choices=("text", "json"), default="text")
        _add_show(kind, "problems")
        kind.add_argument("--page-rows", type=int, help="rows per page (default: the API's)")
        kind.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                          help="pages and rows on stderr (default: on a terminal)")  # fmt: skip
        kind.set_defaults(run=_cmd_fetch)


def _sync_query(args: argparse.Namespace) -> dict[str, Any]:
    """The query and client options of ``sync`` from its arguments (``--filter``: ``filters=``)."""
    if args.source == "file":
        return {"path": args.export}
    query: dict[str, Any] = {"start": args.start, "end": args.end, "base_url": args.base_url,
                             "limit": args.page_rows}  # fmt: skip
    if args.source == "acled":
        query.update(country=args.country, maritime=args.maritime,
                     filters=_filters(args.filter) or None)  # fmt: skip
    else:
        query.update(version=args.version, country=args.country)
    return query


def _cmd_sync(args: argparse.Namespace) -> int:
    progress = _pull_progress(args.progress) if args.source != "file" else None
    held = LocalStore(args.store).versions()
    try:
        done = sync(args.store, args.source, full=args.full, check=args.check,
                    progress=progress, card=args.card, allow_empty=args.allow_empty,
                    wait=args.wait, **_sync_query(args))  # fmt: skip
    except KeyboardInterrupt as exc:
        if LocalStore(args.store).versions() == held:
            exc.add_note(f"the store {args.store} is as it was")
        raise
    _PAGES.end()
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
    _destinations(args.output, table=True)
    _destinations(args.png)
    found = revisions(args.store, period=args.period)
    if args.output:
        print(f"wrote {found.to_file(args.output)}")
    if len(found.versions) < 2:  # no chart, no empty frame: say why
        print(f"one snapshot in {args.store} ({found.versions[0]}): nothing to compare yet; "
              "revisions appear after the next sync")  # fmt: skip
        return EXIT_OK
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
    _destinations(args.output, table=True)
    found = stability(args.store, period=args.period, level=args.level)
    if args.output:
        print(f"wrote {write_frame(found, args.output)}")
    else:
        _table_out(found, "csv")
    return EXIT_OK


def _cmd_reproduce(args: argparse.Namespace) -> int:
    _destinations(args.output, table=True)  # before the first request
    options = {k: v for k, v in {"base_url": args.base_url, "path": args.export}.items() if v}
    result = reproduce(args.manifest, store=args.store, **options)
    print(result.summary(limit=args.show))
    if args.output:
        changed = result.cells if result.cells is not None else result.changes
        print(f"wrote {write_frame(changed, args.output)}")
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
    ucdp.add_argument(
        "--country", action="append", type=int, help="Gleditsch-Ward code (Libya 620)"
    )
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
        kind.add_argument(
            "--allow-empty", action="store_true", help="pin a first snapshot that has no rows"
        )
        kind.add_argument("--wait", type=float, default=WRITER_WAIT, help=_WAIT_HELP)
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
    rep.add_argument("-o", "--output", help="what changed, as .csv or .parquet")
    _add_show(rep, "ids")
    rep.set_defaults(run=_cmd_reproduce)


def _day(text: str) -> str:
    """An argparse type: a calendar day, or a usage error (exit 2)."""
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        msg = f"not a day {text!r}: expected YYYY-MM-DD"
        raise argparse.ArgumentTypeError(msg) from None


def _cmd_code_new(args: argparse.Namespace) -> int:
    extra = {"source": args.source} if args.source else {}
    path = new_report(
        args.report, args.id, args.output, title=args.title, published=args.published,
        section=args.section, source_scale=args.source_scale, coded_on=args.coded, **extra,
    )  # fmt: skip
    print(f"wrote {path}")
    return EXIT_OK


def _cmd_code_check(args: argparse.Namespace) -> int:
    report = check_coding(
        args.folder, reports=args.report, release=args.release, store=args.store, today=args.today
    )
    return _render(report, args)


def _cmd_code_conventions(args: argparse.Namespace) -> int:
    if args.write is None:
        print(markdown(), end="")
    else:
        changed = write_manual(args.write)
        print(f"{'wrote' if changed else 'up to date:'} {args.write}")
    return EXIT_OK


def _add_code_commands(sub: Any) -> None:
    code = sub.add_parser(
        "code", help="the coding desk: skeletons, checks, double coding, adjudication"
    )
    csub = code.add_subparsers(dest="code_command", required=True)

    new = csub.add_parser("new", help="write the skeleton of a report's coding (fingerprints)")
    new.add_argument("report", help="the report's text file (UTF-8 or Windows-1252)")
    new.add_argument("--id", required=True, help="the report id (also the file name)")
    new.add_argument("-o", "--output", required=True, help="the coded sources folder")
    new.add_argument("--title", help="default: the report's title line")
    new.add_argument("--published", type=_day, help="YYYY-MM-DD; default: from the dateline")
    new.add_argument("--section", help="default: from the dateline")
    new.add_argument(
        "--source", action="append", help="a source (repeat; default: Libya weekly digest)"
    )
    new.add_argument("--source-scale", default="International")
    new.add_argument("--coded", type=_day, help="the coding day (default: today, UTC)")
    new.set_defaults(run=_cmd_code_new)

    check = csub.add_parser(
        "check", help="check a coded folder before review (exit 1: problems to fix)"
    )
    check.add_argument("folder", help="coded sources folder (actors.toml, places.toml, reports/)")
    check.add_argument(
        "--report", action="append", default=[],
        help="a report text to check the fingerprints against: <id>.txt or <any>_<id>.txt "
        "(repeat)",
    )  # fmt: skip
    check.add_argument("--release", help="a release version to look for duplicates in")
    check.add_argument("--store", help=_STORE_HELP)
    _add_output(check)
    check.set_defaults(run=_cmd_code_check)

    conventions = csub.add_parser(
        "conventions", help="the coding manual's mechanical conventions (Markdown table)"
    )
    conventions.add_argument(
        "--write", metavar="MANUAL", help="regenerate the table in this file (between markers)"
    )
    conventions.set_defaults(run=_cmd_code_conventions)
    _add_agreement_commands(csub)


def _add_summary_command(sub: Any) -> None:
    summary = sub.add_parser(
        "summary", help="load, verify and summarise a release (the latest bundled one)"
    )
    summary.add_argument("release", nargs="?", help="version (default: the latest)")
    summary.add_argument("--store", help=_STORE_HELP)
    summary.add_argument("--on", help="day for 'measures in force' (default: release date)")
    summary.add_argument(
        "--as-of", help="instead of RELEASE: the data as it stood then (date or date and time)"
    )
    summary.add_argument("--format", choices=("text", "json"), default="text")
    summary.set_defaults(run=_cmd_summary)


class _Parser(argparse.ArgumentParser):
    """argparse's parser whose usage errors are one line (exit 2), as the library's are.

    argparse prints the whole usage block before the error; a script's log
    then holds a dozen lines for one mistake. ``--help`` still shows the usage.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="libyaevents", description="Libya conflict events in ACLED style.")
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
    conv.add_argument("-o", "--output", required=True, help=_OUTPUT_HELP)
    conv.add_argument("--actors", help=_ACTORS_HELP)
    conv.add_argument("--format", choices=("text", "json"), default="text")
    _add_show(conv, "problems")
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
    _add_code_commands(sub)
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
    _destinations(args.output, args.unmatched, args.merged)
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


def _cmd_agree(args: argparse.Namespace) -> int:
    result = agree_codings(args.coded, draws=args.draws, seed=args.seed)
    if args.output:
        with atomic_target(args.output) as tmp:
            Path(tmp).write_text(result.to_html(), encoding="utf-8")
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(result.summary())
        if args.output:
            print(f"wrote the agreement page to {args.output}")
    return EXIT_OK


def _cmd_adjudicate(args: argparse.Namespace) -> int:
    done = adjudicate(
        args.coded, args.output, decisions=args.decisions, today=args.today,
        accept_majority=args.accept_majority,
    )  # fmt: skip
    if done.merged is None and args.accept_majority:
        print(
            f"wrote {len(done.agreement.disagreements)} disagreements to {done.decisions}; "
            f"{done.left} have no majority: set their choice, then run again with "
            f"--decisions {done.decisions} --accept-majority"
        )
        return EXIT_INVALID
    if done.merged is None:
        print(
            f"wrote {done.left} disagreements to decide to {done.decisions}; set each "
            f"choice, then run again with --decisions {done.decisions}"
        )
        return EXIT_INVALID
    by = done.decided["by"].value_counts().to_dict() if len(done.decided) else {}
    decided = ", ".join(f"{n} decided by the {who}" for who, n in sorted(by.items()))
    folders = f"{', '.join(args.coded[:-1])} and {args.coded[-1]}"
    print(f"merged {folders} into {done.merged}" + (f" ({decided})" if decided else ""))
    return EXIT_OK


def _add_agreement_commands(csub: Any) -> None:
    """``code agree`` and ``code adjudicate``: double coding, agreement, adjudication."""
    agree = csub.add_parser(
        "agree", help="align codings of the same reports by content; alpha per field"
    )
    agree.add_argument("coded", nargs="+", metavar="CODED", help="coded sources folders (2+)")
    agree.add_argument("--format", choices=("text", "json"), default="text")
    agree.add_argument("-o", "--output", help="also write the agreement as an HTML page")
    agree.add_argument(
        "--draws", type=int, default=1000, help="bootstrap resamples (default 1000; 0: none)"
    )
    agree.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")
    agree.set_defaults(run=_cmd_agree)
    adj = csub.add_parser(
        "adjudicate",
        help="merge two or more codings by decisions (exit 1 while decisions are left to make)",
    )
    adj.add_argument(
        "coded", nargs="+", metavar="CODED",
        help="coded sources folders (2+): coders a, b, c... in this order; a's ids are kept",
    )  # fmt: skip
    adj.add_argument("-o", "--output", required=True, help="the merged coding's folder (new)")
    adj.add_argument(
        "--decisions", help="the decisions file (default: OUTPUT-decisions.toml beside OUTPUT)"
    )
    adj.add_argument("--today", help="validation date of the merged coding (YYYY-MM-DD)")
    adj.add_argument(
        "--accept-majority", action="store_true",
        help="take the majority's suggestion wherever a choice is left empty (recorded as such)",
    )  # fmt: skip
    adj.set_defaults(run=_cmd_adjudicate)


def _add_aggregate_command(sub: Any) -> None:
    agg = sub.add_parser("aggregate", help="events and fatalities per period and area (a panel)")
    agg.add_argument("input", help=_INPUT_HELP)
    agg.add_argument("--store", help=_STORE_HELP)
    weeks = "week: ACLED's Saturday-Friday weeks, labelled by the Saturday"
    agg.add_argument("--period", choices=PERIODS, default="week", help=weeks)
    agg.add_argument(
        "--level",
        type=_level,
        default="admin1",
        metavar="{" + ",".join((*LEVELS, *GRID_LEVELS)) + ",h3:R}",
        help="priogrid: PRIO-GRID's 0.5-degree cells (priogrid_gid, row, col, cell centre); "
        "h3:R: H3 hexagons at resolution R, 0-15 (h3_cell, cell centre; the h3 extra)",
    )
    agg.add_argument(
        "--box",
        type=_box,
        metavar="MIN_LON,MIN_LAT,MAX_LON,MAX_LAT",
        help="with --level priogrid: the cells of this box only (and zero-filled over them)",
    )
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
    agg.add_argument(
        "-o",
        "--output",
        help="CSV to write (default: standard output); a grid panel also to .geojson or "
        ".parquet (GeoParquet), with each cell as a polygon",
    )
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
    build.add_argument("--wait", type=float, default=WRITER_WAIT, help=_WAIT_HELP)
    build.set_defaults(run=_cmd_build)

    card = sub.add_parser("card", help="a release's data card (HTML), or a store's index page")
    card.add_argument("version", nargs="?", help="version (default: the latest)")
    card.add_argument("--store", help=_STORE_HELP)
    card.add_argument(
        "-o", "--output", help="folder to write index.html into (--index: default the store)"
    )
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


class _QuietPipe(io.TextIOBase):
    """Standard output that falls silent when its reader stops reading (``| head``).

    The command then runs to its end (files it writes are written) and returns
    its own exit code: ``validate bad.csv | head -1`` still exits 1. As the
    Python docs advise (signal, "Note on SIGPIPE"), the closed pipe's descriptor
    is replaced by ``os.devnull``, so the interpreter's last flush is quiet too.
    """

    def __init__(self, stream: Any) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            self.stream.write(text)
        except BrokenPipeError:
            self._silence()
        return len(text)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            self._silence()

    def fileno(self) -> int:
        return int(self.stream.fileno())

    def isatty(self) -> bool:
        return bool(self.stream.isatty())

    def _silence(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self.stream.fileno())
        os.close(devnull)


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
    stdout, sys.stdout = sys.stdout, _QuietPipe(sys.stdout)
    try:
        return _run(args)
    finally:
        sys.stdout.flush()  # here, where a closed pipe is handled, not at exit
        sys.stdout = stdout


def _run(args: argparse.Namespace) -> int:
    """The command's exit code; the library's errors as one line on stderr."""
    try:
        code: int = args.run(args)
    except ValidationError as exc:  # e.g. a release build refusing invalid data
        _PAGES.end()
        print(f"libyaevents: invalid data:\n{exc}", file=sys.stderr)
        return EXIT_INVALID
    except AdjudicationError as exc:  # decisions left: the data is not ready, like invalid
        print(f"libyaevents: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except LibyaeventsError as exc:
        _PAGES.end()
        print(f"libyaevents: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt as exc:  # Ctrl-C: what was kept, in one line, no traceback
        _PAGES.end()
        kept = "; ".join(getattr(exc, "__notes__", ()))
        said = f": {kept}; run the same command again to resume" if kept else ""
        print(f"libyaevents: interrupted{said}.", file=sys.stderr)
        return EXIT_INTERRUPTED
    return code


if __name__ == "__main__":
    raise SystemExit(main())
