"""Read a table in the canonical schema from CSV or Parquet.

CSV is read with every column as text, so that :func:`libyaevents.validate` can
report each value that does not convert, at its row, instead of pandas guessing
types or failing on the first bad value.

Examples
--------
>>> import io, libyaevents.readers.detect as lio
>>> text = "actor_id,name\\nkaniyat-militia,Kaniyat Militia\\n"
>>> frame, table = lio.read_table(io.StringIO(text))
>>> table, len(frame)
('actors', 1)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from libyaevents.arguments import unique_columns
from libyaevents.errors import ReadError
from libyaevents.readers.account import Loaded
from libyaevents.readers.acled import events_from_text, read_acled
from libyaevents.readers.coded import is_sources_folder, read_sources
from libyaevents.readers.csvtext import Progress, Source, read_csv_text, read_header
from libyaevents.readers.ucdp import events_from_ged, is_ucdp_ged, read_ucdp_ged
from libyaevents.schema.tables import TABLES
from libyaevents.validation.validator import guess_table

__all__ = ["is_events_export", "read_events_export", "read_source_folder", "read_table"]


def _read_csv(source: str | Path | IO[str]) -> pd.DataFrame:
    return pd.read_csv(source, dtype="str", keep_default_na=False, na_values=[""])


def read_table(source: str | Path | IO[str], table: str | None = None) -> tuple[pd.DataFrame, str]:
    """Read a canonical table from a CSV or Parquet file.

    Parameters
    ----------
    source : path or text buffer
        ``.parquet`` files are read with pyarrow; anything else as CSV
        (UTF-8, header row, empty cell = empty value).
    table : str, optional
        ``events``, ``actors`` or ``measures``; guessed from the id column
        when omitted.

    Returns
    -------
    frame : pandas.DataFrame
        CSV columns as text; Parquet columns as stored.
    table : str
        The table name.

    Raises
    ------
    ReadError
        When the file is missing or cannot be parsed as CSV or Parquet.
    InputError
        When a column name appears more than once in the header.
    """
    name = getattr(source, "name", source)
    try:
        if isinstance(source, str | Path) and str(source).endswith(".parquet"):
            frame = pq.read_table(source).to_pandas()
        else:
            frame = _read_csv(source)
    except FileNotFoundError:
        msg = f"{name}: no such file. Check the path."
        raise ReadError(msg) from None
    except (OSError, ValueError, pa.ArrowException, UnicodeDecodeError) as exc:
        msg = (
            f"{name}: could not be read as {'Parquet' if str(name).endswith('.parquet') else 'CSV'}"
            f" ({type(exc).__name__}: {exc}). Expected a UTF-8 CSV with a header row or a "
            "Parquet file in the canonical schema."
        )
        raise ReadError(msg) from None
    # pandas renames a repeated CSV header ("name", "name.1"): judge the header as written
    is_csv = isinstance(source, str | Path) and not str(source).endswith(".parquet")
    unique_columns(read_header(source) if is_csv else list(frame.columns), str(name))
    return frame, table or guess_table(frame)


def read_source_folder(folder: Path) -> dict[str, pd.DataFrame]:
    """Read ``events``, ``actors`` and ``measures`` from a folder.

    The folder holds either coded sources (``actors.toml``, see
    :func:`libyaevents.read_sources`) or one ``.parquet`` or ``.csv`` file per table.

    Raises
    ------
    ReadError
        When a table has no file in the folder, or a file cannot be read.
    """
    if is_sources_folder(folder):
        return read_sources(folder).tables
    tables = {}
    for name in TABLES:
        found = [folder / f"{name}{ext}" for ext in (".parquet", ".csv")]
        path = next((p for p in found if p.is_file()), None)
        if path is None:
            msg = (
                f"{folder}: no {name}.parquet or {name}.csv; a release needs all of {list(TABLES)}."
            )
            raise ReadError(msg)
        tables[name] = read_table(path, name)[0]
    return tables


def is_events_export(path: str | Path) -> bool:
    """True for a CSV file that is an ACLED export or a UCDP GED file (judged by its header)."""
    if str(path).endswith(".parquet") or not Path(path).is_file():
        return False
    header = read_header(path)
    names = {h.strip().lower() for h in header}
    return is_ucdp_ged(header) or {"event_id_cnty", "event_date"} <= names


def read_events_export(source: Source, progress: Progress | None = None) -> Loaded:
    """Read an ACLED export of any vintage or a UCDP GED file, told apart by the header.

    See :func:`libyaevents.read_acled` and :func:`libyaevents.read_ucdp_ged`.

    Raises
    ------
    ReadError
        When the file is missing, not CSV, or neither an ACLED export nor a GED file.
    """
    if isinstance(source, str | os.PathLike):  # told apart by the header, then part by part
        read = read_ucdp_ged if is_ucdp_ged(read_header(source)) else read_acled
        return read(source, progress=progress)
    text = read_csv_text(source, progress)
    return events_from_ged(text) if is_ucdp_ged(text.header) else events_from_text(text)
