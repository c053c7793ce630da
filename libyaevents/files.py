"""Writing files so that a crash or a full disk never leaves a truncated one; where caches go.

:func:`atomic_target` gives a temporary path beside the target; the target is
replaced only when writing succeeded, in one rename. A file object (not a
path) is written as given.

Examples
--------
>>> import tempfile, pathlib
>>> from libyaevents.files import atomic_target
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_target(folder / "out.txt") as tmp:
...     _ = pathlib.Path(tmp).write_text("done")
>>> (folder / "out.txt").read_text(), sorted(p.name for p in folder.iterdir())
('done', ['out.txt'])
"""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Final

from libyaevents.errors import InputError

__all__ = ["atomic_target", "user_cache_dir", "write_frame"]

_APP: Final = "libyaevents"


@contextlib.contextmanager
def atomic_target(where: str | os.PathLike[str] | IO[Any]) -> Iterator[Any]:
    """A temporary path to write instead of ``where``, renamed onto it on success.

    Raises
    ------
    InputError
        When the folder of ``where`` does not exist.
    """
    if not isinstance(where, str | os.PathLike):
        yield where  # a file object: the caller owns it
        return
    target = Path(where)
    if not target.parent.is_dir():
        msg = f"{target}: the folder {target.parent} does not exist; create it or choose another."
        raise InputError(msg)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        yield str(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_frame(frame: Any, path: str | os.PathLike[str]) -> Path:
    """Write a DataFrame as CSV or Parquet, by the file's suffix, in one rename.

    Raises
    ------
    InputError
        For another suffix, or a folder that does not exist.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        msg = f"{target}: write a table as .csv or .parquet (found {suffix or 'no suffix'!r})."
        raise InputError(msg)
    with atomic_target(target) as tmp:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False)
        else:
            frame.to_parquet(tmp, index=False)
    return target


def user_cache_dir() -> Path:
    """The folder libyaevents keeps its cached files in.

    ``LIBYAEVENTS_CACHE_DIR`` when set; else the platform's user cache folder,
    where platformdirs puts it (without importing it: 6 ms, and an extra):
    ``$XDG_CACHE_HOME/libyaevents`` (``~/.cache/libyaevents``), macOS
    ``~/Library/Caches/libyaevents``, Windows
    ``%LOCALAPPDATA%\\libyaevents\\libyaevents\\Cache``.

    Examples
    --------
    >>> import os
    >>> saved = dict(os.environ)
    >>> os.environ["LIBYAEVENTS_CACHE_DIR"] = "/tmp/ly-cache"
    >>> str(user_cache_dir())
    '/tmp/ly-cache'
    >>> os.environ.clear(); os.environ.update(saved)
    """
    given = os.environ.get("LIBYAEVENTS_CACHE_DIR")
    if given:
        return Path(given)
    home = Path.home()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(local) / _APP / _APP / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / _APP
    return Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / _APP
