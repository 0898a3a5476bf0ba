"""Import a newly published PDU report into a draft inspection for an admin to review.

The parser and the mapping to records (`records.py`) that build the fixtures read
the text. What they cannot read or match is recorded on the draft as a data-quality
note for the admin to check; nothing is guessed. An import is all or nothing, and
importing the same report again replaces the draft's contents instead of adding a
second draft.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.utils.text import slugify

from inspections.explorer import themes
from inspections.ingest.parsing.pdf import Limits, PDFError, pdf_text
from inspections.ingest.parsing.pdu_report import parse_pdu_report
from inspections.ingest.parsing.types import ParsedPDUReport
from inspections.models import DataQualityNote, Finding, Inspection, Section, SourceDocument
from pdus.models import Body, Region
from pdus.names import BodyNames, normalise_name
from ratings.models import KeyQuestion, KeyQuestionScore, Programme, StandardRating
from recommendations.models import Recommendation

from . import checks
from .builder.sources import load_sources
from .records import (
    Note,
    ProgrammeStandard,
    RecordedKeyQuestion,
    ReportRecords,
    Standards,
    Wording,
    find_pdu,
    pdu_report_records,
)

PROGRAMME = "pdu"
# A report's text is a few hundred kilobytes; its PDF, with photographs, a few megabytes.
MAX_TEXT_BYTES = 2 * 1024 * 1024
MAX_PDF_BYTES = 20 * 1024 * 1024
ON_RECORD = "the database"  # how a note names where wording on record came from


class ImportRefused(Exception):
    """The report cannot become a draft; the message says why and what to do."""


@dataclass
class ImportResult:
    inspection: Inspection
    created: bool  # False where an earlier draft of the same report was replaced
    problems: list[str] = field(default_factory=list)


class UnreadableFile(ValueError):
    """The file is not a report's text or PDF; the message says what was expected."""


def report_text(data: bytes, filename: str) -> str:
    """The text of an uploaded report: a PDF read by pypdf (within the settings' limits),
    or UTF-8 text (.txt).

    Raises UnreadableFile, saying what was expected, for anything else.
    """
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "pdf":
        if len(data) > MAX_PDF_BYTES:
            raise UnreadableFile("The PDF must be smaller than 20 MB")
        limits = Limits(
            cpu_seconds=settings.PDF_READ_CPU_SECONDS,
            memory_bytes=settings.PDF_READ_MEMORY_MB * 1024 * 1024,
            wall_seconds=settings.PDF_READ_TIMEOUT_SECONDS,
        )
        try:
            return pdf_text(data, limits)
        except PDFError as error:
            raise UnreadableFile(str(error)) from error
    if suffix != "txt":
        raise UnreadableFile("Upload the report as a .pdf file or as its text in a .txt file")
    if len(data) > MAX_TEXT_BYTES:
        raise UnreadableFile("The text file must be smaller than 2 MB")
    if data.startswith(b"%PDF-"):
        raise UnreadableFile("This is a PDF named .txt: rename it to end in .pdf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableFile(
            "The file must be UTF-8 text, such as a report saved as plain text"
        ) from None
    if "\x00" in text:
        raise UnreadableFile("The file must be text, not a binary file")
    return text


def known_names() -> BodyNames:
    """Every body's names: its own, plus the aliases the fixture builder knows."""
    names = BodyNames()
    aliases = {b["slug"]: b.get("aliases", []) for b in load_sources()["body"]}
    for body in Body.objects.all():
        names.add(body.slug, body.name, body.short_name, body.abbreviation)
        names.add(body.slug, *aliases.get(body.slug, []))
    for region in Body.objects.filter(kind=Body.Kind.REGION).select_related("region"):
        if region.region:
            names.add(region.slug, f"{region.region.name} region")
    return names


def import_report(
    text: str, filename: str, *, region: Region | None = None, dry_run: bool = False
) -> ImportResult:
    """Parse `text` and save it as a draft inspection (not at all if `dry_run`).

    Raises ParseError when the text is not a PDU report and ImportRefused when it
    cannot become a draft (already published, or a new PDU without a region).
    """
    report = parse_pdu_report(text)
    with transaction.atomic():
        result = _save(report, text, filename, region)
        if dry_run:
            transaction.set_rollback(True)
        else:
            # In the import's transaction: its records are never seen without their themes.
            themes.tag_pending()
    return result


def _refuse_overlong_texts(report: ParsedPDUReport, filename: str):
    """Refuse, naming it, a text longer than the column it goes into, before anything is
    written: PostgreSQL would fail the import with an error, and SQLite keep it whole."""
    records = [*report.ratings, *report.key_questions, *report.findings, *report.recommendations]
    texts = [
        ("The file's name", filename, SourceDocument, "filename"),
        ("The report's title", report.title, Inspection, "title"),
        ("The lead inspector's name", report.lead_inspector, Inspection, "lead_inspector"),
        *(("A standard's code", r.code, StandardRating, "published_code") for r in report.ratings),
        *(("A section heading", r.ref.section, Finding, "source_section") for r in records),
        *(("A section heading", f.section, Section, "name") for f in report.findings),
        *(
            ("An addressee", r.addressee, Recommendation, "addressee_label")
            for r in report.recommendations
        ),
    ]
    for what, text, model, name in texts:
        _refuse_if_longer(what, text, model._meta.get_field(name).max_length)


def _refuse_if_longer(what: str, text: str | None, limit: int):
    if text and len(text) > limit:
        raise ImportRefused(
            f"{what} must be {limit} characters or fewer; it is {len(text)}: "
            f"{text[:80]!r}... Correct it and import again."
        )


def _save(report: ParsedPDUReport, text: str, filename: str, region: Region | None):
    _refuse_overlong_texts(report, filename)
    names = known_names()
    body = _body(report.pdu_name, names, region)
    names.add(body.slug, body.name, body.short_name)  # a PDU added just now
    programme = Programme.objects.get(slug=PROGRAMME)
    title = report.title or filename
    records = pdu_report_records(
        report,
        label=title,
        body=body.slug,
        body_name=body.name,
        standards=programme_standards(programme),
        names=names,
        strict=False,
    )
    document, _ = SourceDocument.objects.update_or_create(
        filename=filename,
        defaults={
            "title": title,
            "kind": SourceDocument.Kind.PDU_REPORT,
            "author": "HM Inspectorate of Probation",
            "published": report.published,
            "published_precision": "month",
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        },
    )
    inspection = Inspection.objects.filter(
        body=body, programme=programme, fieldwork_start=report.fieldwork_start
    ).first()
    if inspection is not None and inspection.is_published:
        raise ImportRefused(
            f"{inspection.title} is already published; unpublish it before importing it again."
        )
    if inspection is not None and inspection.recommendations.with_recorded_progress().exists():
        raise ImportRefused(
            f"Progress has been recorded in the tracker on recommendations of "
            f"{inspection.title}; importing it again would replace them. Correct the draft "
            "step by step instead."
        )
    created = inspection is None
    if created:
        inspection = Inspection(
            slug=_unique_slug(body, report),
            body=body,
            programme=programme,
            is_published=False,
        )
    else:
        _clear(inspection)
    for name, value in records.inspection.items():
        setattr(inspection, name, value)
    inspection.source_document = document
    inspection.save()

    _save_records(inspection, document, records)
    notes = list(records.notes)
    # A draft's score is computed from its ratings, as when entered by hand.
    checks.set_score(inspection)
    if (inspection.score, inspection.max_score) != (report.score, report.max_score):
        notes.append(
            Note(
                DataQualityNote.Kind.CONVERSION,
                f"The report gives the score as {report.score}/{report.max_score}; its "
                f"ratings add up to {inspection.score}/{inspection.max_score}.",
            )
        )
    for note in notes:
        _create(DataQualityNote, note.fields(inspection=inspection, source_document=document))
    return ImportResult(inspection, created, [note.description for note in notes])


def programme_standards(programme: Programme) -> Standards:
    """The programme's standards with the wording on record, which a report is checked against."""
    return Standards(
        ProgrammeStandard(
            standard.pk,
            standard.code,
            standard.name,
            statement=Wording(standard.statement, ON_RECORD) if standard.statement else None,
            key_questions={
                question.position: RecordedKeyQuestion(
                    question.pk, Wording(question.text, ON_RECORD)
                )
                for question in standard.key_questions.all()
            },
        )
        for standard in programme.standards.prefetch_related("key_questions")
    )


def _body(pdu_name: str, names: BodyNames, region: Region | None) -> Body:
    slug = find_pdu(names, pdu_name)
    if slug is not None:
        body = Body.objects.get(slug=slug)
        if body.kind != Body.Kind.PDU:
            raise ImportRefused(f"{pdu_name!r} names {body.name}, which is not a PDU.")
        return body
    if region is None:
        raise ImportRefused(
            f"{pdu_name!r} is not a PDU the database knows: choose its region to add it."
        )
    name = pdu_name if normalise_name(pdu_name).endswith(" pdu") else f"{pdu_name} PDU"
    short_name = name.removesuffix(" PDU")
    _refuse_if_longer("The PDU's name", short_name, Body._meta.get_field("short_name").max_length)
    slug = pdu_slug(short_name)
    if Body.objects.filter(slug=slug).exists():
        raise ImportRefused(
            f"{pdu_name!r} would have the same web address as a body already in the database: "
            "add the PDU in the admin with its own, then import again."
        )
    return Body.objects.create(
        name=name,
        short_name=short_name,
        slug=slug,
        kind=Body.Kind.PDU,
        region=region,
    )


def pdu_slug(short_name: str) -> str:
    """A new PDU's slug, cut at a word to fit its column: some PDUs' names run past it
    (Hammersmith, Fulham, Kensington, Chelsea and Westminster)."""
    limit = Body._meta.get_field("slug").max_length
    slug = slugify(short_name)
    if len(slug) > limit:
        slug = slug[: limit + 1].rsplit("-", 1)[0][:limit]
    return slug


def _unique_slug(body: Body, report: ParsedPDUReport) -> str:
    year = report.fieldwork_start.year if report.fieldwork_start else "undated"
    base = f"{body.slug}-pdu-{year}"
    slug, n = base, 1
    while Inspection.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _clear(inspection: Inspection):
    for related in (
        inspection.ratings,
        inspection.key_question_scores,
        inspection.findings,
        inspection.recommendations,
        inspection.data_quality_notes,
        inspection.context_figures,
    ):
        related.all().delete()


def _save_records(inspection: Inspection, document: SourceDocument, records: ReportRecords):
    for rating in records.ratings:
        _create(StandardRating, rating.fields(inspection=inspection, standard=rating.standard.pk))
    for score in records.key_question_scores:
        question = score.key_question
        if question.pk is None:  # the first report to publish it
            question.pk = _create(KeyQuestion, question.fields(standard=question.standard.pk)).pk
        _create(KeyQuestionScore, score.fields(inspection=inspection, key_question=question.pk))
    for finding in records.findings:
        section, _ = Section.objects.get_or_create(
            name=finding.section.name,
            defaults={
                "slug": finding.section.slug,
                "standard_id": finding.section.standard.pk if finding.section.standard else None,
            },
        )
        _create(
            Finding,
            finding.fields(inspection=inspection, section=section, source_document=document),
        )
    bodies = {body.slug: body.pk for body in Body.objects.all()}
    for recommendation in records.recommendations:
        _create(
            Recommendation,
            recommendation.fields(
                inspection=inspection,
                addressee=bodies[recommendation.addressee],
                co_addressees=[bodies[slug] for slug in recommendation.co_addressees],
                source_document=document,
            ),
        )


def _create(model, fields: dict):
    """Save a record's `fields`: a related object as itself or by its primary key, and a
    many-to-many field's objects set once the record is saved, where there are any."""
    columns, related = {}, {}
    for name, value in fields.items():
        field = model._meta.get_field(name)
        if field.many_to_many:
            related[name] = value
        else:
            # An object saved just now is passed as itself: the audit log's entry for the
            # record names it, and would otherwise fetch it again.
            columns[name if isinstance(value, models.Model) else field.attname] = value
    saved = model.objects.create(**columns)
    for name, pks in related.items():
        if pks:
            getattr(saved, name).set(pks)
    return saved
