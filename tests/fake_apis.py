"""Fake ACLED and UCDP APIs: real HTTP servers on 127.0.0.1 that follow the documented protocol.

They serve rows given as dicts of text (ACLED) or typed JSON (UCDP), and take a
script of faults (an HTTP status with a body and headers, a dropped connection,
a body that is not JSON) and hooks that change the data between two requests, so
tests can exercise what the real services do. Nothing here reaches the internet.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import secrets
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Fault:
    """One scripted misbehaviour: on the ``nth`` request to ``path`` (1-based), do ``action``."""

    path: str
    nth: int
    action: str  # "status", "drop", "garbage"
    status: int = 500
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1  # consecutive requests it applies to


def rows_from_csv(text: str) -> list[dict[str, str]]:
    """The rows of an ACLED CSV as ACLED's API sends them: every value text, missing ''."""
    return [dict(r) for r in csv.DictReader(io.StringIO(text))]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class FakeService:
    """What both fakes share: the server thread, the request log, the fault script."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.counts: dict[str, int] = {}
        self.log: list[tuple[str, str, dict[str, list[str]]]] = []
        self.hooks: dict[tuple[str, int], Callable[[], None]] = {}
        self.lock = threading.Lock()
        self._server: _Server | None = None

    def start(self) -> str:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                return

            def do_GET(self) -> None:
                service._dispatch(self, "GET")

            def do_POST(self) -> None:
                service._dispatch(self, "POST")

            def do_PUT(self) -> None:
                service._dispatch(self, "PUT")

            def do_DELETE(self) -> None:
                service._dispatch(self, "DELETE")

        self._server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def requests_to(self, path: str) -> int:
        return self.counts.get(path, 0)

    def _dispatch(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        params = parse_qs(parts.query, keep_blank_values=True)
        length = int(handler.headers.get("Content-Length") or 0)
        # bytes that are not UTF-8 (an uploaded file) round-trip: body.encode(errors=...)
        body = handler.rfile.read(length).decode(errors="surrogateescape") if length else ""
        with self.lock:
            n = self.counts[parts.path] = self.counts.get(parts.path, 0) + 1
            self.log.append((method, parts.path, params))
            hook = self.hooks.pop((parts.path, n), None)
            fault = next((f for f in self.faults if f.path == parts.path
                          and f.nth <= n < f.nth + f.times), None)  # fmt: skip
        if hook is not None:
            hook()
        if fault is not None:
            self._fault(handler, fault)
            return
        status, payload, headers = self.handle(method, parts.path, params, body, handler.headers)
        self._send(handler, status, payload, headers)

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler, status: int, payload: Any, headers: dict[str, str]
    ) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload)
        data = text.encode()
        handler.send_response(status)
        handler.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _fault(self, handler: BaseHTTPRequestHandler, fault: Fault) -> None:
        if fault.action == "status":
            self._send(handler, fault.status, fault.body, dict(fault.headers))
        elif fault.action == "garbage":
            self._send(handler, 200, '{"status": 200, "data": [{"event_id_cnty": ', {})
        else:  # drop: promise a long body, send part of it, hang up
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", "100000")
            handler.end_headers()
            handler.wfile.write(b'{"status": 200, "data": [')
            handler.wfile.flush()
            handler.close_connection = True

    def handle(self, method: str, path: str, params: dict[str, list[str]], body: str,
               headers: Any) -> tuple[int, Any, dict[str, str]]:  # fmt: skip
        raise NotImplementedError


REFUSED = "The resource owner or authorization server denied the request."
_OPTIONS = frozenset({"limit", "page", "with_total", "inter_num", "maritime_pairs", "_format"})


def _one(params: dict[str, list[str]], key: str) -> str | None:
    values = params.get(key)
    return values[0] if values else None


class FakeAcled(FakeService):
    """ACLED's OAuth token endpoint, acled/read and deleted/read."""

    def __init__(self, rows: list[dict[str, str]], *, username: str = "analyst@example.org",
                 password: str = "correct horse battery staple") -> None:  # fmt: skip
        super().__init__()
        self.rows = list(rows)
        self.deleted: list[tuple[str, int]] = []
        self.username, self.password = username, password
        self.tokens: dict[str, float] = {}
        self.refresh_tokens: set[str] = set()
        self.lifetime = 86_400.0
        self.restrictions: dict[str, Any] | None = None
        self.denial: str | None = None  # "Access denied" / "Consent must be accepted"
        self.changes = 0  # bumped by every edit: the sorted order is recomputed

    # -- the data as ACLED holds it -------------------------------------------------
    def upsert(self, row: dict[str, str]) -> None:
        self.rows = [r for r in self.rows if r["event_id_cnty"] != row["event_id_cnty"]] + [row]
        self.changes += 1

    def delete(self, event_id: str, when: int) -> None:
        self.rows = [r for r in self.rows if r["event_id_cnty"] != event_id]
        self.deleted.append((event_id, when))
        self.changes += 1

    def expire_tokens(self) -> None:
        self.tokens.clear()

    # -- protocol -------------------------------------------------------------------
    def handle(self, method, path, params, body, headers):  # type: ignore[no-untyped-def]
        if path == "/oauth/token" and method == "POST":
            return self._token(parse_qs(body))
        if not path.startswith("/api/"):
            return 404, {"message": "Not found"}, {}
        bearer = (headers.get("Authorization") or "").removeprefix("Bearer ")
        if self.tokens.get(bearer, 0) < time.time():
            return (
                403,
                {"message": "The resource owner or authorization server denied the request."},
                {},
            )
        if self.denial:
            return 403, {"message": self.denial}, {}
        if path == "/api/acled/read":
            return 200, self._read(params), {}
        if path == "/api/deleted/read":
            return 200, self._deleted(params), {}
        if path == "/api/country/read":
            limit, page = int(_one(params, "limit") or 5000), int(_one(params, "page") or 1)
            counts: dict[str, int] = {}
            for row in self.rows:
                counts[row["country"]] = counts.get(row["country"], 0) + 1
            found = [
                {"country": n, "iso": "434" if n == "Libya" else "0", "event_count": str(c)}
                for n, c in sorted(counts.items())
            ]
            return 200, {"status": 200, "success": True,
                         "data": found[(page - 1) * limit : page * limit]}, {}  # fmt: skip
        return 404, {"message": "Not found"}, {}

    def _issue(self) -> tuple[int, Any, dict[str, str]]:
        access, refresh = secrets.token_hex(16), secrets.token_hex(16)
        self.tokens[access] = time.time() + self.lifetime
        self.refresh_tokens.add(refresh)
        reply = {"token_type": "Bearer", "expires_in": int(self.lifetime),
                 "access_token": access, "refresh_token": refresh}  # fmt: skip
        return 200, reply, {}

    def _token(self, form: dict[str, list[str]]) -> tuple[int, Any, dict[str, str]]:
        grant = _one(form, "grant_type")
        if _one(form, "client_id") != "acled":
            return 400, {"error": "invalid_client"}, {}
        if grant == "password":
            ok = (_one(form, "username"), _one(form, "password")) == (self.username, self.password)
            if ok and _one(form, "scope") == "authenticated":
                return self._issue()
            return 400, {"error": "invalid_grant", "message": "Invalid username and password."}, {}
        if grant == "refresh_token" and _one(form, "refresh_token") in self.refresh_tokens:
            self.refresh_tokens.discard(_one(form, "refresh_token") or "")
            return self._issue()
        return 400, {"error": "invalid_grant"}, {}

    def _ordered(self) -> list[dict[str, str]]:
        """The rows newest first (as ACLED serves them), sorted once per change of the data."""
        key = self.changes
        if getattr(self, "_order_key", None) != key:
            self._order = sorted(
                self.rows, key=lambda r: (r["event_date"], r["event_id_cnty"]), reverse=True
            )
            self._order_key = key
        return self._order

    def _matches(self, row: dict[str, str], params: dict[str, list[str]]) -> bool:
        for key, values in params.items():
            if key in {
                "limit",
                "page",
                "with_total",
                "inter_num",
                "maritime_pairs",
                "_format",
            } or key.endswith("_where"):
                continue
            value, where = values[0], _one(params, f"{key}_where") or "="
            have = row.get(key, "")
            if where == "BETWEEN":
                low, high = value.split("|")
                if not low <= have <= high:
                    return False
            elif where in (">=", "<="):
                numeric = value.lstrip("-").isdigit()
                left, right = (float(have or 0), float(value)) if numeric else (have, value)
                if (left < right) if where == ">=" else (left > right):
                    return False
            elif have not in value.split("|"):
                return False
        return True

    def _read(self, params: dict[str, list[str]]) -> dict[str, Any]:
        limit, page = int(_one(params, "limit") or 5000), int(_one(params, "page") or 1)
        if self.restrictions is not None:
            return {"status": 200, "success": True, "count": 0, "data": [],
                    "data_query_restrictions": self.restrictions}  # fmt: skip
        found = [r for r in self._ordered() if self._matches(r, params)]
        chunk = found[(page - 1) * limit : page * limit]
        total = len(found) if _one(params, "with_total") == "true" else None
        return {"status": 200, "success": True, "count": len(chunk) if total is not None else None,
                "total_count": total, "messages": [], "data": chunk}  # fmt: skip

    def _deleted(self, params: dict[str, list[str]]) -> dict[str, Any]:
        since = int(_one(params, "deleted_timestamp") or 0)
        limit, page = int(_one(params, "limit") or 5000), int(_one(params, "page") or 1)
        found = [
            {"event_id_cnty": i, "deleted_timestamp": str(t)} for i, t in self.deleted if t >= since
        ]
        return {"status": 200, "success": True, "data": found[(page - 1) * limit : page * limit]}


class FakeUcdp(FakeService):
    """UCDP's gedevents endpoint: token header, pagesize/page, NextPageUrl, filters."""

    def __init__(self, rows: list[dict[str, Any]], *, token: str = "ucdp-test-token",
                 versions: tuple[str, ...] = ("25.1",)) -> None:  # fmt: skip
        super().__init__()
        self.rows, self.token, self.versions = rows, token, versions
        self.base_url = ""
        self.missing = 0  # rows announced in TotalCount but never delivered

    def start(self) -> str:
        self.base_url = super().start()
        return self.base_url

    def handle(self, method, path, params, body, headers):  # type: ignore[no-untyped-def]
        if headers.get("x-ucdp-access-token") != self.token:
            text = "API token required. Add header: x-ucdp-access-token: <your-token>"
            return 401, text, {"Content-Type": "text/plain"}
        prefix = "/api/gedevents/"
        if not path.startswith(prefix):
            return 404, "Not found", {"Content-Type": "text/plain"}
        version = path[len(prefix) :]
        size, page = int(_one(params, "pagesize") or 1), int(_one(params, "page") or 0)
        found = self._filter(params) if version in self.versions else []
        pages = -(-len(found) // size)
        chunk = found[page * size : (page + 1) * size]
        following = ""
        if page + 1 < pages:
            kept = {k: v[0] for k, v in params.items() if k != "page"}
            query = "&".join(f"{k}={v}" for k, v in {**kept, "page": page + 1}.items())
            following = f"{self.base_url}{path}?{query}"
        return 200, {"TotalCount": len(found) + (self.missing if found else 0),
                     "TotalPages": pages, "PreviousPageUrl": "", "NextPageUrl": following,
                     "Result": chunk}, {}  # fmt: skip

    def _filter(self, params: dict[str, list[str]]) -> list[dict[str, Any]]:
        found = self.rows
        if country := _one(params, "Country"):
            codes = {int(c) for c in country.split(",")}
            found = [r for r in found if r["country_id"] in codes]
        if start := _one(params, "StartDate"):
            found = [r for r in found if r["date_start"][:10] >= start]
        if end := _one(params, "EndDate"):
            found = [r for r in found if r["date_end"][:10] <= end]
        if kinds := _one(params, "TypeOfViolence"):
            allowed = {int(k) for k in kinds.split(",")}
            found = [r for r in found if r["type_of_violence"] in allowed]
        return found


# -- a child process stopped with Ctrl-C while the server holds a request -------------


@contextlib.contextmanager
def _ctrl_c_reaches_children() -> Iterator[None]:
    """Children started here take SIGINT as Ctrl-C even if this process was told to ignore it.

    An ignored signal stays ignored across exec (a background job, some CI
    runners); a handler is reset to the default, which Python turns into
    KeyboardInterrupt.
    """
    before = signal.getsignal(signal.SIGINT)
    if before is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if before is signal.SIG_IGN:
            signal.signal(signal.SIGINT, before)


def interrupt(
    command: list[str], env: dict[str, str], server: FakeService, path: str, nth: int
) -> tuple[int, str]:
    """Run ``command``, hold the server's ``nth`` request to ``path``, then press Ctrl-C.

    Returns the exit status and what the child wrote to stderr.
    """
    gate = threading.Event()
    server.hooks[(path, nth)] = lambda: gate.wait(30)
    with (
        _ctrl_c_reaches_children(),
        subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        ) as child,
    ):
        try:
            for _ in range(600):  # bounded: at most 60 s
                if server.requests_to(path) >= nth or child.poll() is not None:
                    break
                time.sleep(0.1)
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            child.send_signal(signal.SIGINT)
            _, err = child.communicate(timeout=60)
        finally:
            gate.set()
            if child.poll() is None:
                child.kill()
    return child.returncode, err
