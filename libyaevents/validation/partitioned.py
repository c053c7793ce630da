"""Beyond memory: validate events partition by partition on Dask.

Every rule that looks at one row runs on each partition with the same code as
:func:`libyaevents.validate`; the rules that need the whole table (id
uniqueness) run once, across partitions. Rows are reported by their global
position, so a report reads the same as one from an in-memory validation.

Examples
--------
>>> import dask.dataframe as dd
>>> from libyaevents.synthetic import synthetic_events
>>> events = synthetic_events(1_000, seed=2)
>>> events.loc[900, "event_id_cnty"] = events.loc[10, "event_id_cnty"]
>>> report = validate_dask(dd.from_pandas(events, npartitions=4), today="2026-01-01")
>>> report.failures[["row", "code", "value"]].values.tolist()
[[10, 'duplicate', 'LBY11'], [900, 'duplicate', 'LBY11']]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from libyaevents.schema.spec import RuleContext
from libyaevents.schema.tables import TABLES, isin
from libyaevents.validation.validator import ValidationReport, finish_failures, validate

__all__ = ["validate_dask"]


def _partition_failures(
    part: pd.DataFrame, table: str, today: pd.Timestamp, offset: int
) -> pd.DataFrame:
    failures = validate(part, table, today=today).failures
    failures = failures[failures["code"] != "duplicate"]  # judged across partitions
    return failures.assign(row=failures["row"] + offset)


def _duplicates(frame: Any, key: str) -> pd.Series:
    counts = frame[key].value_counts().compute()
    return pd.Series(counts[counts > 1].index.astype("str"), dtype="str")


def _duplicate_rows(part: pd.DataFrame, key: str, repeated: pd.Series, offset: int) -> pd.DataFrame:
    hits = np.flatnonzero(isin(part[key].astype("str"), repeated).to_numpy())
    values = part[key].iloc[hits].astype("str").to_numpy()
    return pd.DataFrame(
        {
            "table": "",
            "record_id": values,
            "row": hits + offset,
            "column": key,
            "code": "duplicate",
            "value": values,
            "message": f"{key} a value that must be unique appears more than once",
        }
    )


def validate_dask(
    frame: Any, table: str = "events", *, today: pd.Timestamp | str | None = None
) -> ValidationReport:
    """Validate a Dask DataFrame of one table, partition by partition.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
        The table, in any partitioning (e.g. ``dask.dataframe.read_parquet``
        of a release file).
    table : str
        ``events``, ``actors`` or ``measures``.
    today : Timestamp or str, optional
        As in :func:`libyaevents.validate`.

    Returns
    -------
    ValidationReport
        Rows are global 0-based positions in partition order. Only the failures
        come back to the client; each partition is validated where it lives.
    """
    from dask.base import compute  # noqa: PLC0415 - optional dependency
    from dask.delayed import delayed  # noqa: PLC0415

    spec = TABLES[table]
    day = RuleContext.on(today).today
    lengths = frame.map_partitions(len).compute().tolist()
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int).tolist()
    parts = frame.to_delayed()
    repeated = _duplicates(frame, spec.primary_key)
    tasks = [
        delayed(_partition_failures)(part, spec.name, day, offset)
        for part, offset in zip(parts, offsets, strict=True)
    ]
    if len(repeated):
        tasks += [
            delayed(_duplicate_rows)(part, spec.primary_key, repeated, offset)
            for part, offset in zip(parts, offsets, strict=True)
        ]
    results = compute(*tasks)  # type: ignore[no-untyped-call]
    found = [f for f in results if len(f)]
    failures = pd.concat(found, ignore_index=True) if found else None
    if failures is not None:  # a whole-column failure is found once per partition
        whole_column = failures["row"].isna()
        failures = failures[~(whole_column & failures.duplicated(["code", "column"]))]
    return ValidationReport(
        failures=finish_failures(failures, spec.name), rows={spec.name: int(sum(lengths))}
    )
