"""Optional dependencies: imported when a feature needs them, named by their extra when absent.

Examples
--------
>>> from libyaevents.optional import require
>>> require("json", extra="none", feature="Reading JSON").__name__
'json'
>>> require("no_such_module", extra="plot", feature="Plots")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
libyaevents.errors.InputError: Plots need no_such_module: pip install "libyaevents[plot]" (from...
"""

from __future__ import annotations

import importlib
from typing import Any

from libyaevents.errors import InputError

__all__ = ["require"]


def require(module: str, *, extra: str, feature: str) -> Any:
    """Import ``module``; when it is missing, one line naming the extra that installs it.

    Raises
    ------
    InputError
        ``<feature> need <module>: pip install "libyaevents[<extra>]" (from a checkout:
        pip install ".[<extra>]").``, the two ways the package is installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".", maxsplit=1)[0]
        msg = (
            f'{feature} need {top}: pip install "libyaevents[{extra}]" '
            f'(from a checkout: pip install ".[{extra}]").'
        )
        raise InputError(msg) from None
