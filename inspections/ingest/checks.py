"""The checks an inspection must pass before it is published, in HMIP's own rules.

The entry forms run the same checks field by field as the admin goes; publishing
runs them all again over what is saved, so a draft finished over several sittings
is checked as a whole.
"""

from __future__ import annotations

from collections import Counter

from inspections.models import Inspection
from ratings import rules
from ratings.models import Rating


def set_score(inspection: Inspection) -> None:
    """Score, maximum and overall rating, computed from the ratings: never typed."""
    ratings = [
        r.rating
        for r in inspection.ratings.select_related("standard")
        if r.standard.is_rated and r.rating
    ]
    if not ratings or not inspection.programme.has_ratings:
        inspection.score = inspection.max_score = None
        inspection.overall_rating = ""
    else:
        inspection.score, inspection.max_score = rules.score(ratings)
        inspection.overall_rating = rules.overall_rating(inspection.score)
    inspection.save(update_fields=["score", "max_score", "overall_rating"])


def publication_problems(inspection: Inspection) -> list[str]:
    """Everything that stops `inspection` being published, in words an admin can act on."""
    problems = []
    if not inspection.title:
        problems.append("Enter the inspection's title")
    if inspection.fieldwork_start is None:
        problems.append("Enter the date fieldwork started")
    if (
        inspection.fieldwork_start
        and inspection.published
        and inspection.published < inspection.fieldwork_start.replace(day=1)
    ):
        problems.append("The publication date must be after fieldwork started")
    if inspection.programme.has_ratings:
        problems += rating_problems(inspection)
    problems += recommendation_problems(inspection)
    return problems


def rating_problems(inspection: Inspection) -> list[str]:
    problems = []
    ratings = {r.standard_id: r for r in inspection.ratings.all()}
    scores: dict[int, list] = {}
    for score in inspection.key_question_scores.select_related("key_question"):
        scores.setdefault(score.key_question.standard_id, []).append(score)
    for standard in inspection.programme.standards.prefetch_related("key_questions"):
        rating = ratings.get(standard.pk)
        if standard.is_rated and rating is None:
            problems.append(f"Give a rating for {standard}, or record it as not inspected")
            continue
        inspected = rating is not None and rating.rating not in ("", Rating.NOT_INSPECTED)
        if not (standard.rated_from_key_questions and inspected):
            continue
        answered = {s.key_question_id: s.percent_yes for s in scores.get(standard.pk, [])}
        missing = [q for q in standard.key_questions.all() if q.pk not in answered]
        if missing:
            problems.append(
                f"Enter the percentage 'Yes' for every key question of {standard}: "
                f"{len(missing)} missing"
            )
            continue
        expected = rules.rating_from_key_questions(answered.values())
        if expected != rating.rating and not rating.override_reason:
            problems.append(
                f"{standard} is rated {rating.get_rating_display()}, but its lowest key "
                f"question gives {Rating(expected).label}: correct the rating or record the "
                "inspectors' reason for departing from the rule"
            )
    return problems


def recommendation_problems(inspection: Inspection) -> list[str]:
    numbers = Counter(
        (r.addressee.name, r.number) for r in inspection.recommendations.select_related("addressee")
    )
    return [
        f"Recommendation {number} to {addressee} is numbered twice"
        for (addressee, number), count in sorted(numbers.items())
        if count > 1
    ]
