"""How far several codings of the same reports agree: units, alpha per field, every difference.

Events are aligned by content (:mod:`libyaevents.coding.align`); then

- *units*: how many events (and measures) several coders found, and how many
  only one coder found (unitizing, a question apart from the values);
- *fields*: Krippendorff's alpha of each field over the aligned units, at the
  field's level of measurement, with the number of pairable values and a bootstrap
  95% interval (units resampled, seeded); ``None`` ("undefined") where no pairable
  values vary;
- *disagreements*: one row per aligned unit and written key whose values differ,
  and one per event (or measure of an aligned event) that some coder did not
  code (field ``event`` or ``measure``).

Examples
--------
>>> import libyaevents
>>> from libyaevents.readers.coded import sources_folder
>>> same = libyaevents.agree_codings([sources_folder(), sources_folder()], draws=50)
>>> same.to_dict()["events"], same.disagreements
({'matched': 7, 'only_a': 0, 'only_b': 0}, [])
>>> same.fields["actor1"].alpha, same.fields["fatalities"].alpha  # all 0: undefined
(1.0, None)
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from libyaevents.coding.align import Unit, align_events, align_measures
from libyaevents.coding.alpha import Level, interval_of, pairable, unit_weights
from libyaevents.coding.codings import EVENT_FIELDS, MEASURE_FIELDS, Coding, read_coding
from libyaevents.errors import InputError
from libyaevents.readers import collector

__all__ = [
    "EVENT_LEVELS",
    "MEASURE_LEVELS",
    "Agreement",
    "Disagreement",
    "FieldAgreement",
    "agree_codings",
]

#: The event fields whose agreement is measured, and their level of measurement.
EVENT_LEVELS: Final[dict[str, Level]] = {
    "event_date": "interval",
    "time_precision": "ordinal",
    "disorder_type": "nominal",
    "event_type": "nominal",
    "sub_event_type": "nominal",
    "actor1": "nominal",
    "assoc_actor_1": "set",
    "inter1": "nominal",
    "actor2": "nominal",
    "assoc_actor_2": "set",
    "inter2": "nominal",
    "interaction": "nominal",
    "admin1": "nominal",
    "location": "nominal",
    "geo_precision": "ordinal",
    "fatalities": "ratio",
    "tags": "set",
}
#: The same for measures (actors by name).
MEASURE_LEVELS: Final[dict[str, Level]] = {
    "measure_type": "nominal",
    "imposing_actor_id": "nominal",
    "target_actor_id": "nominal",
    "status": "nominal",
}
_NONE: Final = "(none)"  # an empty optional value is a value coders can agree on
_MAX_CODERS: Final = len(string.ascii_lowercase)


@dataclass(frozen=True, kw_only=True)
class FieldAgreement:
    """Alpha of one field.

    Attributes
    ----------
    table : str
        ``events`` or ``measures``.
    level : str
        Level of measurement.
    alpha : float or None
        Krippendorff's alpha; ``None`` where undefined (no variation).
    pairable : int
        Number of pairable values (values of units two or more coders coded).
    interval : tuple of float, or None
        Bootstrap percentile interval; ``None`` where undefined.
    """

    table: str
    level: str
    alpha: float | None
    pairable: int
    interval: tuple[float, float] | None

    def to_dict(self) -> dict[str, Any]:
        """``alpha``, ``level``, ``pairable``, ``interval`` (``None`` where undefined)."""
        interval = None if self.interval is None else [*self.interval]
        return {
            "alpha": self.alpha,
            "level": self.level,
            "pairable": self.pairable,
            "interval": interval,
        }


@dataclass(frozen=True, kw_only=True)
class Disagreement:
    """Coders gave different values to one unit's field (or did not all code the unit).

    Attributes
    ----------
    report : str
    paragraph : int
    kind : str
        ``event`` or ``measure``.
    field : str
        The written key; ``event`` / ``measure`` when some coder did not code the unit.
    ids : dict of str to str or None
        Coder label -> that coder's event (or measure) id; ``None`` where not coded.
    values : dict of str to object
        Coder label -> the value as compared (sets as sorted lists, dates as
        ISO strings); for ``event`` / ``measure`` rows, ``"coded"`` or ``None``.
    """

    report: str
    paragraph: int
    kind: str
    field: str
    ids: dict[str, str | None]
    values: dict[str, Any]

    def key(self) -> tuple[str, str, str, tuple[str | None, ...]]:
        """What identifies the row across runs: report, kind, field and the ids."""
        return (self.report, self.kind, self.field, tuple(self.ids.values()))

    @property
    def unit(self) -> bool:
        """Whether the row is about the unit itself (some coders did not code it)."""
        return self.field == self.kind

    @property
    def found_by(self) -> list[str]:
        """The labels of the coders who coded the unit."""
        return [label for label, ident in self.ids.items() if ident is not None]

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON-ready values."""
        return {
            "report": self.report,
            "paragraph": self.paragraph,
            "kind": self.kind,
            "field": self.field,
            "ids": dict(self.ids),
            "values": dict(self.values),
        }


def jsonable(value: Any) -> Any:
    """A compared value as JSON writes it: sets as sorted lists, dates as ISO text."""
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


@dataclass(frozen=True, kw_only=True)
class Agreement:
    """The agreement of several codings (see :func:`agree_codings`).

    Attributes
    ----------
    coders : list of str
        Labels ``a``, ``b``, ... in the order the codings were given.
    codings : list of Coding
        The codings compared.
    events, measures : list of Unit
        The aligned units of the reports several coders coded.
    fields : dict of str to FieldAgreement
        Alpha per field.
    disagreements : list of Disagreement
        Every difference, report by report.
    """

    coders: list[str]
    codings: list[Coding]
    events: list[Unit]
    measures: list[Unit]
    fields: dict[str, FieldAgreement]
    disagreements: list[Disagreement]

    def counts(self, kind: str = "events") -> dict[str, int]:
        """``matched`` (units two or more coders coded) and ``only_<coder>`` per coder."""
        units = self.events if kind == "events" else self.measures
        out = {"matched": sum(len(u.rows) >= 2 for u in units)}
        for index, label in enumerate(self.coders):
            out[f"only_{label}"] = sum(list(u.rows) == [index] for u in units)
        return out

    @property
    def reports(self) -> list[str]:
        """The reports compared: those two or more coders coded, sorted by id."""
        return sorted({u.report for u in (*self.events, *self.measures)})

    @property
    def matched_share(self) -> float | None:
        """Share of the event units that two or more coders found (None without units)."""
        return self.counts()["matched"] / len(self.events) if self.events else None

    def to_dict(self) -> dict[str, Any]:
        """``events``, ``measures``, ``fields`` and ``disagreements``, JSON-ready."""
        return {
            "events": self.counts("events"),
            "measures": self.counts("measures"),
            "fields": {name: f.to_dict() for name, f in self.fields.items()},
            "disagreements": [d.to_dict() for d in self.disagreements],
        }

    def figures(self) -> dict[str, Any]:
        """What a release records of its coding: coders, reports, matched share, alpha."""
        share = self.matched_share
        return {
            "coders": len(self.coders),
            "reports": self.reports,
            "matched_share": None if share is None else round(share, 4),
            "alpha": {
                name: None if f.alpha is None else round(f.alpha, 4)
                for name, f in self.fields.items()
            },
        }

    def table(self) -> pd.DataFrame:
        """The disagreements as one table: report, paragraph, kind, field, ids and values."""
        rows = [
            {
                "report": d.report,
                "paragraph": d.paragraph,
                "kind": d.kind,
                "field": d.field,
                **{f"id_{c}": d.ids[c] for c in self.coders},
                **{f"value_{c}": d.values[c] for c in self.coders},
            }
            for d in self.disagreements
        ]
        columns = ["report", "paragraph", "kind", "field"]
        columns += [f"id_{c}" for c in self.coders] + [f"value_{c}" for c in self.coders]
        return pd.DataFrame(rows, columns=columns, dtype=object)  # None stays None

    def summary(self) -> str:
        """The agreement as text, for people (see :mod:`libyaevents.coding.report`)."""
        from libyaevents.coding.report import summary_text  # noqa: PLC0415  # one-way: report -> here

        return summary_text(self)

    def to_html(self) -> str:
        """The agreement as one self-contained HTML page."""
        from libyaevents.coding.report import summary_html  # noqa: PLC0415

        return summary_html(self)


_Objects = np.ndarray[Any, np.dtype[np.object_]]
_Rows = np.ndarray[Any, np.dtype[np.int64]]


def _alpha_values(coding: Coding, table: str, field: str, level: str) -> _Objects:
    """One coder's values of a field, as alpha measures them (blank: a value of its own)."""
    column = (coding.events if table == "events" else coding.measures)[field]
    if table == "measures" and field.endswith("_actor_id"):
        column = column.map(coding.actor_names).fillna(column)
    present = column.notna().to_numpy()
    values = column.to_numpy(dtype=object)
    if field == "event_date":
        made = [v.toordinal() if p else None for v, p in zip(values, present, strict=True)]
    elif level == "set":
        empty: frozenset[str] = frozenset()
        made = [
            frozenset(str(v).split("; ")) if p else empty
            for v, p in zip(values, present, strict=True)
        ]
    elif level == "nominal":
        made = [v if p else _NONE for v, p in zip(values, present, strict=True)]
    else:
        made = [v if p else None for v, p in zip(values, present, strict=True)]
    return _objects(made)


def _objects(values: list[Any]) -> _Objects:
    """A 1-D object array of ``values`` (sets and dates kept whole)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _unit_rows(units: Sequence[Unit], coders: int) -> _Rows:
    """Coders x units: each unit's row in each coder's table, -1 where not coded."""
    rows = np.full((coders, len(units)), -1, dtype=np.int64)
    for u, unit in enumerate(units):
        for coder, row in unit.rows.items():
            rows[coder, u] = row
    return rows


def _gathered(column: _Objects, rows: np.ndarray[Any, Any]) -> _Objects:
    """``column`` at ``rows``; None where a row is -1."""
    out = np.full(len(rows), None, dtype=object)
    present = rows >= 0
    out[present] = column[rows[present]]
    return out


def _columns(
    weights: np.ndarray[Any, np.dtype[np.float32]], units: _Rows
) -> np.ndarray[Any, np.dtype[np.float32]]:
    """The weights of the pairable units (no copy when every unit is pairable)."""
    return weights if len(units) == weights.shape[0] else weights[units]


def _field_agreement(
    codings: Sequence[Coding],
    units: Sequence[Unit],
    table: str,
    levels: dict[str, Level],
    *,
    weights: np.ndarray[Any, np.dtype[np.float32]] | None,
    confidence: float,
) -> dict[str, FieldAgreement]:
    out = {}
    rows = _unit_rows(units, len(codings))
    for field, level in levels.items():
        data = [
            _gathered(_alpha_values(c, table, field, level), rows[i]).tolist()
            for i, c in enumerate(codings)
        ]
        values = pairable(data, level)
        draws = None if weights is None else values.draws(_columns(weights, values.units))
        interval = None if draws is None else interval_of(draws, confidence)
        alpha = values.alpha()
        out[field] = FieldAgreement(
            table=table,
            level=level,
            alpha=alpha,
            pairable=values.n,
            interval=None if alpha is None else interval,
        )
    return out


def _differing(columns: list[_Objects], rows: _Rows) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Units where two coders who coded the unit gave different values."""
    reference = np.full(rows.shape[1], None, dtype=object)
    seen = np.zeros(rows.shape[1], dtype=bool)
    differ = np.zeros(rows.shape[1], dtype=bool)
    for coder, column in enumerate(columns):
        present = rows[coder] >= 0
        values = _gathered(column, rows[coder])
        differ |= present & seen & (values != reference)
        reference = np.where(seen, reference, values)
        seen |= present
    return differ


def _disagreements(
    agreement_coders: list[str], codings: Sequence[Coding], units: Sequence[Unit], kind: str
) -> list[Disagreement]:
    id_key = "event_id_cnty" if kind == "event" else "measure_id"
    raw = [c.raw_events if kind == "event" else c.raw_measures for c in codings]
    tables = [c.event_columns if kind == "event" else c.measure_columns for c in codings]
    keys = list(EVENT_FIELDS) if kind == "event" else list(MEASURE_FIELDS)
    rows = _unit_rows(units, len(codings))
    found: dict[int, list[str]] = {}
    for key in keys:
        columns = [_objects(t[key]) for t in tables]
        for where in np.flatnonzero(_differing(columns, rows)).tolist():
            found.setdefault(where, []).append(key)
    out = []
    for u, unit in enumerate(units):
        if len(unit.rows) == len(codings) and u not in found:
            continue
        ids = {
            label: str(raw[i][unit.rows[i]][id_key]) if i in unit.rows else None
            for i, label in enumerate(agreement_coders)
        }
        if len(unit.rows) < len(codings):
            coded = {label: "coded" if ids[label] else None for label in agreement_coders}
            out.append(
                Disagreement(
                    report=unit.report, paragraph=unit.paragraph, kind=kind,
                    field=kind, ids=ids, values=coded,
                )
            )  # fmt: skip
        for key in found.get(u, []):
            shown = {
                label: jsonable(tables[i][key][unit.rows[i]]) if i in unit.rows else None
                for i, label in enumerate(agreement_coders)
            }
            out.append(
                Disagreement(
                    report=unit.report, paragraph=unit.paragraph, kind=kind,
                    field=key, ids=ids, values=shown,
                )
            )  # fmt: skip
    return out


def _matched_measures(
    events: Sequence[Unit], measures: Sequence[Unit], codings: Sequence[Coding]
) -> list[Unit]:
    """Measure units whose event several coders found (the others follow their event)."""
    matched_events = set()
    for unit in events:
        if len(unit.rows) >= 2:
            for coder, row in unit.rows.items():
                matched_events.add(
                    (coder, unit.report, str(codings[coder].raw_events[row]["event_id_cnty"]))
                )
    out = []
    for unit in measures:
        coder, row = next(iter(unit.rows.items()))
        event = str(codings[coder].raw_measures[row]["event_id_cnty"])
        if (coder, unit.report, event) in matched_events:
            out.append(unit)
    return out


def agree_codings(
    folders: Sequence[str | Path],
    *,
    draws: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Agreement:
    """Align several codings of the same reports by content and measure their agreement.

    Parameters
    ----------
    folders : sequence of path
        Two or more coded sources folders (coders ``a``, ``b``, ... in this order).
        Only reports that two or more of them coded are compared.
    draws : int
        Bootstrap resamples of the units for each field's interval (0: no interval).
    seed : int
        Seed of the resampling.
    confidence : float
        Share the interval covers.

    Returns
    -------
    Agreement

    Raises
    ------
    InputError
        Fewer than two folders, or more than 26.
    ReadError
        A folder that does not compile.
    """
    if not 2 <= len(folders) <= _MAX_CODERS:
        msg = f"agreement needs 2 to {_MAX_CODERS} coded folders; found {len(folders)}."
        raise InputError(msg)
    with collector.paused():  # tens of thousands of acyclic records: nothing to collect
        return _agree([read_coding(f) for f in folders], draws, seed, confidence)


def _agree(codings: list[Coding], draws: int, seed: int, confidence: float) -> Agreement:
    coders = list(string.ascii_lowercase[: len(codings)])
    events = align_events(codings)
    measures = align_measures(codings, events)
    weights = unit_weights(len(events), draws, seed) if draws > 0 else None
    fields = _field_agreement(
        codings, events, "events", EVENT_LEVELS, weights=weights, confidence=confidence
    )
    weights = unit_weights(len(measures), draws, seed) if draws > 0 else None
    fields |= _field_agreement(
        codings, measures, "measures", MEASURE_LEVELS, weights=weights, confidence=confidence
    )
    rows = _disagreements(coders, codings, events, "event")
    rows += _disagreements(coders, codings, _matched_measures(events, measures, codings), "measure")
    rows.sort(key=lambda d: (d.report, d.paragraph, d.kind != "event"))
    return Agreement(
        coders=coders,
        codings=codings,
        events=events,
        measures=measures,
        fields=fields,
        disagreements=rows,
    )
