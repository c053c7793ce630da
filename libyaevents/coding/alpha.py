"""Krippendorff's alpha: agreement among any number of coders, with gaps.

``alpha = 1 - D_o / D_e``: the disagreement observed within units over the
disagreement expected by chance, both taken from the coincidence matrix of the
*pairable* values (values in units that at least two coders coded). Levels of
measurement differ only in the distance between two values:

==========  ===============================================================
nominal     0 when equal, else 1
ordinal     squared difference of the values' mid-ranks in the pairable
            values' frequencies (Krippendorff's ordinal metric)
interval    squared difference
ratio       squared difference over squared sum (0 when both are 0)
set         Jaccard distance ``1 - |A & B| / |A | B|`` between two sets of
            codes (several associated actors, several tags); two empty sets
            are equal. Jaccard rather than MASI: it is a metric, needs no
            weights chosen by hand, and equals nominal on single codes.
callable    ``distance(a, b) -> float`` for any other metric (0 for equal
            values, symmetric)
==========  ===============================================================

Alpha is undefined (:func:`krippendorff_alpha` returns ``None``, never NaN or
1) when no unit has two values, or when the pairable values show no variation
at all (``D_e = 0``): agreement on a constant says nothing about reliability.

:func:`bootstrap_alpha` gives a percentile interval by resampling *units* with
replacement (seeded, so a report is reproducible); the distances are those of
the whole data (for ``ordinal``: the mid-ranks of all pairable values), and
draws in which alpha is undefined are left out.

Examples
--------
>>> from libyaevents.coding.alpha import krippendorff_alpha
>>> round(krippendorff_alpha([[1, 2, 3, 3], [1, 2, 3, 4]], level="interval"), 3)
0.889
>>> krippendorff_alpha([["x", "x"], ["x", "x"]]) is None  # no variation: undefined
True
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, cast

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse

from libyaevents.errors import InputError

__all__ = ["LEVELS", "Level", "bootstrap_alpha", "krippendorff_alpha"]

Level = Literal["nominal", "ordinal", "interval", "ratio", "set"]
Distance = Callable[[Any, Any], float]

#: The levels of measurement :func:`krippendorff_alpha` knows by name.
LEVELS: Final[tuple[str, ...]] = ("nominal", "ordinal", "interval", "ratio", "set")

_NUMERIC: Final = frozenset({"ordinal", "interval", "ratio"})
_Floats = npt.NDArray[np.float64]


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, Iterable) and not isinstance(value, str):
        return False  # a set of codes, even an empty one, is a value
    return bool(pd.isna(value))


def _rows(data: Any) -> list[list[Any]]:
    """Coders x units as lists, from a DataFrame, an array or nested sequences."""
    values = data.to_numpy(dtype=object) if hasattr(data, "to_numpy") else data
    if isinstance(values, np.ndarray):
        values = values.tolist() if values.ndim == 2 else None
    if not isinstance(values, Sequence) or not all(
        isinstance(r, Sequence) and not isinstance(r, str) for r in values
    ):
        msg = (
            "krippendorff_alpha expects coders in rows and units in columns (a 2-D array, "
            f"a DataFrame or a list of lists); found {type(data).__name__}."
        )
        raise InputError(msg)
    rows = [list(r) for r in values]
    if len({len(r) for r in rows}) > 1:
        lengths = ", ".join(str(len(r)) for r in rows)
        msg = f"every coder's row needs one value per unit; found rows of {lengths} values."
        raise InputError(msg)
    return rows


def _as_set(value: Any, where: str) -> frozenset[Hashable]:
    if isinstance(value, str):
        return frozenset(v for v in value.split("; ") if v)
    if isinstance(value, Iterable):
        return frozenset(value)
    msg = f"level 'set' needs sets (or '; '-joined strings) of codes; found {value!r} at {where}."
    raise InputError(msg)


def _as_number(value: Any, level: str, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if math.isnan(number) or isinstance(value, bool):
        msg = f"level {level!r} needs numbers; found {value!r} at {where}."
        raise InputError(msg) from None
    if level == "ratio" and number < 0:
        msg = f"level 'ratio' needs values of 0 or more; found {value!r} at {where}."
        raise InputError(msg)
    return number


@dataclass(frozen=True, kw_only=True)
class Pairable:
    """The pairable values of reliability data, coded as indices of distinct values.

    Attributes
    ----------
    codes : ndarray of int
        Coders x pairable units; ``-1`` where a coder gave no value.
    units : ndarray of int
        The column of each pairable unit in the data given.
    values : list
        The distinct values, in the order ``codes`` index them.
    level : str or callable
        The level of measurement.
    """

    codes: npt.NDArray[np.int64]
    units: npt.NDArray[np.int64]
    values: list[Any]
    level: str | Distance

    @property
    def n(self) -> int:
        """Number of pairable values."""
        return int((self.codes >= 0).sum())

    @functools.cached_property
    def positions(self) -> _Floats:
        """Where each distinct value lies on the line (interval, ordinal) distances measure."""
        x = np.asarray(self.values, dtype=np.float64)
        if self.level != "ordinal":
            return x
        counts = self.counts().astype(np.float64)
        order = np.argsort(x, kind="stable")
        ranks = np.empty_like(x)
        ranks[order] = np.cumsum(counts[order]) - counts[order] / 2  # mid-ranks
        return ranks

    @functools.cached_property
    def matrix(self) -> _Floats:
        """Distance between every two distinct values (ratio, set, callable)."""
        if self.level == "ratio":
            x = self.positions
            with np.errstate(invalid="ignore", divide="ignore"):
                out = ((x[:, None] - x[None, :]) / (x[:, None] + x[None, :])) ** 2
            return np.nan_to_num(out, nan=0.0)
        if self.level == "set":
            items = sorted({i for v in self.values for i in v}, key=repr)
            index = {item: k for k, item in enumerate(items)}
            member = np.zeros((len(self.values), len(items)), dtype=np.float64)
            for row, value in enumerate(self.values):
                member[row, [index[i] for i in value]] = 1.0
            both = member @ member.T
            sizes = member.sum(axis=1)
            either = sizes[:, None] + sizes[None, :] - both
            with np.errstate(invalid="ignore", divide="ignore"):
                jaccard: _Floats = np.where(either > 0, 1.0 - both / either, 0.0)
            return jaccard
        distance = cast("Distance", self.level)
        size = len(self.values)
        out = np.zeros((size, size), dtype=np.float64)
        for i in range(size):
            for j in range(i + 1, size):
                out[i, j] = out[j, i] = float(distance(self.values[i], self.values[j]))
        return out

    def _pair(self, left: npt.NDArray[np.int64], right: npt.NDArray[np.int64]) -> _Floats:
        """Distance between the values of two coders, unit by unit."""
        if self.level == "nominal":
            return np.asarray(left != right, dtype=np.float64)
        if self.level in ("interval", "ordinal"):
            return np.asarray((self.positions[left] - self.positions[right]) ** 2)
        return np.asarray(self.matrix[left, right])

    def counts(self) -> npt.NDArray[np.int64]:
        """How often each distinct value occurs among the pairable values."""
        present = self.codes[self.codes >= 0]
        return np.bincount(present, minlength=len(self.values))

    def unit_disagreement(self) -> tuple[_Floats, _Floats]:
        """Per unit: the number of values, and its observed disagreement sum."""
        codes = self.codes
        present = codes >= 0
        sizes = present.sum(axis=0).astype(np.float64)
        within = np.zeros(codes.shape[1], dtype=np.float64)
        for i in range(codes.shape[0]):
            for j in range(i + 1, codes.shape[0]):
                both = present[i] & present[j]
                within[both] += 2 * self._pair(codes[i, both], codes[j, both])
        return sizes, within / (sizes - 1)

    def expected(self, counts: _Floats) -> _Floats:
        """``sum n_c n_k delta_ck`` for each row of value counts (one row per draw)."""
        if self.level == "nominal":
            total = counts.sum(axis=-1)
            return np.asarray(total**2 - (counts**2).sum(axis=-1), dtype=np.float64)
        if self.level in ("interval", "ordinal"):
            x = self.positions
            total = counts.sum(axis=-1)
            first, second = counts @ x, counts @ (x**2)
            return np.asarray(2 * (total * second - first**2), dtype=np.float64)
        return np.asarray(np.einsum("...i,ij,...j->...", counts, self.matrix, counts))

    def alpha(self) -> float | None:
        """Alpha of the whole data; None when undefined."""
        if self.codes.shape[1] == 0:
            return None
        sizes, within = self.unit_disagreement()
        n = sizes.sum()
        expected = float(self.expected(self.counts().astype(np.float64)))
        if expected <= 0:
            return None
        return float(1 - (n - 1) * within.sum() / expected)

    def draws(self, weights: npt.NDArray[np.float32]) -> _Floats:
        """Alpha for each column of unit weights (units x draws: how often each
        pairable unit was drawn in each resample); NaN where a draw's is undefined.
        """
        sizes, within = self.unit_disagreement()
        units, values = self.codes.shape[1], len(self.values)
        flat = self.codes.T.ravel()
        keep = flat >= 0
        cells = np.repeat(np.arange(units), self.codes.shape[0])[keep]
        # one pass over the weights: value counts, pairable values, disagreement per draw
        rows = np.concatenate([flat[keep], np.full(units, values), np.full(units, values + 1)])
        data = np.concatenate([np.ones(cells.size), sizes, within]).astype(np.float32)
        summed = sparse.csr_matrix(
            (data, (rows, np.concatenate([cells, np.arange(units), np.arange(units)]))),
            shape=(values + 2, units),
        )
        totals = np.asarray(summed @ weights, dtype=np.float64)
        counts, n, observed = totals[:values].T, totals[values], totals[values + 1]
        expected = self.expected(counts)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = 1 - (n - 1) * observed / expected
        return np.asarray(np.where(expected > 0, out, np.nan), dtype=np.float64)


def _coded_by_hand(
    rows: list[list[Any]], level: Level | Distance
) -> tuple[npt.NDArray[np.int64], list[Any]]:
    """Codes of distinct values, one value at a time (sets, and any distance function)."""
    index: dict[Any, int] = {}
    values: list[Any] = []
    codes = np.full((len(rows), len(rows[0])), -1, dtype=np.int64)
    for r, row in enumerate(rows):
        for u, value in enumerate(row):
            if _missing(value):
                continue
            if level == "set":
                value = _as_set(value, f"coder {r}, unit {u}")  # noqa: PLW2901
            code = index.get(value)
            if code is None:
                code = index[value] = len(values)
                values.append(value)
            codes[r, u] = code
    return codes, values


def _coded(rows: list[list[Any]], level: str) -> tuple[npt.NDArray[np.int64], list[Any]]:
    """Codes of distinct values, all at once (nominal and numeric levels)."""
    flat = pd.Series([v for row in rows for v in row], dtype=object)
    if level in _NUMERIC:
        numbers = pd.to_numeric(flat, errors="coerce")
        bad = numbers.isna() & flat.notna() | flat.map(lambda v: isinstance(v, bool))
        bad |= numbers < 0 if level == "ratio" else False
        if bad.any():
            where = int(np.flatnonzero(bad.to_numpy())[0])
            _as_number(flat.iloc[where], level, f"coder {where // len(rows[0])}, unit "
                       f"{where % len(rows[0])}")  # fmt: skip
        flat = numbers.astype("float64")
    codes, uniques = pd.factorize(flat, use_na_sentinel=True)
    shape = (len(rows), len(rows[0]))
    return np.asarray(codes, dtype=np.int64).reshape(shape), list(uniques)


def pairable(data: Any, level: Level | Distance = "nominal") -> Pairable:
    """The pairable values of ``data`` (coders in rows, units in columns).

    Raises
    ------
    InputError
        For an unknown level, fewer than two coders, rows of unequal length, or
        a value the level cannot measure (text for ``interval``, a negative
        number for ``ratio``).
    """
    if not callable(level) and level not in LEVELS:
        msg = f"level must be one of {', '.join(LEVELS)} or a distance function; found {level!r}."
        raise InputError(msg)
    rows = _rows(data)
    if len(rows) < 2:
        msg = f"agreement needs at least two coders (rows); found {len(rows)}."
        raise InputError(msg)
    if level == "set" or callable(level):
        codes, values = _coded_by_hand(rows, level)
    else:
        codes, values = _coded(rows, str(level))
    units = np.flatnonzero((codes >= 0).sum(axis=0) >= 2)
    return Pairable(codes=codes[:, units], units=units, values=values, level=level)


def krippendorff_alpha(data: Any, level: Level | Distance = "nominal") -> float | None:
    """Krippendorff's alpha of reliability data.

    Parameters
    ----------
    data : 2-D array-like
        Coders in rows, units in columns; ``None`` or NaN where a coder gave no
        value. Values may be any hashable codes (``nominal``), numbers
        (``ordinal``, ``interval``, ``ratio``) or sets (``set``: an iterable of
        codes, or a ``"; "``-joined string as the tables write them).
    level : {"nominal", "ordinal", "interval", "ratio", "set"} or callable
        Level of measurement, or a distance ``f(a, b) -> float``.

    Returns
    -------
    float or None
        Alpha (1 perfect agreement, 0 chance, below 0 systematic disagreement);
        ``None`` when undefined: no unit coded twice, or no variation among the
        pairable values. Reports print "undefined", never NaN or 1.

    Raises
    ------
    InputError
        See :func:`pairable`.

    Examples
    --------
    Krippendorff's (2011) first example: two coders, ten binary units.

    >>> from libyaevents import krippendorff_alpha
    >>> a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    >>> b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    >>> round(krippendorff_alpha([a, b]), 3)
    0.095

    Sets of associated actors, compared by Jaccard distance:

    >>> coded = [[{"x", "y"}, {"z"}, set()], [{"x"}, {"z"}, set()]]
    >>> round(krippendorff_alpha(coded, level="set"), 3)
    0.8
    """
    return pairable(data, level).alpha()


def unit_weights(units: int, draws: int, seed: int) -> npt.NDArray[np.float32]:
    """How often each of ``units`` units is drawn (rows) in each of ``draws`` resamples."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, units, size=(draws, units), dtype=np.int64)
    picks += (np.arange(draws, dtype=np.int64) * units)[:, None]
    counts = np.bincount(picks.ravel(), minlength=draws * units).reshape(draws, units)
    return np.ascontiguousarray(counts.T, dtype=np.float32)


def interval_of(draws: _Floats, confidence: float) -> tuple[float, float] | None:
    """The central ``confidence`` percentile interval of the defined draws."""
    defined = draws[~np.isnan(draws)]
    if defined.size == 0:
        return None
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(defined, [tail, 100 - tail])
    return float(low), float(high)


def bootstrap_alpha(
    data: Any,
    level: Level | Distance = "nominal",
    *,
    draws: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> tuple[float, float] | None:
    """A bootstrap percentile interval of Krippendorff's alpha, resampling units.

    Parameters
    ----------
    data, level
        As for :func:`krippendorff_alpha`.
    draws : int
        Number of resamples of the pairable units (with replacement).
    seed : int
        Seed of the resampling: the same data and seed give the same interval.
    confidence : float
        Share of the draws the interval covers (0.95: the 2.5th to 97.5th percentile).

    Returns
    -------
    tuple of float, or None
        ``(low, high)``; ``None`` when alpha is undefined in every draw.

    Examples
    --------
    >>> from libyaevents import bootstrap_alpha
    >>> a = [1, 2, 3, 3, 2, 1, 4, 1, 2, 5]
    >>> b = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5]
    >>> low, high = bootstrap_alpha([a, b], level="interval", seed=1)
    >>> 0.8 < low <= high <= 1.0
    True
    """
    if draws < 1 or not 0 < confidence < 1:
        msg = f"draws must be 1 or more and confidence in (0, 1); found {draws}, {confidence}."
        raise InputError(msg)
    table = pairable(data, level)
    weights = unit_weights(table.codes.shape[1], draws, seed)
    return interval_of(table.draws(weights), confidence)
