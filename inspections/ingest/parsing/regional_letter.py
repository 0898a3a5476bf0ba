"""Parser for HMIP's letter to a Regional Probation Director.

After inspecting every PDU of a region, HMIP writes to the region's director: a header
(date, recipient, cc list), regional findings under headings of its own (Leadership,
Staff, Unpaid work, ...), a sign-off, then annexe one (each PDU inspection's
recommendations, grouped by addressee) and annexe two (each PDU's ratings and score).

The text comes from PDF conversion. The repairs made here are the ones that conversion
needs: footnote marks glued to words, footnote lines dropped into the middle of a
paragraph, and paragraphs split by a page break. Everything else is kept as published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from .dates import MONTH, MONTH_YEAR, first_of_month
from .types import (
    IMPROVEMENT,
    OTHER,
    RATING_POINTS,
    STRENGTH,
    ParsedFinding,
    ParsedRating,
    ParsedRecommendation,
    ParseError,
    SourceRef,
)

_EXPECTED = "expected an HM Inspectorate of Probation letter to a Regional Probation Director"


@dataclass
class ParsedRecommendationBlock:
    """The recommendations of one PDU inspection, as annexe one lists them."""

    pdu: str  # the block's first addressee as published, e.g. "HFKCW" or "Lambeth PDU"
    recommendations: list[ParsedRecommendation]
    ref: SourceRef


@dataclass
class ParsedAnnexRatings:
    """One PDU's ratings as annexe two publishes them."""

    pdu_name: str  # as published, e.g. "Newham PDU"
    score: int | None
    max_score: int | None
    fieldwork_start: date | None  # first of the month published
    overall_rating: str | None
    ratings: list[ParsedRating]  # codes as published: the annexe may number 2.1-2.4
    ref: SourceRef


@dataclass
class ParsedRegionalLetter:
    letter_date: date | None
    region: str | None  # e.g. "London", from "The Probation Service – London region"
    recipient: str | None  # as published, e.g. "Kilvinder Vigurs, Regional Probation Director"
    lead_inspector: str | None
    signatory: str | None
    signatory_role: str | None
    inspected_pdus: list[str] = field(default_factory=list)  # as named in the opening
    findings: list[ParsedFinding] = field(default_factory=list)
    recommendations: list[ParsedRecommendationBlock] = field(default_factory=list)
    annex_ratings: list[ParsedAnnexRatings] = field(default_factory=list)
    # What the parser looked for and could not read: shown to the admin, never guessed.
    problems: list[str] = field(default_factory=list)


Line = tuple[int, str]  # 1-based line number, text

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FOOTNOTE_MARK = re.compile(rf"(?<=\S)[{_SUPERSCRIPTS}]+")
_FOOTNOTE_LINE = re.compile(rf"^[{_SUPERSCRIPTS}]+\s")
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_BULLET = re.compile(r"^[-•●▪◦*]\s+")
# A paragraph ends at terminal punctuation, possibly followed by closing quotes or brackets.
_TERMINATED = re.compile(r"[.!?:;][\"'’”)\]]*$")

_DATE = re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)?\s+{MONTH}\s+(\d{{4}})$")
_SALUTATION = re.compile(r"^Dear\s+\S")
_SIGN_OFF = re.compile(r"^Yours\s+(?:sincerely|faithfully)\b", re.IGNORECASE)
_ANNEX_ONE = re.compile(r"^Annexe?\s+(?:one|1)\b", re.IGNORECASE)
_ANNEX_TWO = re.compile(r"^Annexe?\s+(?:two|2)\b", re.IGNORECASE)
_LEAD_INSPECTOR = re.compile(r"^(?P<name>.+?),\s*Lead Inspector\b", re.IGNORECASE)
_NAME = re.compile(r"^(?:(?:Dr|Sir|Dame|Mr|Mrs|Ms)\.?\s)?[A-Z][\w'’-]+(?:\s[A-Z][\w'’.-]+){1,3}$")

_KIND_HEADING = re.compile(
    r"^(?:key\s+)?(?P<kind>strengths?|(?:areas?|points?)\s+for\s+(?:improvement|development))"
    r"\s*:?$",
    re.IGNORECASE,
)
_SECTION_HEADING = re.compile(r"^[A-Z][A-Za-z'’,&()/ –-]*[A-Za-z)]$")
_MAX_HEADING_WORDS = 8
# The letter's closing paragraph points to the annexes: a formality, not a finding.
_CLOSING_FORMALITY = re.compile(r"\bset out in annexe?\b", re.IGNORECASE)

_ADDRESSEE = re.compile(r"^(?P<addressee>[A-Z].*?)\s+should:?$")
_NUMBERED = re.compile(r"^(?:[-•]\s*)?(?P<number>\d{1,2})\.\s+(?P<text>\S.*)$")

_RATINGS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires improvement": "Requires improvement",
    "inadequate": "Inadequate",
    "not inspected": "Not inspected",
}
_RATING_WORDS = "|".join(_RATINGS)
_RATING_SUFFIX = re.compile(rf"^(?P<name>.+?)\s+(?P<rating>{_RATING_WORDS})$", re.IGNORECASE)
_SCORE_CELL = re.compile(r"^Score\b\s*(?P<value>.*)$", re.IGNORECASE)
_SCORE_VALUE = re.compile(r"^(?P<score>\d+)\s*/\s*(?P<max>\d+)$")
_FIELDWORK_CELL = re.compile(r"^Fieldwork\s+(?:started|start|began)\b\s*(?P<value>.*)$", re.I)
_OVERALL_CELL = re.compile(r"^Overall rating\b\s*(?P<value>.*)$", re.IGNORECASE)
_DOMAIN_CELL = re.compile(r"^\d\.\s+\D")
_STANDARD_CELL = re.compile(r"^(?P<code>\d\.\d{1,2})\b\s*(?P<rest>.*)$")
# Table cells glued together by the conversion: split before each label.
_GLUED_LABEL = re.compile(r"(?<!^)(?=Score\b|Fieldwork started\b|Overall rating\b)")


def parse_regional_letter(text: str) -> ParsedRegionalLetter:
    """Read a regional letter; raise ParseError if the text is not one."""
    lines = _lines(text)
    parts = _Parts.find(lines)
    problems: list[str] = []
    blocks = _blocks(parts.body)
    letter = ParsedRegionalLetter(
        letter_date=_letter_date(parts.header, problems),
        region=_search_blocks(blocks, _REGION),
        recipient=_recipient(parts.header, problems),
        lead_inspector=_lead_inspector(parts.header, problems),
        signatory=None,
        signatory_role=None,
        inspected_pdus=_inspected_pdus(blocks, problems),
        findings=_findings(blocks, problems),
        problems=problems,
    )
    letter.signatory, letter.signatory_role = _signatory(parts.closing, problems)
    if parts.annex_one:
        letter.recommendations = _recommendations(parts.annex_one, problems)
    else:
        problems.append("annexe one (recommendations) not found")
    if parts.annex_two:
        letter.annex_ratings = _annex_ratings(parts.annex_two, problems)
    else:
        problems.append("annexe two (PDU ratings) not found")
    return letter


def _lines(text: str) -> list[Line]:
    """Number the lines and strip footnote marks glued to words."""
    raw = re.split(r"\r\n|\r|\n", text)
    return [(number, _FOOTNOTE_MARK.sub("", line).strip()) for number, line in enumerate(raw, 1)]


@dataclass
class _Parts:
    header: list[Line]  # up to the salutation
    body: list[Line]  # salutation to sign-off
    closing: list[Line]  # sign-off to the annexes
    annex_one: list[Line]  # recommendations, from the heading
    annex_two: list[Line]  # ratings, from the heading

    @classmethod
    def find(cls, lines: list[Line]) -> _Parts:
        salutation = _first(lines, _SALUTATION)
        if salutation is None or not any(
            "Regional Probation Director" in text for _, text in lines[:salutation]
        ):
            raise ParseError(f"{_EXPECTED}: found no recipient and 'Dear ...' salutation")
        annex_one = _first(lines, _ANNEX_ONE, salutation)
        annex_two = _first(lines, _ANNEX_TWO, salutation)
        end_of_letter = min(i for i in (annex_one, annex_two, len(lines)) if i is not None)
        sign_off = _first(lines[:end_of_letter], _SIGN_OFF, salutation)
        body_end = sign_off if sign_off is not None else end_of_letter
        return cls(
            header=lines[:salutation],
            body=lines[salutation:body_end],
            closing=lines[body_end:end_of_letter],
            annex_one=_annex(lines, annex_one, annex_two),
            annex_two=_annex(lines, annex_two, annex_one),
        )


def _first(lines: list[Line], pattern: re.Pattern[str], start: int = 0) -> int | None:
    return next((i for i in range(start, len(lines)) if pattern.search(lines[i][1])), None)


def _annex(lines: list[Line], start: int | None, other: int | None) -> list[Line]:
    """The annex's lines including its heading, up to the other annex if that follows."""
    if start is None:
        return []
    end = other if other is not None and other > start else len(lines)
    return lines[start:end]


# --- header, opening and closing -----------------------------------------------------------

_REGION = re.compile(r"The Probation Service\s*[–—-]\s*(?P<value>.+?)\s+region\b")
_INSPECTED = re.compile(
    r"inspection of:?\s*(?P<value>.+?)\s+(?:Probation Delivery Units|PDUs)\b", re.IGNORECASE
)


def _letter_date(header: list[Line], problems: list[str]) -> date | None:
    for _, text in header:
        if match := _DATE.match(text):
            return datetime.strptime(" ".join(match.groups()), "%d %B %Y").date()
    problems.append("letter date not found in the header")
    return None


def _recipient(header: list[Line], problems: list[str]) -> str | None:
    for _, text in header:
        if "Regional Probation Director" in text:
            return re.sub(r"^To:\s*", "", text)
    problems.append("recipient not found in the header")
    return None


def _lead_inspector(header: list[Line], problems: list[str]) -> str | None:
    for _, text in header:
        if match := _LEAD_INSPECTOR.match(text):
            return match["name"]
    problems.append("lead inspector not found in the cc list")
    return None


def _signatory(closing: list[Line], problems: list[str]) -> tuple[str | None, str | None]:
    """The first name-like line after the sign-off, and the line under it as the role."""
    texts = [text for _, text in closing if text and not _SIGN_OFF.match(text)]
    for index, text in enumerate(texts):
        if _NAME.match(text):
            role = texts[index + 1] if index + 1 < len(texts) else None
            return text, role
    problems.append("signatory not found after the sign-off")
    return None, None


def _search_blocks(blocks: list[_Block], pattern: re.Pattern[str]) -> str | None:
    for block in blocks:
        if match := pattern.search(block.text):
            return match["value"]
    return None


def _inspected_pdus(blocks: list[_Block], problems: list[str]) -> list[str]:
    """The PDUs listed in the opening, e.g. "...inspection of: A (X); B; and C PDUs in..."."""
    listing = _search_blocks(blocks, _INSPECTED)
    if listing is None:
        problems.append("list of inspected PDUs not found in the opening paragraph")
        return []
    # Names contain commas ("Barking, Dagenham and Havering"), so semicolons separate them
    # when there are any; otherwise fall back to commas.
    separator = ";" if ";" in listing else ","
    names = [re.sub(r"^and\s+", "", name.strip()) for name in listing.split(separator)]
    return [name for name in names if name]


# --- regional findings ---------------------------------------------------------------------


@dataclass
class _Block:
    """A heading, bullet or prose paragraph, its PDF line breaks rejoined."""

    kind: str  # "heading", "bullet" or "text"
    line: int
    text: str

    def is_open(self) -> bool:
        """Left without closing punctuation, as a paragraph cut by a page break is."""
        return not _TERMINATED.search(self.text)


def _blocks(lines: list[Line]) -> list[_Block]:
    blocks: list[_Block] = []
    gap = False  # a blank line since the last text
    page_break = False  # a footnote or page number since the last text
    for index, (number, text) in enumerate(lines):
        if not text:
            gap = True
            continue
        if _FOOTNOTE_LINE.match(text) or _PAGE_NUMBER.match(text):
            page_break = True
            continue
        if _BULLET.match(text):
            blocks.append(_Block("bullet", number, _BULLET.sub("", text)))
        elif _is_heading(text, lines, index):
            blocks.append(_Block("heading", number, text.rstrip(":").strip()))
        elif blocks and _continues(blocks[-1], text, gap, page_break):
            blocks[-1].text += " " + text
        else:
            blocks.append(_Block("text", number, text))
        gap = page_break = False
    return blocks


def _continues(previous: _Block, text: str, gap: bool, page_break: bool) -> bool:
    """Whether a line carries on the previous paragraph or bullet.

    Consecutive lines are one paragraph wrapped. Across a blank line, a paragraph left
    without closing punctuation carries on when the line starts in lower case or a page
    break (seen as footnotes) intervened: "...across the six" [footnote] "PDUs and ...".
    """
    if previous.kind == "heading":
        return False
    if not gap and not page_break:
        return True
    return previous.is_open() and (text[0].islower() or page_break)


def _is_heading(text: str, lines: list[Line], index: int) -> bool:
    """A short title-like line standing alone between blank lines."""
    if _KIND_HEADING.match(text):
        return True
    if len(text.split()) > _MAX_HEADING_WORDS or not _SECTION_HEADING.match(text):
        return False
    before = lines[index - 1][1] if index > 0 else ""
    after = lines[index + 1][1] if index + 1 < len(lines) else ""
    return not before and not after


def _findings(blocks: list[_Block], problems: list[str]) -> list[ParsedFinding]:
    findings: list[ParsedFinding] = []
    section: str | None = None
    kind = OTHER
    for block in blocks:
        if block.kind == "heading":
            if match := _KIND_HEADING.match(block.text):
                kind = _kind(match["kind"])
            else:
                section, kind = block.text, OTHER
        elif section is not None and not _CLOSING_FORMALITY.search(block.text):
            # Only headings change the kind: a blank line inside a list of strengths does not.
            findings.append(
                ParsedFinding(
                    section=section,
                    standard_code=None,
                    kind=kind,
                    text=block.text,
                    order=len(findings) + 1,
                    ref=SourceRef(section, block.line),
                )
            )
    if not findings:
        problems.append("no regional findings found (expected headings such as 'Leadership')")
    return findings


def _kind(heading: str) -> str:
    return STRENGTH if heading.lower().startswith("strength") else IMPROVEMENT


# --- annexe one: recommendations -----------------------------------------------------------


def _recommendations(annex: list[Line], problems: list[str]) -> list[ParsedRecommendationBlock]:
    """Group the numbered recommendations by PDU inspection.

    Numbering restarts at 1 for each PDU and runs on across its addressees (the PDU, the
    region, HMPPS, a provider), so a block starts at an addressee whose first number is 1.
    Newham's repeated 6 and 7 therefore stay in Newham's block.
    """
    (_, heading), *lines = annex
    blocks: list[ParsedRecommendationBlock] = []
    addressee: Line | None = None  # line number and name of the current addressee
    group_started = False  # the current addressee already has a recommendation
    last: ParsedRecommendation | None = None
    for number, text in lines:
        if not text or _FOOTNOTE_LINE.match(text) or _PAGE_NUMBER.match(text):
            continue
        numbered = _NUMBERED.match(text)
        if numbered and addressee is not None:
            if not group_started and (numbered["number"] == "1" or not blocks):
                ref = SourceRef(heading, addressee[0])
                blocks.append(ParsedRecommendationBlock(addressee[1], [], ref))
            group_started = True
            ref = SourceRef(heading, number)
            last = ParsedRecommendation(
                int(numbered["number"]), addressee[1], numbered["text"], ref
            )
            blocks[-1].recommendations.append(last)
        elif match := _ADDRESSEE.match(text):
            addressee, group_started, last = (number, match["addressee"]), False, None
        elif last is not None:
            last.text += " " + text  # a recommendation wrapped onto the next line
        elif addressee is not None or numbered:
            problems.append(f"annexe one, line {number}: unrecognised text {text[:60]!r}")
    if not blocks:
        problems.append("no recommendations found in annexe one")
    return blocks


# --- annexe two: ratings -------------------------------------------------------------------


Cell = tuple[int, str]  # line number, text of one table cell


def _cells(lines: list[Line]) -> list[Cell]:
    """Split the flattened ratings tables back into cells.

    The conversion glues cells ("Ealing and Hillingdon PDUScore **3/27**Fieldwork ...",
    "Overall rating**Inadequate**") or puts a table row on one line, with tabs or spaces
    between cells. A row's cells stay together ("1.1 Leadership Requires improvement"):
    splitting at tabs would part a code from its name.
    """
    cells: list[Cell] = []
    for number, text in lines:
        if _FOOTNOTE_LINE.match(text) or _PAGE_NUMBER.match(text):
            continue
        for part in re.split(r"\*\*|\n", _GLUED_LABEL.sub("\n", text.replace("\t", " "))):
            if part.strip():
                cells.append((number, part.strip()))
    return cells


def _rating(text: str) -> str | None:
    return _RATINGS.get(" ".join(text.lower().split()))


def _is_name(cell: str) -> bool:
    """A PDU name, as opposed to a label, a rating, an introductory sentence or a link."""
    labels = (_STANDARD_CELL, _SCORE_CELL, _OVERALL_CELL, _FIELDWORK_CELL, _SCORE_VALUE)
    prose = cell.endswith((".", ":")) or "](" in cell or "http" in cell
    return not (prose or _rating(cell) or any(label.match(cell) for label in labels))


class _AnnexTwoReader:
    """Reads the cells in order; a label may hold its value or leave it to the next cell."""

    def __init__(self, section: str, problems: list[str]) -> None:
        self.section = section
        self.problems = problems
        self.pdus: list[ParsedAnnexRatings] = []
        self.awaiting: str | None = None  # "score", "overall", "name" or "rating"
        self.code = ""  # the standard being read: code, its line, name
        self.code_line = 0
        self.name = ""

    def read(self, number: int, cell: str) -> None:
        if self.awaiting and self._fill(cell):
            return
        if self.awaiting:
            self._problem(number, f"expected a {self.awaiting} but found {cell!r}")
            self.awaiting = None
        self._label(number, cell)

    def finish(self) -> list[ParsedAnnexRatings]:
        if self.awaiting:
            self._problem(None, f"expected a {self.awaiting} at the end of annexe two")
        for pdu in self.pdus:
            self._check(pdu)
        if not self.pdus:
            self.problems.append("no PDU ratings found in annexe two")
        return self.pdus

    def _fill(self, cell: str) -> bool:
        """Take the value that an earlier label left to this cell, if it fits."""
        pdu = self.pdus[-1]
        if self.awaiting == "score" and (match := _SCORE_VALUE.match(cell)):
            pdu.score, pdu.max_score = int(match["score"]), int(match["max"])
        elif self.awaiting == "overall" and (rating := _rating(cell)):
            pdu.overall_rating = rating
        elif self.awaiting == "rating" and (rating := _rating(cell)):
            self._add_rating(rating)
        elif self.awaiting == "name" and not _rating(cell):
            self._standard_name(cell)
            return True
        else:
            return False
        self.awaiting = None
        return True

    def _label(self, number: int, cell: str) -> None:
        if _DOMAIN_CELL.match(cell):
            return  # "1. Organisational delivery": a grouping, not a rating
        if not self.pdus:
            if _is_name(cell):
                self._start_pdu(number, cell)
            return  # otherwise the annexe's introduction
        if match := _STANDARD_CELL.match(cell):
            self.code, self.code_line = match["code"], number
            if match["rest"]:
                self._standard_name(match["rest"])
            else:
                self.awaiting = "name"
        elif match := _SCORE_CELL.match(cell):
            self._value_or_wait(number, "score", match["value"])
        elif match := _OVERALL_CELL.match(cell):
            self._value_or_wait(number, "overall", match["value"])
        elif match := _FIELDWORK_CELL.match(cell):
            self._fieldwork(number, match["value"])
        elif _is_name(cell):
            self._start_pdu(number, cell)
        else:
            self._problem(number, f"unexpected text {cell[:60]!r}")

    def _start_pdu(self, number: int, name: str) -> None:
        ref = SourceRef(self.section, number)
        self.pdus.append(ParsedAnnexRatings(name, None, None, None, None, [], ref))

    def _value_or_wait(self, number: int, label: str, value: str) -> None:
        self.awaiting = label
        if value and not self._fill(value):
            self._problem(number, f"unreadable {label} {value!r}")
            self.awaiting = None

    def _fieldwork(self, number: int, value: str) -> None:
        if match := MONTH_YEAR.search(value):
            self.pdus[-1].fieldwork_start = first_of_month(match)
        else:
            self._problem(number, f"unreadable fieldwork month {value!r}")

    def _standard_name(self, text: str) -> None:
        """A standard's name, with its rating when both sit in one cell."""
        match = _RATING_SUFFIX.match(text)
        self.name = match["name"] if match else text
        self.awaiting = None if match else "rating"
        if match:
            self._add_rating(_rating(match["rating"]))

    def _add_rating(self, rating: str) -> None:
        ref = SourceRef(self.section, self.code_line)
        self.pdus[-1].ratings.append(ParsedRating(self.code, self.name, rating, ref))

    def _check(self, pdu: ParsedAnnexRatings) -> None:
        """Report missing values and a score that disagrees with the ratings published."""
        for label, value in (
            ("score", pdu.score),
            ("fieldwork month", pdu.fieldwork_start),
            ("overall rating", pdu.overall_rating),
        ):
            if value is None:
                self.problems.append(f"annexe two, {pdu.pdu_name}: {label} not found")
        rated = [r.rating for r in pdu.ratings if r.rating in RATING_POINTS]
        if not rated:
            self.problems.append(f"annexe two, {pdu.pdu_name}: no standard ratings found")
            return
        points = sum(RATING_POINTS[r] for r in rated)
        if pdu.score is not None and pdu.score != points:
            self.problems.append(
                f"annexe two, {pdu.pdu_name}: score {pdu.score} differs from the ratings' {points}"
            )
        if pdu.max_score is not None and pdu.max_score != 3 * len(rated):
            self.problems.append(
                f"annexe two, {pdu.pdu_name}: maximum {pdu.max_score} does not match "
                f"{len(rated)} rated standards"
            )

    def _problem(self, number: int | None, message: str) -> None:
        where = self.pdus[-1].pdu_name if self.pdus else "before the first PDU"
        line = f", line {number}" if number is not None else ""
        self.problems.append(f"annexe two, {where}{line}: {message}")


def _annex_ratings(annex: list[Line], problems: list[str]) -> list[ParsedAnnexRatings]:
    (_, heading), *lines = annex
    reader = _AnnexTwoReader(heading, problems)
    for number, cell in _cells(lines):
        reader.read(number, cell)
    return reader.finish()
