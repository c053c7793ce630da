"""Paragraph numbering and fingerprints: the manual's rule, on text and on files."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from libyaevents.coding.paragraphs import fingerprint, normalise, parse_report, read_report
from libyaevents.errors import ReadError

#: A report in the digests' layout, written for these tests (not a real report).
REPORT = (
    "12 \u2013 18 March: talks resume in Geneva\n"
    "\n"
    "Mar 19, 2021 | International actors\n"
    "\n"
    "On 14 March, the delegations met again in Geneva \u2018to review progress\u2019.\n"
    "\n"
    "  The talks were  chaired by\n"
    "the envoy, who spoke of a \u201cconstructive\u201d mood.  \n"
    "\n"
    "\n"
    "No date was set for the next round.\n"
)


def test_header_and_paragraphs_follow_the_numbering_rule():
    report = parse_report(REPORT)
    assert report.title == "12 \u2013 18 March: talks resume in Geneva"
    assert str(report.published) == "2021-03-19"
    assert report.section == "International actors"
    assert [p.number for p in report.paragraphs] == [1, 2, 3]
    # lines of one block are one paragraph; whitespace runs are one space
    assert report.paragraphs[1].text == (
        "The talks were chaired by the envoy, who spoke of a \u201cconstructive\u201d mood."
    )


def test_without_a_dateline_every_block_is_a_paragraph():
    report = parse_report("First block.\n\nSecond block.\n")
    assert report.title is None
    assert report.published is None
    assert [p.text for p in report.paragraphs] == ["First block.", "Second block."]


@pytest.mark.parametrize(
    "dateline",
    ["Dec 2, 2020 | International actors", "December 2, 2020 | International actors",
     "Dec. 2, 2020 |International actors"],
)  # fmt: skip
def test_datelines_in_short_and_long_month_forms(dateline):
    report = parse_report(f"Title\n\n{dateline}\n\nBody.\n")
    assert str(report.published) == "2020-12-02"
    assert report.section == "International actors"


def test_line_ends_of_every_platform_number_alike():
    expected = parse_report(REPORT)
    assert parse_report(REPORT.replace("\n", "\r\n")) == expected
    assert parse_report(REPORT.replace("\n", "\r")) == expected


def test_fingerprint_is_the_sha256_of_the_normalised_text():
    import hashlib

    text = "  Caf\u0065\u0301  and\ttea\u00a0 "  # decomposed e-acute, tab, no-break space
    clean = "Caf\u00e9 and tea"
    assert normalise(text) == clean
    found = fingerprint(text)
    assert found.sha256 == hashlib.sha256(clean.encode("utf-8")).hexdigest()
    assert found.chars == len(clean) == 12


_word = st.text(st.characters(categories=("L", "N", "P")), min_size=1, max_size=8)
_space = st.sampled_from([" ", "  ", "\t", "\n", " \u00a0", "\r\n "])


@given(words=st.lists(_word, min_size=1, max_size=12), data=st.data())
def test_fingerprint_ignores_whitespace_and_changes_with_any_word(words, data):
    spaces = data.draw(st.lists(_space, min_size=len(words) + 1, max_size=len(words) + 1))
    spaced = spaces[0] + "".join(w + s for w, s in zip(words, spaces[1:], strict=True))
    assert fingerprint(spaced) == fingerprint(" ".join(words))
    at = data.draw(st.integers(0, len(words) - 1))
    other = data.draw(_word.filter(lambda w: normalise(w) != normalise(words[at])))
    changed = [*words[:at], other, *words[at + 1 :]]
    assert fingerprint(" ".join(changed)).sha256 != fingerprint(" ".join(words)).sha256


@pytest.mark.parametrize(
    ("encoded", "name"),
    [
        (REPORT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + REPORT.encode("utf-8"), "utf-8 with BOM"),
        (REPORT.encode("cp1252"), "windows-1252"),
        (REPORT.encode("utf-16"), "utf-16 with BOM"),
    ],
)
def test_text_files_in_every_accepted_encoding_read_alike(tmp_path, encoded, name):
    path = tmp_path / "report.txt"
    path.write_bytes(encoded)
    assert read_report(path) == parse_report(REPORT), name


def test_the_seed_report_has_the_three_paragraphs_the_manual_numbers(seed_report):
    report = read_report(seed_report)
    assert str(report.published) == "2020-12-02"
    assert report.section == "International actors"
    assert [p.text[:15] for p in report.paragraphs] == [
        "On 25 November,",
        "On 24 November,",
        "On 23 November,",
    ]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "is empty"),
        (b" \n\r\n\t\n", "is empty"),
        (b"Title\n\nDec 2, 2020 | International actors\n", "has a header but no paragraph"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        (bytes(range(256)), "not a text file"),
    ],
)
def test_empty_and_binary_files_get_a_clear_error(tmp_path, content, says):
    path = tmp_path / "report.txt"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=says) as caught:
        read_report(path)
    assert str(path) in str(caught.value)


def test_a_missing_file_is_a_read_error(tmp_path):
    with pytest.raises(ReadError, match="cannot read the report"):
        read_report(tmp_path / "nope.txt")
