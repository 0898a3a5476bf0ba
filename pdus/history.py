"""A body's published inspections over time: each rating beside the one before it.

The PDU page's "Ratings by inspection" and the API's `previous_rating` both come from
here, so the two cannot disagree about what changed. A standard is one Standard row: a
refreshed framework's standard of the same name is another standard, never a change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from inspections.models import Inspection
from ratings.models import Standard, StandardRating

from . import rules


def newest_first(inspection) -> tuple:
    """A sort key: by fieldwork (else publication) date, newest first; ties by the newer record."""
    when = rules.when_inspected(inspection.fieldwork_start, inspection.published)
    return (-when.toordinal(), -inspection.pk)


def latest_first(inspections) -> list[Inspection]:
    return sorted(inspections, key=newest_first)


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
    ).select_related("standard", "inspection__programme")
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


@dataclass
class HistoryRow:
    standard: Standard
    cells: list[RatingStep | None]  # one per inspection, as RatingsByInspection lists them

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


def ratings_by_inspection(body, inspections) -> RatingsByInspection | None:
    """Each standard's rating in each of the body's rated inspections, with how it changed
    (one query); None unless two or more of `inspections`, the body's published ones with
    their programmes, rated it on the four-point scale (and then no query)."""
    if sum(i.programme.has_ratings for i in inspections) < 2:
        return None
    steps = {
        inspection_id: inspection_steps
        for inspection_id, inspection_steps in rating_steps([body]).items()
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
    rows = [
        HistoryRow(standard, [cells.get((i.pk, standard.pk)) for i in rated])
        for standard in standards
        if standard.is_rated
    ]
    return RatingsByInspection(rated, overall, rows)
