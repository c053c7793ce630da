"""The agreement of several codings for people: text for a terminal, one HTML page.

Alpha is printed to three decimals, or "undefined (no variation)" where it is
undefined: never NaN, never a 1 that no variation would fake. The HTML page is
self-contained (inline CSS, no script, no request) and every value from the
codings is escaped, in the style of the data cards.

Examples
--------
>>> import libyaevents
>>> from libyaevents.readers.coded import sources_folder
>>> same = libyaevents.agree_codings([sources_folder(), sources_folder()], draws=20)
>>> print(same.summary().splitlines()[1])
events: 7 matched, 0 only a, 0 only b
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from libyaevents.formats.html import document as _document
from libyaevents.formats.html import escape as _e
from libyaevents.formats.html import section as _section
from libyaevents.formats.html import table as _table

if TYPE_CHECKING:
    from libyaevents.coding.agreement import Agreement, FieldAgreement

__all__ = ["field_rows", "summary_html", "summary_text"]

UNDEFINED: Final = "undefined (no variation)"


def _alpha_text(field: FieldAgreement) -> str:
    return UNDEFINED if field.alpha is None else f"{field.alpha:.3f}"


def _interval_text(field: FieldAgreement) -> str:
    if field.interval is None:
        return "-"
    low, high = field.interval
    return f"[{low:.3f}, {high:.3f}]"


def field_rows(agreement: Agreement) -> pd.DataFrame:
    """One row per field: table, field, level, alpha (text), pairable values, interval."""
    return pd.DataFrame(
        [
            {
                "table": f.table,
                "field": name,
                "level": f.level,
                "alpha": _alpha_text(f),
                "pairable": f.pairable,
                "95% interval": _interval_text(f),
            }
            for name, f in agreement.fields.items()
        ],
        columns=["table", "field", "level", "alpha", "pairable", "95% interval"],
    )


def _units_line(agreement: Agreement, kind: str) -> str:
    counts = agreement.counts(kind)
    only = ", ".join(
        f"{n} only {k.removeprefix('only_')}" for k, n in counts.items() if k != "matched"
    )
    return f"{kind}: {counts['matched']} matched, {only}"


def _shown(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def summary_text(agreement: Agreement) -> str:
    """The agreement as plain text: units, alpha per field, every disagreement."""
    folders = ", ".join(
        f"{label}: {coding.folder}"
        for label, coding in zip(agreement.coders, agreement.codings, strict=True)
    )
    lines = [
        f"agreement of {len(agreement.coders)} codings ({folders})",
        _units_line(agreement, "events"),
        _units_line(agreement, "measures"),
        "",
        field_rows(agreement).to_string(index=False),
        "",
    ]
    table = agreement.table()
    if table.empty:
        lines.append("no disagreements")
    else:
        lines.append(f"{len(table)} disagreements:")
        lines.append(table.map(_shown).to_string(index=False))
    return "\n".join(lines)


def summary_html(agreement: Agreement) -> str:
    """The agreement as one self-contained HTML page (every value escaped)."""
    folders = "".join(
        f"<li><b>{html.escape(label)}</b>: <code>{_e(str(coding.folder))}</code></li>"
        for label, coding in zip(agreement.coders, agreement.codings, strict=True)
    )
    units = pd.DataFrame(
        [{"units": kind, **agreement.counts(kind)} for kind in ("events", "measures")]
    )
    table = agreement.table().map(lambda v: None if v is None else _shown(v))
    disagreements = (
        _table(table, table_id="disagreements")
        if len(table)
        else '<p id="disagreements">No disagreements.</p>'
    )
    body = "".join(
        [
            "<h1>Agreement of codings</h1>",
            f'<ul id="coders">{folders}</ul>',
            _section("Units", _table(units, table_id="units"), "units-section"),
            _section(
                "Alpha per field",
                "<p>Krippendorff's alpha over the aligned units (1: perfect, 0: chance; "
                ".800 and above reliable, .667 to .800 tentative). Undefined where the "
                "pairable values do not vary. Intervals: bootstrap over units.</p>"
                + _table(field_rows(agreement), table_id="fields"),
                "fields-section",
            ),
            _section(f"Disagreements ({len(table)})", disagreements, "disagreements-section"),
        ]
    )
    return _document("Agreement of codings", body)
