"""Self-contained HTML pages: the data cards and the agreement report share one look.

Every value from the data goes through :func:`escape` (escaped, its direction
isolated, an empty value shown as a dash); a page has its CSS inline, no script and
no request of its own.

Examples
--------
>>> import pandas as pd
>>> from libyaevents.formats.html import document, section, table
>>> page = document("Example", section("Rows", table(pd.DataFrame({"a": ["<b>"]})), "rows"))
>>> "&lt;b&gt;" in page and "<script" not in page
True
"""

from __future__ import annotations

import html
from typing import Any, Final

import pandas as pd

__all__ = ["CSS", "document", "escape", "section", "table"]

#: The pages' style sheet, inline in every page.
CSS: Final = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Naskh Arabic",
sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px
solid #ddd}table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}td,th{border:1px solid
#ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}th{background:#f4f4f4}
.figures{display:flex;gap:1.5rem;flex-wrap:wrap}.figure{background:#f6f8fa;padding:.5rem 1rem;
border-radius:.3rem}.figure b{display:block;font-size:1.4rem}code,.hash{font-family:ui-monospace,
monospace;font-size:.8rem;word-break:break-all}.muted{color:#666}svg{max-width:100%;height:auto}
.ok{color:#1a7f37}.bad{color:#b42318}
"""


def escape(value: Any) -> str:
    """One value from the data as HTML text: escaped, direction isolated, empty as a dash."""
    if value is None or (not isinstance(value, str | list | tuple) and pd.isna(value)):
        return '<span class="muted">-</span>'
    return f"<bdi>{html.escape(str(value), quote=True)}</bdi>"


def table(frame: pd.DataFrame, *, table_id: str = "") -> str:
    """A frame as an HTML table, every value escaped (``table_id`` sets its id)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    )
    ident = f' id="{table_id}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def document(title: str, body: str) -> str:
    """A whole page: inline CSS, no script, an empty icon (no request for /favicon.ico)."""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def section(title: str, body: str, ident: str) -> str:
    """A titled section of a page (``ident`` is its anchor)."""
    return f'<section id="{ident}"><h2>{html.escape(title)}</h2>{body}</section>'
