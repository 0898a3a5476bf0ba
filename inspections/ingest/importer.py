"""Import a newly published PDU report into a draft inspection for an admin to review.

The same parser that builds the fixtures reads the text. What it cannot read is
recorded on the draft as a data-quality note for the admin to check; nothing is
guessed. An import is all or nothing, and importing the same report again
replaces the draft's contents instead of adding a second draft.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from inspections.explorer import themes
from inspections.ingest.parsing.pdf import Limits, PDFError, pdf_text
from inspections.ingest.parsing.pdu_report import parse_pdu_report
from inspections.ingest.parsing.types import ParsedPDUReport
from inspections.models import DataQualityNote, Finding, Inspection, Section, SourceDocument
from pdus.models import Body, Region
from pdus.names import BodyNames, normalise_name
from ratings.models import KeyQuestion, KeyQuestionScore, Programme, Rating, StandardRating
from recommendations.models import Recommendation

from . import checks
from .builder.build import SOURCES_FILE

PROGRAMME = "pdu"
# A report's text is a few hundred kilobytes; its PDF, with photographs, a few megabytes.
MAX_TEXT_BYTES = 2 * 1024 * 1024
MAX_PDF_BYTES = 20 * 1024 * 1024
RATING_VALUES = {label: value for value, label in Rating.choices}


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
    with SOURCES_FILE.open("rb") as handle:
        aliases = {b["slug"]: b.get("aliases", []) for b in tomllib.load(handle)["body"]}
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
    problems = list(report.problems)
    body = _body(report.pdu_name, names, region)
    names.add(body.slug, body.name, body.short_name)  # a PDU added just now
    programme = Programme.objects.get(slug=PROGRAMME)
    document, _ = SourceDocument.objects.update_or_create(
        filename=filename,
        defaults={
            "title": report.title or filename,
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
    inspection.title = report.title or f"An inspection of probation services: {body.name}"
    inspection.source_document = document
    inspection.fieldwork_start = report.fieldwork_start
    inspection.fieldwork_start_precision = "day"
    inspection.published = report.published
    inspection.published_precision = "month"
    inspection.lead_inspector = report.lead_inspector or ""
    inspection.cases_inspected = report.cases_inspected
    inspection.practitioner_interviews = report.practitioner_interviews
    inspection.save()

    _save_ratings(inspection, report, problems)
    _save_findings(inspection, document, report)
    _save_recommendations(inspection, document, report, names, problems)
    checks.set_score(inspection)
    if (inspection.score, inspection.max_score) != (report.score, report.max_score):
        problems.append(
            f"The report gives the score as {report.score}/{report.max_score}; its ratings "
            f"add up to {inspection.score}/{inspection.max_score}."
        )
    for problem in problems:
        DataQualityNote.objects.create(
            inspection=inspection,
            kind=DataQualityNote.Kind.CONVERSION,
            description=problem,
            source_document=document,
        )
    return ImportResult(inspection, created, problems)


def _body(pdu_name: str, names: BodyNames, region: Region | None) -> Body:
    slug = names.find(pdu_name) or names.find(f"{pdu_name} PDU")
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


def _save_ratings(inspection: Inspection, report: ParsedPDUReport, problems: list[str]):
    standards = {
        normalise_name(s.name): s
        for s in inspection.programme.standards.prefetch_related("key_questions")
    }
    by_code = {s.code: s for s in standards.values()}
    overrides = {o.code: o.reason for o in report.overrides}
    for parsed in report.ratings:
        standard = standards.get(normalise_name(parsed.name)) or by_code.get(parsed.code or "")
        if standard is None:
            problems.append(f"{parsed.code} {parsed.name}: not a standard of the programme.")
            continue
        StandardRating.objects.create(
            inspection=inspection,
            standard=standard,
            rating=RATING_VALUES[parsed.rating],
            published_code=parsed.code or "",
            override_reason=overrides.get(standard.code, ""),
            source_section=parsed.ref.section,
            source_line=parsed.ref.line,
        )
    positions: dict[str, int] = {}
    for parsed in report.key_questions:
        standard = by_code.get(parsed.standard_code)
        if standard is None:
            problems.append(f"Key question {parsed.text!r}: no standard {parsed.standard_code}.")
            continue
        positions[standard.code] = positions.get(standard.code, 0) + 1
        question = next(
            (q for q in standard.key_questions.all() if q.position == positions[standard.code]),
            None,
        )
        if question is None:
            question = KeyQuestion.objects.create(
                standard=standard, text=parsed.text, position=positions[standard.code]
            )
        elif normalise_name(question.text) != normalise_name(parsed.text):
            problems.append(
                f"Key question {positions[standard.code]} of {standard.code} reads "
                f"{parsed.text!r} in this report; the database words it {question.text!r}."
            )
        KeyQuestionScore.objects.create(
            inspection=inspection,
            key_question=question,
            percent_yes=Decimal(parsed.percent_yes),
            source_section=parsed.ref.section,
            source_line=parsed.ref.line,
        )


def _save_findings(inspection: Inspection, document: SourceDocument, report: ParsedPDUReport):
    standards = {s.code: s for s in inspection.programme.standards.all()}
    for position, parsed in enumerate(report.findings, start=1):
        standard = standards.get(parsed.standard_code or "")
        name = f"{standard.code} {standard.name}" if standard else parsed.section
        section, _ = Section.objects.get_or_create(
            name=name, defaults={"slug": slugify(name)[:200], "standard": standard}
        )
        Finding.objects.create(
            inspection=inspection,
            section=section,
            kind=parsed.kind,
            text=parsed.text,
            position=position,
            source_document=document,
            source_section=parsed.ref.section,
            source_line=parsed.ref.line,
        )


def _save_recommendations(
    inspection, document, report: ParsedPDUReport, names: BodyNames, problems: list[str]
):
    for position, parsed in enumerate(report.recommendations, start=1):
        slug = names.find(parsed.addressee)
        if slug is None:
            problems.append(
                f"Recommendation {parsed.number}: the addressee {parsed.addressee!r} is not "
                "known; it is filed under the PDU, to be corrected in review."
            )
            addressee = inspection.body
        else:
            addressee = Body.objects.get(slug=slug)
        Recommendation.objects.create(
            inspection=inspection,
            number=parsed.number,
            position=position,
            addressee=addressee,
            addressee_label=parsed.addressee,
            text=parsed.text,
            source_document=document,
            source_section=parsed.ref.section,
            source_line=parsed.ref.line,
        )
