"""Where a PDU stands against its region and against England and Wales.

Each PDU counts once, by its latest published inspection under the framework version of
the inspection shown: a rating or a key question is compared only within one version.
Every figure comes from one aggregate query grouped by region, so the PDU page runs the
same queries however many PDUs there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.lookups import Exact, GreaterThan

from ratings.models import KeyQuestionScore, Programme, StandardRating
from ratings.rules import POINTS
from ratings.statistics import Estimate, mean_from_sums

from . import rules
from .dashboard import KeyQuestionResult, PDUResult, StandardResult, rated_inspections
from .history import latest_under_each_version

STANDARD, OVERALL, KEY_QUESTION = 0, 1, 2
COLUMNS = ("n", "total", "squares", "higher", "same")


@dataclass(frozen=True)
class Position:
    """Where one of `of` PDUs stands (itself among them): `better` of them did better,
    `same` did as well (itself included)."""

    better: int
    same: int
    of: int

    @property
    def rank(self) -> int:
        return self.better + 1

    @property
    def worse(self) -> int:
        return self.of - self.better - self.same

    @property
    def others_same(self) -> int:
        return self.same - 1

    def __str__(self):
        return f"{'joint ' if self.same > 1 else ''}{rules.ordinal(self.rank)} of {self.of}"


@dataclass(frozen=True)
class RatingStanding:
    """A rating's place among the region's PDUs and those of England and Wales."""

    region: Position
    nation: Position


@dataclass(frozen=True)
class Average:
    """The mean percentage of the other PDUs (`others` of them) with its 95% interval
    (ratings.statistics.mean_interval's, None over fewer than two PDUs), where the PDU's
    own percentage stands among them all, and how its own 95% interval lies against the
    mean: "above", "below" or "includes" ("" without one)."""

    mean: float | None
    low: float | None
    high: float | None
    others: int
    position: Position
    interval: str


@dataclass
class KeyQuestionStanding:
    key_question: KeyQuestionResult
    region: Average | None
    nation: Average | None


@dataclass
class StandardStanding:
    result: StandardResult
    rating: RatingStanding | None
    key_questions: list[KeyQuestionStanding] = field(default_factory=list)


@dataclass
class Standing:
    """A PDU's latest inspection under `version` against its region and England and Wales:
    `standards` follow the result's standards; `overall` ranks the score as a share of
    its maximum (the overview's order)."""

    version: Programme
    region_name: str
    pdus: int  # nationally, under the version
    regions: int
    region_pdus: int
    overall: RatingStanding | None
    standards: list[StandardStanding]

    def for_standard(self, standard) -> StandardStanding | None:
        return next((s for s in self.standards if s.result.standard.pk == standard.pk), None)

    def region_averages(self) -> dict[str, tuple[float, int]]:
        """{key question text: (the mean of the region's other PDUs, how many)}, for each
        key question some other PDU of the region published."""
        return {
            kq.key_question.text: (kq.region.mean, kq.region.others)
            for standard in self.standards
            for kq in standard.key_questions
            if kq.region is not None and kq.region.others
        }


def _counted(**figures):
    """The aggregate columns every part of the union has, in one order."""
    zero = Value(0, output_field=IntegerField())
    decimal_zero = Value(Decimal(0), output_field=DecimalField())
    columns = {"n": zero, "total": decimal_zero, "squares": decimal_zero}
    columns |= {"higher": zero, "same": zero}
    columns.update(figures)
    return {name: columns[name] for name in COLUMNS}


def _sum_when(conditions) -> Sum:
    whens = [When(condition, then=Value(1)) for condition in conditions]
    if not whens:
        return Sum(Value(0, output_field=IntegerField()))
    return Sum(Case(*whens, default=Value(0), output_field=IntegerField()))


def figures(version: Programme, result: PDUResult) -> list[dict]:
    """Counts by region, one aggregate query: each standard's ratings; the overall ratings
    with how many PDUs scored a larger (and the same) share of their maximum than
    `result`; each key question's PDUs, sum of percentages, and how many published a
    higher (and the same) percentage than `result`."""
    latest = latest_under_each_version(rated_inspections(version))
    own = own_percentages(result)
    inspection = result.inspection
    ratings = (
        StandardRating.objects.filter(inspection__in=latest, rating__in=list(POINTS))
        .order_by()
        .values(
            kind=Value(STANDARD),
            item=F("standard_id"),
            grade=F("rating"),
            region=F("inspection__body__region_id"),
        )
        .annotate(**_counted(n=Count("pk")))
    )
    scored = inspection.score is not None and inspection.max_score
    share = (F("score") * inspection.max_score, Value(inspection.score or 0) * F("max_score"))
    overall = (
        latest.order_by()
        .values(
            kind=Value(OVERALL),
            item=Value(0),
            grade=F("overall_rating"),
            region=F("body__region_id"),
        )
        .annotate(
            **_counted(
                n=Count("pk"),
                # Here `total` counts the PDUs with a score.
                total=Count("score"),
                higher=_sum_when([GreaterThan(*share)] if scored else []),
                same=_sum_when([Exact(*share)] if scored else []),
            )
        )
    )
    key_questions = (
        KeyQuestionScore.objects.filter(inspection__in=latest)
        .order_by()
        .values(
            kind=Value(KEY_QUESTION),
            item=F("key_question_id"),
            grade=Value(""),
            region=F("inspection__body__region_id"),
        )
        .annotate(
            **_counted(
                n=Count("pk"),
                total=Sum("percent_yes"),
                squares=Sum(F("percent_yes") * F("percent_yes")),
                higher=_sum_when([Q(key_question_id=k, percent_yes__gt=p) for k, p in own.items()]),
                same=_sum_when([Q(key_question_id=k, percent_yes=p) for k, p in own.items()]),
            )
        )
    )
    return list(ratings.union(overall, key_questions, all=True))


def own_percentages(result: PDUResult) -> dict[int, Decimal]:
    """{key question id: the PDU's percentage} from its result."""
    own = {}
    for standard_result in result.standards:
        by_text = {kq.text: kq for kq in standard_result.key_questions}
        for question in standard_result.standard.key_questions.all():
            if question.text in by_text:
                own[question.pk] = by_text[question.text].percent
    return own


def standing(result: PDUResult) -> Standing:
    """Where `result`'s PDU stands on each rating and key question (one query)."""
    version = result.inspection.programme
    region_id = result.body.region_id
    rows = figures(version, result)
    # (kind, item) -> region -> row; ratings as (kind, item, grade).
    counts: dict[tuple, dict[int, dict]] = {}
    for row in rows:
        key = (row["kind"], row["item"], row["grade"] if row["kind"] != KEY_QUESTION else "")
        counts.setdefault(key, {})[row["region"]] = row

    def sums(key, where=None) -> dict:
        found = [
            row for region, row in counts.get(key, {}).items() if where is None or region == where
        ]
        totals = {name: sum((row[name] or 0) for row in found) for name in COLUMNS}
        # The union's columns come back as the first part's types.
        return {
            name: value if name in ("total", "squares") else int(value)
            for name, value in totals.items()
        }

    def rating_position(kind, item, grade, where=None) -> Position | None:
        if grade not in POINTS:
            return None
        n = {g: sums((kind, item, g), where)["n"] for g in POINTS}
        better = sum(count for g, count in n.items() if POINTS[g] > POINTS[grade])
        return Position(better, n[grade], sum(n.values()))

    def rating_standing(kind, item, grade) -> RatingStanding | None:
        nation = rating_position(kind, item, grade)
        if nation is None or not nation.same:
            return None
        return RatingStanding(rating_position(kind, item, grade, region_id), nation)

    def overall_position(where=None) -> Position:
        found = [
            sums((OVERALL, 0, g), where) for g in {key[2] for key in counts if key[0] == OVERALL}
        ]
        return Position(
            sum(f["higher"] for f in found),
            sum(f["same"] for f in found),
            sum(int(f["total"]) for f in found),
        )

    def average(kq: KeyQuestionResult, item, where=None) -> Average | None:
        figure = sums((KEY_QUESTION, item, ""), where)
        if not figure["n"]:
            return None
        others = figure["n"] - 1
        position = Position(figure["higher"], figure["same"], figure["n"])
        if not others:
            return Average(None, None, None, 0, position, "")
        own = float(kq.percent)
        mean = mean_from_sums(
            others, float(figure["total"]) - own, float(figure["squares"]) - own * own
        )
        return Average(
            mean.mean,
            mean.low,
            mean.high,
            others,
            position,
            interval_against(kq.estimate, mean.mean),
        )

    overall_rows = [row for row in rows if row["kind"] == OVERALL]
    inspection = result.inspection
    scored = inspection.score is not None and inspection.max_score
    standards = []
    for standard_result in result.standards:
        standard = standard_result.standard
        rating = standard_result.rating.rating if standard_result.rating else ""
        ids = {q.text: q.pk for q in standard.key_questions.all()}
        standards.append(
            StandardStanding(
                standard_result,
                rating_standing(STANDARD, standard.pk, rating),
                [
                    KeyQuestionStanding(
                        kq,
                        average(kq, ids.get(kq.text), region_id),
                        average(kq, ids.get(kq.text)),
                    )
                    for kq in standard_result.key_questions
                ],
            )
        )
    return Standing(
        version=version,
        region_name=result.body.region.name if result.body.region else "",
        pdus=int(sum(row["n"] for row in overall_rows)),
        regions=len({row["region"] for row in overall_rows}),
        region_pdus=int(sum(row["n"] for row in overall_rows if row["region"] == region_id)),
        overall=RatingStanding(overall_position(region_id), overall_position()) if scored else None,
        standards=standards,
    )


def interval_against(estimate: Estimate | None, mean: float | None) -> str:
    """How a 95% interval lies against a mean: "above", "below" or "includes"; "" where
    either is missing."""
    if estimate is None or mean is None:
        return ""
    if estimate.low > mean:
        return "above"
    if estimate.high < mean:
        return "below"
    return "includes"
