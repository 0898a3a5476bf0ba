"""HMIP's rating rules for the PDU inspection programme, as plain functions.

These reproduce what the rules would give; a published rating is never
recomputed from them. Where inspectors departed from a rule, the report says so
and the departure is recorded as an override on the rating.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .models import Rating

# Lowest key-question percentage 'yes' -> standard rating (HMIP rules and guidance):
# a minimum of 80% is Outstanding, 65% Good, 50% Requires improvement, below that Inadequate.
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

# Score -> overall rating: the lowest score that earns each rating.
SCORE_BANDS: tuple[tuple[int, str], ...] = (
    (21, Rating.OUTSTANDING),
    (13, Rating.GOOD),
    (5, Rating.REQUIRES_IMPROVEMENT),
    (0, Rating.INADEQUATE),
)


def band_for_percentage(percent_yes: Decimal | int | float) -> str:
    """The rating band a key-question percentage falls in."""
    percent = Decimal(str(percent_yes))
    if not Decimal("0") <= percent <= Decimal("100"):
        raise ValueError(f"A percentage must be between 0 and 100, not {percent}.")
    for minimum, rating in KEY_QUESTION_BANDS:
        if percent >= minimum:
            return rating
    raise AssertionError("unreachable: the lowest band starts at 0")


def rating_from_key_questions(percentages: Iterable[Decimal | int | float]) -> str:
    """A case-supervision standard's rating: the band of its lowest key question."""
    values = [Decimal(str(p)) for p in percentages]
    if not values:
        raise ValueError("A standard rated from key questions needs at least one percentage.")
    return band_for_percentage(min(values))


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
    expected = rating_from_key_questions(percentages)
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


def score(ratings: Iterable[str]) -> tuple[int, int]:
    """Score and maximum score over the rated standards; 'not inspected' ones are left out."""
    rated = [r for r in ratings if r != Rating.NOT_INSPECTED]
    return sum(points(r) for r in rated), 3 * len(rated)


def overall_rating(total: int) -> str:
    """The overall rating a score earns."""
    if total < 0:
        raise ValueError("A score cannot be negative.")
    for minimum, rating in SCORE_BANDS:
        if total >= minimum:
            return rating
    raise AssertionError("unreachable: the lowest band starts at 0")


BAND_DESCRIPTIONS = {
    Rating.OUTSTANDING: "80% or more",
    Rating.GOOD: "65% to 79%",
    Rating.REQUIRES_IMPROVEMENT: "50% to 64%",
    Rating.INADEQUATE: "below 50%",
}


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
    scores: Iterable[tuple[str, Decimal]], published: str, override_reason: str = ""
) -> RatingExplanation | None:
    """The lowest of a standard's (key question, percentage) pairs, and what the rule makes of it.

    None where no percentages were published (the regional annexes give ratings only).
    """
    scores = list(scores)
    if not scores:
        return None
    text, lowest = min(scores, key=lambda pair: pair[1])
    band = band_for_percentage(lowest)
    return RatingExplanation(
        key_question=text,
        percent_yes=lowest,
        band=band,
        band_description=BAND_DESCRIPTIONS[band],
        published=published,
        override_reason=override_reason,
    )
