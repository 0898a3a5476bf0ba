"""What a report records, as plain data: one mapping for the fixture builder and the importer.

`pdu_report_records()` maps a parsed PDU report to the records it makes: the
inspection's fields, standard ratings and statements, key-question scores, findings in
their sections, recommendations with their addressees, and data-quality notes. The
fixture builder writes them as fixture rows and the importer saves them as a draft; the
builder's other documents use the same parts through `ReportRecords`. A PDU report
gives no context figures: those the builder makes are quoted from the text where
sources.toml says.

Records name their fields as the models do. A record's `fields()` gives its model's
fields in its fixture rows' order: its own values, and the references it is given (the
inspection, the standard, the source document), which the builder gives as fixture
primary keys and the importer as objects or their primary keys. A standard is the
programme's standard on record (`ProgrammeStandard`), which carries the primary key each
side gave it, and a body is its slug. What a report says differently from the record is
noted, never overwritten. A name that matches nothing on record raises `Unmatched` for
the builder, whose sources must name everything, and is a note for the importer, whose
drafts an admin reviews.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.text import slugify

from inspections import models as inspection_models
from inspections.ingest.parsing.types import (
    ParsedFinding,
    ParsedKeyQuestion,
    ParsedPDUReport,
    ParsedRating,
    ParsedRecommendation,
    SourceRef,
)
from pdus.names import BodyNames, normalise_name
from ratings.models import Rating

RATINGS = {label: value for value, label in Rating.choices}  # as published -> stored
NOTE = inspection_models.DataQualityNote.Kind
SECTION_SLUG_LENGTH = inspection_models.Section._meta.get_field("slug").max_length


class Unmatched(ValueError):
    """A name in a report that matches no standard or body on record."""


# --- What is on record -----------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    """Wording on record, and where it came from, so that a note can name both."""

    text: str
    source: str  # how a note names where it came from: a report's title, or "the database"
    document: int | None = None  # that report's source document, where there is one


@dataclass(frozen=True)
class RecordedKeyQuestion:
    pk: int
    wording: Wording


@dataclass(eq=False)
class ProgrammeStandard:
    """A standard of the programme, as on record when a report is mapped."""

    pk: int
    code: str
    name: str
    aliases: tuple[str, ...] = ()
    statement: Wording | None = None
    key_questions: dict[int, RecordedKeyQuestion] = field(default_factory=dict)  # by position


class Standards:
    """A programme's standards, found by code, name or alias as documents print them."""

    def __init__(self, standards=()):
        self._found: dict[str, ProgrammeStandard] = {}
        for standard in standards:
            self.add(standard)

    def add(self, standard: ProgrammeStandard):
        for key in (standard.code, standard.name, *standard.aliases):
            if key:
                self._found[normalise_name(key)] = standard

    def find(self, code_or_name: str | None) -> ProgrammeStandard | None:
        return self._found.get(normalise_name(code_or_name or ""))


def find_pdu(names: BodyNames, pdu_name: str) -> str | None:
    """The slug of the PDU a report names, with or without the ' PDU' it may leave off."""
    return names.find(pdu_name) or names.find(f"{pdu_name} PDU")


# --- The records -----------------------------------------------------------------------


@dataclass
class StandardRating:
    standard: ProgrammeStandard
    rating: str
    published_code: str
    override_reason: str
    source_section: str
    source_line: int

    def fields(self, *, inspection, standard) -> dict:
        return {
            "inspection": inspection,
            "standard": standard,
            "rating": self.rating,
            "published_code": self.published_code,
            "override_reason": self.override_reason,
            "source_section": self.source_section,
            "source_line": self.source_line,
        }


@dataclass
class Statement:
    """A standard's statement as a report words it, where none is on record yet."""

    standard: ProgrammeStandard
    statement: str


@dataclass
class KeyQuestion:
    standard: ProgrammeStandard
    text: str
    position: int
    pk: int | None = None  # None for a question not yet on record

    def fields(self, *, standard) -> dict:
        return {"standard": standard, "text": self.text, "position": self.position}


@dataclass
class KeyQuestionScore:
    key_question: KeyQuestion
    percent_yes: Decimal
    source_section: str
    source_line: int

    def fields(self, *, inspection, key_question) -> dict:
        return {
            "inspection": inspection,
            "key_question": key_question,
            "percent_yes": self.percent_yes,
            "source_section": self.source_section,
            "source_line": self.source_line,
        }


@dataclass
class Section:
    name: str
    standard: ProgrammeStandard | None = None

    @classmethod
    def of(cls, standard: ProgrammeStandard) -> Section:
        return cls(f"{standard.code} {standard.name}".strip(), standard)

    @property
    def slug(self) -> str:
        return slugify(self.name)[:SECTION_SLUG_LENGTH]


@dataclass
class Finding:
    section: Section
    kind: str
    text: str
    position: int
    source_section: str
    source_line: int

    def fields(self, *, inspection, section, source_document) -> dict:
        return {
            "inspection": inspection,
            "section": section,
            "kind": self.kind,
            "text": self.text,
            "position": self.position,
            "source_document": source_document,
            "source_section": self.source_section,
            "source_line": self.source_line,
        }


@dataclass
class Recommendation:
    number: int
    position: int
    addressee: str  # a body's slug
    co_addressees: list[str]
    addressee_label: str
    text: str
    source_section: str
    source_line: int

    def fields(self, *, inspection, addressee, co_addressees, source_document) -> dict:
        return {
            "inspection": inspection,
            "number": self.number,
            "position": self.position,
            "addressee": addressee,
            "co_addressees": co_addressees,
            "addressee_label": self.addressee_label,
            "text": self.text,
            "source_document": source_document,
            "source_section": self.source_section,
            "source_line": self.source_line,
        }


@dataclass
class Note:
    kind: str
    description: str
    source_section: str = ""
    compared_document: int | None = None
    source_line: int | None = None

    def fields(self, *, inspection, source_document) -> dict:
        fields = {
            "inspection": inspection,
            "kind": self.kind,
            "description": self.description,
            "source_document": source_document,
            "compared_document": self.compared_document,
            "source_section": self.source_section,
        }
        if self.source_line is not None:  # the published data's notes give none
            fields["source_line"] = self.source_line
        return fields


def conversion_notes(problems: list[str]) -> list[Note]:
    """What a parser could not read, for a reader to check, at the line it names if any
    ("... before 'Croydon PDU should:' (line 83) ...")."""
    notes = []
    for problem in problems:
        line = re.search(r"\bline (\d+)\b", problem)
        notes.append(
            Note(NOTE.CONVERSION, problem, source_line=int(line.group(1)) if line else None)
        )
    return notes


class ReportRecords:
    """The records one report makes for one inspection, added part by part.

    `label` is how notes name the report and `body` is the slug of the body inspected.
    With `strict`, a name that matches nothing on record raises `Unmatched`; without it,
    the records do what they can (a recommendation to an unknown addressee is filed
    under `body`) and a note says so.
    """

    def __init__(
        self, label: str, standards: Standards, names: BodyNames, *, body: str, strict: bool
    ):
        self.label = label
        self.standards = standards
        self.names = names
        self.body = body
        self.strict = strict
        self.inspection: dict = {}  # the inspection's own fields, where the report is a full one
        self.ratings: list[StandardRating] = []
        self.statements: list[Statement] = []
        self.key_question_scores: list[KeyQuestionScore] = []
        self.findings: list[Finding] = []
        self.recommendations: list[Recommendation] = []
        self.notes: list[Note] = []
        self._sections: dict[tuple[str, str | None], Section] = {}

    def add_ratings(self, ratings: list[ParsedRating], overrides: dict[str, str] | None = None):
        """Ratings matched to standards by name, keeping the number the document printed."""
        overrides = overrides or {}
        for parsed in ratings:
            standard = self._rated_standard(parsed)
            if standard is None:
                continue
            self._statement(standard, parsed.statement, parsed.ref.section)
            self.ratings.append(
                StandardRating(
                    standard,
                    RATINGS[parsed.rating],
                    parsed.code or "",
                    overrides.get(standard.code, ""),
                    parsed.ref.section,
                    parsed.ref.line,
                )
            )
            if parsed.code and parsed.code != standard.code:
                self._note(
                    NOTE.NUMBERING,
                    f"{self.label} numbers {parsed.name} as {parsed.code}; the PDU "
                    f"programme's standard is {standard.code} {parsed.name}.",
                    parsed.ref,
                )

    def add_statements(self, statements: dict[str, str], rated: set[str | None]):
        """Statements of standards the report words but does not rate, such as 2.6 Outcomes."""
        for code, statement in statements.items():
            if code in rated:
                continue
            standard = self.standards.find(code)
            if standard is None:
                self._unmatched(f"Statement of standard {code}: no such standard", "it is left out")
                continue
            self._statement(standard, statement, Section.of(standard).name)

    def add_key_questions(self, key_questions: list[ParsedKeyQuestion]):
        """Each standard's questions by position; the wording on record is kept."""
        positions = Counter()
        for parsed in key_questions:
            standard = self.standards.find(parsed.standard_code)
            if standard is None:
                self._unmatched(
                    f"Key question {parsed.text!r}: no standard {parsed.standard_code}",
                    "it is left out",
                    parsed.ref,
                )
                continue
            positions[standard.pk] += 1
            position = positions[standard.pk]
            recorded = standard.key_questions.get(position)
            if recorded is None:
                question = KeyQuestion(standard, parsed.text, position)
            else:
                question = KeyQuestion(standard, recorded.wording.text, position, recorded.pk)
                self._compare_wording(
                    f"key question {position} of standard {standard.code}",
                    parsed.text,
                    recorded.wording,
                    "the question's text",
                    parsed.ref,
                )
            self.key_question_scores.append(
                KeyQuestionScore(question, parsed.percent_yes, parsed.ref.section, parsed.ref.line)
            )

    def add_findings(self, findings: list[ParsedFinding]):
        for parsed in findings:
            self.findings.append(
                Finding(
                    self._section(parsed),
                    parsed.kind,
                    parsed.text,
                    len(self.findings) + 1,
                    parsed.ref.section,
                    parsed.ref.line,
                )
            )

    def add_recommendations(self, recommendations: list[ParsedRecommendation]):
        for parsed in recommendations:
            addressees = self._addressees(parsed)
            self.recommendations.append(
                Recommendation(
                    parsed.number,
                    len(self.recommendations) + 1,
                    addressees[0],
                    addressees[1:],
                    parsed.addressee,
                    parsed.text,
                    parsed.ref.section,
                    parsed.ref.line,
                )
            )
            if len(addressees) > 1:
                self._note(
                    NOTE.OTHER,
                    f"Recommendation {parsed.number} is addressed jointly to "
                    f"{parsed.addressee!r}; it is filed under the first body named, "
                    "with the others as co-addressees.",
                    parsed.ref,
                )
        numbers = Counter(parsed.number for parsed in recommendations)
        repeated = sorted(number for number, count in numbers.items() if count > 1)
        if repeated:
            self._note(
                NOTE.REPEATED_NUMBER,
                f"Recommendation numbers {', '.join(map(str, repeated))} appear more than once; "
                "each recommendation is kept with the number as published.",
                recommendations[0].ref,
            )

    def add_problems(self, problems: list[str]):
        self.notes += conversion_notes(problems)

    def _rated_standard(self, parsed: ParsedRating) -> ProgrammeStandard | None:
        standard = self.standards.find(parsed.name)
        if standard is None:
            standard = self.standards.find(parsed.code)
            self._unmatched(
                f"{parsed.code} {parsed.name}: not a standard of the programme",
                f"it is rated as {standard.code} {standard.name}, by its number"
                if standard
                else "its rating is left out",
                parsed.ref,
            )
        return standard

    def _statement(self, standard: ProgrammeStandard, statement: str, section: str):
        if not statement:
            return
        if standard.statement is None:
            self.statements.append(Statement(standard, statement))
        else:
            self._compare_wording(
                f"standard {standard.code}",
                statement,
                standard.statement,
                "the standard's statement",
                section,
            )

    def _compare_wording(
        self, what: str, text: str, recorded: Wording, kept_as: str, section: str | SourceRef
    ):
        # Only other words are noted: case, spacing and '&' vary with a PDF's layout.
        if normalise_name(text) != normalise_name(recorded.text):
            self._note(
                NOTE.WORDING,
                f"{self.label} words {what} as {text!r}; {recorded.source} words it "
                f"{recorded.text!r}, which is kept as {kept_as}.",
                section,
                recorded.document,
            )

    def _section(self, finding: ParsedFinding) -> Section:
        """A standard's section where the heading is the standard, by code or by name."""
        key = (finding.section, finding.standard_code)
        if key not in self._sections:
            standard = self.standards.find(finding.standard_code or finding.section)
            if standard is None and finding.standard_code:
                self._unmatched(
                    f"Findings under {finding.section!r}: no standard {finding.standard_code}",
                    "they are filed under the heading",
                    finding.ref,
                )
            self._sections[key] = Section.of(standard) if standard else Section(finding.section)
        return self._sections[key]

    def _addressees(self, parsed: ParsedRecommendation) -> list[str]:
        """The body a recommendation is addressed to, then any addressed jointly with it."""
        slug = self.names.find(parsed.addressee)
        if slug is not None:
            return [slug]
        parts = [part for part in re.split(r"\s+and\s+", parsed.addressee) if part]
        slugs = [self.names.find(part) for part in parts]
        if len(slugs) > 1 and all(slugs):
            return slugs
        self._unmatched(
            f"Recommendation {parsed.number}: the addressee {parsed.addressee!r} is not known",
            "it is filed under the PDU, to be corrected in review",
            parsed.ref,
        )
        return [self.body]

    def _unmatched(self, problem: str, instead: str, where: str | SourceRef = ""):
        if self.strict:
            raise Unmatched(problem)
        self._note(NOTE.OTHER, f"{problem}; {instead}.", where)

    def _note(
        self, kind: str, description: str, where: str | SourceRef, compared: int | None = None
    ):
        """A note about `where`: a section heading, or the place of the record it is about."""
        if isinstance(where, SourceRef):
            self.notes.append(Note(kind, description, where.section, compared, where.line))
        else:
            self.notes.append(Note(kind, description, where, compared))


def pdu_report_records(
    report: ParsedPDUReport,
    *,
    label: str,
    body: str,
    body_name: str,
    standards: Standards,
    names: BodyNames,
    strict: bool,
) -> ReportRecords:
    """The records a PDU report makes for its inspection of the PDU `body` (its slug)."""
    records = ReportRecords(label, standards, names, body=body, strict=strict)
    records.inspection = {
        "title": report.title or f"An inspection of probation services: {body_name}",
        "fieldwork_start": report.fieldwork_start,
        "fieldwork_start_precision": "day",
        "published": report.published,
        "published_precision": "month",
        "lead_inspector": report.lead_inspector or "",
        "cases_inspected": report.cases_inspected,
        "practitioner_interviews": report.practitioner_interviews,
        "score": report.score,
        "max_score": report.max_score,
        "overall_rating": RATINGS[report.overall_rating] if report.overall_rating else "",
    }
    records.add_ratings(report.ratings, {o.code: o.reason for o in report.overrides})
    records.add_statements(report.statements, rated={rating.code for rating in report.ratings})
    records.add_key_questions(report.key_questions)
    records.add_findings(report.findings)
    records.add_recommendations(report.recommendations)
    records.add_problems(report.problems)
    return records
