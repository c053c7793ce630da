"""What changed between two versions of the tables: added, deleted, modified ids.

Examples
--------
>>> from libyaevents.synthetic import synthetic_dataset
>>> old = synthetic_dataset(30, seed=1)
>>> new = {k: v.copy() for k, v in old.items()}
>>> new["events"].loc[3, "fatalities"] = 9
>>> new["events"] = new["events"].drop(index=5)
>>> changes = diff_tables(old, new)
>>> changes[["record_id", "change", "column", "old", "new"]].values.tolist()
[['LBY4', 'modified', 'fatalities', '0', '9'], ['LBY6', 'deleted', nan, nan, nan]]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from libyaevents.schema.tables import TABLES

__all__ = ["CHANGE_COLUMNS", "diff_tables", "summarise_changes"]

#: Columns of a change table, in order.
CHANGE_COLUMNS: Final = ("table", "record_id", "change", "column", "old", "new")


def _text(series: pd.Series) -> pd.Series:
    return series.astype("str").reset_index(drop=True)


def _changes(
    table: str,
    ids: pd.Index,
    change: str,
    column: str | None = None,
    *,
    old: pd.Series | None = None,
    new: pd.Series | None = None,
) -> pd.DataFrame:
    """Change rows in the shape of CHANGE_COLUMNS."""
    return pd.DataFrame(
        {
            "table": table,
            "record_id": ids.astype("str"),
            "change": change,
            "column": column,
            "old": old,
            "new": new,
        }
    )


def _differs(a: pd.Series, b: pd.Series) -> np.ndarray:
    """True where two aligned columns differ; two empty values are equal."""
    if isinstance(a.dtype, pd.CategoricalDtype) and a.dtype == b.dtype:
        return np.asarray(a.cat.codes.to_numpy() != b.cat.codes.to_numpy())
    left, right = pa.array(a, from_pandas=True), pa.array(b, from_pandas=True)
    if left.type != right.type:
        left, right = left.cast(pa.string()), right.cast(pa.string())
    if pa.types.is_dictionary(left.type):
        left, right = left.cast(left.type.value_type), right.cast(right.type.value_type)
    unequal = pc.fill_null(pc.not_equal(left, right), True)
    both_empty = pc.and_(pc.is_null(left), pc.is_null(right))
    return np.asarray(pc.and_(unequal, pc.invert(both_empty)))


def _modified(
    table: str, old: pd.DataFrame, new: pd.DataFrame, ids: pd.Index
) -> list[pd.DataFrame]:
    """Changed cells of rows that line up by position; ``ids`` names the rows."""
    parts = []
    for column in [c for c in new.columns if c in old.columns]:
        a, b = old[column], new[column]
        changed = np.flatnonzero(_differs(a, b))
        if len(changed):
            old_text, new_text = _text(a.iloc[changed]), _text(b.iloc[changed])
            parts.append(
                _changes(table, ids[changed], "modified", column, old=old_text, new=new_text)
            )
    return parts


def _diff_one(table: str, old: pd.DataFrame, new: pd.DataFrame) -> list[pd.DataFrame]:
    key = TABLES[table].primary_key
    parts: list[pd.DataFrame] = []
    if old[key].reset_index(drop=True).equals(new[key].reset_index(drop=True)):
        # Releases keep a stable order: usually the ids line up already, and a
        # positional comparison needs no join.
        ids = pd.Index(new[key])
        kept_old = old.drop(columns=key).reset_index(drop=True)
        kept_new = new.drop(columns=key).reset_index(drop=True)
    else:
        old_i, new_i = old.set_index(key), new.set_index(key)
        added = new_i.index.difference(old_i.index, sort=False)
        deleted = old_i.index.difference(new_i.index, sort=False)
        parts += [_changes(table, added, "added"), _changes(table, deleted, "deleted")]
        ids = new_i.index.intersection(old_i.index, sort=False)
        kept_old = old_i.loc[ids].reset_index(drop=True)
        kept_new = new_i.loc[ids].reset_index(drop=True)
    parts += _modified(table, kept_old, kept_new, ids)
    # a column present in only one version changes every kept row
    for column in sorted(set(kept_old.columns) ^ set(kept_new.columns)):
        if column in kept_old.columns:
            parts.append(_changes(table, ids, "modified", column, old=_text(kept_old[column])))
        else:
            parts.append(_changes(table, ids, "modified", column, new=_text(kept_new[column])))
    return parts


def diff_tables(old: Mapping[str, pd.DataFrame], new: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Compare two versions of the tables, id by id and column by column.

    Parameters
    ----------
    old, new : mapping of table name to DataFrame
        Canonical tables; a table missing on one side counts as empty.

    Returns
    -------
    pandas.DataFrame
        One row per added or deleted id (``column``, ``old``, ``new`` empty) and
        one row per changed cell of a kept id (values as text), sorted by table,
        id, change and column.
    """
    parts: list[pd.DataFrame] = []
    for table in TABLES:
        if table not in old and table not in new:
            continue
        empty = pd.DataFrame({TABLES[table].primary_key: pd.Series([], dtype="str")})
        parts += _diff_one(table, old.get(table, empty), new.get(table, empty))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in CHANGE_COLUMNS})
    out = pd.concat(parts, ignore_index=True).astype("str")
    order = pd.Categorical(out["table"], categories=list(TABLES), ordered=True)
    out = out.assign(_t=order).sort_values(["_t", "record_id", "change", "column"], kind="stable")
    return out.drop(columns="_t").reset_index(drop=True)[list(CHANGE_COLUMNS)]


def summarise_changes(changes: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Count added, deleted and modified ids per table.

    Examples
    --------
    >>> summarise_changes(diff_tables({}, {}))
    {}
    """
    out: dict[str, dict[str, int]] = {}
    for (table, change), group in changes.groupby(["table", "change"], sort=True):
        out.setdefault(str(table), {})[str(change)] = int(group["record_id"].nunique())
    return out
