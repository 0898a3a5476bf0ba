"""95% intervals for key-question percentages, and when two PDUs can be told apart."""

import math
from decimal import Decimal

import pytest

from ratings.statistics import Estimate, can_tell_apart, estimate, wilson_interval


def wilson_from_counts(yes, n, z=1.96):
    """The Wilson interval in its count form, written independently of the module."""
    centre = yes + z * z / 2
    spread = z * math.sqrt(yes * (n - yes) / n + z * z / 4)
    return 100 * (centre - spread) / (n + z * z), 100 * (centre + spread) / (n + z * z)


@pytest.mark.parametrize(("yes", "n"), [(5, 42), (21, 42), (40, 42), (3, 10), (17, 30)])
def test_wilson_interval_matches_the_count_form(yes, n):
    low, high = wilson_interval(100 * yes / n, n)
    expected_low, expected_high = wilson_from_counts(yes, n)
    assert low == pytest.approx(expected_low)
    assert high == pytest.approx(expected_high)


def test_wilson_interval_for_a_typical_sample():
    low, high = wilson_interval(12, 42)
    assert low == pytest.approx(5.25, abs=0.01)
    assert high == pytest.approx(25.12, abs=0.01)


def test_wilson_interval_takes_decimals_as_published():
    assert wilson_interval(Decimal("12.0"), 42) == pytest.approx(wilson_interval(12, 42))


def test_wilson_interval_at_zero_percent_still_has_width():
    # Published textbook value: 0 of 10 gives an upper limit of 27.75%.
    low, high = wilson_interval(0, 10)
    assert low == 0
    assert high == pytest.approx(27.754, abs=0.001)


def test_wilson_interval_at_one_hundred_percent_mirrors_zero():
    low, high = wilson_interval(100, 10)
    assert high == 100
    assert low == pytest.approx(100 - 27.754, abs=0.001)


def test_wilson_interval_for_a_single_case():
    assert wilson_interval(0, 1) == pytest.approx((0, 79.35), abs=0.01)
    assert wilson_interval(100, 1) == pytest.approx((20.65, 100), abs=0.01)


@pytest.mark.parametrize("n", [1, 10, 42, 1000])
def test_wilson_interval_stays_within_0_and_100_and_holds_the_percentage(n):
    for percent in range(0, 101, 5):
        low, high = wilson_interval(percent, n)
        assert 0 <= low <= percent <= high <= 100


def test_wilson_interval_rises_with_the_percentage():
    intervals = [wilson_interval(percent, 42) for percent in range(0, 101)]
    lows, highs = zip(*intervals, strict=True)
    assert list(lows) == sorted(lows)
    assert list(highs) == sorted(highs)


def test_wilson_interval_narrows_as_the_sample_grows():
    widths = [high - low for low, high in (wilson_interval(60, n) for n in (10, 42, 100, 1000))]
    assert widths == sorted(widths, reverse=True)


@pytest.mark.parametrize("n", [0, -5])
def test_wilson_interval_needs_a_case(n):
    with pytest.raises(ValueError, match="at least one case"):
        wilson_interval(50, n)


@pytest.mark.parametrize("percent", [-0.1, Decimal("100.1"), 250, float("nan")])
def test_wilson_interval_refuses_impossible_percentages(percent):
    with pytest.raises(ValueError, match="between 0 and 100"):
        wilson_interval(percent, 42)


def test_estimate_carries_the_interval():
    result = estimate(Decimal("12.0"), 42)
    assert result == Estimate(12.0, 42, *wilson_interval(12, 42))
    assert isinstance(result.percent, float)


def test_estimate_is_immutable():
    with pytest.raises(AttributeError):
        estimate(50, 42).percent = 60


def test_far_apart_percentages_can_be_told_apart():
    # 20% against 80% of 42 cases: intervals about (10, 34) and (66, 90).
    assert can_tell_apart(estimate(20, 42), estimate(80, 42))
    assert can_tell_apart(estimate(80, 42), estimate(20, 42))


def test_close_percentages_cannot_be_told_apart():
    # 60% against 70% of 42 cases: a ten-point gap is within chance for samples this small.
    assert not can_tell_apart(estimate(60, 42), estimate(70, 42))


def test_the_same_gap_shows_with_larger_samples():
    assert can_tell_apart(estimate(60, 1000), estimate(70, 1000))


def test_touching_intervals_count_as_overlapping():
    a = Estimate(percent=40, n=42, low=30, high=50)
    b = Estimate(percent=60, n=42, low=50, high=70)
    assert not can_tell_apart(a, b)
