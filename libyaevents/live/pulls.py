"""A pull of an API: pages streamed to disk, resumed after a failure, then made canonical.

Each page of rows is written to a work folder (one Parquet file of text columns
per page, renamed into place when complete), so memory holds one page while
fetching and a failed pull resumes from the last complete page when run again
with the same query. :func:`finish_pull` reads the pages back, drops rows that
appear again on a later page (the data changes while paging: the row with the
newest ``timestamp`` is kept and the others are counted) and converts the rows
with the file readers' own code, so the tables, the problems and the row
account are the same as for an export of the same rows.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import filelock
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from libyaevents.compute import loose
from libyaevents.errors import ApiError
from libyaevents.live.credentials import cache_dir
from libyaevents.readers.account import Loaded
from libyaevents.readers.csvtext import CsvText

__all__ = ["ApiRows", "PageStore", "Progress", "Pulled", "finish_pull", "text_value", "utc_now"]

#: A progress callback: ``(pages_done, rows_done)``.
Progress = Callable[[int, int], None]

TEXT: Final = pa.large_string()


def utc_now() -> dt.datetime:
    """The time a pull finished (UTC): its access time (one place, so tests can set the clock)."""
    return dt.datetime.now(dt.UTC)


def text_value(value: Any) -> str | None:
    """A JSON value as the text an export would hold ("" and null are missing)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 2**53 else repr(value)
    return str(value)


def _text_column(values: list[Any]) -> Any:
    """A column of JSON values as text, "" and null missing (vectorised when all are text)."""
    try:
        column = pa.array(values, TEXT)  # ACLED: every value is already a string
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # UCDP: typed values, one by one
        return pa.array([text_value(v) for v in values], TEXT)
    blank = loose.equal(column, "")
    return loose.if_else(blank, pa.scalar(None, TEXT), column)


class ApiRows(CsvText):
    """Rows of an API pull in the shape the file readers convert.

    ``line`` in problems and notes is the row's 1-based position in the pull
    (pages in order), the API's equivalent of a file line.
    """

    def lines(self, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """Position in the pull, from 1."""
        return np.asarray(rows, dtype="int64") + 1


@dataclass(frozen=True)
class Pulled(Loaded):
    """What a client fetched: a :class:`~libyaevents.Loaded` plus where and how.

    Attributes
    ----------
    endpoint : str
        The URL pulled (no query string, no credential).
    query : dict
        The filters sent (never a credential).
    accessed : str
        When the pull finished (UTC, ISO 8601).
    pages : int
        Pages fetched (resumed pages included).
    rows_deduplicated : int
        Rows dropped because the same id came again on a later page (also
        counted in ``rows_merged``, so the account balances).
    pages_folder : pathlib.Path or None
        The work folder of the pull's pages while they are kept (a client
        called with ``keep_pages=True``); :meth:`discard_pages` removes it.
    """

    endpoint: str = ""
    query: dict[str, Any] = field(default_factory=dict)
    accessed: str = ""
    pages: int = 0
    rows_deduplicated: int = 0
    pages_folder: Path | None = field(default=None, repr=False, compare=False)

    def discard_pages(self) -> None:
        """Remove the pull's pages once what was made of them is stored (see ``keep_pages``)."""
        if self.pages_folder is not None:
            shutil.rmtree(self.pages_folder, ignore_errors=True)

    def to_dict(self) -> dict[str, Any]:
        """The account, plus the endpoint, query, access time and pages."""
        return {
            **super().to_dict(),
            "endpoint": self.endpoint,
            "query": self.query,
            "accessed": self.accessed,
            "pages": self.pages,
            "rows_deduplicated": self.rows_deduplicated,
        }


@dataclass(frozen=True)
class PageStore:
    """The work folder of one pull (one query against one endpoint).

    The folder is made when the first page arrives: a pull that fails before
    (a refused login, a bad query) leaves nothing behind.
    """

    folder: Path
    key: str = ""

    @classmethod
    def of(cls, source: str, endpoint: str, query: Mapping[str, Any], work: Path | None = None):  # type: ignore[no-untyped-def]
        """The folder for this query (same query -> same folder, so a rerun resumes)."""
        key = json.dumps({"endpoint": endpoint, "query": query}, sort_keys=True, default=str)
        digest = hashlib.sha256(key.encode()).hexdigest()[:20]
        return cls((work or cache_dir() / "pulls") / f"{source}-{digest}", key)

    @contextlib.contextmanager
    def resumable(self) -> Iterator[None]:
        """Hold the pull's folder; on Ctrl-C, say which pages are kept for the next run.

        One pull at a time writes a folder: a second pull of the same query
        (another ``fetch`` started while the first runs) is refused before any
        request, instead of writing pages beside the first one's. The lock is a
        small file in the cache's ``locks`` folder, named by the work folder (the
        operating system's lock through ``filelock``: a pull that dies releases it).

        Raises
        ------
        ApiError
            When another pull of the same query holds the folder.
        """
        locks = cache_dir() / "locks"
        locks.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256(str(self.folder.resolve()).encode()).hexdigest()[:20]
        lock = filelock.FileLock(locks / f"pull-{name}.lock")
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            msg = (
                f"Another pull of the same query is running (its pages go to {self.folder}). "
                "Wait for it to finish and use its output, or run again then: a rerun resumes "
                "from the pages kept."
            )
            raise ApiError(msg) from None
        try:
            yield
        except KeyboardInterrupt as exc:
            pages = self.done()
            exc.add_note(
                f"{pages:,} {'page' if pages == 1 else 'pages'} ({self.rows_done():,} rows) "
                f"kept in {self.folder}"
                if pages
                else "no page had arrived"
            )
            raise
        finally:
            lock.release()

    def _page(self, number: int) -> Path:
        return self.folder / f"page-{number:06d}.parquet"

    def done(self) -> int:
        """Complete pages kept from an earlier run (1..n, in order)."""
        n = 0
        while self._page(n + 1).is_file():
            n += 1
        return n

    def rows_done(self) -> int:
        """Rows in the complete pages."""
        return sum(
            pq.ParquetFile(self._page(i)).metadata.num_rows for i in range(1, self.done() + 1)
        )

    def write(
        self, number: int, rows: Sequence[Mapping[str, Any]], state: Mapping[str, Any]
    ) -> None:
        """Keep one page (text columns) and the state needed to fetch the next one."""
        names = list(dict.fromkeys(k for row in rows for k in row))
        columns = {n: _text_column([r.get(n) for r in rows]) for n in names}
        self.folder.mkdir(parents=True, exist_ok=True)
        meta = self.folder / "query.json"
        if not meta.exists():
            meta.write_text(self.key, encoding="utf-8")
        tmp = self.folder / f".page-{number:06d}.{os.getpid()}.tmp"
        pq.write_table(pa.table(columns) if columns else pa.table({}), tmp)
        (self.folder / "state.json").write_text(json.dumps(dict(state)), encoding="utf-8")
        os.replace(tmp, self._page(number))

    def state(self) -> dict[str, Any]:
        """What :meth:`write` kept to continue (e.g. the next page's URL)."""
        path = self.folder / "state.json"
        return dict(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else {}

    def table(self) -> pa.Table:
        """Every page's rows, in order, every column text."""
        tables = [pq.read_table(self._page(i)) for i in range(1, self.done() + 1)]
        tables = [t for t in tables if t.num_columns]
        if not tables:
            return pa.table({})
        return pa.concat_tables(tables, promote_options="default")


def _newest(table: pa.Table, id_column: str, time_column: str | None) -> tuple[pa.Table, int]:
    """Keep one row per id: the newest by ``time_column`` (the last fetched on a tie)."""
    if id_column not in table.column_names or table.num_rows == 0:
        return table, 0
    ids = table[id_column].to_pandas()
    stamp = (
        pd.to_numeric(table[time_column].to_pandas(), errors="coerce").fillna(-1)
        if time_column in table.column_names
        else pd.Series(0, index=ids.index)
    )
    frame = pd.DataFrame({"id": ids, "t": stamp.to_numpy(), "pos": np.arange(len(ids))})
    frame["id"] = frame["id"].fillna("")  # rows without an id stay (the reader reports them)
    keep = frame.sort_values(["t", "pos"], kind="stable").drop_duplicates("id", keep="last")
    keep = keep[keep["id"] != ""]
    no_id = frame.loc[frame["id"] == "", "pos"]
    positions = np.sort(np.concatenate([keep["pos"].to_numpy(), no_id.to_numpy()]))
    dropped = table.num_rows - len(positions)
    return (table.take(pa.array(positions)) if dropped else table), dropped


def finish_pull(
    store: PageStore, convert: Callable[[CsvText], Loaded], *, name: str, id_column: str,
    time_column: str | None, endpoint: str, query: Mapping[str, Any], pages: int,
    notes: Sequence[str] = (), required: Sequence[str] = (),
) -> Pulled:  # fmt: skip
    """Read the pages back, drop repeated ids (newest kept), convert as a file reader would."""
    table = store.table()
    fetched = table.num_rows
    if table.num_columns == 0:  # an empty pull has no columns: give the reader its header
        table = pa.table({c: pa.array([], TEXT) for c in required})
    table = table.cast(pa.schema([(c, TEXT) for c in table.column_names]))
    table, dropped = _newest(table, id_column, time_column)
    loaded = convert(ApiRows(table, list(table.column_names), "utf-8", [], name))
    fields = {f.name: getattr(loaded, f.name) for f in dataclasses.fields(Loaded)}
    fields.update(rows_read=fetched, rows_merged=loaded.rows_merged + dropped)
    fields["file_notes"] = [*loaded.file_notes, *notes]
    if dropped:
        fields["file_notes"].append(
            f"{dropped:,} rows came again on a later page (the data changed while paging); "
            "the newest of each was kept"
        )
    accessed = utc_now().replace(microsecond=0).isoformat()
    return Pulled(**fields, endpoint=endpoint, query=dict(query), accessed=accessed,
                  pages=pages, rows_deduplicated=dropped, pages_folder=store.folder)  # fmt: skip
