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

__all__ = [
    "TABLE_SUFFIXES", "atomic_target", "output_file", "output_folder", "user_cache_dir",
    "write_frame",
]  # fmt: skip

_APP: Final = "libyaevents"

#: The file formats a table is written in, by suffix.
TABLE_SUFFIXES: Final = (".csv", ".parquet")


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


def _writable(folder: Path, target: Path) -> None:
    if not os.access(folder, os.W_OK | os.X_OK):
        msg = f"{target}: no permission to write in {folder}; choose another place."
        raise InputError(msg)


def output_file(path: str | os.PathLike[str], *, suffixes: tuple[str, ...] | None = None) -> Path:
    """``path`` as a file that can be written, checked before the work that fills it.

    Raises
    ------
    InputError
        When ``path`` is a folder, its folder does not exist or cannot be
        written in, or (with ``suffixes``) it ends in another suffix.

    Examples
    --------
    >>> import tempfile
    >>> output_file(tempfile.gettempdir(), suffixes=TABLE_SUFFIXES)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    libyaevents.errors.InputError: ...: is a folder; give a file name ending in .csv or .parquet.
    """
    target = Path(path)
    wanted = " or ".join(suffixes or ())
    if target.is_dir():
        msg = f"{target}: is a folder; give a file name{f' ending in {wanted}' if wanted else ''}."
        raise InputError(msg)
    if suffixes is not None and target.suffix.lower() not in suffixes:
        found = target.suffix or "no suffix"
        msg = f"{target}: write a table as {wanted} (found {found!r}); the suffix says which."
        raise InputError(msg)
    if not target.parent.is_dir():
        msg = f"{target}: the folder {target.parent} does not exist; create it or choose another."
        raise InputError(msg)
    _writable(target.parent, target)
    return target


def output_folder(path: str | os.PathLike[str]) -> Path:
    """``path`` as a folder that exists or can be created, checked before the work.

    Raises
    ------
    InputError
        When ``path`` (or a folder above it) is a file, or cannot be written in.
    """
    target = Path(path)
    if target.exists() and not target.is_dir():
        msg = f"{target}: is a file, not a folder; give a folder (it is created if missing)."
        raise InputError(msg)
    above = target
    while not above.exists():
        above = above.parent
    if not above.is_dir():
        msg = f"{target}: {above} is a file, so the folder cannot be created there."
        raise InputError(msg)
    _writable(above, target)
    return target


def write_frame(frame: Any, path: str | os.PathLike[str]) -> Path:
    """Write a DataFrame as CSV or Parquet, by the file's suffix, in one rename.

    Raises
    ------
    InputError
        For another suffix, or a folder that does not exist.
    """
    target = output_file(path, suffixes=TABLE_SUFFIXES)
    suffix = target.suffix.lower()
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
