"""What the dashboard pages show, assembled from a fixed number of queries.

Each function here runs the same queries however many PDUs, ratings or findings
there are, and returns plain objects that templates only loop over.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    Max,
    OuterRef,
    Prefetch,
    Subquery,
    prefetch_related_objects,
)

from inspections.models import Finding, Freshness, Inspection
from ratings import charts, rules
from ratings.models import KeyQuestionScore, Programme, Rating, Standard, StandardRating
from ratings.statistics import Estimate, can_tell_apart, estimate

from . import rules as pdu_rules
from .history import latest_first
from .models import Body


@dataclass
class KeyQuestionResult:
    text: str
    percent: Decimal
    estimate: Estimate | None  # None where the sample size was not published


@dataclass
class StandardResult:
    standard: Standard
    rating: StandardRating | None
    key_questions: list[KeyQuestionResult] = field(default_factory=list)

    @property
    def explanation(self) -> rules.RatingExplanation | None:
        if self.rating is None or not self.standard.rated_from_key_questions:
            return None
        return rules.explain_rating(
            [(k.text, k.percent) for k in self.key_questions],
            self.rating.rating,
            self.rating.override_reason,
            bands=self.standard.programme.key_question_bands,
        )


@dataclass
class PDUResult:
    """A PDU's latest inspection under one framework version (or the one chosen), standard by
    standard; `inspections` holds every one of the PDU's that was asked about, latest first.
    `later_version` is set where the PDU was inspected since under another version."""

    body: Body
    inspection: Inspection
    standards: list[StandardResult]
    inspections: list[Inspection] = field(default_factory=list)
    later_version: Programme | None = None

    @property
    def is_latest(self) -> bool:
        return not self.inspections or self.inspections[0].pk == self.inspection.pk

    @property
    def others(self) -> list[Inspection]:
        """The PDU's other inspections, latest first."""
        return [i for i in self.inspections if i.pk != self.inspection.pk]

    def result_for(self, standard: Standard) -> StandardResult:
        return next(s for s in self.standards if s.standard.pk == standard.pk)

    @property
    def score_fraction(self) -> float:
        return self.inspection.score / self.inspection.max_score if self.inspection.max_score else 0


def _standards_in_order() -> Prefetch:
    # A new Prefetch each time: Django rewrites one it is given when nesting it.
    return Prefetch(
        "standards",
        queryset=Standard.objects.order_by("position").prefetch_related("key_questions"),
    )


def rated_versions(inspections: list[Inspection]) -> list[Programme]:
    """The framework versions of `inspections`, rated_inspections() loaded with their
    programmes: those under which a PDU inspection is published, oldest first (one not yet
    dated last), each with its standards in order and their key questions (two queries)."""
    versions = sorted(
        {inspection.programme for inspection in inspections},
        key=lambda v: (v.started is None, v.started or date.min, v.pk),
    )
    prefetch_related_objects(versions, _standards_in_order())
    return versions


def rated_standards(programme: Programme) -> list[Standard]:
    """The programme's standards with their key questions, in order (two queries; none where
    rated_versions() loaded them)."""
    prefetch_related_objects([programme], _standards_in_order())
    return list(programme.standards.all())


def latest_results(inspections, standards: list[Standard], chosen=()) -> list[PDUResult]:
    """The latest of `inspections` for each body, or the one of `chosen` (inspection ids)
    where a body has one, with ratings and key questions (three queries).

    `inspections` is a queryset of published inspections under one framework version.
    """
    return results_for(
        list(inspections.select_related("body__region", "body__district", "programme")),
        standards,
        chosen,
    )


def results_for(
    inspections: list[Inspection], standards: list[Standard], chosen=(), ratings=None, scores=None
):
    """As latest_results(), from inspections already loaded with their bodies and
    programmes (two queries). `ratings` (StandardRatings) and `scores` ((inspection id, key
    question id, percentage)), where given, hold at least those of the inspections shown:
    then no query."""
    of_body = defaultdict(list)
    for inspection in inspections:
        of_body[inspection.body_id].append(inspection)
    of_body = {body_id: latest_first(found) for body_id, found in of_body.items()}
    shown = [next((i for i in found if i.pk in chosen), found[0]) for found in of_body.values()]
    if ratings is None:
        ratings = StandardRating.objects.filter(inspection__in=shown)
    if scores is None:
        # Plain values, not model instances: at national size there are thousands.
        scores = KeyQuestionScore.objects.filter(inspection__in=shown).values_list(
            "inspection_id", "key_question_id", "percent_yes"
        )
    rated = defaultdict(dict)
    for rating in ratings:
        rated[rating.inspection_id][rating.standard_id] = rating
    percent = defaultdict(dict)
    for inspection_id, question_id, percent_yes in scores:
        percent[inspection_id][question_id] = percent_yes
    questions = {standard.pk: list(standard.key_questions.all()) for standard in standards}
    results = []
    for inspection in shown:
        standard_results = []
        for standard in standards:
            key_questions = [
                KeyQuestionResult(
                    question.text,
                    percent[inspection.pk][question.pk],
                    estimate(percent[inspection.pk][question.pk], inspection.cases_inspected)
                    if inspection.cases_inspected
                    else None,
                )
                for question in questions[standard.pk]
                if question.pk in percent[inspection.pk]
            ]
            standard_results.append(
                StandardResult(standard, rated[inspection.pk].get(standard.pk), key_questions)
            )
        results.append(
            PDUResult(inspection.body, inspection, standard_results, of_body[inspection.body_id])
        )
    return sorted(results, key=lambda r: r.body.name)


def rated_inspections(version: Programme | None = None):
    """Published inspections of PDUs rated on HMIP's four-point scale, under `version` where
    given. Other programmes (Quality & Impact) judged in prose: never in a rating column."""
    inspections = (
        Inspection.objects.published()
        .of_pdus()
        .filter(programme__rating_scheme=Programme.Scheme.FOUR_POINT)
    )
    return inspections if version is None else inspections.filter(programme=version)


def _how_many(related: str) -> Subquery:
    """How many records of the reverse relation `related` the inspection has (a subquery:
    a count beside another would multiply the two)."""
    return Subquery(
        Inspection.objects.filter(pk=OuterRef("pk")).annotate(n=Count(related)).values("n")
    )


@dataclass
class PublishedInspections:
    """Every published inspection, each with its body (and its region and district) and
    programme, `is_rated` (one of rated_inspections()), `last_corrected` (its latest
    correction's day), `findings_count` and `recommendations_count`."""

    inspections: list[Inspection]

    @property
    def rated(self) -> list[Inspection]:
        return [i for i in self.inspections if i.is_rated]

    @property
    def freshness(self) -> Freshness:
        """As InspectionQuerySet.freshness() says it of them, from the rows already here."""
        return Freshness(
            report=max((i.published for i in self.inspections if i.published), default=None),
            corrected=max(
                (i.last_corrected for i in self.inspections if i.last_corrected), default=None
            ),
        )

    def of_region(self, region) -> list[Inspection]:
        """The region's: of its PDUs and of the region itself, under any programme."""
        return [i for i in self.inspections if i.body.region_id == region.pk]


def published_inspections() -> PublishedInspections:
    """Every published inspection, for the overviews: their ratings, how fresh the data is
    and a region's counts and other reports read from one query."""
    return PublishedInspections(
        list(
            Inspection.objects.published()
            .select_related("body__region", "body__district", "programme")
            .annotate(
                is_rated=Exists(rated_inspections().filter(pk=OuterRef("pk"))),
                last_corrected=Max("corrections__corrected_on"),
                findings_count=_how_many("findings"),
                recommendations_count=_how_many("recommendations"),
            )
        )
    )


def latest_of_each_body(inspections) -> list[Inspection]:
    """Each body's latest of `inspections`, latest first."""
    latest = {}
    for inspection in latest_first(inspections):
        latest.setdefault(inspection.body_id, inspection)
    return list(latest.values())


def usual_version(latest: list[Inspection]) -> Programme | None:
    """The framework version most of the bodies were last inspected under, given each body's
    latest inspection (latest first); on a tie, that of the latest inspection."""
    counts = Counter(inspection.programme for inspection in latest)
    # Counter keeps first-seen order, and max() the first of equals: the latest wins ties.
    return max(counts, key=counts.get, default=None)


@dataclass
class VersionChoice:
    """A framework version a region's PDUs were rated under, for switching between them."""

    version: Programme
    pdus: int  # the region's PDUs with an inspection under it
    is_shown: bool


@dataclass
class RegionRatings:
    """A region's PDUs under one framework version: `results` are each PDU's latest
    inspection under `version`; `choices` the versions the region's PDUs were rated under."""

    version: Programme | None
    standards: list[Standard]
    results: list[PDUResult]
    choices: list[VersionChoice]
    inspected_pdus: int  # under any version


def version_shown(inspections: list[Inspection], versions, asked=None):
    """(the version to show, the versions to choose between, each body's latest inspection)
    for `inspections` (loaded with their programmes): the version `asked`, else the one most
    of the bodies were last inspected under; `versions` are rated_versions() (no query)."""
    latest = latest_of_each_body(inspections)
    # Taken from `versions`, whose standards are loaded.
    version = asked or next((v for v in versions if v == usual_version(latest)), None)
    under = defaultdict(set)
    for inspection in inspections:
        under[inspection.programme_id].add(inspection.body_id)
    choices = [VersionChoice(v, len(under[v.pk]), v == version) for v in versions if under[v.pk]]
    return version, choices, latest


def region_ratings(inspections: list[Inspection], versions, asked=None) -> RegionRatings:
    """The region's rated PDU inspections (loaded with their bodies and programmes) under the
    version version_shown() gives; `versions` are rated_versions() (two queries, none
    without inspections)."""
    version, choices, latest = version_shown(inspections, versions, asked)
    if version is None:
        return RegionRatings(None, [], [], choices, len(latest))
    standards = rated_standards(version)
    results = results_for([i for i in inspections if i.programme_id == version.pk], standards)
    latest_version = {i.body_id: i.programme for i in latest}
    for result in results:
        if latest_version[result.body.pk] != version:
            result.later_version = latest_version[result.body.pk]
    return RegionRatings(version, standards, results, choices, len(latest))


def ranked(results: list[PDUResult]) -> list[PDUResult]:
    """Best first: by score as a share of its maximum (which differs with the standards
    rated: 24 or 27 under the 2021 standards, 21 under the 2023 ones), then by score, then
    by name."""
    return sorted(
        (r for r in results if r.inspection.score is not None),
        key=lambda r: (-r.score_fraction, -r.inspection.score, r.body.name),
    )


RATING_ORDER = [*rules.SCALE, Rating.NOT_INSPECTED]


def rating_distribution(results: list[PDUResult], standards: list[Standard]):
    """For each rated standard, how many PDUs got each rating, and how many have no rating
    of it in the sources (a chart of the ratings would drop them unsaid):
    [(standard, [(rating, n)], n not in sources)]."""
    rows = []
    for standard in standards:
        if not standard.is_rated:
            continue
        ratings = [r.result_for(standard).rating for r in results]
        counts = Counter(rating.rating for rating in ratings if rating is not None)
        rows.append(
            (
                standard,
                [(Rating(value), counts.get(value, 0)) for value in RATING_ORDER],
                ratings.count(None),
            )
        )
    return rows


def averaged_pdus(results: list[PDUResult], exclude: Body) -> list[Body]:
    """The PDUs the region's averages (standing.Standing.region_averages()) are over,
    leaving out `exclude`: those with any key-question percentage."""
    return [
        r.body
        for r in results
        if r.body.pk != exclude.pk and any(s.key_questions for s in r.standards)
    ]


def pairs_told_apart(estimates: list[tuple[str, Estimate | None]]) -> list[tuple[str, str]]:
    """Pairs of named estimates whose 95% intervals do not overlap."""
    known = [(name, e) for name, e in estimates if e is not None]
    return [
        (a_name, b_name)
        for i, (a_name, a) in enumerate(known)
        for b_name, b in known[i + 1 :]
        if can_tell_apart(a, b)
    ]


def findings_by_section(inspection: Inspection):
    """The inspection's findings in document order, with their sections (one query)."""
    return Finding.objects.filter(inspection=inspection).select_related("section__standard")


@dataclass
class ComparisonRow:
    standard: Standard
    cells: list[StandardResult]

    @property
    def differs(self) -> bool:
        """Whether the PDUs that have a rating for the standard were rated differently."""
        return len({c.rating.rating for c in self.cells if c.rating}) > 1


@dataclass
class KeyQuestionRow:
    standard: Standard
    text: str
    cells: list[KeyQuestionResult | None]
    told_apart: list[tuple[str, str]]
    names: list[str] = field(default_factory=list)  # the PDUs' short names, as the cells

    @property
    def told_apart_figures(self) -> list[tuple[str, Decimal, str, Decimal]]:
        """Each pair told apart with the two percentages: [(name, %, other name, %)]."""
        percent = {n: c.percent for n, c in zip(self.names, self.cells, strict=False) if c}
        return [(a, percent[a], b, percent[b]) for a, b in self.told_apart]

    @property
    def published_count(self) -> int:
        return sum(c is not None for c in self.cells)

    @property
    def has_differences(self) -> bool:
        return len({c.percent for c in self.cells if c is not None}) > 1

    def told_apart_from(self, name: str) -> list[str]:
        """The PDUs (short names) whose 95% interval does not overlap that of `name`."""
        return [b if a == name else a for a, b in self.told_apart if name in (a, b)]


@dataclass
class Comparison:
    """PDUs side by side under one framework version's standards."""

    version: Programme
    results: list[PDUResult]
    rows: list[ComparisonRow]
    key_question_rows: list[KeyQuestionRow]
    standard: Standard | None
    findings: list[tuple[PDUResult, list[Finding]]]

    @property
    def overall_differs(self) -> bool:
        return len({r.inspection.overall_rating for r in self.results}) > 1

    @property
    def rated_rows(self) -> list[ComparisonRow]:
        return [row for row in self.rows if row.standard.is_rated]

    @property
    def differing_rows(self) -> list[ComparisonRow]:
        """The rated standards the PDUs were rated differently on, in order."""
        return [row for row in self.rated_rows if row.differs]

    @property
    def alike_rows(self) -> list[ComparisonRow]:
        """The rated standards on which no two PDUs with a rating of it were rated
        differently."""
        return [row for row in self.rated_rows if not row.differs]

    @property
    def told_apart_rows(self) -> list[KeyQuestionRow]:
        """Key questions on which the samples tell at least two PDUs apart: the differences
        in percentages that matter."""
        return [row for row in self.key_question_rows if row.told_apart]

    @property
    def comparable_key_question_rows(self) -> list[KeyQuestionRow]:
        """Key questions more than one of the PDUs published a percentage for."""
        return [row for row in self.key_question_rows if row.published_count > 1]

    @property
    def other_key_question_rows(self) -> list[KeyQuestionRow]:
        """Key questions on which the samples tell no PDUs apart (intervals overlap, the
        percentages are the same, or fewer than two PDUs published one)."""
        return [row for row in self.key_question_rows if not row.told_apart]


def compare(
    version: Programme,
    results: list[PDUResult],
    standards: list[Standard],
    standard: Standard | None,
):
    """PDUs side by side, standard by standard, under `version`, the framework version of
    their inspections and `standards` (one query, for the chosen standard's findings)."""
    rows = [ComparisonRow(s, [r.result_for(s) for r in results]) for s in standards]
    key_question_rows = []
    for s in standards:
        for question in s.key_questions.all():
            cells = [
                next((k for k in r.result_for(s).key_questions if k.text == question.text), None)
                for r in results
            ]
            if any(cells):
                named = [
                    (r.body.short_name, c.estimate if c else None)
                    for r, c in zip(results, cells, strict=True)
                ]
                key_question_rows.append(
                    KeyQuestionRow(
                        s,
                        question.text,
                        cells,
                        pairs_told_apart(named),
                        [r.body.short_name for r in results],
                    )
                )
    findings = []
    if standard is not None:
        by_inspection = defaultdict(list)
        for finding in Finding.objects.filter(
            inspection__in=[r.inspection for r in results], section__standard=standard
        ).select_related("section"):
            by_inspection[finding.inspection_id].append(finding)
        findings = [(r, by_inspection[r.inspection.pk]) for r in results]
    return Comparison(version, results, rows, key_question_rows, standard, findings)


def comparison_rows(comparison: Comparison, absolute_url) -> list[dict]:
    """The comparison as flat rows for a spreadsheet: ratings, key questions (each with the
    PDUs whose 95% intervals it can be told apart from), then the chosen standard's
    findings."""
    by_question = {(row.standard.pk, row.text): row for row in comparison.key_question_rows}
    findings = {r.body.pk: found for r, found in comparison.findings}
    # The table names PDUs short; a spreadsheet names them as its PDU column does.
    full_name = {r.body.short_name: r.body.name for r in comparison.results}
    rows = []
    for result in comparison.results:
        inspection = result.inspection
        source = absolute_url(inspection.get_absolute_url())
        common = {
            "PDU": result.body.name,
            "Region": result.body.region.name if result.body.region else "",
            "Fieldwork started": inspection.fieldwork_start_display,
            # Each version rates its own standards, on its own score bands.
            "Programme": comparison.version.name,
            "Score": inspection.score_display,
            "Overall rating": inspection.get_overall_rating_display(),
        }
        blank = {"95% low": None, "95% high": None, "Can be told apart from": ""}
        for cell in result.standards:
            if cell.rating is not None:
                rows.append(
                    {
                        **common,
                        "Standard": str(cell.standard),
                        "Measure": "Rating",
                        "Value": cell.rating.get_rating_display(),
                        **blank,
                        "Override reason": cell.rating.override_reason,
                        "Source": source,
                    }
                )
            for kq in cell.key_questions:
                row = by_question.get((cell.standard.pk, kq.text))
                apart = row.told_apart_from(result.body.short_name) if row else []
                rows.append(
                    {
                        **common,
                        "Standard": str(cell.standard),
                        "Measure": kq.text,
                        "Value": float(kq.percent),
                        "95% low": round(kq.estimate.low, 1) if kq.estimate else None,
                        "95% high": round(kq.estimate.high, 1) if kq.estimate else None,
                        "Can be told apart from": "; ".join(full_name[a] for a in apart),
                        "Override reason": "",
                        "Source": source,
                    }
                )
        for finding in findings.get(result.body.pk, []):
            rows.append(
                {
                    **common,
                    "Standard": str(comparison.standard),
                    "Measure": finding.get_kind_display(),
                    "Value": finding.text,
                    **blank,
                    "Override reason": "",
                    "Source": absolute_url(finding.get_absolute_url()),
                }
            )
    return rows


@dataclass
class Section:
    """A heading of a PDU's report with its findings; the standard's result if it has one."""

    name: str
    anchor: str
    result: StandardResult | None
    strengths: list[Finding] = field(default_factory=list)
    improvements: list[Finding] = field(default_factory=list)
    others: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding):
        {
            Finding.Kind.STRENGTH: self.strengths,
            Finding.Kind.IMPROVEMENT: self.improvements,
        }.get(finding.kind, self.others).append(finding)


def standard_sections(result: PDUResult, findings) -> list[Section]:
    """Each standard of the latest inspection, then the report's other sections, in order."""
    sections: dict[str, Section] = {}
    for standard_result in result.standards:
        standard = standard_result.standard
        sections[f"standard-{standard.pk}"] = Section(
            name=str(standard),
            anchor=f"standard-{standard.slug}",
            result=standard_result,
        )
    for finding in findings:
        standard = finding.section.standard
        key = f"standard-{standard.pk}" if standard else f"section-{finding.section.pk}"
        if key not in sections:
            sections[key] = Section(finding.section.name, finding.section.slug, None)
        sections[key].add(finding)
    return list(sections.values())


# --- Charts: the page's data in the shapes ratings.charts draws -------------------


def ranking_chart(ranking: list[PDUResult]) -> str:
    rows = [
        (
            r.body.short_name,
            r.inspection.score,
            r.inspection.max_score,
            r.inspection.get_overall_rating_display(),
        )
        for r in ranking
    ]
    return charts.score_ranking_chart(
        rows, "chart-ranking", title="PDUs ranked by score as a share of the maximum"
    )


def distribution_chart(distribution) -> str:
    standards = [str(standard) for standard, _, _ in distribution]
    counts = defaultdict(list)
    for _, row, _ in distribution:
        for rating, count in row:
            counts[rating.label].append(count)
    return charts.rating_distribution_chart(standards, counts, "chart-distribution")


def short_label(standard: Standard, position: int) -> str:
    return f"{standard.code} Q{position}"


def pdu_key_question_chart(result: PDUResult, averages: dict) -> str:
    labels, values, lows, highs, means, counts = [], [], [], [], [], []
    for standard_result in result.standards:
        for position, kq in enumerate(standard_result.key_questions, start=1):
            labels.append(short_label(standard_result.standard, position))
            values.append(kq.percent)
            lows.append(kq.estimate.low if kq.estimate else None)
            highs.append(kq.estimate.high if kq.estimate else None)
            average = averages.get(kq.text)
            means.append(average[0] if average else None)
            if average:
                counts.append(average[1])
    if not labels:
        return ""
    series = [(result.body.short_name, values, lows, highs)]
    if any(m is not None for m in means):
        no_interval = [None] * len(means)
        # Says how many PDUs it is over: with one, the "average" is that PDU's figure.
        region = result.body.region.name if result.body.region else ""
        name = pdu_rules.average_name(counts, region)
        series.append((name, means, no_interval, no_interval))
    return charts.key_question_chart(labels, series, "chart-key-questions")


def compare_key_question_chart(comparison: Comparison) -> str:
    if not comparison.key_question_rows:
        return ""
    labels, positions = [], Counter()
    for row in comparison.key_question_rows:
        positions[row.standard.pk] += 1
        labels.append(short_label(row.standard, positions[row.standard.pk]))
    series = []
    for index, result in enumerate(comparison.results):
        cells = [row.cells[index] for row in comparison.key_question_rows]
        series.append(
            (
                result.body.short_name,
                [c.percent if c else None for c in cells],
                [c.estimate.low if c and c.estimate else None for c in cells],
                [c.estimate.high if c and c.estimate else None for c in cells],
            )
        )
    return charts.key_question_chart(labels, series, "chart-compare-key-questions")
