"""The UCDP API client: GED events by version, token, paging by NextPageUrl, a request budget.

``https://ucdpapi.pcr.uu.se/api/gedevents/{version}`` (yearly ``25.1``, monthly
candidates ``26.0.N``, quarterly) serves typed JSON, unlike GED's CSV;
:func:`fetch_ucdp_ged` turns its rows into the text an export would hold and
converts them with :func:`libyaevents.read_ucdp_ged`'s own code, so the tables
and the row account are the same as for the CSV of the same rows.

A token is required since 2026 (``UCDP_API_TOKEN`` or ``[ucdp] token`` in the
config file); each token may send 5,000 requests a day, so the client counts
its requests (retries included) and stops before a budget is spent.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from libyaevents.arguments import day_range, joined
from libyaevents.errors import ApiError, AuthenticationError, InputError
from libyaevents.live.credentials import Secret, setting
from libyaevents.live.http import Http, check_url
from libyaevents.live.pulls import PageStore, Progress, Pulled, finish_pull
from libyaevents.readers.ucdp import events_from_ged

__all__ = ["DAILY_REQUESTS", "DEFAULT_UCDP_API", "fetch_ucdp_ged"]

#: UCDP's API root; ``/api/...`` lives under it.
DEFAULT_UCDP_API: Final = "https://ucdpapi.pcr.uu.se"

#: Requests a token may send per day (errors count too).
DAILY_REQUESTS: Final = 5000

_VERSION: Final = re.compile(r"[0-9]{2}\.[0-9]+(\.[0-9]+)*")
_DATETIME: Final = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})T[0-9:.]+")
_HEADER: Final = (
    "id", "type_of_violence", "side_a", "side_b", "best", "date_start", "date_end",
    "date_prec", "country_id", "where_prec", "latitude", "longitude",
)  # fmt: skip
_HOW_TO_GET_ONE: Final = (
    "UCDP's API needs a token since 2026: ask the API maintainer for one (see "
    "https://ucdp.uu.se/apidocs/), then set UCDP_API_TOKEN or put it under [ucdp] token "
    "in the libyaevents config.toml."
)


def _row(raw: dict[str, Any]) -> dict[str, Any]:
    """A JSON row as GED's CSV writes it: dates without the time, booleans as 1/0."""
    out = dict(raw)
    for key in ("date_start", "date_end"):
        value = out.get(key)
        if isinstance(value, str) and (found := _DATETIME.fullmatch(value)):
            out[key] = found.group(1)
    return out


def _same_site(url: str, root: str, what: str) -> str:
    given, home = urlsplit(url), urlsplit(root)
    if (given.scheme, given.netloc) != (home.scheme, home.netloc):
        msg = f"{what}: NextPageUrl points to another site ({given.netloc!r}); refusing to follow."
        raise ApiError(msg)
    return url


#: Rows per page: the most UCDP serves.
PAGE_ROWS: Final = 1000


def fetch_ucdp_ged(
    version: str,
    country: int | Sequence[int] | None = None,
    start: Any = None,
    end: Any = None,
    *,
    type_of_violence: int | Sequence[int] | None = None,
    token: str | Secret | None = None,
    base_url: str | None = None,
    pagesize: int = PAGE_ROWS,
    budget: int = DAILY_REQUESTS,
    http: Http | None = None,
    work_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    keep_pages: bool = False,
) -> Pulled:
    """Pull UCDP GED events of one version into the canonical tables.

    Parameters
    ----------
    version : str
        GED version: ``"25.1"``, ``"26.0.3"``, ...
    country : int or list of int, optional
        Gleditsch-Ward codes (Libya 620).
    start, end : date-like, optional
        ``StartDate`` / ``EndDate``.
    type_of_violence : int or list of int, optional
        1 state-based, 2 non-state, 3 one-sided.
    token : str, optional
        Default ``UCDP_API_TOKEN`` or the config file.
    base_url : str, optional
        Default ``LIBYAEVENTS_UCDP_API`` or ``https://ucdpapi.pcr.uu.se``.
    pagesize : int
        Rows per page (1 to 1000).
    budget : int
        Most requests to send (the token's daily quota by default).
    http : Http, optional
        The HTTP session (retries, backoff, timeout).
    work_dir : path, optional
        Where pages are kept while pulling (default: the user cache); an
        interrupted or failed pull resumes from them.
    progress : callable, optional
        ``progress(pages, rows)`` after each page.
    keep_pages : bool
        Keep the pages after the pull until ``Pulled.discard_pages()`` (see
        :func:`libyaevents.fetch_acled`).

    Returns
    -------
    Pulled
        As :func:`libyaevents.read_ucdp_ged` on the CSV of the same rows;
        a ``TotalCount`` larger than the rows delivered is in ``file_notes``.

    Raises
    ------
    AuthenticationError
        No token, or the token was refused.
    QuotaExceededError
        Before a request beyond ``budget``.
    ApiError
        No such version, or a page still failing after the retries.
    """
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        msg = f"version must be a GED version such as '25.1' or '26.0.3'; found {version!r}."
        raise InputError(msg)
    if not isinstance(pagesize, int) or isinstance(pagesize, bool) or not 1 <= pagesize <= 1000:
        msg = f"pagesize must be a whole number from 1 to 1000; found {pagesize!r}."
        raise InputError(msg)
    first, last = day_range(start, end)
    root = check_url(base_url or os.environ.get("LIBYAEVENTS_UCDP_API") or DEFAULT_UCDP_API,
                     what="UCDP base_url")  # fmt: skip
    secret = token if isinstance(token, Secret) else (Secret(token) if token else None)
    secret = secret or setting("UCDP_API_TOKEN", "ucdp", "token")
    if secret is None:
        raise AuthenticationError(_HOW_TO_GET_ONE)
    session = http or Http(budget=budget)
    if session.budget is None:
        session.budget = budget
    endpoint = f"{root}/api/gedevents/{version}"
    query = {k: v for k, v in {
        "Country": None if country is None else joined(country, "country", ","),
        "StartDate": None if first is None else first.strftime("%Y-%m-%d"),
        "EndDate": None if last is None else last.strftime("%Y-%m-%d"),
        "TypeOfViolence": (
            None if type_of_violence is None else joined(type_of_violence, "type_of_violence", ",")
        ),
    }.items() if v is not None}  # fmt: skip
    ged = _Ged(session, root, endpoint, version, secret, query)
    store = PageStore.of("ucdp", endpoint, query, Path(work_dir) if work_dir else None)
    with store.resumable():  # Ctrl-C: the pages so far are kept and named
        page, rows, total = ged.pull(store, pagesize, progress)
        notes = [f"UCDP API {endpoint}, {session.sent:,} requests sent"]
        if isinstance(total, int) and total > rows:
            notes.append(
                f"UCDP announced {total:,} rows (TotalCount) but delivered {rows:,}: "
                f"{total - rows:,} rows missing from the reply; run again later"
            )
        pulled = finish_pull(
            store, events_from_ged, name=f"UCDP API ({endpoint})", id_column="id",
            time_column=None, endpoint=endpoint, query=query, pages=page, notes=notes,
            required=_HEADER,
        )  # fmt: skip
    if not keep_pages:
        pulled.discard_pages()
    return pulled


@dataclass
class _Ged:
    """One GED pull: the requests, the envelope checks, the pages."""

    http: Http
    root: str
    endpoint: str
    version: str
    token: Secret
    query: dict[str, str]

    def get(self, url: str, what: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"x-ucdp-access-token": self.token.reveal(), "Accept": "application/json"}
        reply = self.http.request("GET", url, params=params, headers=headers, what=what)
        if reply.status in (401, 403):
            said = reply.text.strip()[:160]
            msg = (
                f"{what}: UCDP refused the token (HTTP {reply.status}: {said!r}). {_HOW_TO_GET_ONE}"
            )
            raise AuthenticationError(msg)
        return reply.envelope(what, "UCDP")

    def exists(self) -> bool:
        """An empty first page: a filter matching nothing, or a version that does not exist."""
        what = f"UCDP gedevents/{self.version} (does the version exist?)"
        probe = self.get(self.endpoint, what, {"pagesize": 1, "page": 0})
        return bool(probe.get("TotalPages") or probe.get("Result"))

    def pull(
        self, store: PageStore, pagesize: int, progress: Progress | None
    ) -> tuple[int, int, Any]:
        """Fetch the pages not in ``store`` yet; return pages, rows and the announced total."""
        described = "&".join(f"{k}={v}" for k, v in self.query.items()) or "(no filters)"
        page, rows, state = store.done(), store.rows_done(), store.state()
        url: str | None = state.get("next") if page else self.endpoint
        params = None if page else {**self.query, "pagesize": pagesize, "page": 0}
        total = state.get("total")
        while url:
            what = f"UCDP gedevents/{self.version} page {page + 1} of {described}"
            envelope = self.get(url, what, params)
            if page == 0:
                total = envelope.get("TotalCount")
                if not envelope.get("TotalPages") and not self.exists():
                    msg = (
                        f"UCDP has no GED version {self.version!r} (the API answered with no "
                        "pages). Versions look like '25.1' (yearly) or '26.0.3' (monthly)."
                    )
                    raise ApiError(msg)
            found = envelope.get("Result") or []
            if not isinstance(found, list) or not all(isinstance(r, dict) for r in found):
                msg = f"{what}: 'Result' is not a list of rows."
                raise ApiError(msg)
            following = envelope.get("NextPageUrl") or None
            url = _same_site(str(following), self.root, what) if following else None
            params = None
            if found:
                page += 1
                rows += len(found)
                store.write(page, [_row(r) for r in found], {"next": url, "total": total})
                if progress is not None:
                    progress(page, rows)
        return page, rows, total
