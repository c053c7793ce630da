"""The library's one error tree.

Every error the library raises on purpose derives from :class:`LibyaeventsError`.
Errors about the caller's input also derive from :class:`ValueError`, so code
that already catches ``ValueError`` keeps working.

Examples
--------
>>> from libyaevents.errors import InputError, LibyaeventsError
>>> issubclass(InputError, LibyaeventsError), issubclass(InputError, ValueError)
(True, True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "AccessDeniedError",
    "AdjudicationError",
    "ApiError",
    "AuthenticationError",
    "InputError",
    "IntegrityError",
    "LibyaeventsError",
    "QuotaExceededError",
    "ReadError",
    "ReleaseError",
    "ReleaseExistsError",
    "ReleaseNotFoundError",
    "ReportExistsError",
    "StoreBusyError",
    "ValidationError",
]


class LibyaeventsError(Exception):
    """Root of every error libyaevents raises on purpose."""


class InputError(LibyaeventsError, ValueError):
    """An argument or input the library cannot work with (wrong table name, bad option)."""


class ReadError(InputError):
    """A file could not be read at all: missing, unreadable, or not CSV/Parquet."""


class ValidationError(InputError):
    """Data broke one or more schema rules.

    Parameters
    ----------
    message : str
        A readable summary of the failures.
    failures : pandas.DataFrame
        The full failure table (see :class:`libyaevents.ValidationReport`).
    """

    def __init__(self, message: str, failures: pd.DataFrame) -> None:
        super().__init__(message)
        self.failures = failures


class AdjudicationError(InputError):
    """An adjudication cannot merge yet: decisions are missing, invalid or stale.

    Parameters
    ----------
    message : str
        What is left to decide, one line per decision, and what to do.
    left : list of dict
        The decisions left: ``report``, ``kind``, ``field`` and each coder's id.
    """

    def __init__(self, message: str, left: list[dict[str, object]]) -> None:
        super().__init__(message)
        self.left = left


class ReportExistsError(InputError, FileExistsError):
    """The report id is already coded in the sources folder; reports are never overwritten."""


class ReleaseError(LibyaeventsError):
    """A release could not be built, found or trusted."""


class ReleaseExistsError(ReleaseError, FileExistsError):
    """The version already exists in the store; releases are never overwritten."""


class ReleaseNotFoundError(ReleaseError, LookupError):
    """No such version (or no release at all) in the store."""


class IntegrityError(ReleaseError):
    """A release file does not match its manifest: hash, size, rows, path or schema."""


class StoreBusyError(ReleaseError):
    """Another writer (a sync, a build) held the store for longer than the caller would wait."""


class ApiError(LibyaeventsError):
    """An API (ACLED, UCDP) could not deliver what was asked.

    The message names the endpoint, the page and the query (never a credential)
    and says what to do; pages already fetched are kept for the next run.
    """


class AuthenticationError(ApiError):
    """Credentials are missing or were refused, or a token could not be refreshed."""


class AccessDeniedError(ApiError):
    """The account may not read this data (its tier, or a profile step not done)."""


class QuotaExceededError(ApiError):
    """A request would exceed the request budget set for this client."""
