"""Check: read_acled gives the same results before and after a change of the reader.

Run:  python -m benchmarks.read_acled_identical --save DIR     (on the reader before)
      python -m benchmarks.read_acled_identical --compare DIR  (on the reader after)

The corpus: every real export in ../shared/data/acled (when there), synthetic
current exports (numeric codes and text labels, 200k events among them), the same
events in the API layout (dates in words, no disorder type), monadic, with upper-case
headers, a legacy Windows-1252 file, and a few hundred fuzzed files: cells replaced
by values every conversion must refuse or read exactly (NaN, inf, hex, signs,
padding, impossible and long dates, unknown vocabulary, line breaks inside values,
blank cells), empty lines, records with a field too many, bytes that are not UTF-8,
truncated files. Some files are also read with tiny parts (many parts per file).
For each file the result is stored: events, actors, problems, notes (frames compared
with ``pandas.testing.assert_frame_equal``), lines, file notes, counts, vintage,
encoding, or the ``ReadError`` message. Not a test: it prints every difference and
exits 1 when there is one.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import pickle
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import libyaevents
from libyaevents.errors import ReadError
from libyaevents.readers import csvtext
from libyaevents.synthetic import synthetic_events

#: ../shared beside the repository, or where LIBYAEVENTS_SHARED says (as tests/conftest.py)
SHARED = (
    Path(os.environ.get("LIBYAEVENTS_SHARED") or Path(__file__).resolve().parents[2] / "shared")
    / "data"
    / "acled"
)

_NASTY = [
    "nan", "NaN", "inf", "-inf", "0x1A", " 12 ", "\t3\t", "", "   ", "+1", "+0.0", "1e3",
    "12.0", "12.5", "-1", "999999999999", "abc", "2020-02-31", "2020-02-30", "21 March 2020",
    "31/02/2020", "5-Aug-24", "2020-03-21 00:00:00.000", "20200321", "2020-3-1",
    " 2020-03-21 ", "Battle", " Battles ", "Protests", "Civilians targeted", "National",
    "two\nlines", "a\r\nb", "Tarabulus", "Darnah", "East", "Libya\u00a0Observer",
    "Cafe\u0301", "=SUM(A1)", "0", "7", "60", "Rebel group", "Civilians", "x,y", '"q"',
    "00001", "1.0e1", ".5", "5.", "32.8925", "-200", "90.0000001", "Libya", "Egypt",
]  # fmt: skip


def _rows(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _export(events: pd.DataFrame, labels: bool) -> bytes:
    buffer = io.BytesIO()
    libyaevents.write_acled(events, buffer, labels=labels)
    return buffer.getvalue()


def _api(raw: bytes) -> bytes:
    """The same export in the 2019-2023 API layout: dates in words, no disorder type."""
    rows = _rows(raw)
    header = rows[0]
    drop = {header.index(c) for c in ("disorder_type", "civilian_targeting", "tags")
            if c in header}  # fmt: skip
    date = header.index("event_date")
    out = [["data_id", *[h for i, h in enumerate(header) if i not in drop], "iso3"]]
    for number, row in enumerate(rows[1:]):
        if row and len(row) > date and row[date][:4].isdigit() and len(row[date]) == 10:
            stamp = pd.Timestamp(row[date])
            row[date] = f"{stamp.day} {stamp.month_name()} {stamp.year}"
        out.append([str(7_000_000 + number), *[v for i, v in enumerate(row) if i not in drop],
                    "LBY"])  # fmt: skip
    return _csv(out)


def _monadic(events: pd.DataFrame) -> bytes:
    rows = []
    for event in events[events["actor2"].notna()].itertuples(index=False):
        base = event._asdict()
        rows.append(base)
        rows.append({**base, "actor1": event.actor2, "assoc_actor_1": event.assoc_actor_2,
                     "inter1": event.inter2})  # fmt: skip
    frame = pd.DataFrame(rows).drop(columns=["actor2", "assoc_actor_2", "inter2"])
    frame["inter1"] = frame["inter1"].astype("int8")
    return _export(frame, labels=False)


_LEGACY_HEADER = (
    "GWNO,EVENT_ID_CNTY,EVENT_ID_NO_CNTY,EVENT_DATE,YEAR,TIME_PRECISION,EVENT_TYPE,ACTOR1,"
    "ALLY_ACTOR_1,INTER1,ACTOR2,ALLY_ACTOR_2,INTER2,INTERACTION,COUNTRY,ADMIN1,ADMIN2,ADMIN3,"
    "LOCATION,LATITUDE,LONGITUDE,GEO_PRECISION,SOURCE,NOTES,FATALITIES,,"
)
_LEGACY_ROWS = [
    '620,LBY1,1,16/05/2014,2014,1,Battle-No change of territory,"Military Forces of Libya '
    '(2014-) Libyan National Army",,1,"Ansar al Sharia",,2,12,Libya,Banghazi,Banghazi,,'
    'Benghazi,32.1167,20.0667,1,Reuters,"Operation Dignity begins; d\xe9j\xe0 vu in Benghazi.",'
    "70,,",
    '620,LBY2,2,17/05/2014,2014,1,Riots/Protests,"Protesters (Libya)",,6,,,0,60,Libya,'
    'Misratah,Misratah,,Misrata,32.3754,15.0925,1,AFP,"Crowds gathered.",0,,',
    '651,EGY3,3,18/05/2014,2014,2,Remote violence,"Unidentified Armed Group (Libya)",,3,'
    ',,0,30,Egypt,Tarabulus,Tarabulus,,Tripoli,32.8925,13.18,1,AFP,"A rocket hit a house.",'
    "1,,",
    '620,LBY4,4,31/02/2014,2014,1,Violence against civilians,"Unidentified Armed Group '
    '(Libya)",,3,"Civilians (Libya)",,7,37,Libya,Misratah,Misratah,,Misrata,32.3754,'
    '15.0925,1,AFP,"A man was shot.",1,x,',
]


def _fuzzed(base: bytes, rng: np.random.Generator) -> bytes:
    rows = _rows(base)
    header = rows[0]
    for _ in range(int(rng.integers(1, 12))):
        row = int(rng.integers(1, len(rows)))
        column = int(rng.integers(0, len(header)))
        rows[row][column] = _NASTY[int(rng.integers(0, len(_NASTY)))]
    raw = bytearray(_csv(rows))
    lines = raw.split(b"\n")
    for _ in range(int(rng.integers(0, 3)) if rng.random() < 0.3 else 0):
        kind = int(rng.integers(0, 5))
        at = int(rng.integers(1, len(lines)))
        if kind == 0:
            lines.insert(at, b"")
        elif kind == 1:
            lines[at] += b",surplus"
        elif kind == 2:
            lines[at] = lines[at][: len(lines[at]) // 2]
        elif kind == 3:
            lines[at] += b"\xff"
        else:
            lines[at] = lines[at].replace(b",", b";", 1)
    raw = bytearray(b"\n".join(lines))
    if rng.random() < 0.1:
        raw = raw[: int(rng.integers(0, len(raw)))]
    if rng.random() < 0.1:
        raw = bytearray(raw.replace(b"\n", b"\r\n"))
    return bytes(raw)


def corpus(large: int) -> Iterator[tuple[str, Callable[[], bytes | Path], bool]]:
    """(name, the file, read also with tiny parts) for every file of the comparison."""
    if SHARED.is_dir():
        for path in sorted(SHARED.glob("*.csv")):
            yield f"real/{path.name}", lambda path=path: path, False
    events = synthetic_events(3000, seed=11)
    for labels in (False, True):
        raw = _export(events, labels)
        yield f"synthetic/3000-{labels}", lambda raw=raw: raw, True
        yield f"api/3000-{labels}", lambda raw=raw: _api(raw), True
    yield f"synthetic/{large}", lambda: _export(synthetic_events(large, seed=0), False), False
    yield "monadic/600", lambda: _monadic(events.head(600)), True
    upper = _export(events.head(200), True).split(b"\n", 1)
    yield "upper/200", lambda: upper[0].upper() + b"\n" + upper[1], False
    legacy = (_LEGACY_HEADER + "\r\n" + "\r\n".join(_LEGACY_ROWS * 50) + "\r\n").encode("cp1252")
    yield "legacy/200", lambda: legacy, True
    rng = np.random.default_rng(2026)
    bases = {
        "codes": _export(events.head(150), False),
        "labels": _export(events.head(150), True),
        "api": _api(_export(events.head(150), True)),
    }
    for number in range(300):
        kind = list(bases)[number % 3]
        raw = _fuzzed(bases[kind], rng)
        yield f"fuzz/{kind}-{number}", lambda raw=raw: raw, number % 10 == 0


def result(source: bytes | Path) -> dict[str, Any]:
    """Everything read_acled says about a file (or the ReadError it raises)."""
    try:
        loaded = libyaevents.read_acled(source if isinstance(source, Path) else io.BytesIO(source))
    except ReadError as exc:
        return {"error": str(exc)}
    return {
        "events": loaded.events, "actors": loaded.actors, "problems": loaded.problems,
        "notes": loaded.notes, "lines": loaded.lines.tolist(), "file_notes": loaded.file_notes,
        "counts": (loaded.rows_read, loaded.rows_used, loaded.rows_merged, loaded.rows_reported),
        "vintage": loaded.vintage, "encoding": loaded.encoding,
        "balanced": loaded.rows_read == loaded.rows_used + loaded.rows_reported,
    }  # fmt: skip


def _tiny(read: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    block, part = csvtext._CSV_BLOCK, csvtext.PART_BYTES
    csvtext._CSV_BLOCK, csvtext.PART_BYTES = 1 << 12, 1 << 13
    try:
        return read()
    finally:
        csvtext._CSV_BLOCK, csvtext.PART_BYTES = block, part


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    found = []
    for key in sorted(set(before) | set(after)):
        if key not in before or key not in after:
            found.append(f"{key}: only {'after' if key in after else 'before'}")
            continue
        mine, theirs = before[key], after[key]
        if isinstance(mine, pd.DataFrame):
            try:
                pd.testing.assert_frame_equal(theirs, mine)
            except AssertionError as exc:
                found.append(f"{key}: {str(exc)[:600]}")
        elif mine != theirs:
            found.append(f"{key}: {str(mine)[:300]} -> {str(theirs)[:300]}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--save", type=Path)
    mode.add_argument("--compare", type=Path)
    parser.add_argument("--large", type=int, default=200_000)
    args = parser.parse_args()
    folder = args.save or args.compare
    folder.mkdir(parents=True, exist_ok=True)
    failed = checked = 0
    for name, make, tiny in corpus(args.large):
        source = make()
        runs = {"": lambda source=source: result(source)}
        if tiny:
            runs["@tiny"] = lambda source=source: _tiny(lambda: result(source))
        for suffix, run in runs.items():
            found = run()
            if "balanced" in found and not found["balanced"]:
                print(f"{name}{suffix}: rows read != used + reported")
                failed += 1
            stored = folder / (name.replace("/", "__") + suffix + ".pickle")
            checked += 1
            if args.save:
                stored.write_bytes(pickle.dumps(found))
                continue
            diff = differences(pickle.loads(stored.read_bytes()), found)
            if diff:
                failed += 1
                print(f"{name}{suffix}: DIFFERENT")
                for line in diff:
                    print("   ", line)
    real = f"real exports from {SHARED}" if SHARED.is_dir() else f"no real exports ({SHARED})"
    print(f"{checked} reads ({real}), {failed} with a difference")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
