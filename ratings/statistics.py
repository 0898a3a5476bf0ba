"""How far a key-question percentage can be trusted, as plain functions.

HMIP inspects a few dozen cases per PDU (42, say), so a published 'yes' percentage
is an estimate from a small sample. These functions put a 95% interval round it,
so the dashboard does not present chance differences between PDUs as real ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

Z_95 = 1.96  # standard normal quantile for a two-sided 95% interval


def wilson_interval(percent: Decimal | float | int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval, in percent, for `percent` 'yes' among `n` cases.

    Wilson rather than the textbook p ± z·√(p(1−p)/n): with a few dozen cases and
    percentages near 0 or 100 the textbook interval is far too narrow (zero width
    at 0% and 100%) and can run below 0 or above 100.
    """
    if n < 1:
        raise ValueError(f"An interval needs at least one case, not {n}.")
    p = float(percent) / 100
    # `not 0 <= p <= 1` also refuses NaN.
    if not 0 <= p <= 1:
        raise ValueError(f"A percentage must be between 0 and 100, not {percent}.")
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half_width = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # The interval lies within [0, 1] in exact arithmetic; clip rounding error.
    low = max(0.0, centre - half_width)
    high = min(1.0, centre + half_width)
    return low * 100, high * 100


@dataclass(frozen=True)
class Estimate:
    """A key-question percentage, its sample size and its 95% interval (all in percent)."""

    percent: float
    n: int
    low: float
    high: float


def estimate(percent: Decimal | float | int, n: int) -> Estimate:
    """The percentage with its 95% Wilson interval."""
    low, high = wilson_interval(percent, n)
    return Estimate(percent=float(percent), n=n, low=low, high=high)


def can_tell_apart(a: Estimate, b: Estimate) -> bool:
    """Whether the two samples show a difference: their 95% intervals do not overlap.

    This is deliberately conservative. Intervals can overlap a little even when a
    formal test would find a difference, but reading any overlap as "the samples
    cannot tell these PDUs apart" means the dashboard never claims a difference the
    data might not support. Intervals that only touch count as overlapping.
    """
    return a.high < b.low or b.high < a.low


# Student's t, 97.5th percentile, by degrees of freedom: a mean over a handful of PDUs
# needs a wider interval than the normal's 1.96.
_T_975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t_quantile(degrees_of_freedom: int) -> float:
    """The two-sided 95% quantile of Student's t (beyond 30 degrees of freedom, the
    Cornish-Fisher expansion's first two terms, within 0.001 of the exact value)."""
    if degrees_of_freedom < 1:
        raise ValueError(f"t needs at least one degree of freedom, not {degrees_of_freedom}.")
    if degrees_of_freedom <= len(_T_975):
        return _T_975[degrees_of_freedom - 1]
    df = degrees_of_freedom
    return (
        Z_95 + (Z_95**3 + Z_95) / (4 * df) + (5 * Z_95**5 + 16 * Z_95**3 + 3 * Z_95) / (96 * df**2)
    )


@dataclass(frozen=True)
class Mean:
    """A mean of PDUs' percentages, how many PDUs it is over, and its 95% interval (None
    over one PDU: one figure says nothing of how PDUs vary)."""

    mean: float
    n: int
    low: float | None
    high: float | None


def mean_interval(values) -> Mean:
    """The mean of `values` (percentages, one per PDU) with a 95% t interval from how much
    they vary between PDUs, which takes in each PDU's own sampling error too; clipped to
    0-100."""
    values = [float(v) for v in values]
    if not values:
        raise ValueError("A mean needs at least one value.")
    n = len(values)
    mean = sum(values) / n
    squares = sum((v - mean) ** 2 for v in values)
    return _with_interval(mean, n, math.sqrt(squares / (n - 1)) if n > 1 else 0.0)


def mean_from_sums(n: int, total: float, squares: float) -> Mean:
    """mean_interval() of `n` values known only by their sum and sum of squares, as an
    aggregate query gives them."""
    if n < 1:
        raise ValueError("A mean needs at least one value.")
    mean = total / n
    # Rounding can take the difference a little below zero for values all alike.
    spread = math.sqrt(max(0.0, (squares - n * mean * mean) / (n - 1))) if n > 1 else 0.0
    return _with_interval(mean, n, spread)


def _with_interval(mean: float, n: int, spread: float) -> Mean:
    """The mean with its 95% t interval from the values' standard deviation `spread`."""
    if n == 1:
        return Mean(mean, 1, None, None)
    half_width = t_quantile(n - 1) * spread / math.sqrt(n)
    return Mean(mean, n, max(0.0, mean - half_width), min(100.0, mean + half_width))
