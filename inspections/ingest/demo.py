"""A demonstration dataset: generated PDUs across England and Wales, each inspected twice.

`make demo` serves it from a database of its own (demo.sqlite3) with a banner on every
page saying the data is generated. Nothing here is HMIP's: the PDUs are made up
("North West PDU 3"), their ratings and percentages drawn at random, their findings and
recommendations the published ones' sentences recombined. Only the reference data is
real: the 12 probation regions, the framework's standards, key questions and report
sections, read from fixtures/ (never the published inspections themselves).

The generated records follow HMIP's rules as the published ones do: a case-supervision
standard's rating is the band of its lowest key-question percentage, the score the sum
of the points, the overall rating the band of the score (ratings/rules.py). A PDU keeps
a level of its own between its two inspections, so the second differs from the first
as re-inspections do: mostly a step or none. The second inspection's report "says" of
each of the first's recommendations whether it was met, partly met or not met
(recommendations.FollowUp), leaning on how far the PDU moved, and labelled generated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils.text import slugify

from inspections.models import ContextFigure, Finding, Inspection, Section, SourceDocument
from pdus.models import Body, Region
from ratings import rules
from ratings.models import (
    KeyQuestionScore,
    Programme,
    Rating,
    StandardRating,
)
from recommendations.models import FollowUp, Recommendation

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
AUTHOR = "Inspection Findings demonstration (generated, not HMIP)"
# The reference records a generated inspection needs, from the fixtures of the published
# data: which model, and which of its rows.
REFERENCE = {
    "pdus.region": lambda fields: True,
    "pdus.body": lambda fields: fields["kind"] in {Body.Kind.REGION, Body.Kind.NATIONAL},
    "ratings.programme": lambda fields: True,
    "ratings.standard": lambda fields: True,
    "ratings.keyquestion": lambda fields: True,
    "inspections.section": lambda fields: True,
}
# PDUs per region, about the real spread (the largest regions have 10 or 11).
PDUS_PER_REGION = (7, 11)
# The two rounds of inspection: fieldwork between these dates, both under the 2021
# standards (the 2023 version has no key questions yet; see the README).
ROUNDS = ((date(2021, 9, 1), date(2022, 12, 15)), (date(2024, 1, 8), date(2025, 9, 15)))
FINDINGS_PER_SECTION = (2, 5)


class DemoRefused(Exception):
    """The database holds data that is not generated: the demo must not mix with it."""


@dataclass(frozen=True)
class Built:
    regions: int
    pdus: int
    inspections: int
    findings: int
    recommendations: int


def build(seed: int = 2026, pdus_per_region: tuple[int, int] = PDUS_PER_REGION) -> Built | None:
    """Fill an empty, migrated database with the demonstration data; what it holds.

    A database that already holds it is left as it is (None). Refuses (DemoRefused) if
    any other inspection is there: published and generated data never share a database."""
    if Inspection.objects.exclude(source_document__author=AUTHOR).exists():
        raise DemoRefused(
            "This database holds inspections that are not generated. The demonstration "
            "data goes only into a database of its own (make demo uses demo.sqlite3)."
        )
    if Inspection.objects.exists():
        return None
    rng = random.Random(seed)
    # Its own stream, so the rest of the data is what the seed made before follow-ups.
    follow_up_rng = random.Random(f"{seed} follow-ups")
    with transaction.atomic():
        load_reference_data()
        texts = Texts.from_fixtures()
        programme = Programme.objects.get(slug="pdu")
        standards = list(programme.standards.order_by("position", "code"))
        key_questions = {s.pk: list(s.key_questions.order_by("position")) for s in standards}
        sections = {s.standard_id: s for s in Section.objects.filter(standard__in=standards)}
        national = Body.objects.get(kind=Body.Kind.NATIONAL)
        for region in Region.objects.order_by("name"):
            region_body = Body.objects.get(kind=Body.Kind.REGION, region=region)
            for number in range(1, rng.randint(*pdus_per_region) + 1):
                pdu = Body.objects.create(
                    name=f"{region.name} PDU {number}",
                    short_name=f"{region.name} {number}",
                    slug=slugify(f"{region.name} pdu {number}"),
                    kind=Body.Kind.PDU,
                    region=region,
                    has_court=True,
                )
                level = rng.gauss(0, 1)
                inspections = []
                for round_number, (earliest, latest) in enumerate(ROUNDS, 1):
                    # A PDU improves or slips a little between rounds, seldom much.
                    level += rng.gauss(0.25, 0.6) if round_number == 2 else 0
                    fieldwork = earliest + timedelta(days=rng.randint(0, (latest - earliest).days))
                    inspection = generate_inspection(
                        rng,
                        pdu=pdu,
                        addressees=(pdu, region_body, national),
                        programme=programme,
                        standards=standards,
                        key_questions=key_questions,
                        sections=sections,
                        texts=texts,
                        level=level,
                        fieldwork=fieldwork,
                    )
                    inspections.append((inspection, level))
                generate_follow_ups(follow_up_rng, *inspections)
    return Built(
        regions=Region.objects.count(),
        pdus=Body.objects.filter(kind=Body.Kind.PDU).count(),
        inspections=Inspection.objects.count(),
        findings=Finding.objects.count(),
        recommendations=Recommendation.objects.count(),
    )


def load_reference_data() -> None:
    """The regions, their bodies, HMPPS, the programmes, standards, key questions and
    report sections from fixtures/, and nothing of any published inspection."""
    saved = set()
    for name in ("pdus", "ratings", "inspections"):
        text = (FIXTURES / f"{name}.json").read_text(encoding="utf-8")
        for record in serializers.deserialize("json", text):
            label = record.object._meta.label_lower
            keep = REFERENCE.get(label)
            if keep is not None and keep(_fields(record.object)):
                record.save()
                saved.add(type(record.object))
    # Saved with the fixtures' ids: on PostgreSQL the id sequences must be moved past them
    # (as loaddata does), or the first generated PDU takes an id a region body has.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(saved)):
            cursor.execute(statement)


def _fields(instance) -> dict:
    return {field.name: getattr(instance, field.attname) for field in instance._meta.fields}


@dataclass
class Texts:
    """Published sentences to recombine: findings by section and kind, recommendations by
    addressee kind, context-figure labels."""

    findings: dict[tuple[int, str], list[str]]
    recommendations: dict[str, list[str]]
    figures: list[tuple[str, str, str]]

    @classmethod
    def from_fixtures(cls) -> Texts:
        findings, recommendations, figures = {}, {}, []
        bodies = {}
        for name in ("pdus", "inspections", "recommendations"):
            text = (FIXTURES / f"{name}.json").read_text(encoding="utf-8")
            for record in serializers.deserialize("json", text, ignorenonexistent=True):
                row = record.object
                label = row._meta.label_lower
                if label == "pdus.body":
                    bodies[row.pk] = row.kind
                elif label == "inspections.finding" and row.kind != Finding.Kind.OTHER:
                    findings.setdefault((row.section_id, row.kind), []).append(row.text)
                elif label == "recommendations.recommendation":
                    kind = bodies.get(row.addressee_id, Body.Kind.PDU)
                    recommendations.setdefault(kind, []).append(row.text)
                elif label == "inspections.contextfigure":
                    figures.append((row.category, row.label, row.unit))
        return cls(findings, recommendations, sorted(set(figures)))


def percentages(rng: random.Random, level: float, count: int) -> list[Decimal]:
    """`count` key-question percentages for a PDU at `level` (0 is the published reports'
    middle: about 60% 'yes', with the spread between a PDU's key questions they show)."""
    centre = 60 + 11 * level
    return [Decimal(min(100, max(5, round(rng.gauss(centre, 9))))) for _ in range(count)]


def judged_rating(rng: random.Random, level: float) -> str:
    """A rating for an organisational standard (inspectors' judgement, no percentages),
    leaning as the PDU's case work does."""
    value = level + rng.gauss(0, 0.7)
    if value > 1.4:
        return Rating.OUTSTANDING
    if value > 0.3:
        return Rating.GOOD
    if value > -0.9:
        return Rating.REQUIRES_IMPROVEMENT
    return Rating.INADEQUATE


def generate_inspection(
    rng,
    *,
    pdu,
    addressees,
    programme,
    standards,
    key_questions,
    sections,
    texts,
    level,
    fieldwork,
) -> Inspection:
    published = fieldwork + timedelta(days=rng.randint(70, 120))
    document = SourceDocument.objects.create(
        filename=f"demo-{pdu.slug}-{fieldwork.year}.txt",
        title=f"Generated demonstration report: {pdu.name}, {fieldwork:%B %Y}",
        kind=SourceDocument.Kind.PDU_REPORT,
        author=AUTHOR,
        published=published,
        licence="Generated for demonstration; not HMIP's data",
    )
    inspection = Inspection.objects.create(
        slug=f"{pdu.slug}-{fieldwork.year}",
        title=f"An inspection of probation services in: {pdu.name} (generated)",
        body=pdu,
        programme=programme,
        source_document=document,
        source_section="Generated",
        fieldwork_start=fieldwork,
        published=published,
        cases_inspected=rng.randint(60, 140),
        practitioner_interviews=rng.randint(30, 80),
    )
    where = {"source_section": "Generated", "source_line": 1}
    ratings, scores = [], []
    for standard in standards:
        questions = key_questions[standard.pk]
        shares = percentages(rng, level, len(questions))
        scores += [
            KeyQuestionScore(inspection=inspection, key_question=q, percent_yes=p, **where)
            for q, p in zip(questions, shares, strict=True)
        ]
        if not standard.is_rated:
            continue
        if standard.rated_from_key_questions and shares:
            rating = rules.rating_from_key_questions(shares, programme.key_question_bands)
        else:
            rating = judged_rating(rng, level)
        ratings.append(
            StandardRating(
                inspection=inspection,
                standard=standard,
                rating=rating,
                published_code=standard.code,
                **where,
            )
        )
    StandardRating.objects.bulk_create(ratings)
    KeyQuestionScore.objects.bulk_create(scores)
    score, maximum = rules.score(r.rating for r in ratings)
    inspection.score, inspection.max_score = score, maximum
    inspection.overall_rating = rules.overall_rating(score, programme.score_bands)
    inspection.save(update_fields=["score", "max_score", "overall_rating"])
    generate_findings(rng, inspection, ratings, sections, texts, document)
    generate_recommendations(rng, inspection, addressees, texts, document)
    generate_figures(rng, inspection, texts, document, fieldwork)
    return inspection


def generate_findings(rng, inspection, ratings, sections, texts, document) -> None:
    # A better-rated standard has more strengths than areas for improvement, and a worse
    # one the other way round, as in the reports.
    strength_share = {
        Rating.OUTSTANDING: 0.8,
        Rating.GOOD: 0.6,
        Rating.REQUIRES_IMPROVEMENT: 0.4,
        Rating.INADEQUATE: 0.2,
    }
    rows, position = [], 0
    for rating in ratings:
        section = sections.get(rating.standard_id)
        if section is None:
            continue
        for _ in range(rng.randint(*FINDINGS_PER_SECTION)):
            kind = (
                Finding.Kind.STRENGTH
                if rng.random() < strength_share[rating.rating]
                else Finding.Kind.IMPROVEMENT
            )
            choices = texts.findings.get((section.pk, kind))
            if not choices:
                continue
            position += 1
            rows.append(
                Finding(
                    inspection=inspection,
                    section=section,
                    kind=kind,
                    text=rng.choice(choices),
                    position=position,
                    source_document=document,
                    source_section=section.name,
                    source_line=1,
                )
            )
    Finding.objects.bulk_create(rows)


def generate_recommendations(rng, inspection, addressees, texts, document) -> None:
    pdu, region_body, national = addressees
    wanted = (
        [(pdu, Body.Kind.PDU)] * rng.randint(4, 7)
        + [(region_body, Body.Kind.REGION)] * rng.randint(1, 3)
        + [(national, Body.Kind.NATIONAL)] * rng.randint(0, 2)
    )
    rows = []
    for number, (body, kind) in enumerate(wanted, 1):
        choices = texts.recommendations.get(kind) or texts.recommendations[Body.Kind.PDU]
        rows.append(
            Recommendation(
                inspection=inspection,
                number=number,
                position=number,
                addressee=body,
                addressee_label=body.name,
                text=rng.choice(choices),
                source_document=document,
                source_section="Recommendations",
                source_line=1,
            )
        )
    Recommendation.objects.bulk_create(rows)


def generate_follow_ups(rng, earlier, later) -> None:
    """The later inspection's verdict on each of the earlier one's recommendations, as a
    report's "progress since the last inspection" would state it, leaning on how far the
    PDU moved between the two: made up, and labelled so."""
    (first, first_level), (second, second_level) = earlier, later
    moved = second_level - first_level
    rows = []
    for recommendation in Recommendation.objects.filter(inspection=first).order_by("position"):
        value = moved + rng.gauss(0, 0.8)
        if value > 0.4:
            verdict = FollowUp.Verdict.MET
        elif value > -0.4:
            verdict = FollowUp.Verdict.PARTLY_MET
        else:
            verdict = FollowUp.Verdict.NOT_MET
        rows.append(
            FollowUp(
                recommendation=recommendation,
                inspection=second,
                verdict=verdict,
                summary="Generated for the demonstration: no report said this.",
                source_document=second.source_document,
                source_section="Progress on the previous inspection's recommendations (generated)",
                source_line=1,
            )
        )
    FollowUp.objects.bulk_create(rows)


def generate_figures(rng, inspection, texts, document, fieldwork) -> None:
    ContextFigure.objects.bulk_create(
        ContextFigure(
            body=inspection.body,
            inspection=inspection,
            category=category,
            label=label,
            value=Decimal(value),
            value_text=str(value),
            unit=unit,
            as_at=fieldwork,
            source_document=document,
            source_section="Context",
            source_line=1,
        )
        for category, label, unit in rng.sample(texts.figures, min(12, len(texts.figures)))
        for value in [figure_value(rng, unit)]
    )


def figure_value(rng, unit: str) -> int:
    return rng.randint(5, 100) if unit == ContextFigure.Unit.PERCENT else rng.randint(10, 3000)
