"""One coder's coding, read for comparison: compiled tables beside the raw TOML records.

Values are compared as the tables show them (actors by canonical name, places by
location, lists as sets), so two coders whose registries give the same actor
different ids still agree; values are written back as the coder wrote them (the
raw TOML record), so an adjudicated merge keeps ids, dates and lists intact.

Examples
--------
>>> from libyaevents.coding.codings import read_coding
>>> from libyaevents.readers.coded import sources_folder
>>> coding = read_coding(sources_folder())
>>> len(coding.events), coding.raw_events[0]["event_id_cnty"], coding.paragraphs[0]
(7, 'LBY1', 3)
>>> coding.event_values[0]["actor1"]
'5+5 Joint Military Commission'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pandas as pd

from libyaevents.errors import ReadError
from libyaevents.readers.coded import Sources, read_sources

__all__ = ["EVENT_FIELDS", "MEASURE_FIELDS", "Coding", "read_coding"]

#: Keys a coder writes on an event that can disagree (ids, paragraph and notes
#: are not compared), and the compiled column each is compared by.
EVENT_FIELDS: Final = {
    "event_date": "event_date",
    "time_precision": "time_precision",
    "event_type": "event_type",
    "sub_event_type": "sub_event_type",
    "actor1": "actor1",
    "assoc_actor_1": "assoc_actor_1",
    "actor2": "actor2",
    "assoc_actor_2": "assoc_actor_2",
    "civilian_targeting": "civilian_targeting",
    "place": "location",
    "geo_precision": "geo_precision",
    "fatalities": "fatalities",
    "source": "source",
    "source_scale": "source_scale",
    "tags": "tags",
}
#: The same for measures (actor ids are compared by the actors' names).
MEASURE_FIELDS: Final = (
    "measure_type",
    "imposing_actor_id",
    "target_actor_id",
    "legal_basis",
    "status",
    "start_date",
    "end_date",
)
_SETS: Final = frozenset({"assoc_actor_1", "assoc_actor_2", "source", "tags"})
_ACTOR_IDS: Final = frozenset({"imposing_actor_id", "target_actor_id"})


def _comparable(field: str, column: pd.Series) -> list[Any]:
    """A compiled column's values as compared: None where blank, lists as sets."""
    present = column.notna().to_numpy()
    values = column.to_numpy(dtype=object)
    if field in _SETS:
        empty: frozenset[str] = frozenset()
        return [
            frozenset(str(v).split("; ")) if p else empty
            for v, p in zip(values, present, strict=True)
        ]
    return [v if p else None for v, p in zip(values, present, strict=True)]


@dataclass(frozen=True, kw_only=True)
class Coding:
    """A coder's sources folder: compiled tables and the raw records, row for row.

    Attributes
    ----------
    folder : Path
        The sources folder.
    sources : Sources
        What :func:`libyaevents.read_sources` compiled.
    raw_events, raw_measures : list of dict
        The TOML records as written, in the tables' row order.
    paragraphs, measure_paragraphs : list of int
        The paragraph each event and measure cites.
    """

    folder: Path
    sources: Sources
    raw_events: list[dict[str, Any]]
    raw_measures: list[dict[str, Any]]
    paragraphs: list[int]
    measure_paragraphs: list[int]

    @property
    def events(self) -> pd.DataFrame:
        """The compiled events."""
        return self.sources.events

    @property
    def measures(self) -> pd.DataFrame:
        """The compiled measures."""
        return self.sources.measures

    @property
    def actor_names(self) -> dict[str, str]:
        """Actor id -> canonical name."""
        actors = self.sources.actors
        return dict(zip(actors["actor_id"], actors["name"], strict=True))

    @functools.cached_property
    def event_columns(self) -> dict[str, list[Any]]:
        """The events' values as they are compared, column by column, by written key."""
        return {key: _comparable(key, self.events[col]) for key, col in EVENT_FIELDS.items()}

    @functools.cached_property
    def measure_columns(self) -> dict[str, list[Any]]:
        """The measures' values as they are compared (actors by name), by written key."""
        names = self.actor_names
        return {
            key: _comparable(
                key, self.measures[key].map(names).fillna(self.measures[key])
                if key in _ACTOR_IDS else self.measures[key],
            )
            for key in MEASURE_FIELDS
        }  # fmt: skip

    @functools.cached_property
    def event_values(self) -> list[dict[str, Any]]:
        """Each event's values as they are compared, by written key."""
        return _rows(self.event_columns)

    @functools.cached_property
    def measure_values(self) -> list[dict[str, Any]]:
        """Each measure's values as they are compared, by written key."""
        return _rows(self.measure_columns)

    @functools.cached_property
    def records(self) -> dict[tuple[str, str], dict[str, Any]]:
        """(``event`` or ``measure``, id) -> the record as written."""
        out = {("event", str(r["event_id_cnty"])): r for r in self.raw_events}
        return out | {("measure", str(r["measure_id"])): r for r in self.raw_measures}


def _rows(columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def read_coding(folder: str | Path) -> Coding:
    """Read a coder's sources folder for comparison.

    Raises
    ------
    ReadError
        When the folder does not compile (see :func:`libyaevents.read_sources`).
    """
    root = Path(folder)
    if not root.is_dir():
        msg = f"{root}: no such folder; give a coded sources folder (with actors.toml)."
        raise ReadError(msg)
    sources = read_sources(root)
    raw_events: list[dict[str, Any]] = []
    raw_measures: list[dict[str, Any]] = []
    for path in sources.reports["path"]:
        parsed = sources.documents[str(path)]
        raw_events += parsed.get("events", [])
        raw_measures += parsed.get("measures", [])
    return Coding(
        folder=root,
        sources=sources,
        raw_events=raw_events,
        raw_measures=raw_measures,
        paragraphs=[int(r["paragraph"]) for r in raw_events],
        measure_paragraphs=[int(r["paragraph"]) for r in raw_measures],
    )
