"""The byte scans answer exactly what the regexes they replace answer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from libyaevents.schema.models import _BLANK_PATTERN, HIDDEN_PATTERN, _no_hidden, _not_blank
from libyaevents.textscan import blank_or_padded, byte_counts, byte_hits

# every kind of character the checks care about, plus ordinary and multi-byte ones
CHARS = st.sampled_from(
    [" ", "\t", "\r", "\n", "a", "Z", "é", "ك", "–", "’", "\u00a0", "\u200b", "\u200f",
     "\u202e", "\u2060", "\u2066", "\ufeff", "\x00", "\x07", "\x1f", "\x7f", "\u3000", "😀"]
)  # fmt: skip
VALUES = st.lists(st.one_of(st.none(), st.text(CHARS, max_size=6)), min_size=1, max_size=30)


def _chunked(values: list[str | None], cut: int, large: bool) -> pa.ChunkedArray:
    kind = pa.large_string() if large else pa.string()
    whole = pa.array(values, kind)
    cut = min(cut, len(values))
    return pa.chunked_array([whole.slice(0, cut), whole.slice(cut)], kind)


@settings(max_examples=150, deadline=None)
@given(values=VALUES, cut=st.integers(0, 30), large=st.booleans())
def test_blank_or_padded_equals_the_regex(values, cut, large):
    column = _chunked(values, cut, large)
    regex = pd.Series(values, dtype="str").str.contains(_BLANK_PATTERN, regex=True)
    assert blank_or_padded(column).tolist() == regex.fillna(False).astype(bool).tolist()


@settings(max_examples=150, deadline=None)
@given(values=VALUES, cut=st.integers(0, 30), large=st.booleans())
def test_line_breaks_from_the_buffers_equal_counting_each_value(values, cut, large):
    column = _chunked(values, cut, large)
    expected = np.asarray(pc.fill_null(pc.count_substring(column, "\n"), 0), dtype="int64")
    assert byte_counts(column, b"\n").tolist() == expected.tolist()


@settings(max_examples=150, deadline=None)
@given(values=VALUES, cut=st.integers(0, 30), large=st.booleans())
def test_byte_hits_are_the_counts_or_none_when_no_value_holds_the_byte(values, cut, large):
    column = _chunked(values, cut, large)
    found = byte_hits(column, b"\n")
    if any("\n" in value for value in values if value):
        assert found is not None
        assert found.tolist() == byte_counts(column, b"\n").tolist()
    else:
        assert found is None


@settings(max_examples=150, deadline=None)
@given(values=VALUES)
def test_the_text_checks_equal_their_regexes_on_pandas_text(values):
    series = pd.Series(values, dtype="str", index=range(100, 100 + len(values)))
    present = series.notna()
    blank = series.str.contains(_BLANK_PATTERN, regex=True)
    hidden = series.str.contains(HIDDEN_PATTERN, regex=True)
    assert (_not_blank(series)[present] == ~blank[present].astype(bool)).all()
    assert (_no_hidden(series)[present] == ~hidden[present].astype(bool)).all()
    assert list(_no_hidden(series).index) == list(series.index)


SPACED = st.sampled_from(
    [" ", "\t", "\n", "\x0b", "\x0c", "\r", "\x85", "\u00a0", "\u1680", "\u2003", "\u2028",
     "\u202f", "\u3000", "a", "é", "ك", "😀"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.text(SPACED, max_size=5)), min_size=1, max_size=30))
def test_trimming_text_skips_nothing_it_should_trim(values):
    from libyaevents.readers.conversions import text

    column = pa.array(values, pa.large_string())
    trimmed = pc.utf8_trim_whitespace(column)
    expected = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, trimmed.type), trimmed)
    assert text(column).to_pylist() == expected.to_pylist()
