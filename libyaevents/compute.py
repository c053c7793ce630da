"""The one way to call pyarrow compute: typed by default, loose where the stubs are wrong.

Modules import ``pyarrow.compute as pc`` and mypy checks every call against
pyarrow-stubs. The stubs reject a few calls pyarrow accepts (comparing an array
with a Python ``str`` or ``int``, ``take`` with a scalar index, arithmetic on a
scalar, masks given as ``BooleanArray``); those calls, and only those, go
through :data:`loose`, so the exemption is visible at each call and nowhere else.

Examples
--------
>>> import pyarrow as pa
>>> from libyaevents.compute import loose
>>> loose.equal(pa.array(["a", "b"]), "a").to_pylist()
[True, False]
"""

from __future__ import annotations

from typing import Any

import pyarrow.compute as pc

__all__ = ["loose"]

#: ``pyarrow.compute`` without type checking, for the calls its stubs wrongly reject.
loose: Any = pc
