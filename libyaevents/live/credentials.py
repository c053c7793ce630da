"""Where credentials come from and where tokens are kept, never printed.

Credentials come from the environment (``ACLED_USERNAME``, ``ACLED_PASSWORD``,
``UCDP_API_TOKEN``) or, when unset there, from ``config.toml`` in the user
config directory (``[acled] username, password`` and ``[ucdp] token``), never
from code. ACLED's OAuth tokens are cached in the user cache directory, one
file per account and site, with mode 0600. :class:`Secret` hides its value from
``repr`` and ``str``, so a credential cannot end up in a message or a log.

Examples
--------
>>> from libyaevents.live.credentials import Secret
>>> s = Secret("hunter2")
>>> s, str(s), s.reveal()
(Secret('***'), '***', 'hunter2')
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from libyaevents.errors import AuthenticationError
from libyaevents.files import user_cache_dir
from libyaevents.optional import require

__all__ = ["Secret", "TokenCache", "cache_dir", "config_dir", "setting"]

_APP: Final = "libyaevents"


class Secret:
    """A credential or token: shown as ``***`` everywhere but :meth:`reveal`."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The value, for the one place it is sent."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def _platformdirs() -> Any:
    return require("platformdirs", extra="api", feature="The API clients")


def config_dir() -> Path:
    """The user config directory (``LIBYAEVENTS_CONFIG_DIR`` overrides it)."""
    given = os.environ.get("LIBYAEVENTS_CONFIG_DIR")
    return Path(given) if given else Path(_platformdirs().user_config_dir(_APP))


def cache_dir() -> Path:
    """The user cache directory (``LIBYAEVENTS_CACHE_DIR`` overrides it)."""
    return user_cache_dir()


def _config() -> dict[str, Any]:
    path = config_dir() / "config.toml"
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        msg = f"{path}: cannot read the config file ({type(exc).__name__}). Fix or remove it."
        raise AuthenticationError(msg) from None


def setting(env: str, section: str, key: str) -> Secret | None:
    """A credential from the environment variable ``env``, else ``[section] key`` of the config."""
    value = os.environ.get(env)
    if not value:
        found = _config().get(section, {})
        value = found.get(key) if isinstance(found, dict) else None
    return Secret(str(value)) if value else None


@dataclass(frozen=True)
class TokenCache:
    """An OAuth token pair on disk (mode 0600), per account and site."""

    path: Path

    @classmethod
    def of(cls, username: Secret, base_url: str) -> TokenCache:
        """The cache file of one account on one site (the name is a hash: no e-mail on disk)."""
        key = hashlib.sha256(f"{base_url}\0{username.reveal()}".encode()).hexdigest()[:24]
        return cls(cache_dir() / "tokens" / f"acled-{key}.json")

    def read(self) -> dict[str, Any] | None:
        """The cached tokens, or None when absent or unreadable."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def write(self, access: str, refresh: str | None, expires_in: float) -> None:
        """Keep a token pair, readable by the user only, replaced atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        data = {"access_token": access, "refresh_token": refresh,
                "expires_at": time.time() + float(expires_in)}  # fmt: skip
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, self.path)

    def clear(self) -> None:
        """Forget the tokens (after the server refused them)."""
        self.path.unlink(missing_ok=True)
