"""A report's text: its header, its numbered paragraphs and their fingerprints.

The coding manual numbers a report's paragraphs so that every coded event and
measure can cite one (``paragraph = N``). The rule, stated once here and in the
manual (section 1.1):

1. The text is read as UTF-8 (with or without a byte order mark), UTF-16 with
   a byte order mark, or else Windows-1252. Line ends may be ``\\n``, ``\\r\\n``
   or ``\\r``.
2. A **block** is a run of non-blank lines; blank lines (empty or only
   whitespace) separate blocks.
3. When the second block is a **dateline**, ``<Mon D, YYYY> | <section>``
   (e.g. ``Dec 2, 2020 | International actors``; the month may be written in
   full), the first block is the **title** and the two make the header. Every
   later block is a paragraph, numbered from 1.
4. Without a dateline the text has no header: every block is a paragraph,
   numbered from 1 (title, date and section must then be given by the coder).

A paragraph's **fingerprint** is the SHA-256 (hex) of its normalised text in
UTF-8, and its **length** the number of characters (code points) of that text.
Normalised means: Unicode NFC; every run of whitespace (spaces, tabs, line
breaks, no-break spaces) replaced by one space; leading and trailing
whitespace removed. Typographic quotes, apostrophes and dashes are kept as
they are, so a fingerprint changes when any word or punctuation mark changes,
and only then.

Examples
--------
>>> from libyaevents.coding.paragraphs import fingerprint, parse_report
>>> fingerprint("Two  words\\n").chars
9
>>> fingerprint("Two words") == fingerprint(" Two\\twords ")
True
>>> text = "A title\\n\\nDec 2, 2020 | International actors\\n\\nFirst.\\n\\nSecond\\none.\\n"
>>> report = parse_report(text)
>>> report.title, str(report.published), report.section
('A title', '2020-12-02', 'International actors')
>>> [(p.number, p.fingerprint.chars) for p in report.paragraphs]
[(1, 6), (2, 11)]
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from libyaevents.errors import ReadError

__all__ = [
    "Fingerprint",
    "Paragraph",
    "ReportText",
    "fingerprint",
    "normalise",
    "parse_report",
    "read_report",
]

_WHITESPACE: Final = re.compile(r"\s+")
_BLANK_LINES: Final = re.compile(r"\n[^\S\n]*\n\s*")
_DATELINE: Final = re.compile(r"(?P<date>[A-Za-z]+\.? \d{1,2}, \d{4}) *\| *(?P<section>\S.*)")
_DATE_FORMATS: Final = ("%b %d, %Y", "%B %d, %Y", "%b. %d, %Y")
#: Control characters no text file holds (NUL and the C0 codes but tab, line ends, form feed).
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


@dataclass(frozen=True, kw_only=True)
class Fingerprint:
    """A paragraph's fingerprint: SHA-256 of its normalised text, and its length."""

    sha256: str
    chars: int


@dataclass(frozen=True, kw_only=True)
class Paragraph:
    """One numbered paragraph of a report (its text stays in memory, never in a file)."""

    number: int
    text: str

    @property
    def fingerprint(self) -> Fingerprint:
        """The paragraph's :class:`Fingerprint`."""
        return fingerprint(self.text)


@dataclass(frozen=True, kw_only=True)
class ReportText:
    """A report's header (when it has one) and its numbered paragraphs."""

    title: str | None
    published: dt.date | None
    section: str | None
    paragraphs: tuple[Paragraph, ...]


def normalise(text: str) -> str:
    """Unicode NFC, whitespace runs as one space, stripped (the manual's rule)."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fingerprint(text: str) -> Fingerprint:
    """SHA-256 (hex) and character count of ``text`` once normalised."""
    clean = normalise(text)
    return Fingerprint(sha256=hashlib.sha256(clean.encode("utf-8")).hexdigest(), chars=len(clean))


def _dateline(block: str) -> tuple[dt.date, str] | None:
    found = _DATELINE.fullmatch(normalise(block))
    if found is None:
        return None
    for fmt in _DATE_FORMATS:
        try:
            day = dt.datetime.strptime(found["date"], fmt).date()
        except ValueError:
            continue
        return day, found["section"].strip()
    return None


def parse_report(text: str) -> ReportText:
    """Split a report's text into its header and numbered paragraphs.

    Parameters
    ----------
    text : str
        The whole report (see the module's numbering rule).

    Returns
    -------
    ReportText
        Title, publication day and section from the header (``None`` when the
        text has no dateline), and the paragraphs numbered from 1.
    """
    unified = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b for b in _BLANK_LINES.split("\n" + unified + "\n") if normalise(b)]
    header = _dateline(blocks[1]) if len(blocks) > 1 else None
    if header is None:
        title, published, section, body = None, None, None, blocks
    else:
        title, (published, section), body = normalise(blocks[0]), header, blocks[2:]
    numbered = tuple(Paragraph(number=n, text=normalise(b)) for n, b in enumerate(body, start=1))
    return ReportText(title=title, published=published, section=section, paragraphs=numbered)


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        msg = (
            f"{path}: not a text file (byte {exc.start} is neither UTF-8 nor Windows-1252); "
            "save the report as plain text (UTF-8)."
        )
        raise ReadError(msg) from exc


def read_report(path: str | Path) -> ReportText:
    """Read a report's text file (UTF-8, UTF-16 with BOM, or Windows-1252) and parse it.

    Raises
    ------
    ReadError
        When the file is missing, binary (control characters, undecodable
        bytes) or holds no paragraph.
    """
    source = Path(path)
    try:
        data = source.read_bytes()
    except OSError as exc:
        msg = f"{source}: cannot read the report ({exc.strerror}); give the path of a .txt file."
        raise ReadError(msg) from exc
    text = _decode(source, data)
    control = _CONTROL.search(text)
    if control is not None:
        msg = (
            f"{source}: not a text file (control character {control.group()!r} at character "
            f"{control.start()}); save the report as plain text (UTF-8)."
        )
        raise ReadError(msg)
    report = parse_report(text)
    if not report.paragraphs:
        found = "is empty" if not normalise(text) else "has a header but no paragraph"
        msg = f"{source}: the report {found}; expected the report's text, paragraphs apart."
        raise ReadError(msg)
    return report
