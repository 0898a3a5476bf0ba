"""Factories for generated datasets: the same shapes as the published data, at any size."""

from decimal import Decimal

import factory

from inspections.models import (
    ContextFigure,
    DataQualityNote,
    Finding,
    Inspection,
    Section,
    SourceDocument,
)
from pdus.models import Body, Region
from ratings.models import (
    KeyQuestion,
    KeyQuestionScore,
    Programme,
    Rating,
    Standard,
    StandardRating,
)
from recommendations.models import Recommendation


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Generated PDU {n}")
    short_name = factory.Sequence(lambda n: f"Generated {n}")
    slug = factory.Sequence(lambda n: f"generated-pdu-{n}")
    kind = Body.Kind.PDU
    region = factory.SubFactory(RegionFactory)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["slug"]

    slug = "pdu"
    name = "PDU inspection programme"
    rating_scheme = Programme.Scheme.FOUR_POINT


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Standard

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"9.{n}")
    slug = factory.Sequence(lambda n: f"generated-standard-{n}")
    name = factory.Sequence(lambda n: f"Generated standard {n}")
    position = factory.Sequence(lambda n: n + 100)


class KeyQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyQuestion

    standard = factory.SubFactory(StandardFactory)
    text = factory.Sequence(lambda n: f"Does generated key question {n} hold?")
    position = factory.Sequence(lambda n: n + 1)


class SourceDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceDocument

    filename = factory.Sequence(lambda n: f"generated_{n}.txt")
    title = factory.Sequence(lambda n: f"Generated report {n}")
    kind = SourceDocument.Kind.PDU_REPORT
    author = "HM Inspectorate of Probation"
    sha256 = factory.Sequence(lambda n: f"{n:064x}")


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    slug = factory.Sequence(lambda n: f"generated-inspection-{n}")
    title = factory.Sequence(lambda n: f"An inspection of generated PDU {n}")
    body = factory.SubFactory(BodyFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    source_document = factory.SubFactory(SourceDocumentFactory)
    score = 3
    max_score = 24
    overall_rating = Rating.INADEQUATE


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    name = factory.Sequence(lambda n: f"Generated section {n}")
    slug = factory.Sequence(lambda n: f"generated-section-{n}")


def populate(inspection: Inspection, standards, key_questions, section, size: int):
    """Give an inspection `size` of each kind of record an inspection can hold."""
    doc = inspection.source_document
    where = {"source_section": "Generated", "source_line": 1}
    StandardRating.objects.bulk_create(
        StandardRating(inspection=inspection, standard=s, rating=Rating.INADEQUATE, **where)
        for s in standards
    )
    KeyQuestionScore.objects.bulk_create(
        KeyQuestionScore(inspection=inspection, key_question=q, percent_yes=Decimal("42"), **where)
        for q in key_questions
    )
    Finding.objects.bulk_create(
        Finding(
            inspection=inspection,
            section=section,
            kind=Finding.Kind.STRENGTH if i % 2 else Finding.Kind.IMPROVEMENT,
            text=f"Generated finding {i}.",
            position=i,
            source_document=doc,
            **where,
        )
        for i in range(1, size + 1)
    )
    Recommendation.objects.bulk_create(
        Recommendation(
            inspection=inspection,
            number=i,
            position=i,
            addressee=inspection.body,
            addressee_label=inspection.body.name,
            text=f"generate recommendation {i}",
            source_document=doc,
            **where,
        )
        for i in range(1, size + 1)
    )
    ContextFigure.objects.bulk_create(
        ContextFigure(
            body=inspection.body,
            inspection=inspection,
            category=ContextFigure.Category.CASELOAD,
            label=f"Generated figure {i}",
            value=Decimal(i),
            value_text=str(i),
            unit=ContextFigure.Unit.COUNT,
            source_document=doc,
            quote=f"Generated figure {i}.",
            **where,
        )
        for i in range(1, size + 1)
    )
    DataQualityNote.objects.bulk_create(
        DataQualityNote(
            inspection=inspection,
            kind=DataQualityNote.Kind.OTHER,
            description=f"Generated note {i}.",
            source_document=doc,
        )
        for i in range(1, size + 1)
    )


def generate_dataset(inspections: int, records_each: int) -> list[Inspection]:
    """`inspections` published inspections, each with `records_each` of everything."""
    programme = ProgrammeFactory()
    standards = StandardFactory.create_batch(3, programme=programme)
    key_questions = [KeyQuestionFactory(standard=s, position=1) for s in standards]
    section = SectionFactory()
    created = InspectionFactory.create_batch(inspections, programme=programme)
    for inspection in created:
        populate(inspection, standards, key_questions, section, records_each)
    return created


def multiply_published_data(factor: int) -> None:
    """Add `factor - 1` copies of every published PDU inspection, each of a new PDU.

    The copies keep the real shape (ratings, key questions, findings, recommendations,
    figures, notes) so pages show the same kinds of rows, just `factor` times as many.
    """
    originals = list(Inspection.objects.filter(body__kind=Body.Kind.PDU).select_related("body"))
    for copy in range(1, factor):
        for original in originals:
            body = original.body
            twin = Body.objects.create(
                name=f"{body.name} copy {copy}",
                short_name=f"{body.short_name} {copy}",
                slug=f"{body.slug}-copy-{copy}",
                kind=body.kind,
                region=body.region,
                district=body.district,
            )
            inspection = Inspection.objects.get(pk=original.pk)
            inspection.pk = None
            inspection.slug = f"{original.slug}-copy-{copy}"
            inspection.body = twin
            inspection.save()
            for model in (
                StandardRating,
                KeyQuestionScore,
                Finding,
                ContextFigure,
                DataQualityNote,
            ):
                rows = list(model.objects.filter(inspection=original))
                for row in rows:
                    row.pk = None
                    row.inspection = inspection
                    if model is ContextFigure:
                        row.body = twin
                    if model is Finding:
                        row.theme_bits = 0  # a copy has no tags until it is tagged
                model.objects.bulk_create(rows)
            recommendations = list(Recommendation.objects.filter(inspection=original))
            for row in recommendations:
                row.pk = None
                row.inspection = inspection
                row.theme_bits = 0
                if row.addressee_id == body.pk:
                    row.addressee = twin
            Recommendation.objects.bulk_create(recommendations)
