"""Benchmark: pulling events from a (fake) ACLED API vs a bare download-and-parse loop.

Run:  python -m benchmarks.fetch [--rows 1000000] [--repeat 1]

A fake ACLED API (tests/fake_apis.py: OAuth, 5,000-row pages, newest first) runs
in a child process on 127.0.0.1 and serves ``--rows`` synthetic events and then a
tenth of them. In this process, for each size:

- the baseline: the fastest idiomatic loop a researcher writes, urllib3 GETs of
  the same pages with the same token and ``json.loads`` of each, nothing kept;
- ``libyaevents.fetch_acled``: the same pages, written to the work folder page by
  page, then de-duplicated and converted to the typed canonical tables;
- the client's memory: its resident size while paging (the largest of the
  samples taken after every page) and the peak over the whole pull (conversion
  included) above the size before the pull.

Not a test: nothing asserts a time.
"""

from __future__ import annotations

import io
import json
import multiprocessing as mp
import os
import tempfile
import time
from typing import Any

import urllib3

import libyaevents
from benchmarks.common import arguments, best, reset_peak, rss_mb
from libyaevents.live.acled import AcledClient, fetch_acled
from libyaevents.live.http import Http
from libyaevents.synthetic import synthetic_events
from tests.fake_apis import FakeAcled, rows_from_csv


def _serve(rows: int, queue: Any) -> None:
    buffer = io.BytesIO()
    libyaevents.write_acled(synthetic_events(rows, seed=0), buffer)
    server = FakeAcled(rows_from_csv(buffer.getvalue().decode()))
    server.lifetime = 10 * 86_400.0
    queue.put((server.start(), server.username, server.password))
    while True:
        time.sleep(3600)


def bare_loop(url: str, username: str, password: str) -> int:
    """Log in, GET every page until an empty one, json.loads it; return the rows seen."""
    http = urllib3.PoolManager()
    form = {"grant_type": "password", "client_id": "acled", "scope": "authenticated",
            "username": username, "password": password}  # fmt: skip
    login = http.request("POST", f"{url}/oauth/token", fields=form, encode_multipart=False)
    token = json.loads(login.data)["access_token"]
    rows, page = 0, 1
    while True:
        reply = http.request("GET", f"{url}/api/acled/read", fields={"limit": 5000, "page": page},
                             headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        found = json.loads(reply.data)["data"]
        if not found:
            return rows
        rows += len(found)
        page += 1


def measure(rows: int, repeat: int) -> dict[str, float]:
    context = mp.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_serve, args=(rows, queue), daemon=True)
    child.start()
    url, username, password = queue.get(timeout=1800)
    try:
        bare = best(lambda: bare_loop(url, username, password), repeat)
        with tempfile.TemporaryDirectory() as work:
            os.environ["LIBYAEVENTS_CACHE_DIR"] = work
            client = AcledClient(username=username, password=password, base_url=url,
                                 http=Http(backoff=0.1))  # fmt: skip
            paging_peak = [0.0]

            def sample(pages: int, done: int) -> None:
                paging_peak[0] = max(paging_peak[0], rss_mb("VmRSS"))

            before = rss_mb("VmRSS")
            reset_peak()
            start = time.perf_counter()
            pulled = fetch_acled(client=client, progress=sample)
            ours = time.perf_counter() - start
            whole = rss_mb("VmHWM") - before
            assert len(pulled.events) == rows, len(pulled.events)
            del pulled
        return {"bare": bare, "ours": ours, "paging_mb": paging_peak[0], "whole_mb": whole}
    finally:
        child.terminate()


def main() -> None:
    args = arguments(__doc__, rows=1_000_000, repeat=1)
    print(f"libyaevents {libyaevents.__version__}, urllib3 {urllib3.__version__}")
    results = {}
    for rows in (args.rows // 10, args.rows):
        results[rows] = found = measure(rows, args.repeat)
        print(f"{rows:>9,} events: bare loop {found['bare']:6.2f} s, fetch_acled "
              f"{found['ours']:6.2f} s ({found['ours'] / found['bare']:.2f}x); resident "
              f"{found['paging_mb']:7.1f} MB while paging; peak {found['whole_mb']:7.1f} MB "
              "above the start with the conversion")  # fmt: skip
    small, large = results[args.rows // 10], results[args.rows]
    print(
        f"paging memory, {args.rows:,} vs {args.rows // 10:,} events: "
        f"{large['paging_mb'] / max(small['paging_mb'], 1.0):.2f}x"
    )


if __name__ == "__main__":
    main()
