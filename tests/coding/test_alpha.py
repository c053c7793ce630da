"""Krippendorff's alpha: the published examples, the maintained implementation, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from libyaevents import InputError, bootstrap_alpha, krippendorff_alpha

krippendorff = pytest.importorskip("krippendorff")

_ = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 coders x 12 units
FOUR_CODERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_the_published_four_coder_example(level, published):
    assert round(krippendorff_alpha(FOUR_CODERS, level), 3) == published


def test_the_published_binary_example():
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert round(krippendorff_alpha([a, b], "nominal"), 3) == 0.095


def _reliability(draw, values):
    coders = draw(st.integers(2, 4))
    units = draw(st.integers(2, 15))
    cell = st.one_of(st.none(), values)
    return [draw(st.lists(cell, min_size=units, max_size=units)) for _ in range(coders)]


@st.composite
def reliability_data(draw):
    return _reliability(draw, st.integers(0, 6))


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@given(data=reliability_data())
def test_equal_to_the_krippendorff_package(level, data):
    ours = krippendorff_alpha(data, level)
    array = np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)
    try:
        with np.errstate(all="ignore"):  # 0 / 0 where alpha is undefined
            theirs = krippendorff.alpha(array, level_of_measurement=level)
    except ValueError:  # it refuses data with fewer than two distinct values
        theirs = math.nan
    if ours is None:  # undefined: no unit coded twice, or no variation
        assert math.isnan(theirs)
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio", "set"])
@given(data=reliability_data(), seed=st.randoms(use_true_random=False))
def test_invariant_to_coder_and_unit_order(level, data, seed):
    coders = list(data)
    seed.shuffle(coders)
    order = list(range(len(data[0])))
    seed.shuffle(order)
    shuffled = [[row[u] if level != "set" else _set(row[u]) for u in order] for row in coders]
    original = [[_set(v) for v in row] for row in data] if level == "set" else data
    before, after = krippendorff_alpha(original, level), krippendorff_alpha(shuffled, level)
    assert (before is None and after is None) or before == pytest.approx(after, abs=1e-12)


def _set(value):
    return None if value is None else frozenset(range(value % 4))


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio", "set"])
@given(row=st.lists(st.integers(0, 6), min_size=2, max_size=12), coders=st.integers(2, 4))
def test_identical_codings_with_variation_agree_perfectly(level, row, coders):
    values = [_set(v) for v in row] if level == "set" else row
    alpha = krippendorff_alpha([values] * coders, level)
    if len(set(values)) == 1 or (level == "ratio" and set(values) <= {0}):
        assert alpha is None  # no variation: undefined, not 1
    else:
        assert alpha == pytest.approx(1.0)


def test_no_variation_and_no_pairable_unit_are_undefined():
    assert krippendorff_alpha([["x", "x", "x"], ["x", "x", "x"]]) is None
    assert krippendorff_alpha([[1, None], [None, 2]]) is None


def test_sets_use_jaccard_distance():
    # one unit {x,y} vs {x}: Jaccard distance 1/2, the others agree: 1 - 5 * 1 / 25
    data = [[{"x", "y"}, {"z"}, set()], [{"x"}, {"z"}, set()]]
    assert krippendorff_alpha(data, "set") == pytest.approx(0.8)
    # the set level equals nominal on single codes
    singles = [["a", "b", "a", "c"], ["a", "b", "b", "c"]]
    as_sets = [[{v} for v in row] for row in singles]
    assert krippendorff_alpha(as_sets, "set") == pytest.approx(krippendorff_alpha(singles))
    joined = [["x; y", "z", ""], ["x", "z", ""]]  # the tables' "; "-joined strings
    assert krippendorff_alpha(joined, "set") == pytest.approx(0.8)


def test_a_distance_function_is_the_same_formula():
    def squared(a, b):
        return (a - b) ** 2

    assert krippendorff_alpha(FOUR_CODERS, squared) == pytest.approx(
        krippendorff_alpha(FOUR_CODERS, "interval")
    )


@pytest.mark.parametrize(
    ("data", "level", "match"),
    [
        ([[1, 2]], "nominal", "at least two coders"),
        ([[1, 2], [1]], "nominal", "one value per unit"),
        ([[1, "x"], [1, 2]], "interval", "needs numbers; found 'x' at coder 0, unit 1"),
        ([[1, -2], [1, 2]], "ratio", "0 or more"),
        ([[1, 2], [1, 2]], "fuzzy", "level must be one of"),
        ("not a table", "nominal", "coders in rows"),
    ],
)
def test_bad_input_says_what_and_where(data, level, match):
    with pytest.raises(InputError, match=match):
        krippendorff_alpha(data, level)


def test_the_bootstrap_interval_is_seeded_and_covers_alpha():
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 5, 200)
    noisy = np.where(rng.random(200) < 0.2, rng.integers(0, 5, 200), truth)
    data = [truth.tolist(), noisy.tolist()]
    alpha = krippendorff_alpha(data)
    low, high = bootstrap_alpha(data, seed=7)
    assert low < alpha < high
    assert bootstrap_alpha(data, seed=7) == (low, high)
    assert bootstrap_alpha(data, seed=8) != (low, high)
    assert bootstrap_alpha([["x", "x"], ["x", "x"]]) is None
    with pytest.raises(InputError, match="draws must be"):
        bootstrap_alpha(data, draws=0)
