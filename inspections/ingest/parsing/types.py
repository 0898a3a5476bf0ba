"""Plain records that the parsers return.

Text fields hold what the document published, cleaned only of PDF-conversion
damage (hyphen-free line wraps, page headers, footnote marks). Codes and names
are kept as published; mapping them to canonical standards is the builder's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

STRENGTH = "strength"
IMPROVEMENT = "improvement"
OTHER = "other"

# The points each rating scores in a published score ("Score 9/24"): the parsers use them
# only to flag a published score that the published ratings do not add up to. The domain's
# own table is ratings/rules.py's POINTS; this package imports nothing of the app.
RATING_POINTS = {"Outstanding": 3, "Good": 2, "Requires improvement": 1, "Inadequate": 0}


class ParseError(ValueError):
    """The text is not the kind of document the parser reads."""


@dataclass(frozen=True)
class SourceRef:
    """Where a fact sits in its document: the section heading and first line (1-based)."""

    section: str
    line: int


@dataclass
class ParsedRating:
    code: str | None  # as published, e.g. "2.2"; the regional annex may differ from the report
    name: str  # as published, e.g. "Assessment"
    rating: str  # "Outstanding", "Good", "Requires improvement", "Inadequate" or "Not inspected"
    ref: SourceRef
    statement: str = ""  # the standard's statement, where the document gives it


@dataclass
class ParsedOverride:
    """Inspectors' published departure from the usual rating rule."""

    code: str
    reason: str
    ref: SourceRef


@dataclass
class ParsedKeyQuestion:
    standard_code: str  # as published, e.g. "2.2" or "2.6" (outcomes)
    text: str
    percent_yes: Decimal
    ref: SourceRef


@dataclass
class ParsedFinding:
    section: str  # e.g. "1.1 Leadership", "Resettlement work", "Staff"
    standard_code: str | None  # e.g. "1.1"; None for sections outside the standards
    kind: str  # STRENGTH, IMPROVEMENT or OTHER
    text: str
    order: int  # position within the document, from 1
    ref: SourceRef


@dataclass
class ParsedRecommendation:
    number: int  # as published (may repeat: see Newham in the regional annex)
    addressee: str  # as published, without "should:", e.g. "London region"
    text: str
    ref: SourceRef


@dataclass
class ParsedPDUReport:
    """One full report of the PDU inspection programme."""

    title: str
    pdu_name: str  # as published in the ratings table, e.g. "Lambeth PDU"
    published: date | None  # first of the month given on the cover, if any
    lead_inspector: str | None
    fieldwork_start: date | None
    cases_inspected: int | None
    practitioner_interviews: int | None
    score: int | None
    max_score: int | None
    overall_rating: str | None
    ratings: list[ParsedRating] = field(default_factory=list)
    overrides: list[ParsedOverride] = field(default_factory=list)
    key_questions: list[ParsedKeyQuestion] = field(default_factory=list)
    findings: list[ParsedFinding] = field(default_factory=list)
    recommendations: list[ParsedRecommendation] = field(default_factory=list)
    # Each standard's statement by code, including standards that are reported but not rated.
    statements: dict[str, str] = field(default_factory=dict)
    # What the parser looked for and could not read: shown to the admin, never guessed.
    problems: list[str] = field(default_factory=list)
