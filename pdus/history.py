"""A body's published inspections over time: each rating beside the one before it.

The PDU page's "Ratings by inspection" and the API's `previous_rating` both come from
here, so the two cannot disagree about what changed. A standard is one Standard row: a
refreshed framework's standard of the same name is another standard, never a change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce

from inspections.models import Inspection
from ratings.models import KeyQuestion, KeyQuestionScore, Standard, StandardRating
from ratings.statistics import Estimate, can_tell_apart, estimate

from . import rules


def newest_first(inspection) -> tuple:
    """A sort key: by fieldwork (else publication) date, newest first; ties by the newer record."""
    when = rules.when_inspected(inspection.fieldwork_start, inspection.published)
    return (-when.toordinal(), -inspection.pk)


def latest_first(inspections) -> list[Inspection]:
    return sorted(inspections, key=newest_first)


def when_inspected():
    """rules.when_inspected as SQL: fieldwork, else publication, else the earliest day."""
    return Coalesce("fieldwork_start", "published", Value(date.min))


def latest_under_each_version(inspections):
    """Those of `inspections` (a queryset of published inspections) that are their body's
    latest published inspection under their framework version, as newest_first orders a
    body's inspections, each annotated `when` (when_inspected())."""
    later = (
        Inspection.objects.published()
        .filter(body=OuterRef("body"), programme=OuterRef("programme"))
        .annotate(when=when_inspected())
        .filter(Q(when__gt=OuterRef("when")) | Q(when=OuterRef("when"), pk__gt=OuterRef("pk")))
    )
    return inspections.annotate(when=when_inspected()).filter(~Exists(later))


@dataclass
class RatingStep:
    """A standard's rating in one inspection, and the same standard's rating in the body's
    latest earlier inspection that rated it (None where none did)."""

    rating: StandardRating
    previous: StandardRating | None

    @property
    def change(self) -> str:
        """rules.IMPROVED, DECLINED or UNCHANGED; "" with nothing to compare."""
        if self.previous is None:
            return ""
        return rules.rating_change(self.previous.rating, self.rating.rating)


def rating_steps(bodies) -> dict[int, list[RatingStep]]:
    """{inspection id: its ratings as steps, in the standards' order} for every published
    inspection of `bodies` (bodies or their ids) that has ratings; one query, however
    many inspections. Each step's ratings have their standard and inspection loaded."""
    ratings = StandardRating.objects.filter(
        inspection__body__in=bodies, inspection__is_published=True
    ).select_related("standard__programme", "inspection__programme")
    return steps_from(ratings)


def steps_from(ratings) -> dict[int, list[RatingStep]]:
    """As rating_steps(), from ratings already loaded with their standards and inspections
    (no query)."""
    by_standard = defaultdict(list)
    for rating in ratings:
        by_standard[rating.inspection.body_id, rating.standard_id].append(rating)
    steps = defaultdict(list)
    for series in by_standard.values():
        series.sort(key=lambda r: newest_first(r.inspection))
        for rating, previous in zip(series, [*series[1:], None], strict=True):
            steps[rating.inspection_id].append(RatingStep(rating, previous))
    for inspection_steps in steps.values():
        inspection_steps.sort(key=lambda s: s.rating.standard.position)
    return dict(steps)


@dataclass
class OverallStep:
    """An inspection's overall rating, and that of the body's latest earlier inspection
    under the same programme (None where there is none): the score bands are a
    programme's own."""

    inspection: Inspection
    previous: Inspection | None

    @property
    def change(self) -> str:
        if self.previous is None:
            return ""
        return rules.rating_change(self.previous.overall_rating, self.inspection.overall_rating)


def _estimate(score: KeyQuestionScore) -> Estimate | None:
    cases = score.inspection.cases_inspected
    return estimate(score.percent_yes, cases) if cases else None


@dataclass
class PercentStep:
    """A key question's percentage 'yes' in one inspection, and the same key question's in
    the body's latest earlier inspection that published it (None where none did). A key
    question belongs to one framework version's standard, so both are under one version."""

    score: KeyQuestionScore
    previous: KeyQuestionScore | None

    @property
    def estimate(self) -> Estimate | None:
        return _estimate(self.score)

    @property
    def change(self) -> str:
        """rules.IMPROVED, DECLINED or UNCHANGED; "" with nothing to compare."""
        if self.previous is None:
            return ""
        return rules.percent_change(self.previous.percent_yes, self.score.percent_yes)

    @property
    def points(self):
        """How many percentage points it moved, up or down."""
        return abs(self.score.percent_yes - self.previous.percent_yes) if self.previous else 0

    @property
    def within_chance(self) -> bool:
        """Whether the two samples' 95% intervals overlap, so the move may be chance."""
        if self.previous is None or not self.change or self.change == rules.UNCHANGED:
            return False
        now, before = self.estimate, _estimate(self.previous)
        return bool(now and before) and not can_tell_apart(now, before)


@dataclass
class KeyQuestionHistoryRow:
    key_question: KeyQuestion
    # One per inspection, as RatingsByInspection lists them; where it has no percentage,
    # why, in words.
    cells: list[PercentStep | str]


def missing(inspection: Inspection, standard: Standard) -> str:
    """Why an inspection has no percentage for a key question of `standard`."""
    if inspection.programme_id != standard.programme_id:
        return "Not a key question of this inspection's standards"
    return "Not published in this inspection"


@dataclass
class HistoryRow:
    standard: Standard
    cells: list[RatingStep | None]  # one per inspection, as RatingsByInspection lists them
    key_questions: list[KeyQuestionHistoryRow] = field(default_factory=list)

    @property
    def version(self):
        """The framework version the standard belongs to (its inspections' programme,
        loaded with them): two versions may each have a "1.1 Leadership"."""
        return next(step.rating.inspection.programme for step in self.cells if step)


@dataclass
class RatingsByInspection:
    """A body's inspections on HMIP's four-point scale, newest first, standard by standard."""

    inspections: list[Inspection]
    overall: list[OverallStep]
    rows: list[HistoryRow]

    @property
    def spans_versions(self) -> bool:
        return len({inspection.programme_id for inspection in self.inspections}) > 1


def ratings_by_inspection(
    body, inspections, ratings=None, scores=None
) -> RatingsByInspection | None:
    """Each standard's rating and each key question's percentage in each of the body's
    rated inspections, with how they changed; None unless two or more of `inspections`,
    the body's published ones with their programmes, rated it on the four-point scale
    (and then no query). `ratings` and `scores`, where given, are the body's published
    ones loaded with their inspections (and programmes), standards and key questions: then
    no query, else two."""
    if sum(i.programme.has_ratings for i in inspections) < 2:
        return None
    found = rating_steps([body]) if ratings is None else steps_from(ratings)
    steps = {
        inspection_id: inspection_steps
        for inspection_id, inspection_steps in found.items()
        if inspection_steps[0].rating.inspection.programme.has_ratings
    }
    if len(steps) < 2:
        return None
    rated = latest_first(s[0].rating.inspection for s in steps.values())
    overall = [
        OverallStep(
            inspection,
            next((i for i in rated[n + 1 :] if i.programme_id == inspection.programme_id), None),
        )
        for n, inspection in enumerate(rated)
    ]
    standards = sorted(
        {step.rating.standard for inspection_steps in steps.values() for step in inspection_steps},
        key=lambda s: (s.programme_id, s.position),
    )
    cells = {
        (step.rating.inspection_id, step.rating.standard_id): step
        for inspection_steps in steps.values()
        for step in inspection_steps
    }
    if scores is None:
        scores = KeyQuestionScore.objects.filter(inspection__in=rated).select_related(
            "key_question", "inspection"
        )
    rated_ids = {i.pk for i in rated}
    percents = percent_steps([s for s in scores if s.inspection_id in rated_ids])
    rows = [
        HistoryRow(
            standard,
            [cells.get((i.pk, standard.pk)) for i in rated],
            [
                KeyQuestionHistoryRow(
                    question,
                    [by_inspection.get(i.pk) or missing(i, standard) for i in rated],
                )
                for question, by_inspection in percents.get(standard.pk, [])
            ],
        )
        for standard in standards
        if standard.is_rated
    ]
    return RatingsByInspection(rated, overall, rows)


def percent_steps(scores) -> dict[int, list[tuple[KeyQuestion, dict[int, PercentStep]]]]:
    """{standard id: [(key question, {inspection id: its step})] in the questions' order}
    from one body's scores, loaded with their key questions and inspections (no query)."""
    series = defaultdict(list)
    for score in scores:
        series[score.key_question_id].append(score)
    by_standard = defaultdict(list)
    for found in series.values():
        found.sort(key=lambda s: newest_first(s.inspection))
        steps = {
            score.inspection_id: PercentStep(score, previous)
            for score, previous in zip(found, [*found[1:], None], strict=True)
        }
        question = found[0].key_question
        by_standard[question.standard_id].append((question, steps))
    for questions in by_standard.values():
        questions.sort(key=lambda pair: pair[0].position)
    return dict(by_standard)


@dataclass
class FollowUps:
    """What one later report says of an earlier inspection's recommendations:
    `counts` are (verdict label, how many) in the order met, partly met, not met."""

    earlier: Inspection
    later: Inspection
    counts: list[tuple[str, int]]
    recommendations: int  # of the earlier inspection
    followed_up: int


def follow_ups(recommendations) -> dict[int, FollowUps]:
    """{earlier inspection id: what the later report says of its recommendations} from
    recommendations loaded with their inspections and follow-ups (no query)."""
    by_inspection = defaultdict(list)
    for recommendation in recommendations:
        by_inspection[recommendation.inspection_id].append(recommendation)
    found = {}
    for inspection_id, listed in by_inspection.items():
        verdicts = [r.published_follow_up for r in listed if r.published_follow_up]
        if not verdicts:
            continue
        order = {value: n for n, (value, _) in enumerate(type(verdicts[0]).Verdict.choices)}
        counted = defaultdict(int)
        for follow_up in verdicts:
            counted[follow_up.verdict] += 1
        labels = dict(type(verdicts[0]).Verdict.choices)
        found[inspection_id] = FollowUps(
            listed[0].inspection,
            verdicts[0].inspection,
            [(labels[v], counted[v]) for v in sorted(counted, key=order.get)],
            len(listed),
            len(verdicts),
        )
    return found
