"""Import a newly published PDU report into a draft inspection for an admin to review.

The parser and the mapping to records (`records.py`) that build the fixtures read
the text. What they cannot read or match, and what they inferred, is recorded on the
draft as an item to check, which an admin resolves before publishing; nothing is
guessed in silence. An import is all or nothing. A document is known by its text
(checksum), never its file name: the same text again changes nothing, and another
text of the same inspection replaces the draft's contents.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.utils.text import slugify

from inspections.explorer import themes
from inspections.ingest.parsing.pdf import Limits
from inspections.ingest.parsing.types import ParsedPDUReport
from inspections.models import (
    DataQualityNote,
    Finding,
    Inspection,
    Review,
    Section,
    SourceDocument,
)
from pdus.models import OWN_REGION_ADDRESSEES, Body, Region, region_body_aliases
from pdus.names import BodyNames, normalise_name
from ratings.models import KeyQuestion, KeyQuestionScore, Programme, StandardRating
from recommendations.models import Recommendation

from . import checks
from .builder.sources import load_sources
from .reading import ReadFile, ReportText, read_report
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

ON_RECORD = "the database"  # how a note names where wording on record came from


class ImportRefused(Exception):
    """The report cannot become a draft; the message says why and what to do."""


class Outcome(models.TextChoices):
    NEW = "new", "New draft"
    REPLACED = "replaced", "Draft replaced"
    UNCHANGED = "unchanged", "Unchanged"
    REFUSED = "refused", "Refused"


@dataclass
class ImportResult:
    inspection: Inspection | None
    outcome: str
    problems: list[str] = field(default_factory=list)  # the items left to check
    reason: str = ""  # why it was refused
    timed_out: bool = False  # refused because reading the PDF took too long

    @property
    def created(self) -> bool:
        return self.outcome == Outcome.NEW


def pdf_limits() -> Limits:
    return Limits(
        cpu_seconds=settings.PDF_READ_CPU_SECONDS,
        memory_bytes=settings.PDF_READ_MEMORY_MB * 1024 * 1024,
        wall_seconds=settings.PDF_READ_TIMEOUT_SECONDS,
    )


def report_text(data: bytes, filename: str) -> ReportText:
    """The text of an uploaded report, read within the settings' limits for a PDF."""
    return read_report(data, filename, pdf_limits())


@dataclass
class OutcomeRow:
    """One file's line in an import's outcome table."""

    file: str
    outcome: str  # Outcome's label
    inspection: Inspection | None
    detail: str  # why it was refused, or how many items are left to check
    refused: bool


def outcome_rows(results: list[tuple[str, ImportResult]]) -> list[OutcomeRow]:
    rows = []
    for file, result in results:
        if result.outcome == Outcome.REFUSED:
            detail = result.reason
        else:
            count = len(result.problems)
            detail = f"{count} item{'s' if count != 1 else ''} to check" if count else ""
        rows.append(
            OutcomeRow(
                file,
                Outcome(result.outcome).label,
                result.inspection,
                detail,
                result.outcome == Outcome.REFUSED,
            )
        )
    return rows


def import_read(read: ReadFile, region: Region | None = None) -> ImportResult:
    """Import a file read by reading.read_file/read_upload, in a transaction of its own;
    a refusal, whatever its cause, is the file's outcome and writes nothing."""
    if read.refusal:
        return ImportResult(None, Outcome.REFUSED, reason=read.refusal, timed_out=read.timed_out)
    try:
        return import_report(
            read.text,
            Path(read.path).name,
            region=region,
            reading_notes=read.notes,
            report=read.report,
        )
    except ImportRefused as error:
        return ImportResult(None, Outcome.REFUSED, reason=str(error))


def known_names() -> BodyNames:
    """Every body's names: its own, the aliases the fixture builder knows, and each region
    body's ("North West region", "HMPPS North West region")."""
    names = BodyNames()
    aliases = _source_aliases()
    for body in Body.objects.select_related("region"):
        names.add(body.slug, body.name, body.short_name, body.abbreviation)
        names.add(body.slug, *aliases.get(body.slug, []))
        if body.kind == Body.Kind.REGION and body.region:
            names.add(body.slug, *region_body_aliases(body.region.name))
    return names


@functools.cache
def _source_aliases() -> dict[str, list[str]]:
    return {b["slug"]: b.get("aliases", []) for b in load_sources()["body"]}


def _add_own_region(names: BodyNames, region: Region | None):
    """What a report of a PDU in `region` calls its own region's body ("the Regional
    Probation Director")."""
    body = region and region.bodies.filter(kind=Body.Kind.REGION).first()
    if body:
        names.add(body.slug, *OWN_REGION_ADDRESSEES)


def import_report(
    text: str,
    filename: str,
    *,
    region: Region | None = None,
    dry_run: bool = False,
    reading_notes: list[str] = (),
    report: ParsedPDUReport | None = None,
) -> ImportResult:
    """Parse `text` (unless `report` is its parse already) and save it as a draft
    inspection (not at all if `dry_run`); `reading_notes` are what reading the file
    inferred, kept as items to check.

    Raises ParseError when the text is not a PDU report and ImportRefused when it
    cannot become a draft (already published, or a new PDU whose region is not known).
    """
    if report is None:
        # Loaded when a report is read, not with the views: its patterns are 2.5 MiB of
        # every serving process, which seldom reads one (bench/downloads.py).
        from inspections.ingest.parsing.pdu_report import parse_pdu_report

        report = parse_pdu_report(text)
    with transaction.atomic():
        result = _save(report, text, filename, region, list(reading_notes))
        if dry_run:
            transaction.set_rollback(True)
        elif result.outcome != Outcome.UNCHANGED:
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


def _save(
    report: ParsedPDUReport,
    text: str,
    filename: str,
    region: Region | None,
    reading_notes: list[str],
) -> ImportResult:
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    known = SourceDocument.objects.filter(sha256=sha256).first()
    if known is not None and (inspection := known.inspections.first()) is not None:
        # The same text again: whatever it made, and however an admin has since
        # reviewed it, stays as it is.
        to_check = inspection.data_quality_notes.to_check()
        return ImportResult(inspection, Outcome.UNCHANGED, [n.description for n in to_check])
    _refuse_overlong_texts(report, filename)
    notes = [Note(DataQualityNote.Kind.CONVERSION, note) for note in reading_notes]
    names = known_names()
    body, region_note = _body(report, region, names)
    if region_note:
        notes.append(region_note)
    names.add(body.slug, body.name, body.short_name)  # a PDU added just now
    _add_own_region(names, body.region)
    programme, version_note = Programme.objects.version_for(
        [(rating.code, rating.name) for rating in report.ratings], report.fieldwork_start
    )
    if programme is None:
        raise ImportRefused(version_note)
    if version_note:
        notes.append(Note(DataQualityNote.Kind.OTHER, version_note))
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
    # A known text whose inspection was deleted is imported again into its document,
    # which stays as it was.
    document = known or SourceDocument.objects.create(
        filename=filename,
        title=title,
        kind=SourceDocument.Kind.PDU_REPORT,
        author="HM Inspectorate of Probation",
        published=report.published,
        published_precision="month",
        sha256=sha256,
        text=text,
    )
    outcome = Outcome.NEW if inspection is None else Outcome.REPLACED
    if inspection is None:
        inspection = Inspection(
            slug=_unique_slug(body, report),
            body=body,
            programme=programme,
            is_published=False,
        )
        replaced_document = None
    else:
        replaced_document = inspection.source_document
        _clear(inspection)
    for name, value in records.inspection.items():
        setattr(inspection, name, value)
    inspection.source_document = document
    inspection.save()
    if replaced_document is not None:
        _delete_if_unused(replaced_document)

    _save_records(inspection, document, records)
    notes += records.notes
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
    notes += _missing(records, report.problems)
    for note in notes:
        _create(
            DataQualityNote,
            {
                **note.fields(inspection=inspection, source_document=document),
                "review": Review.TO_CHECK,
            },
        )
    return ImportResult(inspection, outcome, [note.description for note in notes])


def _missing(records: ReportRecords, problems: list[str]) -> list[Note]:
    """An item for each part of a PDU report the import saved none of, unless the parser
    has said so already ("No ratings table found: ..."): a report without them is a
    report misread, until an admin enters them or confirms their absence."""
    parts = [
        (records.ratings, "ratings", "Ratings and key questions"),
        (records.key_question_scores, "key-question percentages", "Ratings and key questions"),
        (records.recommendations, "recommendations", "Recommendations"),
    ]
    return [
        Note(
            DataQualityNote.Kind.OTHER,
            f"No {what} were found in the report. Enter them in the step “{step}”, or "
            "confirm that the report has none.",
        )
        for found, what, step in parts
        if not found and not any(problem.startswith(f"No {what}") for problem in problems)
    ]


def _delete_if_unused(document: SourceDocument):
    """A replaced draft's document goes with it, if an import made it (it holds its text)
    and nothing else cites it: the published data's own documents always stay."""
    if not document.text:
        return
    for relation in document._meta.related_objects:
        if getattr(document, relation.get_accessor_name()).exists():
            return
    document.delete()


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


def _body(
    report: ParsedPDUReport, region: Region | None, names: BodyNames
) -> tuple[Body, Note | None]:
    """The PDU the report is of, added if new: in `region`, or else in the one region the
    report's recommendations are addressed to (an inference, left to check)."""
    pdu_name = report.pdu_name
    slug = find_pdu(names, pdu_name)
    if slug is not None:
        body = Body.objects.get(slug=slug)
        if body.kind != Body.Kind.PDU:
            raise ImportRefused(f"{pdu_name!r} names {body.name}, which is not a PDU.")
        return body, None
    note = None
    if region is None:
        region = _addressed_region(report, names)
        if region is None:
            raise ImportRefused(
                f"{pdu_name!r} is not a PDU the database knows, and the report addresses no "
                "region's recommendations: choose its region to add it."
            )
        note = Note(
            DataQualityNote.Kind.OTHER,
            f"{pdu_name} is new to the database; it was added to the {region.name} region, "
            f"the region its recommendations are addressed to. Check the region.",
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
    body = Body.objects.create(
        name=name, short_name=short_name, slug=slug, kind=Body.Kind.PDU, region=region
    )
    return body, note


def _addressed_region(report: ParsedPDUReport, names: BodyNames) -> Region | None:
    """The region whose body the report's recommendations name, where exactly one is."""
    regions = {
        body.region
        for body in Body.objects.filter(
            kind=Body.Kind.REGION,
            slug__in={names.find(r.addressee) for r in report.recommendations} - {None},
        ).select_related("region")
        if body.region
    }
    return regions.pop() if len(regions) == 1 else None


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
    sections = {}
    for finding in records.findings:
        if (name := finding.section.name) not in sections:
            sections[name], _ = Section.objects.get_or_create(
                name=name,
                defaults={
                    "slug": finding.section.slug,
                    "standard_id": finding.section.standard.pk
                    if finding.section.standard
                    else None,
                },
            )
        section = sections[name]
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
