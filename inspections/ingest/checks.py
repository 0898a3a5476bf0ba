"""The checks an inspection must pass before it is published, in HMIP's own rules.

The entry forms and the admin run the same checks field by field as the admin goes;
publishing runs them all again over what is saved, so a draft finished over several
sittings is checked as a whole.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal

from inspections.models import DatePrecision, Inspection
from ratings import rules
from ratings.models import KeyQuestionScore, Standard, StandardRating
from recommendations.models import Recommendation


def set_score(inspection: Inspection) -> None:
    """Score, maximum and overall rating, computed from the ratings by the rules of the
    inspection's framework version: never typed."""
    programme = inspection.programme
    ratings = [
        r.rating
        for r in inspection.ratings.select_related("standard")
        if r.standard.is_rated and r.rating
    ]
    if not ratings or not programme.has_ratings:
        inspection.score = inspection.max_score = None
        inspection.overall_rating = ""
    else:
        inspection.score, inspection.max_score = rules.score(ratings)
        inspection.overall_rating = rules.overall_rating(inspection.score, programme.score_bands)
    inspection.save(update_fields=["score", "max_score", "overall_rating"])


def publication_problems(
    inspection: Inspection,
    *,
    ratings: Iterable[StandardRating] | None = None,
    scores: Iterable[KeyQuestionScore] | None = None,
    recommendations: Iterable[Recommendation] | None = None,
) -> list[str]:
    """Everything that stops `inspection` being published, in words an admin can act on.

    `ratings` (with their standards and the standards' framework versions), `scores`
    and `recommendations` (with their addressees): the inspection's own rows, where the
    caller has read them already to show them, so that they are not read twice; each
    one not given is read here.
    """
    problems = []
    if not inspection.title:
        problems.append("Enter the inspection's title")
    if inspection.fieldwork_start is None:
        problems.append("Enter the date fieldwork started")
    if error := publication_date_error(
        inspection.fieldwork_start, inspection.published, inspection.published_precision
    ):
        problems.append(error)
    if inspection.programme.has_ratings:
        problems += rating_problems(inspection, ratings=ratings, scores=scores)
    problems += recommendation_problems(inspection, recommendations=recommendations)
    return problems


def publication_date_error(
    fieldwork_start: datetime.date | None, published: datetime.date | None, precision: str
) -> str | None:
    """A report cannot be published before its fieldwork started: checked to the day
    where the publication date is known to the day.

    A cover that gives only "October 2022" is stored as 1 October 2022, so such a date
    is compared by its month (or year): any day of it may be the true one.
    """
    if fieldwork_start is None or published is None:
        return None
    if precision == DatePrecision.MONTH:
        fieldwork_start = fieldwork_start.replace(day=1)
    elif precision == DatePrecision.YEAR:
        fieldwork_start = fieldwork_start.replace(month=1, day=1)
    if published < fieldwork_start:
        return "The publication date must be after fieldwork started"
    return None


def saved_percentages(
    inspection: Inspection, scores: Iterable[KeyQuestionScore] | None = None
) -> dict[int, Decimal]:
    """The inspection's percentages 'Yes' as saved, by key question: from its `scores`
    where the caller has read them already, else read here."""
    if scores is None:
        scores = inspection.key_question_scores.only("key_question_id", "percent_yes")
    return {score.key_question_id: score.percent_yes for score in scores}


def rating_departure(
    standard: Standard,
    rating: str | None,
    override_reason: str,
    percentages: Mapping[int, Decimal | None],
) -> str | None:
    """HMIP's rule for `standard`'s rating (rules.departure_error) in its framework
    version's bands, its key questions' percentages looked up by key question in
    `percentages`."""
    return rules.departure_error(
        str(standard),
        standard.rated_from_key_questions,
        rating,
        override_reason,
        [percentages.get(question.pk) for question in standard.key_questions.all()],
        standard.programme.key_question_bands,
    )


def rating_problems(
    inspection: Inspection,
    *,
    ratings: Iterable[StandardRating] | None = None,
    scores: Iterable[KeyQuestionScore] | None = None,
) -> list[str]:
    """What is missing or departs from the rules of the inspection's framework version;
    a rating of another version's standard would be scored under the wrong rules.
    `ratings` (with their standards' framework versions) and `scores`: the inspection's,
    if already read."""
    if ratings is None:
        ratings = inspection.ratings.select_related("standard__programme")
    ratings = {r.standard_id: r for r in ratings}
    problems = [
        f"{r.standard} is a standard of {r.standard.programme}, not of {inspection.programme}: "
        "rate this inspection's own standards"
        for r in ratings.values()
        if r.standard.programme_id != inspection.programme_id
    ]
    percentages = saved_percentages(inspection, scores)
    for standard in inspection.programme.standards.prefetch_related("key_questions"):
        rating = ratings.get(standard.pk)
        if rating is None:
            if standard.is_rated:
                problems.append(f"Give a rating for {standard}, or record it as not inspected")
            continue
        if rules.rests_on_key_questions(standard.rated_from_key_questions, rating.rating):
            missing = [q for q in standard.key_questions.all() if q.pk not in percentages]
            if missing:
                problems.append(
                    f"Enter the percentage 'Yes' for every key question of {standard}: "
                    f"{len(missing)} missing"
                )
        if error := rating_departure(standard, rating.rating, rating.override_reason, percentages):
            problems.append(error)
    return problems


def recommendation_problems(
    inspection: Inspection, *, recommendations: Iterable[Recommendation] | None = None
) -> list[str]:
    """Numbers given twice to one addressee; `recommendations` (with their addressees):
    the inspection's, if already read."""
    if recommendations is None:
        recommendations = inspection.recommendations.select_related("addressee")
    numbers = Counter((r.addressee.name, r.number) for r in recommendations)
    return [
        f"Recommendation {number} to {addressee} is numbered twice"
        for (addressee, number), count in sorted(numbers.items())
        if count > 1
    ]
