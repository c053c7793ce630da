"""The ACLED API client: OAuth, paging, the three kinds of 403, restricted accounts.

ACLED's API (``https://acleddata.com/api/``, OAuth since September 2025) has no
versions and changes while it is paged. :func:`fetch_acled` pulls a query page by
page into a work folder (resuming an interrupted pull), drops repeated ids
(newest ``timestamp`` kept, counted) and returns the same canonical tables and
row account as :func:`libyaevents.read_acled` on an export of the same rows.

Credentials: ``ACLED_USERNAME`` / ``ACLED_PASSWORD`` or ``[acled] username,
password`` in the user config file; the site root from ``base_url=``, else
``LIBYAEVENTS_ACLED_API``, else ``https://acleddata.com``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import pandas as pd

from libyaevents.arguments import day_range, joined
from libyaevents.errors import AccessDeniedError, ApiError, AuthenticationError, InputError
from libyaevents.live.credentials import Secret, TokenCache, setting
from libyaevents.live.http import Http, Reply, check_url
from libyaevents.live.pulls import PageStore, Progress, Pulled, finish_pull
from libyaevents.readers.acled import ACLED_COLUMNS, events_from_text
from libyaevents.schema.tables import EVENTS

__all__ = [
    "DEFAULT_ACLED_API", "LOOKUPS", "AcledClient", "acled_query", "fetch_acled",
    "fetch_acled_deleted", "fetch_acled_lookup", "is_where",
]  # fmt: skip

#: ACLED's site root; ``/oauth/token`` and ``/api/...`` live under it.
DEFAULT_ACLED_API: Final = "https://acleddata.com"

#: Rows per page: what ACLED serves in practice.
PAGE_ROWS: Final = 5000

#: The columns of an ACLED reply (what an empty pull is given as its header).
_HEADER: Final = tuple(c for c in ACLED_COLUMNS if EVENTS.field(c).required)

_WHERE: Final = frozenset({"=", ">", "<", ">=", "<=", "LIKE", "BETWEEN"})
_EXPIRY_MARGIN: Final = 60.0  # seconds: a token this close to expiry is renewed first

_DENIED: Final = {
    "access denied": (
        "the account's tier has no API access. Check the account's access level at "
        "acleddata.com (My ACLED) or ask ACLED for API access."
    ),
    "consent must be accepted": (
        "the account's profile is incomplete: log in at acleddata.com and accept the "
        "terms of use (consent), then run again."
    ),
}
_REFUSED: Final = "authorization server denied"


def _value(field_name: str, value: Any) -> str:
    return joined(value, f"filter {field_name}", "|")


def is_where(value: Any) -> bool:
    """True for an operator filter: a pair ``(operator, value)`` such as ``(">=", 10)``."""
    return isinstance(value, tuple) and len(value) == 2 and value[0] in _WHERE


def acled_query(
    country: str | Sequence[str] | None = None, start: Any = None, end: Any = None,
    **filters: Any,
) -> dict[str, str]:  # fmt: skip
    """The filter parameters of a query, as ACLED reads them.

    ``start``/``end`` bound ``event_date`` (inclusive); any other ACLED field
    filters with ``field=value`` (a list of values joined with ``|``), or with an
    operator as ``field=(">=", value)`` (``=``, ``>``, ``<``, ``>=``, ``<=``,
    ``LIKE``, ``BETWEEN`` with a pair).

    Examples
    --------
    >>> acled_query("Libya", start="2020-01-01", end="2020-12-31", event_type=["Battles", "Riots"])
    ... # doctest: +NORMALIZE_WHITESPACE
    {'country': 'Libya', 'event_date': '2020-01-01|2020-12-31', 'event_date_where': 'BETWEEN',
     'event_type': 'Battles|Riots'}
    >>> acled_query(timestamp=(">=", 1700000000))
    {'timestamp': '1700000000', 'timestamp_where': '>='}
    """
    query: dict[str, str] = {}
    if country is not None:
        query["country"] = _value("country", country)
    days = [None if d is None else d.strftime("%Y-%m-%d") for d in day_range(start, end)]
    if days[0] and days[1]:
        query.update(event_date=f"{days[0]}|{days[1]}", event_date_where="BETWEEN")
    elif days[0] or days[1]:
        query.update(
            event_date=days[0] or days[1] or "", event_date_where=">=" if days[0] else "<="
        )
    for name, value in filters.items():
        if is_where(value):
            operator, operand = value
            query[name] = _value(name, operand)
            query[f"{name}_where"] = operator
        else:
            query[name] = _value(name, value)
    return query


def _message(reply: Reply) -> str:
    """The server's error message: ``message``, ``error.message``, ``error`` or the text."""
    try:
        data = reply.json("error")
    except ApiError:
        return reply.text.strip()[:200]
    if isinstance(data, dict):
        error = data.get("error")
        for found in (
            data.get("message"),
            error.get("message") if isinstance(error, dict) else error,
        ):
            if isinstance(found, str) and found:
                return found
    return reply.text.strip()[:200]


@dataclass
class AcledClient:
    """An authenticated session with ACLED's API.

    Parameters
    ----------
    username, password : str, optional
        Default: the environment or the config file (see the module).
    base_url : str, optional
        Site root; default ``LIBYAEVENTS_ACLED_API`` or ``https://acleddata.com``.
    http : Http, optional
        The HTTP session (retries, backoff, timeout).
    cache_tokens : bool
        Keep tokens in the user cache directory (mode 0600) between runs.
    """

    username: str | Secret | None = None
    password: str | Secret | None = None
    base_url: str | None = None
    http: Http = field(default_factory=Http)
    cache_tokens: bool = True
    _user: Secret = field(init=False, repr=False)
    _password: Secret = field(init=False, repr=False)
    _access: tuple[str, float] | None = field(default=None, init=False, repr=False)
    _refresh: str | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        root = self.base_url or os.environ.get("LIBYAEVENTS_ACLED_API") or DEFAULT_ACLED_API
        self.base_url = check_url(root, what="ACLED base_url")
        segments = urlsplit(self.base_url).path.lower().split("/")
        if "api" in segments or "oauth" in segments:
            raise InputError(_not_a_root(self.base_url, "it is an endpoint under the root"))
        user = _secret(self.username) or setting("ACLED_USERNAME", "acled", "username")
        word = _secret(self.password) or setting("ACLED_PASSWORD", "acled", "password")
        if user is None or word is None:
            msg = (
                "ACLED credentials are missing: set ACLED_USERNAME and ACLED_PASSWORD (the "
                "e-mail and password of your acleddata.com account), or put them under "
                "[acled] username/password in the libyaevents config.toml."
            )
            raise AuthenticationError(msg)
        self._user, self._password = user, word
        self.username = self.password = None  # kept only as Secrets
        cached = self._cache().read() if self.cache_tokens else None
        if cached and isinstance(cached.get("access_token"), str):
            self._access = (cached["access_token"], float(cached.get("expires_at", 0)))
            refresh = cached.get("refresh_token")
            self._refresh = refresh if isinstance(refresh, str) else None

    def _cache(self) -> TokenCache:
        return TokenCache.of(self._user, self._password, str(self.base_url))

    def endpoint(self, name: str) -> str:
        """The URL of an API endpoint (``acled/read``, ``deleted/read``, ...)."""
        return f"{self.base_url}/api/{name}"

    # -- tokens -------------------------------------------------------------------

    def _grant(self, form: dict[str, str], what: str) -> bool:
        reply = self.http.request("POST", f"{self.base_url}/oauth/token", form=form, what=what)
        if reply.status in (404, 405):  # nothing answers logins here: not ACLED's root
            why = f"POST {self.base_url}/oauth/token answered HTTP {reply.status}"
            raise AuthenticationError(_not_a_root(str(self.base_url), why))
        if reply.status != 200:
            return False
        data = reply.json(what)
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            msg = f"{what}: the token reply has no access_token; ACLED's OAuth may have changed."
            raise AuthenticationError(msg)
        expires = float(data.get("expires_in") or 3600)
        refresh = data.get("refresh_token")
        self._access = (token, time.time() + expires)
        self._refresh = refresh if isinstance(refresh, str) else None
        if self.cache_tokens:
            self._cache().write(token, self._refresh, expires)
        return True

    def _login(self) -> None:
        if self._refresh and self._grant(
            {"grant_type": "refresh_token", "refresh_token": self._refresh, "client_id": "acled"},
            "ACLED token refresh",
        ):
            return
        form = {
            "grant_type": "password", "client_id": "acled", "scope": "authenticated",
            "username": self._user.reveal(), "password": self._password.reveal(),
        }  # fmt: skip
        if not self._grant(form, "ACLED login"):
            if self.cache_tokens:
                self._cache().clear()
            msg = (
                "ACLED refused the username and password (POST /oauth/token). Check "
                "ACLED_USERNAME / ACLED_PASSWORD; API keys stopped working in September "
                "2025: use the account's e-mail and password."
            )
            raise AuthenticationError(msg)

    def _token(self) -> str:
        if self._access is None or self._access[1] - _EXPIRY_MARGIN < time.time():
            self._login()
        if self._access is None:  # pragma: no cover - _login sets it or raises
            raise AuthenticationError("ACLED login gave no token.")
        return self._access[0]

    # -- reading ------------------------------------------------------------------

    def get(self, endpoint: str, params: Mapping[str, Any], *, what: str) -> dict[str, Any]:
        """One authenticated GET; the envelope as a dict.

        A refused token is renewed once (refresh, else log in again); the
        three kinds of 403 raise their own errors with advice.
        """
        for attempt in range(2):
            headers = {"Authorization": f"Bearer {self._token()}", "Accept": "application/json"}
            reply = self.http.request(
                "GET", self.endpoint(endpoint), params=dict(params), headers=headers, what=what
            )
            if reply.status in (401, 403):
                message = _message(reply)
                lowered = message.lower()
                for key, advice in _DENIED.items():
                    if key in lowered:
                        raise AccessDeniedError(f"{what}: ACLED says {message!r}: {advice}")
                if attempt == 0 and (_REFUSED in lowered or reply.status == 401):
                    self._access = None  # expired or revoked: renew once
                    continue
                msg = (
                    f"{what}: ACLED refused the token after renewing it (HTTP {reply.status}: "
                    f"{message!r}). Log in at acleddata.com to check the account."
                )
                raise AuthenticationError(msg)
            data = reply.envelope(what, "ACLED")
            if data.get("success") is False or data.get("error"):
                msg = f"{what}: ACLED says {_message(reply)!r}."
                raise ApiError(msg)
            return data
        raise AuthenticationError(f"{what}: the token could not be renewed.")  # pragma: no cover


def _not_a_root(url: str, why: str) -> str:
    return (
        f"not an ACLED site root: {url} ({why}); expected the site root such as "
        f"{DEFAULT_ACLED_API}, under which /oauth/token and /api/acled/read live. Pass that "
        "as base_url= or --base-url (or set LIBYAEVENTS_ACLED_API), or leave it out."
    )


def _secret(value: str | Secret | None) -> Secret | None:
    if value is None or isinstance(value, Secret):
        return value
    return Secret(str(value))


def _restrictions(envelope: Mapping[str, Any]) -> str | None:
    found = envelope.get("data_query_restrictions")
    if not found:
        return None
    parts = []
    if isinstance(found, dict):
        for name, rule in found.items():
            if isinstance(rule, dict):
                said = ", ".join(f"{k} {v}" for k, v in rule.items())
                parts.append(f"{name} ({said})")
            else:
                parts.append(f"{name} ({rule})")
    return "; ".join(parts) or str(found)


def _rows(envelope: Mapping[str, Any], what: str) -> list[dict[str, Any]]:
    data = envelope.get("data")
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        msg = f"{what}: 'data' is not a list of rows."
        raise ApiError(msg)
    return data


def _describe(query: Mapping[str, Any]) -> str:
    return "&".join(f"{k}={v}" for k, v in query.items()) or "(no filters)"


def _pages(
    session: AcledClient, store: PageStore, query: dict[str, str], limit: int,
    progress: Progress | None,
) -> tuple[int, int | None, list[str]]:  # fmt: skip
    """Fetch the pages ``store`` lacks, until an empty one: pages, the announced total, notes."""
    page, rows = store.done(), store.rows_done()
    notes: list[str] = []
    total: int | None = None
    while True:
        what = f"ACLED acled/read page {page + 1} of {_describe(query)}"
        asked = {**query, "limit": limit, "page": page + 1}
        if total is None:
            asked["with_total"] = "true"  # count and total_count are null without it
        envelope = session.get("acled/read", asked, what=what)
        found = _rows(envelope, what)
        if total is None:
            announced = envelope.get("total_count")
            total = int(str(announced)) if str(announced).isdigit() else -1
        restricted = _restrictions(envelope)
        if restricted and restricted not in " ".join(notes):
            notes.append(f"ACLED restricted this account's query: {restricted}")
        if not found:
            break
        page += 1
        rows += len(found)
        store.write(page, found, {"page": page})
        if progress is not None:
            progress(page, rows)
    if rows == 0 and notes:
        msg = (
            f"ACLED returned no rows for {_describe(query)} and {notes[0][6:]}. The pull is "
            "incomplete by the account's tier, not empty: check the account's access level."
        )
        raise AccessDeniedError(msg)
    if total is not None and total >= 0:
        notes.append(f"ACLED announced {total:,} rows for the query at its first page")
    return page, total, notes


def fetch_acled(
    country: str | Sequence[str] | None = None,
    start: Any = None,
    end: Any = None,
    *,
    client: AcledClient | None = None,
    base_url: str | None = None,
    limit: int = PAGE_ROWS,
    maritime: bool = False,
    work_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    keep_pages: bool = False,
    **filters: Any,
) -> Pulled:
    """Pull events from ACLED's API into the canonical tables.

    Parameters
    ----------
    country : str or list of str, optional
        ACLED country names (``"Libya"``).
    start, end : date-like, optional
        Bounds of ``event_date``, inclusive.
    client : AcledClient, optional
        An authenticated client (default: one from the environment/config).
    base_url : str, optional
        Site root for a default client.
    limit : int
        Rows per page.
    maritime : bool
        Ask for events at sea with the sea as ``country`` (``maritime_pairs``).
    work_dir : path, optional
        Where pages are kept while pulling (default: the user cache).
    progress : callable, optional
        ``progress(pages, rows)`` after each page.
    keep_pages : bool
        Keep the pages in ``work_dir`` after the pull, until
        ``Pulled.discard_pages()``: a caller whose own step fails (writing the
        result, publishing it) then resumes from them instead of downloading
        again. By default they are removed once the tables are made.
    **filters
        Any other ACLED field (see :func:`acled_query`).

    Returns
    -------
    Pulled
        Events, actors, problems and notes as :func:`libyaevents.read_acled`
        gives them; ``rows_read == rows_used + rows_reported``, rows fetched
        twice counted in ``rows_deduplicated``.

    Raises
    ------
    AuthenticationError, AccessDeniedError
        Credentials refused; account without API access or consent.
    ApiError
        A page that still fails after the retries (named with the query;
        the pages before it are kept and the next run resumes), or a
        restricted account that got no rows.
    """
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        msg = f"limit must be a positive whole number; found {limit!r}."
        raise InputError(msg)
    query = acled_query(country, start, end, **filters)  # bad arguments: before any request
    session = client or AcledClient(base_url=base_url)
    if maritime:
        query["maritime_pairs"] = "true"
    endpoint = session.endpoint("acled/read")
    store = PageStore.of("acled", endpoint, query, Path(work_dir) if work_dir else None)
    with store.resumable():  # Ctrl-C: the pages so far are kept and named
        page, total, notes = _pages(session, store, query, limit, progress)
        pulled = finish_pull(
            store, events_from_text, name=f"ACLED API ({endpoint})", id_column="event_id_cnty",
            time_column="timestamp", endpoint=endpoint, query=query, pages=page, notes=notes,
            required=_HEADER,
        )  # fmt: skip
    if not keep_pages:
        pulled.discard_pages()
    unique = pulled.rows_read - pulled.rows_deduplicated
    if total is not None and unique < total:
        pulled.file_notes.append(
            f"{total - unique:,} fewer rows arrived than announced: rows changed while "
            "paging (deleted or moved between pages); run again, or sync, to catch them"
        )
    return pulled


def fetch_acled_deleted(
    since: int, *, client: AcledClient | None = None, base_url: str | None = None,
    limit: int = PAGE_ROWS,
) -> pd.DataFrame:  # fmt: skip
    """Ids ACLED deleted at or after the Unix time ``since`` (the feed is global).

    Returns
    -------
    DataFrame
        ``event_id_cnty`` (str) and ``deleted_timestamp`` (int64), one row per id.
    """
    session = client or AcledClient(base_url=base_url)
    query = {"deleted_timestamp": str(int(since)), "deleted_timestamp_where": ">="}
    found: list[dict[str, Any]] = []
    page = 0
    while True:
        page += 1
        what = f"ACLED deleted/read page {page} since {since}"
        rows = _rows(
            session.get("deleted/read", {**query, "limit": limit, "page": page}, what=what), what
        )
        if not rows:  # the end is an empty page
            break
        found += rows
    frame = pd.DataFrame(found, columns=["event_id_cnty", "deleted_timestamp"])
    frame["event_id_cnty"] = frame["event_id_cnty"].astype("str")
    frame["deleted_timestamp"] = pd.to_numeric(frame["deleted_timestamp"]).astype("int64")
    return frame.drop_duplicates("event_id_cnty", keep="last").reset_index(drop=True)


#: ACLED's reference endpoints: the names its filters take, with counts and dates.
LOOKUPS: Final = ("actor", "actortype", "country", "region")


def fetch_acled_lookup(
    kind: str, *, client: AcledClient | None = None, base_url: str | None = None,
    limit: int = PAGE_ROWS, **filters: Any,
) -> pd.DataFrame:  # fmt: skip
    """One of ACLED's reference lists: ``actor``, ``actortype``, ``country`` or ``region``.

    Returns every row of ``<kind>/read`` (paged until an empty page) as text
    columns, e.g. ``country``, ``iso``, ``iso3``, ``first_event_date``,
    ``last_event_date``, ``event_count`` for countries; repeated rows once.

    Raises
    ------
    InputError
        For another ``kind``.
    """
    if kind not in LOOKUPS:
        msg = f"kind must be one of {list(LOOKUPS)}; found {kind!r}."
        raise InputError(msg)
    session = client or AcledClient(base_url=base_url)
    query = acled_query(**filters)
    found: list[dict[str, Any]] = []
    page = 0
    while True:
        page += 1
        what = f"ACLED {kind}/read page {page} of {_describe(query)}"
        asked = {**query, "limit": limit, "page": page}
        rows = _rows(session.get(f"{kind}/read", asked, what=what), what)
        if not rows:
            break
        found += rows
    frame = pd.DataFrame(found).astype("str") if found else pd.DataFrame()
    return frame.drop_duplicates(ignore_index=True)
