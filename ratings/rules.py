"""HMIP's rating rules for the PDU inspection programme, as plain functions.

These reproduce what the rules would give; a published rating is never
recomputed from them. Where inspectors departed from a rule, the report says so
and the departure is recorded as an override on the rating.

Each framework version has its own bands (a Programme's key_question_bands and
score_bands), passed in as `bands`; left out, they are the 2021 PDU standards' bands.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from .models import Rating

Bands = Sequence[tuple[Decimal | int, str]]  # lowest value -> rating, best first, last from 0

# Lowest key-question percentage 'yes' -> standard rating (HMIP rules and guidance for the
# 2021 PDU standards): a minimum of 80% is Outstanding, 65% Good, 50% Requires improvement,
# below that Inadequate.
KEY_QUESTION_BANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal("80"), Rating.OUTSTANDING),
    (Decimal("65"), Rating.GOOD),
    (Decimal("50"), Rating.REQUIRES_IMPROVEMENT),
    (Decimal("0"), Rating.INADEQUATE),
)

POINTS = {
    Rating.OUTSTANDING: 3,
    Rating.GOOD: 2,
    Rating.REQUIRES_IMPROVEMENT: 1,
    Rating.INADEQUATE: 0,
}
# The four ratings, best first.
SCALE = list(POINTS)

# Score -> overall rating for the 2021 PDU standards: the lowest score that earns each rating.
SCORE_BANDS: tuple[tuple[int, str], ...] = (
    (21, Rating.OUTSTANDING),
    (13, Rating.GOOD),
    (5, Rating.REQUIRES_IMPROVEMENT),
    (0, Rating.INADEQUATE),
)


def band_for_percentage(
    percent_yes: Decimal | int | float, bands: Bands = KEY_QUESTION_BANDS
) -> str:
    """The rating band a key-question percentage falls in."""
    percent = Decimal(str(percent_yes))
    if not Decimal("0") <= percent <= Decimal("100"):
        raise ValueError(f"A percentage must be between 0 and 100, not {percent}.")
    for minimum, rating in bands:
        if percent >= minimum:
            return rating
    raise AssertionError("unreachable: the lowest band starts at 0")


def rating_from_key_questions(
    percentages: Iterable[Decimal | int | float], bands: Bands = KEY_QUESTION_BANDS
) -> str:
    """A case-supervision standard's rating: the band of its lowest key question."""
    values = [Decimal(str(p)) for p in percentages]
    if not values:
        raise ValueError("A standard rated from key questions needs at least one percentage.")
    return band_for_percentage(min(values), bands)


def rests_on_key_questions(rated_from_key_questions: bool, rating: str | None) -> bool:
    """Whether a standard's rating must rest on every one of its key questions' percentages:
    the standard is rated from them and was inspected (a rating is given, not 'not inspected')."""
    return rated_from_key_questions and bool(rating) and rating != Rating.NOT_INSPECTED


def departure_error(
    standard: str,
    rated_from_key_questions: bool,
    rating: str | None,
    override_reason: str,
    percentages: Iterable[Decimal | int | float | None],
    bands: Bands = KEY_QUESTION_BANDS,
) -> str | None:
    """What is wrong when `rating` departs from the rule for its key questions and the
    inspectors' reason for departing is not given; None when there is nothing to refuse.

    A reason of blanks is no reason. Until every percentage is in, the rule cannot be
    applied: the missing ones are asked for instead.
    """
    percentages = list(percentages)
    if (
        not rests_on_key_questions(rated_from_key_questions, rating)
        or not percentages
        or None in percentages
    ):
        return None
    expected = rating_from_key_questions(percentages, bands)
    if expected == rating or override_reason.strip():
        return None
    return (
        f"{standard} is rated {Rating(rating).label}, but its lowest key question gives "
        f"{Rating(expected).label}: correct the rating or give the inspectors' reason for "
        "departing from the rule"
    )


def points(rating: str) -> int:
    """Points a rated standard adds to the score."""
    try:
        return POINTS[Rating(rating)]
    except (KeyError, ValueError):
        raise ValueError(f"{rating!r} carries no points.") from None


def maximum_score(rated_standards: int) -> int:
    """The highest score `rated_standards` standards can earn: all Outstanding."""
    return POINTS[Rating.OUTSTANDING] * rated_standards


def score(ratings: Iterable[str]) -> tuple[int, int]:
    """Score and maximum score over the rated standards; 'not inspected' ones are left out."""
    rated = [r for r in ratings if r != Rating.NOT_INSPECTED]
    return sum(points(r) for r in rated), maximum_score(len(rated))


def overall_rating(total: int, bands: Bands = SCORE_BANDS) -> str:
    """The overall rating a score earns."""
    if total < 0:
        raise ValueError("A score cannot be negative.")
    for minimum, rating in bands:
        if total >= minimum:
            return rating
    raise AssertionError("unreachable: the lowest band starts at 0")


def bands_error(bands: Bands, what: str, highest: int | None = None) -> str | None:
    """What is wrong with a version's `bands`, None if nothing: each rating must need
    more than the one below it, the lowest above 0 and, where `highest` is given, the
    highest at most that (100 for percentages, the maximum score for scores). `what`
    names the values."""
    minimums = [minimum for minimum, _ in bands[:-1]]
    if any(higher <= lower for higher, lower in pairwise(minimums)):
        return f"Enter a higher {what} for each rating than for the rating below it"
    if minimums[-1] <= 0:
        return f"Enter a {what} above 0 for Requires improvement"
    if highest is not None and minimums[0] > highest:
        return f"Enter a {what} of {highest} or less for Outstanding"
    return None


def band_description(rating: str, bands: Bands = KEY_QUESTION_BANDS) -> str:
    """The percentages a rating's band covers, e.g. "65% to 79%" or "below 50%"."""
    minimums = {band_rating: minimum for minimum, band_rating in bands}
    ratings = [band_rating for _, band_rating in bands]
    index = ratings.index(rating)
    if index == 0:
        return f"{minimums[rating]}% or more"
    above = minimums[ratings[index - 1]]
    if index == len(ratings) - 1:
        return f"below {above}%"
    return f"{minimums[rating]}% to {above - 1}%"


@dataclass(frozen=True)
class RatingExplanation:
    """Why a case-supervision standard has its rating: the deciding key question and band."""

    key_question: str
    percent_yes: Decimal
    band: str  # the rating the rule gives
    band_description: str  # e.g. "below 50%"
    published: str  # the rating as published
    override_reason: str

    @property
    def follows_rule(self) -> bool:
        return self.band == self.published


def explain_rating(
    scores: Iterable[tuple[str, Decimal]],
    published: str,
    override_reason: str = "",
    bands: Bands = KEY_QUESTION_BANDS,
) -> RatingExplanation | None:
    """The lowest of a standard's (key question, percentage) pairs, and what the rule makes of it.

    None where no percentages were published (the regional annexes give ratings only).
    """
    scores = list(scores)
    if not scores:
        return None
    text, lowest = min(scores, key=lambda pair: pair[1])
    band = band_for_percentage(lowest, bands)
    return RatingExplanation(
        key_question=text,
        percent_yes=lowest,
        band=band,
        band_description=band_description(band, bands),
        published=published,
        override_reason=override_reason,
    )
