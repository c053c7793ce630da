"""What a loader read, returned and could not read: :class:`Loaded`.

Every loader returns the canonical tables it could build plus an account of
the input: the rows it read, the rows it returned, and each row it could not
use, with the line it starts on, the column, the value and the reason. The
account always balances: ``rows_read == rows_used + rows_reported``.

Examples
--------
>>> import io, libyaevents
>>> raw = io.StringIO(
...     "event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,"
...     "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,"
...     "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,"
...     "source,source_scale,notes,fatalities,timestamp\\n"
...     "LBY1,21 March 2020,2020,1,Protests,Peaceful protest,Protesters (Libya),,6,,,,60,"
...     "Northern Africa,Libya,West,Tripoli,,Tripoli,32.8925,13.18,1,Libya Observer,"
...     "National,A protest.,0,1584984341\\n"
...     "LBY2,31 February 2020,2020,1,Protests,Peaceful protest,Protesters (Libya),,6,,,,60,"
...     "Northern Africa,Libya,West,Tripoli,,Tripoli,32.8925,13.18,1,Libya Observer,"
...     "National,A protest.,0,1584984341\\n")
>>> loaded = libyaevents.read_acled(raw)
>>> loaded.vintage, loaded.rows_read, len(loaded.events), loaded.rows_reported
('api', 2, 1, 1)
>>> loaded.problems[["line", "record_id", "column", "value"]].to_dict("records")
[{'line': 3, 'record_id': 'LBY2', 'column': 'event_date', 'value': '31 February 2020'}]
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from libyaevents.schema.models import empty_frame

__all__ = ["Loaded"]


@dataclass(frozen=True)
class Loaded:
    """The result of a loader.

    Attributes
    ----------
    events, actors : DataFrame
        Canonical typed tables (``actors`` built from the events' actors).
    problems : DataFrame
        One row per value that kept a row out, in the shared problem shape
        (:data:`libyaevents.problems.PROBLEM_COLUMNS`, severity ``error``);
        ``line`` is the physical line the row starts on.
    notes : DataFrame
        Rows returned with a caveat, same shape (severity ``note``), e.g. a
        legacy event type that has no faithful current equivalent.
    file_notes : list of str
        Facts about the whole file (columns dropped or missing, encoding).
    source, vintage, encoding : str
        The input's name, the detected layout, the encoding that decoded it.
    rows_read : int
        Data records in the input (blank lines and malformed records included).
    rows_merged : int
        Rows folded into another row's event (monadic exports: the actor2 row).
    lines : ndarray of int
        The line of the input each returned event starts on, in event order.
    """

    events: pd.DataFrame
    actors: pd.DataFrame
    problems: pd.DataFrame
    notes: pd.DataFrame
    source: str
    vintage: str
    encoding: str
    rows_read: int
    rows_merged: int = 0
    file_notes: list[str] = field(default_factory=list)
    lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="int64"))

    @property
    def rows_reported(self) -> int:
        """Rows kept out of :attr:`events`, each listed in :attr:`problems`."""
        return int(self.problems["line"].nunique())

    @property
    def rows_used(self) -> int:
        """Rows that became (or were merged into) a returned event."""
        return len(self.events) + self.rows_merged

    @property
    def ok(self) -> bool:
        """True when every row was used."""
        return self.problems.empty

    @property
    def measures(self) -> pd.DataFrame:
        """No measures: event files do not carry them (an empty canonical table)."""
        return empty_frame("measures")

    def tables(self) -> dict[str, pd.DataFrame]:
        """``events`` and ``actors``, for :func:`libyaevents.validate`."""
        return {"events": self.events, "actors": self.actors}

    def locate(self, failures: pd.DataFrame) -> pd.DataFrame:
        """Name the input file and line of each failure about a returned event."""
        rows = failures["row"]
        mine = ((failures["table"] == "events") & rows.notna()).to_numpy()
        located = failures.copy()
        located.loc[mine, "source"] = self.source
        positions = rows[mine].to_numpy(dtype="int64")
        located.loc[mine, "line"] = self.lines[positions].astype("int64")
        return located

    def summary(self, limit: int = 10) -> str:
        """Return a readable account of the load."""
        lines = [
            f"{self.source}: {self.vintage} layout, {self.encoding}",
            f"rows read {self.rows_read:,} = used {self.rows_used:,} "
            f"(events {len(self.events):,}, merged {self.rows_merged:,}) "
            f"+ reported {self.rows_reported:,}",
            f"actors: {len(self.actors):,}",
        ]
        lines += [f"note: {n}" for n in self.file_notes]
        if not self.notes.empty:
            counts = self._note_counts()
            lines.append("rows returned with a caveat:")
            lines += [
                f"  {r.column}: {r.message} x{r.rows:,}"
                for r in counts.sort_values("rows", ascending=False).itertuples(index=False)
            ]
        if not self.problems.empty:
            lines.append(f"rows not returned (first {min(limit, len(self.problems))}):")
            for rec in self.problems.head(limit).to_dict("records"):
                rid = "" if pd.isna(rec["record_id"]) else f" {rec['record_id']!s}"
                lines.append(
                    f"  line {rec['line']}{rid} {rec['column']}: [{rec['code']}] {rec['message']}; "
                    f"found {rec['value']!r}"
                )
        return "\n".join(lines)

    def _note_counts(self) -> pd.DataFrame:
        groups = self.notes.groupby(["column", "code", "message"], dropna=False)
        return groups.size().rename("rows").reset_index()

    def to_dict(self) -> dict[str, Any]:
        """The account as JSON-ready data (every problem listed, notes counted)."""
        notes = self._note_counts()
        return {
            "source": self.source,
            "vintage": self.vintage,
            "encoding": self.encoding,
            "rows_read": self.rows_read,
            "rows_used": self.rows_used,
            "rows_merged": self.rows_merged,
            "rows_reported": self.rows_reported,
            "events": len(self.events),
            "actors": len(self.actors),
            "file_notes": self.file_notes,
            "notes": json.loads(notes.to_json(orient="records")),
            "problems": json.loads(self.problems.to_json(orient="records")),
        }
