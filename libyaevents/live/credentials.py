"""Where credentials come from and where tokens are kept, never printed.

Credentials come from the environment (``ACLED_USERNAME``, ``ACLED_PASSWORD``,
``UCDP_API_TOKEN``) or, when unset there, from ``config.toml`` in the user
config directory (``[acled] username, password`` and ``[ucdp] token``), never
from code. ACLED's OAuth tokens are cached in the user cache directory, one
file per account and site, mode 0600 in a 0700 folder, bound to the password
that obtained them (:class:`TokenCache`). :class:`Secret` hides its value from
``repr`` and ``str``, so a credential cannot end up in a message or a log.

Examples
--------
>>> from libyaevents.live.credentials import Secret
>>> s = Secret("hunter2")
>>> s, str(s), s.reveal()
(Secret('***'), '***', 'hunter2')
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from libyaevents.errors import AuthenticationError
from libyaevents.files import user_cache_dir
from libyaevents.optional import require

__all__ = ["Secret", "TokenCache", "bound_to", "cache_dir", "config_dir", "setting"]

_APP: Final = "libyaevents"
_log = logging.getLogger("libyaevents")
_EXPOSED: set[Path] = set()  # token caches found readable by others: said once per process


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
    """An OAuth token pair on disk, per account and site, usable only by the same credentials.

    The file (mode 0600, in a 0700 folder) holds the tokens and a keyed hash
    of the account, password and site that obtained them (HMAC-SHA256 keyed by
    the password), never the password: another password for the same account
    logs in again instead of reusing the tokens. A file others can read is not
    used (said once) and is replaced by the next login.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> site = "https://acleddata.com"
    >>> cache = TokenCache(Path(tempfile.mkdtemp()) / "t.json", bound_to("me", "pw", site))
    >>> cache.write("access", None, 3600)
    >>> cache.read()["access_token"], TokenCache(cache.path, bound_to("me", "other", site)).read()
    ('access', None)
    """

    path: Path
    credentials: str = field(repr=False)

    @classmethod
    def of(cls, username: Secret, password: Secret, base_url: str) -> TokenCache:
        """The cache file of one account on one site (the name is a hash: no e-mail on disk)."""
        key = hashlib.sha256(f"{base_url}\0{username.reveal()}".encode()).hexdigest()[:24]
        bound = bound_to(username.reveal(), password.reveal(), base_url)
        return cls(cache_dir() / "tokens" / f"acled-{key}.json", bound)

    def read(self) -> dict[str, Any] | None:
        """The cached tokens; None when absent, unreadable, exposed or another login's."""
        try:
            mode = self.path.stat().st_mode
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if mode & 0o077:
            if self.path not in _EXPOSED:
                _EXPOSED.add(self.path)
                _log.warning(
                    "libyaevents: %s is readable by others (mode %o): its tokens are not "
                    "used; logging in again replaces it with a file only you can read",
                    self.path, mode & 0o777,
                )  # fmt: skip
            return None
        held = data.get("credentials") if isinstance(data, dict) else None
        if not isinstance(held, str) or not hmac.compare_digest(held, self.credentials):
            return None
        return dict(data)

    def write(self, access: str, refresh: str | None, expires_in: float) -> None:
        """Keep a token pair: a new file, mode 0600 from its creation, renamed into place."""
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(OSError):  # a folder another user owns stays as it is
            folder.chmod(0o700)
        data = {"access_token": access, "refresh_token": refresh,
                "expires_at": time.time() + float(expires_in),
                "credentials": self.credentials}  # fmt: skip
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tokens-", suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def clear(self) -> None:
        """Forget the tokens (after the server refused them)."""
        self.path.unlink(missing_ok=True)


def bound_to(username: str, password: str, site: str) -> str:
    """The keyed hash a token cache keeps of the credentials (HMAC-SHA256, keyed by the password).

    Examples
    --------
    >>> bound_to("me", "pw", "https://acleddata.com") == bound_to("me", "pw2", "https://acleddata.com")
    False
    """
    message = f"libyaevents token cache\0{site}\0{username}".encode()
    return hmac.new(password.encode(), message, hashlib.sha256).hexdigest()
