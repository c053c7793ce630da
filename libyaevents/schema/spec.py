"""The declarative description of a table: its fields and its row rules.

Everything else (pandera schemas, Arrow schemas, Frictionless JSON, the codebook,
the validation report) is generated from these objects, so a column is
described once.

Examples
--------
>>> from libyaevents.schema.spec import Field
>>> Field("fatalities", "int32", "Reported deaths.", minimum=0).nullable
False
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Literal

import pandas as pd

__all__ = [
    "COLUMN_RULES",
    "Field",
    "Kind",
    "Rule",
    "RuleContext",
    "TableSpec",
]

#: The storage kinds a field can have.
Kind = Literal["string", "category", "int8", "int16", "int32", "int64", "float64", "date"]

#: Rule codes that come from field declarations, with their meaning. Stable:
#: users filter reports on them.
COLUMN_RULES: Final = MappingProxyType(
    {
        "column-missing": "a required column is absent",
        "column-unknown": "a column the schema does not define is present",
        "type": "a value cannot be read as the column's type",
        "value-missing": "a required value is empty",
        "not-in-vocabulary": "a value is not in the column's closed vocabulary",
        "out-of-range": "a number or date is outside the column's allowed range",
        "pattern": "a text value does not match the column's format",
        "duplicate": "a value that must be unique appears more than once",
        "blank-string": "a text value is empty or has leading or trailing spaces",
        "list-format": "a '; '-joined list has an empty item or a bad separator",
        "hidden-character": "a text value holds an invisible or direction-changing character "
        "(control, zero-width, bidi override, BOM) that makes it display like another",
    }
)


@dataclass(frozen=True)
class RuleContext:
    """Parameters rules may depend on.

    Attributes
    ----------
    today : pandas.Timestamp
        The date after which event dates count as "in the future".
    """

    today: pd.Timestamp

    @classmethod
    def on(cls, today: pd.Timestamp | str | None = None) -> RuleContext:
        """Return the context for a day (start of day); ``None`` means today."""
        stamp = pd.Timestamp.now() if today is None else pd.Timestamp(today)
        return cls(today=stamp.normalize())


#: A rule body: takes the frame and the context, returns a boolean Series that
#: is True on each violating row. Rows whose inputs are empty are not violations
#: (emptiness is the ``value-missing`` rule's job).
RuleFn = Callable[[pd.DataFrame, RuleContext], "pd.Series[bool]"]


@dataclass(frozen=True)
class Rule:
    """A vectorised rule over several columns of one table.

    Attributes
    ----------
    code : str
        Stable rule code reported in validation failures.
    column : str
        The column the failure is reported on.
    message : str
        What is expected, in one sentence; also what to fix.
    fn : RuleFn
        The vectorised body.
    context : tuple of str
        Other columns whose values are shown beside the failing value.
    """

    code: str
    column: str
    message: str
    fn: RuleFn
    context: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the rule reads."""
        return (self.column, *self.context)


@dataclass(frozen=True)
class Field:
    """One column of a canonical table.

    Attributes
    ----------
    name : str
        Column name (ACLED's where ACLED has the column).
    kind : Kind
        Storage kind; fixes the pandas, Arrow and Frictionless types.
    description : str
        Meaning, for the codebook.
    nullable : bool
        Whether values may be empty.
    required : bool
        Whether the column must be present (optional columns may be absent).
    categories : tuple of str, optional
        Closed vocabulary of a ``category`` field, in order.
    values : tuple of int, optional
        Closed set of an integer field.
    minimum, maximum : float, optional
        Inclusive bounds of a numeric field.
    pattern : str, optional
        Regular expression a string field must match in full.
    unique : bool
        Whether values must be unique in the table.
    is_list : bool
        Whether the value is a list joined by ``"; "``.
    """

    name: str
    kind: Kind
    description: str
    nullable: bool = False
    required: bool = True
    categories: tuple[str, ...] | None = None
    values: tuple[int, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    unique: bool = False
    is_list: bool = False


@dataclass(frozen=True)
class TableSpec:
    """A canonical table: fields in order, row rules, keys.

    Attributes
    ----------
    name : str
        Table name: ``events``, ``actors`` or ``measures``.
    title : str
        One-line description.
    fields : tuple of Field
        Columns in canonical order.
    rules : tuple of Rule
        Row rules across columns.
    primary_key : str
        The id column.
    foreign_keys : mapping
        ``column -> (table, column)`` references to other tables.
    """

    name: str
    title: str
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...]
    primary_key: str
    foreign_keys: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def field(self, name: str) -> Field:
        """Return the field called ``name``."""
        return self._by_name[name]

    @property
    def _by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in canonical order."""
        return tuple(f.name for f in self.fields)
