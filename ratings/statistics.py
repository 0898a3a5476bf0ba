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
