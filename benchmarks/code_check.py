"""Benchmark: `libyaevents code check` of a large coded folder, against `validate`.

Run:  python -m benchmarks.code_check [--rows 10000] [--repeat 3]

A coded sources folder is generated from ``libyaevents.synthetic.synthetic_dataset``
(``--rows`` events in reports of 20 events, each event its own paragraph, a
place per location, the synthetic actors and measures) and written as TOML
with tomli-w. Contenders, in this process on the same folder, interleaved:

- baseline: ``read_sources(folder).validate()``, what ``libyaevents validate
  CODED`` runs (compile the TOML, schema and cross-table rules);
- ``check_coding(folder)``: the same plus the manual's conventions;
- ``check_coding(folder, release=...)``: plus the duplicate search against a
  release built from the same folder with 1% of events a day later (they are
  "new" and are compared).

Reported: best wall time of ``--repeat`` interleaved rounds, best CPU time of
``--repeat`` runs (the machine is shared: CPU time counts the work, not the
waits), and the ratios to the baseline.
Not a test: nothing asserts a time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

import libyaevents
from benchmarks.common import arguments, interleaved
from libyaevents.synthetic import synthetic_dataset

TODAY = "2026-01-01"
PER_REPORT = 20


def _day(value: Any) -> dt.date:
    return pd.Timestamp(value).date()


def _plain(value: Any) -> Any:
    return None if pd.isna(value) else value


def _list(value: Any) -> list[str] | None:
    return None if pd.isna(value) else str(value).split("; ")


def _places(events: pd.DataFrame) -> tuple[list[dict[str, Any]], dict[str, str]]:
    keys = ("country", "iso", "region", "location", "latitude", "longitude")
    firsts = events.drop_duplicates("location")
    places, ids = [], {}
    for i, row in enumerate(firsts.itertuples(index=False)):
        place = {k: _plain(getattr(row, k)) for k in keys}
        place |= {k: v for k in ("admin1", "admin2", "admin3") if (v := _plain(getattr(row, k)))}
        places.append({"id": f"place-{i}", **place, "iso": int(row.iso)})
        ids[str(row.location)] = f"place-{i}"
    return places, ids


def _actors(actors: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in actors.itertuples(index=False):
        actor = {
            "actor_id": row.actor_id, "name": row.name, "inter_code": int(row.inter_code),
            "country": row.country, "report": "r0", "section": "Synthetic, para. 1",
        }  # fmt: skip
        for key in ("aliases", "parent_id", "role", "notes"):
            value = _list(row.aliases) if key == "aliases" else _plain(getattr(row, key))
            if value:
                actor[key] = value
        out.append(actor)
    return out


def _event(row: Any, paragraph: int, place: str, ids: dict[str, str]) -> dict[str, Any]:
    tags = _list(row.tags) or []
    if row.time_precision > 1:
        tags.append("date=relative phrase")
    event: dict[str, Any] = {
        "event_id_cnty": row.event_id_cnty, "paragraph": paragraph,
        "event_date": _day(row.event_date), "time_precision": int(row.time_precision),
        "event_type": row.event_type, "sub_event_type": row.sub_event_type,
        "actor1": ids[row.actor1], "place": place, "geo_precision": int(row.geo_precision),
        "fatalities": int(row.fatalities), "notes": row.notes,
        "source": _list(row.source), "source_scale": row.source_scale,
    }  # fmt: skip
    for key in ("actor2",):
        if not pd.isna(getattr(row, key)):
            event[key] = ids[getattr(row, key)]
    for key in ("assoc_actor_1", "assoc_actor_2"):
        names = _list(getattr(row, key))
        if names and all(n in ids for n in names):
            event[key] = [ids[n] for n in names]
    if not pd.isna(row.civilian_targeting):
        event["civilian_targeting"] = row.civilian_targeting
    if tags:
        event["tags"] = tags
    return event


def _measure(row: Any, paragraph: int) -> dict[str, Any]:
    measure: dict[str, Any] = {
        "measure_id": row.measure_id, "paragraph": paragraph, "event_id_cnty": row.event_id_cnty,
        "measure_type": row.measure_type, "imposing_actor_id": row.imposing_actor_id,
        "status": row.status, "notes": row.notes,
    }  # fmt: skip
    for key in ("target_actor_id", "legal_basis"):
        if not pd.isna(getattr(row, key)):
            measure[key] = getattr(row, key)
    for key in ("start_date", "end_date"):
        if not pd.isna(getattr(row, key)):
            measure[key] = _day(getattr(row, key))
    return measure


def write_coded(rows: int, folder: Path) -> Path:
    """A coded sources folder of ``rows`` synthetic events."""
    data = synthetic_dataset(rows, seed=25)
    events, measures = data["events"], data["measures"]
    places, place_ids = _places(events)
    ids = dict(zip(data["actors"]["name"], data["actors"]["actor_id"], strict=True))
    (folder / "reports").mkdir(parents=True)
    (folder / "places.toml").write_text(tomli_w.dumps({"places": places}), encoding="utf-8")
    actors = {"actors": _actors(data["actors"])}
    (folder / "actors.toml").write_text(tomli_w.dumps(actors), encoding="utf-8")
    by_event = measures.groupby("event_id_cnty")
    for start in range(0, len(events), PER_REPORT):
        part = events.iloc[start : start + PER_REPORT]
        report_id = f"r{start // PER_REPORT}"
        head = {
            "id": report_id, "title": f"Synthetic report {report_id}",
            "published": _day(part["event_date"].max()) + dt.timedelta(days=40),
            "section": "Synthetic", "source": ["Synthetic digest"],
            "source_scale": "International", "coded": dt.date(2026, 1, 1),
        }  # fmt: skip
        paragraphs, coded, coded_measures = [], [], []
        for n, row in enumerate(part.itertuples(index=False), start=1):
            sha = hashlib.sha256(f"{report_id}-{n}".encode()).hexdigest()
            paragraphs.append({"number": n, "sha256": sha, "chars": 100})
            coded.append(_event(row, n, place_ids[str(row.location)], ids))
            if row.event_id_cnty in by_event.groups:
                mine = by_event.get_group(row.event_id_cnty).itertuples(index=False)
                coded_measures += [_measure(m, n) for m in mine]
        body = {"report": head, "paragraphs": paragraphs, "events": coded}
        if coded_measures:
            body["measures"] = coded_measures
        path = folder / "reports" / f"{report_id}.toml"
        path.write_text(tomli_w.dumps(body), encoding="utf-8")
    return folder


def _release(folder: Path, store: Path) -> str:
    sources = libyaevents.read_sources(folder)
    events = sources.events.copy()
    shifted = events.index[::100]  # 1%: a day later in the release, so "new" in the folder
    events.loc[shifted, "event_date"] = [
        d + dt.timedelta(days=1) for d in events.loc[shifted, "event_date"]
    ]
    tables = {**sources.tables, "events": events}
    libyaevents.build_release(tables, "1.0.0", store=store, parent=None, today=TODAY)
    return "1.0.0"


def _cpu(fn: Any, repeat: int) -> float:
    """The best CPU time (this process, all threads) of ``repeat`` calls: on a shared
    machine it counts the work, not the waits for a core."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    args = arguments(__doc__, rows=10_000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_coded(args.rows, Path(tmp) / "coded")
        files = len(list((folder / "reports").glob("*.toml")))
        store = Path(tmp) / "store"
        version = _release(folder, store)
        found = {
            "validate": libyaevents.read_sources(folder).validate(today=TODAY),
            "check": libyaevents.check_coding(folder, today=TODAY),
            "check + release": libyaevents.check_coding(
                folder, today=TODAY, release=version, store=store
            ),
        }
        calls = {
            "validate": lambda: libyaevents.read_sources(folder).validate(today=TODAY),
            "check": lambda: libyaevents.check_coding(folder, today=TODAY),
            "check + release": lambda: libyaevents.check_coding(
                folder, today=TODAY, release=version, store=store
            ),
        }
        cpu = {name: _cpu(fn, args.repeat) for name, fn in calls.items()}
        times = interleaved(calls, args.repeat)
    print(f"{args.rows:,} coded events in {files} report files; best of {args.repeat}")
    print("| contender | seconds | ratio | CPU seconds | CPU ratio | problems |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, seconds in times.items():
        ratio, cpu_ratio = seconds / times["validate"], cpu[name] / cpu["validate"]
        print(
            f"| {name} | {seconds:.2f} | {ratio:.2f} | {cpu[name]:.2f} | {cpu_ratio:.2f} "
            f"| {len(found[name].failures):,} |"
        )
    codes = found["check + release"].failures["code"].value_counts()
    print("problems by code:", codes.to_dict())


if __name__ == "__main__":
    main()
