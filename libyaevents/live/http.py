"""One HTTP session for the API clients: retries with backoff, timeouts, a request budget.

Retries are urllib3's :class:`~urllib3.util.Retry`: 429 waits for ``Retry-After``;
5xx, time-outs and dropped connections back off exponentially, a bounded number
of times. Only HTTPS is spoken, except to loopback addresses (test servers). No
header or body is ever logged or put in a message, so credentials cannot leak.

Examples
--------
>>> from libyaevents.live.http import check_url
>>> check_url("https://acleddata.com", what="base_url")
'https://acleddata.com'
>>> check_url("http://example.org", what="base_url")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
libyaevents.errors.InputError: base_url: plain http is only allowed for loopback test servers...
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

from libyaevents.arguments import url_parts
from libyaevents.errors import ApiError, InputError, QuotaExceededError
from libyaevents.optional import require

__all__ = ["Http", "Reply", "check_url"]

#: Statuses retried: rate limiting, server errors, gateway time-outs (Cloudflare 524).
RETRY_STATUSES: Final = (429, 500, 502, 503, 504, 524)

_LOOPBACK_NAMES: Final = frozenset({"localhost"})


def _urllib3() -> Any:
    return require("urllib3", extra="api", feature="The API clients")


def _loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, what: str) -> str:
    """Return ``url`` without a trailing slash if it is HTTPS (or http to loopback).

    Raises
    ------
    InputError
        For another scheme, plain http to a host that is not loopback, or a
        URL with credentials in it (``https://user:password@host``; the
        message never repeats them).
    """
    if not isinstance(url, str):
        msg = f"{what} must be a URL string; found {type(url).__name__}."
        raise InputError(msg)
    instead = (
        "Give the site root alone and the credentials in the environment: ACLED_USERNAME "
        "and ACLED_PASSWORD for ACLED, UCDP_API_TOKEN for UCDP (or the config file)."
    )
    parts = url_parts(url, what, instead)
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname and _loopback(parts.hostname):
        return url.rstrip("/")
    msg = (
        f"{what}: plain http is only allowed for loopback test servers; use https:// "
        f"(found {parts.scheme or 'no'} scheme, host {parts.hostname!r})."
    )
    raise InputError(msg)


@dataclass(frozen=True)
class Reply:
    """A finished HTTP exchange: status, headers we use, body text."""

    status: int
    text: str
    retry_after: str | None = None

    def envelope(self, what: str, service: str) -> dict[str, Any]:
        """A 200 reply's JSON object; any other status or shape is an :class:`ApiError`."""
        if self.status != 200:
            msg = f"{what}: HTTP {self.status} ({self.text.strip()[:160]!r})."
            raise ApiError(msg)
        data = self.json(what)
        if not isinstance(data, dict):
            msg = f"{what}: the reply is not a {service} envelope (a JSON object)."
            raise ApiError(msg)
        return data

    def json(self, what: str) -> Any:
        """The body as JSON; a body that is not JSON is an :class:`ApiError` naming ``what``."""
        try:
            return json.loads(self.text)
        except ValueError:
            start = self.text[:120].replace("\n", " ")
            msg = f"{what}: the reply is not JSON (HTTP {self.status}, starts {start!r})."
            raise ApiError(msg) from None


@dataclass
class Http:
    """A pooled HTTP client with retries, a timeout and a request budget.

    Parameters
    ----------
    retries : int
        Retries of one request on 429, 5xx, time-outs and dropped connections.
    backoff : float
        Backoff factor: waits of ``backoff * 2**n`` seconds (capped at 60 s).
    timeout : float
        Seconds to connect and between bytes.
    budget : int, optional
        Most requests this client may send (retries count: UCDP counts them).
    """

    retries: int = 5
    backoff: float = 0.5
    timeout: float = 60.0
    budget: int | None = None
    sent: int = 0
    _pool: Any = field(default=None, repr=False)

    def _retry(self) -> Any:
        urllib3 = _urllib3()
        return urllib3.util.Retry(
            total=self.retries,
            backoff_factor=self.backoff,
            backoff_max=60,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=None,  # the token POST is safe to repeat
            respect_retry_after_header=True,
            raise_on_status=False,
        )

    def request(
        self, method: str, url: str, *, what: str, params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None, form: dict[str, str] | None = None,
        payload: Any = None, upload: Path | None = None,
    ) -> Reply:  # fmt: skip
        """Send one request (with its retries); return the final reply.

        ``what`` names the request in errors (endpoint, page, query; never a
        credential). The body is ``form`` (URL-encoded), ``payload`` (JSON) or
        ``upload``: a file streamed from disk, rewound for each retry.

        Raises
        ------
        QuotaExceededError
            When the request would exceed :attr:`budget`.
        ApiError
            When the server cannot be reached or keeps failing after the retries.
        """
        urllib3 = _urllib3()
        if self._pool is None:
            self._pool = urllib3.PoolManager(retries=self._retry(), timeout=self.timeout)
        if self.budget is not None and self.sent >= self.budget:
            msg = (
                f"{what}: the request budget of {self.budget:,} requests is spent "
                f"({self.sent:,} sent). Raise budget= or continue tomorrow; pages "
                "already fetched are kept and the next run resumes."
            )
            raise QuotaExceededError(msg)
        self.sent += 1
        target = f"{url}?{urlencode(params, safe='|')}" if params else url
        body: Any = urlencode(form).encode() if form is not None else None
        sent_headers = dict(headers or {})
        if form is not None:
            sent_headers["Content-Type"] = "application/x-www-form-urlencoded"
        if payload is not None:
            body = json.dumps(payload).encode()
            sent_headers["Content-Type"] = "application/json"
        with contextlib.ExitStack() as stack:
            if upload is not None:  # urllib3 rewinds a file body before each retry
                body = stack.enter_context(upload.open("rb"))
                sent_headers["Content-Type"] = "application/octet-stream"
                sent_headers["Content-Length"] = str(upload.stat().st_size)
            return self._send(method, target, what, body, sent_headers)

    def _send(self, method: str, target: str, what: str, body: Any,
              headers: dict[str, str]) -> Reply:  # fmt: skip
        urllib3 = _urllib3()
        try:
            response = self._pool.request(
                method, target, body=body, headers=headers, retries=self._retry()
            )
        except urllib3.exceptions.MaxRetryError as exc:
            reason = type(exc.reason).__name__ if exc.reason is not None else "no reply"
            msg = f"{what}: no usable reply after {self.retries} retries ({reason})."
            raise ApiError(msg) from None
        except urllib3.exceptions.HTTPError as exc:
            msg = f"{what}: the connection failed ({type(exc).__name__})."
            raise ApiError(msg) from None
        self.sent += len(response.retries.history) if response.retries is not None else 0
        text = response.data.decode("utf-8", errors="replace")
        if response.status in RETRY_STATUSES:
            said = text.strip().replace("\n", " ")[:120]
            msg = (
                f"{what}: HTTP {response.status} after {self.retries} retries ({said!r}). "
                "The service is failing or limiting requests; run again later (pages "
                "already fetched are kept and the next run resumes)."
            )
            raise ApiError(msg)
        return Reply(response.status, text, response.headers.get("Retry-After"))
