"""Zenodo's REST deposit API: depositions, bucket uploads, new versions, publishing.

The calls its developer documentation describes, through the HTTP stack of the
API clients (:class:`libyaevents.live.http.Http`: retries on 429 with
``Retry-After``, 5xx and dropped connections; uploads streamed from disk and
rewound for each retry). The token travels in the ``Authorization`` header
only; it is a :class:`~libyaevents.live.credentials.Secret`, so no message,
log or file can show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from libyaevents.errors import ApiError, AuthenticationError
from libyaevents.live.credentials import Secret, setting
from libyaevents.live.http import Http, Reply

__all__ = ["TOKEN_ENV", "ZenodoClient", "token_from_env"]

#: The environment variable holding the Zenodo token (never printed, logged or written).
TOKEN_ENV: Final = "ZENODO_TOKEN"  # noqa: S105 - a variable's name, not a secret

_OK: Final = frozenset({200, 201, 202, 204})


def _how(root: str) -> str:
    return (
        f"Create a personal access token at {root}/account/settings/applications/ with the "
        f"scopes deposit:write and deposit:actions and put it in {TOKEN_ENV} (the sandbox "
        "and zenodo.org have separate accounts and tokens)."
    )


def token_from_env(root: str) -> Secret:
    """The token from ``ZENODO_TOKEN`` (or ``[zenodo] token`` of the config file).

    Raises
    ------
    AuthenticationError
        When there is none.
    """
    found = setting(TOKEN_ENV, "zenodo", "token")
    if found is None:
        msg = f"Publishing to {root} needs a Zenodo token. {_how(root)}"
        raise AuthenticationError(msg)
    return found


@dataclass
class ZenodoClient:
    """The deposit API of one Zenodo site, with one token.

    Parameters
    ----------
    root : str
        The site root (``https://zenodo.org``, its sandbox, or a test server).
    token : Secret
        A personal access token with ``deposit:write`` and ``deposit:actions``.
    http : Http
        The HTTP client (retries, timeouts).
    """

    root: str
    token: Secret
    http: Http = field(default_factory=Http)

    def _call(self, method: str, url: str, what: str, **kw: Any) -> Reply:
        headers = {"Authorization": f"Bearer {self.token.reveal()}", "Accept": "application/json"}
        reply = self.http.request(method, url, what=f"Zenodo {what}", headers=headers, **kw)
        said = reply.text.strip().replace("\n", " ")[:200]
        if reply.status in (401, 403):
            msg = f"Zenodo {what}: {self.root} refused the token (HTTP {reply.status}: {said!r}). "
            raise AuthenticationError(msg + _how(self.root))
        if reply.status not in _OK:
            msg = f"Zenodo {what}: HTTP {reply.status} ({said!r})."
            raise ApiError(msg)
        return reply

    def _json(self, method: str, url: str, what: str, **kw: Any) -> dict[str, Any]:
        found = self._call(method, url, what, **kw).json(f"Zenodo {what}")
        if not isinstance(found, dict):
            msg = f"Zenodo {what}: the reply is not a JSON object."
            raise ApiError(msg)
        return found

    @property
    def _depositions(self) -> str:
        return f"{self.root}/api/deposit/depositions"

    def depositions(self) -> list[dict[str, Any]]:
        """Every deposition of the token's account (drafts and published), newest first."""
        params = {"size": 200, "sort": "mostrecent"}
        found = self._call("GET", self._depositions, "list depositions", params=params)
        found = found.json("Zenodo depositions")
        return [d for d in found if isinstance(d, dict)] if isinstance(found, list) else []

    def create(self) -> dict[str, Any]:
        """A new, empty draft deposition."""
        return self._json("POST", self._depositions, "create a deposition", payload={})

    def get(self, deposition: int) -> dict[str, Any]:
        """One deposition by id."""
        return self._json("GET", f"{self._depositions}/{deposition}", f"deposition {deposition}")

    def new_version(self, deposition: int) -> dict[str, Any]:
        """A new draft version of a published deposition (the draft itself, not its parent)."""
        url = f"{self._depositions}/{deposition}/actions/newversion"
        parent = self._json("POST", url, f"new version of {deposition}")
        draft = str(parent.get("links", {}).get("latest_draft") or "")
        if not draft:
            msg = f"Zenodo new version of {deposition}: the reply names no latest_draft."
            raise ApiError(msg)
        return self._json("GET", draft, f"new draft of {deposition}")

    def bucket_files(self, bucket: str) -> dict[str, dict[str, Any]]:
        """The files a draft's bucket holds, by name, with Zenodo's ``md5:`` checksums."""
        found = self._json("GET", bucket, "list the draft's files")
        contents = found.get("contents", [])
        return {str(f["key"]): f for f in contents if isinstance(f, dict) and "key" in f}

    def upload(self, bucket: str, path: Path, name: str) -> dict[str, Any]:
        """Stream one file into the bucket; Zenodo's reply (``checksum`` ``md5:...``)."""
        url = f"{bucket}/{quote(name)}"
        return self._json("PUT", url, f"upload of {name}", upload=path)

    def delete_file(self, bucket: str, name: str) -> None:
        """Remove a file from a draft's bucket (one a new version carried over)."""
        self._call("DELETE", f"{bucket}/{quote(name)}", f"removal of {name}")

    def set_metadata(self, deposition: int, metadata: dict[str, Any]) -> dict[str, Any]:
        """Replace a draft's metadata."""
        url = f"{self._depositions}/{deposition}"
        return self._json("PUT", url, f"metadata of {deposition}", payload={"metadata": metadata})

    def publish(self, deposition: int) -> dict[str, Any]:
        """Publish a draft: its DOI is registered and the record can no longer change."""
        url = f"{self._depositions}/{deposition}/actions/publish"
        return self._json("POST", url, f"publishing of {deposition}")
