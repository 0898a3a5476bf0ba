"""Parser for the reports of HMIP's PDU inspection programme (text converted from PDF).

Entry point: :func:`parse_pdu_report`. It reads the cover facts, the ratings table, the
recommendations, and each standard's statement, key-question table and findings, and lists
in ``problems`` whatever it expected and could not read. Layouts vary across HMIP's report
series, so the rules below describe the format family, not one file.

Repairs (conversion damage only; everything else is kept as published)
-----------------------------------------------------------------------
- The text is cleaned first (:func:`.text.clean_text`: C1 controls read as Windows-1252,
  form feeds dropped, line endings normalised); its notes open ``problems``. Trailing spaces
  are dropped.
- Page furniture is dropped, as the document itself shows it: the running title
  ("Inspection of probation services: ..." printed on several pages or with a page number
  before or after it), any short line printed with two page numbers or more ("Lambeth PDU
  12"), page-number lines, lone URL lines (footnote link targets). Furniture known only by
  its page numbers is reported. A running title or name glued into a line of text is cut
  out of it, and reported naming the finding, statement, table or recommendation it cut.
  A footnote cut by a page footer runs on to its lower-case rest on the next page.
- Footnotes are dropped: a line opening with a superscript number, or with a plain number
  that is glued to a word elsewhere ("rating2", "services.1") when the line follows a blank
  line. A footnote runs on until a blank line, another footnote, a bullet or heading, or a
  lower-case line after its last full stop (the body's sentence resuming after the page break).
- Wrapped lines are joined with single spaces (a line ending in a hyphen is joined without
  one). A paragraph that opens in lower case, or that continues an unfinished sentence
  without opening on a capital, bullet or quotation mark, is the rest of the paragraph
  before it, cut by a page break, and is joined back to it. So is a paragraph opening on a
  capital after a page break that cut a finding mid-sentence (it ends in a letter or comma):
  reported, since a name may open a new one.
- Footnote marks are removed from extracted text: superscript digits always; a plain number
  glued after a full stop when a footnote of that number exists ("services.1"), or at the
  very end of a text after a number ("age of 25.6"). Other numbers are never touched.

Findings
--------
- A bullet takes the kind of the last "Strengths" / "Areas for improvement" heading of its
  section. A line opening with a space and a capital after a blank line is a bullet whose
  marker was lost.
- Lost "Areas for improvement" heading: in a document whose bullets follow one another
  without blank lines, a blank line between two bullets of a Strengths block (not a page
  break) ends the block, and the bullets after it are areas for improvement. This is
  reported once in ``problems``.
- A page break between two strengths of such a document may hide that blank line: where no
  "Areas for improvement" heading follows, this is reported.
- A prose paragraph after page furniture read as an OTHER finding is reported: it may be the
  rest of the finding before it.
- Bullets of a section with no kind heading before them are areas for improvement when the
  section has no "Strengths" heading at all, otherwise OTHER; a problem names the section.
- A prose paragraph right after a kind heading is a finding of that kind (its marker was
  lost). Later prose paragraphs and quotations are OTHER. Prose before a section's first
  finding (the "Overview" of the feedback section) introduces the section: not a finding.
- Never findings: the standard's statement, rating words, override paragraphs, "Our rating
  for ... is based on ..." and "... is rated as ... as the lowest score ..." paragraphs (whole
  paragraph), key-question tables, "We do not currently rate ...", "... standard was not
  inspected ...", footnotes.

Sections
--------
A standard's content belongs to the last standard named before it: by its heading ("2.2.
Assessment") or by an "Our rating for assessment is based on ..." paragraph, because some
layouts print the heading box after the content. Other finding sections are known by name
("Resettlement work", "Feedback from people on probation", "Diversity and inclusion", ...)
or by being a title line followed by a Strengths / Areas for improvement heading. A court
work standard that was not inspected, under the domain heading without a "2.1" heading of
its own, is recorded as "2.1 Court work", "Not inspected".

Recommendations without their heading are read from the first "<addressee> should:" line
followed by a numbered item, and reported. Whatever is missing is reported by name: no
ratings table, no key-question percentages, no recommendations.

A text with neither a ratings table nor any rated standard section is not a PDU report
(a recommendations list alone is not enough: other report series have one too), and nor is
a text with several "Score n/m" tables (the regional letter's annex): both raise ParseError.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .dates import MONTH, month_number
from .text import clean_text
from .types import (
    IMPROVEMENT,
    OTHER,
    RATING_POINTS,
    STRENGTH,
    ParsedFinding,
    ParsedKeyQuestion,
    ParsedOverride,
    ParsedPDUReport,
    ParsedRating,
    ParsedRecommendation,
    ParseError,
    SourceRef,
)

NOT_INSPECTED = "Not inspected"
_RATING_NAMES = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires improvement": "Requires improvement",
    "inadequate": "Inadequate",
    "not inspected": NOT_INSPECTED,
    "not applicable": NOT_INSPECTED,
    "n/a": NOT_INSPECTED,
}
_RATING = r"Outstanding|Good|Requires\s+improvement|Inadequate"
_ANY_RATING = _RATING + r"|Not\s+inspected|Not\s+applicable|N/A"

# The PDU programme's standards, used when a report names a standard only in prose
# ("Our rating for assessment ...") and its ratings table cannot be read.
_PROGRAMME_STANDARDS = {
    "1.1": "Leadership",
    "1.2": "Staff",
    "1.3": "Services",
    "1.4": "Information and facilities",
    "2.1": "Court work",
    "2.2": "Assessment",
    "2.3": "Planning",
    "2.4": "Implementation and delivery",
    "2.5": "Reviewing",
    "2.6": "Outcomes",
}
_KNOWN_DOMAINS = {"organisational delivery", "court work and case supervision"}
_TOP_HEADINGS = {
    "foreword",
    "contents",
    "acknowledgements",
    "the role of hm inspectorate of probation",
    "ratings",
    "recommendations",
    "background",
    "executive summary",
    "summary",
    "introduction",
    "methodology",
    "glossary",
}
_FINDING_SECTIONS = {
    "resettlement work",
    "feedback from people on probation",
    "diversity and inclusion",
    "equality, diversity and inclusion",
    "unpaid work",
    "accredited programmes",
    "victim work",
    "serious further offences",
}

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT_DIGITS = str.maketrans(_SUPERSCRIPTS, "0123456789")
_SUPERSCRIPT_MARK_RE = re.compile(f"[{_SUPERSCRIPTS}]+")
# Plain-digit marks after a full stop: "services.1 Next"; after a number ("25.6") only at the
# very end of a text, since anywhere else it may be a decimal.
_MARK_AFTER_WORD_RE = re.compile(r"(?<=[A-Za-z)\]’'\"”%])\.(\d{1,2})(?=\s|$)")
_MARK_AFTER_NUMBER_RE = re.compile(r"(?<=\d)\.(\d{1,2})$")
_MARK_AFTER_COMMA_RE = re.compile(r"(?<=[A-Za-z]),(\d{1,2})(?=\s)")
_BULLET_RE = re.compile(r"^\s*[-•–▪●◦*]\s+")
_LOST_BULLET_RE = re.compile(r"^\s+[A-Z]")
_NUMBERED_RE = re.compile(r"^\s*(?:[-•–]\s*)?(\d{1,2})[.)]\s+(.*)$", re.DOTALL)
_OPENING_QUOTE = "\"“‘'"
_CLOSING = "\"”’')]"
_SENTENCE_END = ".!?:;"
_NAME = r"[A-Z][A-Za-z ,&'’()/-]*[A-Za-z)]"
_STANDARD_HEADING_RE = re.compile(rf"^([1-9])\.(\d{{1,2}})\.?\s+({_NAME})$")
_DOMAIN_HEADING_RE = re.compile(rf"^([1-9])\.\s+({_NAME})$")
_ENDS_WITH_RATING_RE = re.compile(rf"(?:{_ANY_RATING})$", re.IGNORECASE)
_KIND_HEADING_RE = re.compile(
    r"^(strengths|areas? (?:for|of) (?:improvement|development))\s*:?$", re.IGNORECASE
)
_OVERVIEW_RE = re.compile(r"^overview\s*:?$", re.IGNORECASE)
_KQ_HEADER_RE = re.compile(r"^(?:Key questions?|Outcomes)\s+Percentage\b")
_YES_ONLY_RE = re.compile(r"^\s*[\"“‘']?Yes[\"”’']?\s*$")
_KQ_ROW_RE = re.compile(r"(\S[^?%]*\?)\s*(\d{1,3}(?:\.\d+)?)\s*%")
_KQ_TABLE_PARA_RE = re.compile(r"(?:.*\?\s*)?\d{1,3}(?:\.\d+)?\s*%|.*\?", re.DOTALL)
_ADDRESSEE_RE = re.compile(r"^([A-Z].*?)\s+should\s*:$")
_OUR_RATING_RE = re.compile(
    r"^Our rating\S*\s+for\s+(?:the\s+)?(.+?)(?:\s+standard)?\s+is based on\b"
)
_RATED_AS_RE = re.compile(r"\bis rated as\b.*\blowest score\b", re.IGNORECASE | re.DOTALL)
_NOT_RATED_RE = re.compile(r"^We do not (?:currently )?rate\b", re.IGNORECASE)
_NOT_INSPECTED_RE = re.compile(r"\bstandard was not inspected\b", re.IGNORECASE)
_OVERRIDE_RE = re.compile(
    r"\bwould usually result in\b|\boverrid(?:e|es|ing|den)\s+the guidance\b", re.IGNORECASE
)
_SCORE_RE = re.compile(r"\bScore\s*:?\s*\**\s*(\d{1,2})\s*/\s*(\d{1,2})")
# The table's cells can be split anywhere, even inside "Overall".
_OVERALL_RE = re.compile(r"O\s*v\s*e\s*r\s*a\s*l\s*l\s+rating\s*:?\s*(" + _RATING + ")")
_TABLE_ROW_RE = re.compile(
    rf"(?<![\d.])([1-9]\.\d{{1,2}})\.?\s+([A-Z][A-Za-z ,&'’()-]{{0,60}}?)\s+({_ANY_RATING})\b"
)
_RUNNING_HEADER_RE = re.compile(r"^\s*(?:An\s+)?inspection of probation services\b", re.I)
_PROGRAMME_TITLE = r"(?:An\s+)?[Ii]nspection\s+of\s+probation\s+services(?:\s+in)?\s*:?\s*"
_VERSION_SUFFIX_RE = re.compile(r"\s+v\d+(?:\.\d+)*$")
_VERSION = r"(?:\s+v\d+(?:\.\d+)*)?"
_PAGE = r"(?:Page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?"
_PAGE_NUMBER_RE = re.compile(rf"^\s*{_PAGE}\s*$")
_LEADING_PAGE_RE = re.compile(rf"^({_PAGE})\s+(?=\S)")
_TRAILING_PAGE_RE = re.compile(rf"(?<=\S)\s+({_PAGE})$")
_URL_LINE_RE = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$")
_SUPERSCRIPT_FOOTNOTE_RE = re.compile(f"^\\s*([{_SUPERSCRIPTS}]+)\\s*\\S")
_PLAIN_FOOTNOTE_RE = re.compile(r"^\s*(\d{1,2})\s+[A-Z]")
_CITED_NUMBER_RE = re.compile(r"(?<=[A-Za-z.,;:)’'\"”])(\d{1,2})(?![\d/])")


def parse_pdu_report(text: str) -> ParsedPDUReport:
    """Read one PDU inspection report; raise ParseError if the text is not one."""
    if not text or not text.strip():
        raise ParseError("The text is empty: expected the text of a PDU inspection report.")
    text, problems = clean_text(text)
    raw = _raw_lines(text)
    furniture = _page_furniture(raw)
    lines, footnotes = _clean_lines(furniture)
    flat = _Joined(lines).text
    _reject_other_documents(flat)

    problems += furniture.problems()
    title = _read_title(raw, furniture, problems)
    table = _read_ratings_table(lines)
    paragraphs = _paragraphs(line for line in lines if table is None or line not in table.lines)
    body = _BodyReader(paragraphs, footnotes, table, furniture.cut, problems)
    if table:
        body.check_cuts(table.lines, "The ratings table was cut")
    body.read()
    body.check_cuts(lines, "The text was cut")
    if table is None and not body.section_ratings:
        raise ParseError(
            "Not a PDU inspection report: expected a 'Ratings' table (rows such as "
            "'1.1 Leadership Requires improvement', a score such as 'Score 3/24') or standard "
            "sections ('1.1. Leadership' followed by a rating); found neither."
        )

    score, max_score, overall = _score_and_overall(table, flat, problems)
    ratings = _assemble_ratings(table, body, problems)
    _check_score(score, max_score, ratings, problems)
    _check_key_questions(ratings, body, problems)
    _check_recommendations(body.recommendations, problems)
    return ParsedPDUReport(
        title=title,
        pdu_name=_pdu_name(table, title, body, problems),
        published=_published(raw, problems),
        lead_inspector=_lead_inspector(flat, problems),
        fieldwork_start=_fieldwork_start(flat, problems),
        cases_inspected=_count(r"\bWe inspected (\d+) cases\b", flat, "cases inspected", problems),
        practitioner_interviews=_count(
            r"\b(\d+) interviews with probation practitioners\b",
            flat,
            "practitioner interviews",
            problems,
        ),
        score=score,
        max_score=max_score,
        overall_rating=overall,
        ratings=ratings,
        overrides=body.overrides,
        key_questions=body.key_questions,
        findings=body.findings,
        recommendations=body.recommendations,
        statements=dict(body.statements),
        problems=problems,
    )


# --- Lines -------------------------------------------------------------------------------


@dataclass(eq=False)
class _Line:
    no: int  # 1-based, in the text as given
    text: str  # trailing whitespace removed
    blank_before: bool = False  # a blank or dropped line separates it from the last kept line
    page_break_before: bool = False  # page furniture or a footnote was dropped before it
    header_before: bool = False  # a header, footer, page number or URL was dropped before it


def _raw_lines(text: str) -> list[str]:
    # No-break spaces and soft hyphens are conversion artefacts.
    text = text.replace("\u00a0", " ").replace("\u00ad", "")
    return [line.rstrip() for line in text.split("\n")]


def _clean_lines(page: _PageFurniture) -> tuple[list[_Line], set[int]]:
    """Drop blank lines, page furniture and footnotes; return kept lines and footnote numbers."""
    raw, furniture = page.texts, page.dropped
    cited = _cited_numbers(
        text for text, dropped in zip(raw, furniture, strict=True) if not dropped
    )
    kept: list[_Line] = []
    footnotes: set[int] = set()
    blank = page = header = False
    i = 0
    while i < len(raw):
        text = raw[i]
        if furniture[i] or not text.strip():
            blank = True
            page = page or furniture[i]
            header = header or furniture[i]
            i += 1
            continue
        number = _footnote_number(text, after_blank=blank or not kept, cited=cited)
        if number is not None:
            footnotes.add(number)
            end = _footnote_end(raw, i, furniture)
            blank = page = True
            header = header or any(furniture[i:end])
            i = end
            continue
        kept.append(_Line(i + 1, text, blank, page, header))
        blank = page = header = False
        i += 1
    return kept, footnotes


@dataclass
class _PageFurniture:
    """Page headers and footers, page numbers and lone URLs, found in the document itself.

    A running header or footer is the report's title ("Inspection of probation services:
    Lambeth PDU"), printed on two pages or more or with a page number, or any short line
    printed with two page numbers or more ("Lambeth PDU 12"). Where one is glued into a line
    of text, it is cut out of it; the reader names the finding or table it was cut from.
    """

    texts: list[str]  # each line, less any header or footer cut out of it
    dropped: list[bool]  # lines that are furniture as a whole
    cut: dict[int, str]  # 1-based line -> the header or footer cut out of it
    learned: list[int]  # 1-based lines dropped as headers known only by their page numbers

    def problems(self) -> list[str]:
        if not self.learned:
            return []
        first = self.learned[0]
        return [
            f"{len(self.learned)} line(s) were dropped as page headers or footers, known by the "
            f"page numbers printed with them (first on line {first}: "
            f"'{' '.join(self.texts[first - 1].split())}'): check no text was lost with them."
        ]


def _page_furniture(raw: list[str]) -> _PageFurniture:
    titles, names = _running_headers(raw)
    dropped, learned = [], []
    for no, text in enumerate(raw, start=1):
        core, page = _without_page_number(text)
        title = core in titles
        name = core in names and page is not None
        dropped.append(
            title or name or bool(_PAGE_NUMBER_RE.match(text) or _URL_LINE_RE.match(text))
        )
        if (title and page is not None) or name:
            learned.append(no)
    glued = _glued_header_re(raw, names)
    texts, cut = list(raw), {}
    for i, text in enumerate(raw):
        if dropped[i] or glued is None:
            continue
        for m in reversed(list(glued.finditer(text))):
            before, after = texts[i][: m.start()], texts[i][m.end() :]
            if before.strip() or after.strip():  # a whole line is the cover's title
                texts[i] = (
                    before.rstrip() + " " + after.lstrip() if before.strip() else before + after
                )
                cut[i + 1] = " ".join(m.group().split())
    return _PageFurniture([text.rstrip() for text in texts], dropped, cut, learned)


def _without_page_number(text: str) -> tuple[str, str | None]:
    """A line's words less a page number printed before or after them, and that number."""
    words = " ".join(text.split())
    page = _LEADING_PAGE_RE.match(words) or _TRAILING_PAGE_RE.search(words)
    core = _LEADING_PAGE_RE.sub("", _TRAILING_PAGE_RE.sub("", words))
    return _VERSION_SUFFIX_RE.sub("", core), page.group(1) if page else None


def _running_headers(raw: list[str]) -> tuple[set[str], set[str]]:
    """The report's running titles (printed twice or more, or with a page number) and the
    other short lines printed with two page numbers or more."""
    unnumbered: dict[str, int] = {}
    pages: dict[str, set[str]] = {}
    for text in raw:
        if not text.strip():
            continue
        core, page = _without_page_number(text)
        if page is None:
            unnumbered[core] = unnumbered.get(core, 0) + 1
        else:
            pages.setdefault(core, set()).add(page)
    titles = {
        core
        for core in {*unnumbered, *pages}
        if _RUNNING_HEADER_RE.match(core) and (core in pages or unnumbered[core] > 1)
    }
    names = {
        core
        for core, numbers in pages.items()
        if core not in titles
        and len(numbers) > 1
        and len(core.split()) <= 10
        and core[:1].isupper()
        and not _ends_sentence(core)
        and not _is_heading_line(core)
    }
    return titles, names


def _glued_header_re(raw: list[str], names: set[str]) -> re.Pattern[str] | None:
    """A running title or name glued into a line of text, with any page number beside it.

    The title is known from the running headers or the cover ("An inspection of probation
    services in:" / "Lambeth PDU"); a name alone is cut only with a page number beside it.
    """
    titled = {_cover_name(raw)}
    for text in raw:  # a header printed once still names what to look for
        m = re.match(f"^{_PROGRAMME_TITLE}(.+)$", _without_page_number(text)[0])
        if m and len(m.group(1).split()) <= 8:
            titled.add(m.group(1))
    titled.discard("")
    page = rf"(?:(?<!\S){_PAGE}\s+)"
    patterns = []
    if titled:
        alternatives = "|".join(_words_re(name) for name in sorted(titled, key=len, reverse=True))
        patterns.append(
            rf"{page}?{_PROGRAMME_TITLE}(?:{alternatives}){_VERSION}(?:\s+{_PAGE}(?!\S))?"
        )
    if names:
        alternatives = "|".join(_words_re(name) for name in sorted(names, key=len, reverse=True))
        patterns.append(rf"{page}(?:{alternatives}){_VERSION}(?!\S)")
        patterns.append(rf"(?<!\S)(?:{alternatives}){_VERSION}\s+{_PAGE}(?!\S)")
    return re.compile("|".join(patterns)) if patterns else None


def _words_re(text: str) -> str:
    return r"\s+".join(re.escape(word) for word in text.split())


def _cover_name(raw: list[str]) -> str:
    """The PDU named by the cover's title, "An inspection of probation services in: <name>"."""
    texts = [text.strip() for text in raw if text.strip()][:40]
    for i, text in enumerate(texts):
        m = re.match(rf"{_PROGRAMME_TITLE}(.*)$", text)
        if m and text.lower().startswith("an inspection"):
            name = m.group(1) or (texts[i + 1] if i + 1 < len(texts) else "")
            return _without_page_number(name)[0]
    return ""


def _cited_numbers(texts: Iterable[str]) -> set[int]:
    """Plain numbers glued to a word or full stop, as footnote marks are after conversion."""
    return {int(m.group(1)) for text in texts for m in _CITED_NUMBER_RE.finditer(text)}


def _footnote_number(text: str, after_blank: bool, cited: set[int]) -> int | None:
    m = _SUPERSCRIPT_FOOTNOTE_RE.match(text)
    if m:
        return int(m.group(1).translate(_SUPERSCRIPT_DIGITS))
    m = _PLAIN_FOOTNOTE_RE.match(text)
    if m and after_blank and int(m.group(1)) in cited:
        return int(m.group(1))
    return None


def _footnote_end(raw: list[str], start: int, furniture: list[bool], note: str = "") -> int:
    """Index of the first line after the footnote starting at ``start``."""
    note = note or raw[start]
    i = start + 1
    while i < len(raw) and (furniture[i] or _continues_footnote(note, raw[i])):
        if not furniture[i]:
            note += " " + raw[i].strip()
        i += 1
    # A footnote cut by a page footer runs on, in lower case, on the next page.
    following = next((j for j in range(i, len(raw)) if raw[j].strip() and not furniture[j]), i)
    if (
        any(furniture[i:following])
        and not _ends_sentence(note)
        and raw[following].strip()[:1].islower()
    ):
        return _footnote_end(raw, following - 1, furniture, note)
    return i


def _continues_footnote(note: str, text: str) -> bool:
    """A footnote runs on until a blank line, another footnote, or text of the page's body."""
    stripped = text.strip()
    return bool(
        stripped
        and not _SUPERSCRIPT_FOOTNOTE_RE.match(text)
        and not _PLAIN_FOOTNOTE_RE.match(text)
        and not _BULLET_RE.match(text)
        and not _NUMBERED_RE.match(text)
        and not _is_heading_line(stripped)
        and not stripped.startswith("Our rating")
        # the body's sentence cut by the page break, resuming after the footnotes
        and not (_ends_sentence(note) and stripped[0].islower())
    )


class _Joined:
    """Lines joined into one string with single spaces, remembering each character's line."""

    def __init__(self, lines: Iterable[_Line]):
        parts: list[str] = []
        self._starts: list[int] = []
        self._numbers: list[int] = []
        offset = 0
        for line in lines:
            part = " ".join(line.text.split())
            self._starts.append(offset)
            self._numbers.append(line.no)
            parts.append(part)
            offset += len(part) + 1
        self.text = " ".join(parts)

    def line_at(self, offset: int) -> int:
        return self._numbers[bisect.bisect_right(self._starts, offset) - 1]


# --- Paragraphs --------------------------------------------------------------------------


@dataclass(eq=False)
class _Paragraph:
    lines: list[_Line]
    gap: str  # what precedes it: "none", "blank" or "page" (a page break)
    # Lines opening with a capital that were read as the rest of a sentence cut by a page
    # break: an inference the reader reports.
    run_on: list[int] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.lines[0].no

    @property
    def text(self) -> str:
        return _join_lines(line.text for line in self.lines)

    @property
    def is_bullet(self) -> bool:
        first = self.lines[0].text
        return bool(_BULLET_RE.match(first)) or (
            self.gap != "none" and bool(_LOST_BULLET_RE.match(first))
        )

    @property
    def is_quote(self) -> bool:
        return self.lines[0].text.lstrip().startswith(tuple(_OPENING_QUOTE))


def _join_lines(texts: Iterable[str]) -> str:
    joined = ""
    for text in texts:
        part = " ".join(text.split())
        if not joined:
            joined = part
        elif re.search(r"[A-Za-z]-$", joined) and part[:1].islower():
            joined += part  # "non-" + "commissioned": the hyphen is the word's own
        else:
            joined += " " + part
    return joined


def _paragraphs(lines: Iterable[_Line]) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    previous: _Line | None = None
    for line in lines:
        if previous is not None and not _starts_paragraph(line, previous):
            paragraphs[-1].lines.append(line)
        else:
            gap = "page" if line.page_break_before else "blank" if line.blank_before else "none"
            paragraph = _Paragraph([line], gap)
            if paragraphs and _continues(paragraphs[-1], paragraph):
                paragraphs[-1].lines.append(line)
            elif paragraphs and _runs_on_over_page(paragraphs[-1], paragraph):
                paragraphs[-1].lines.append(line)
                paragraphs[-1].run_on.append(line.no)
            else:
                paragraphs.append(paragraph)
        previous = line
    return paragraphs


def _starts_paragraph(line: _Line, previous: _Line) -> bool:
    text = line.text.strip()
    if _YES_ONLY_RE.match(text) and _KQ_HEADER_RE.match(previous.text.strip()):
        return False  # "Key question Percentage" / "'Yes'": one header cut in two
    return (
        line.blank_before
        or line.page_break_before
        or bool(_BULLET_RE.match(line.text) or _NUMBERED_RE.match(line.text))
        or text.startswith("Our rating")  # a standard's content, printed before its heading
        or _is_heading_line(text)
        or _is_heading_line(previous.text.strip())
        or (text.startswith(tuple(_OPENING_QUOTE)) and _ends_sentence(previous.text))
    )


def _continues(before: _Paragraph, paragraph: _Paragraph) -> bool:
    """Whether ``paragraph`` is the rest of ``before``, cut off by a page break."""
    first = paragraph.lines[0].text.strip()
    if paragraph.gap == "none" or _is_heading_line(first) or _is_heading_line(before.text):
        return False
    if first[0].islower():
        return True
    opens_new = (
        first[0].isupper()
        or first.startswith(tuple(_OPENING_QUOTE))
        or bool(_BULLET_RE.match(first) or _NUMBERED_RE.match(first))
    )
    return not opens_new and not _ends_sentence(before.text)


def _runs_on_over_page(before: _Paragraph, paragraph: _Paragraph) -> bool:
    """Whether ``paragraph``, opening with a capital, is the rest of a sentence of ``before``
    cut by a page break: a finding's words run on to a name or an acronym."""
    first = paragraph.lines[0].text.strip()
    return (
        paragraph.gap == "page"
        and first[0].isupper()
        and (before.text[-1].isalpha() or before.text[-1] in ",-–")
        and (before.is_bullet or len(before.text.split()) >= 8)
        and not _is_heading_line(first)
        and not _is_heading_line(before.text)
        and not _BULLET_RE.match(first)
        and not _NUMBERED_RE.match(first)
        and not _OUR_RATING_RE.match(first)
        and _normalise_rating(first) is None
    )


def _ends_sentence(text: str) -> bool:
    return text.rstrip().rstrip(_CLOSING)[-1:] in tuple(_SENTENCE_END)


def _is_heading_line(text: str) -> bool:
    """Lines that always stand alone as a paragraph."""
    key = _heading_key(text)
    return (
        key in _TOP_HEADINGS
        or key in _FINDING_SECTIONS
        or key.startswith("annex")
        or bool(_KIND_HEADING_RE.match(key))
        or bool(_OVERVIEW_RE.match(key))
        or bool(_KQ_HEADER_RE.match(text.strip()))
        or bool(_ADDRESSEE_RE.match(" ".join(text.split())))
        or _standard_heading(text) is not None
        or bool(_DOMAIN_HEADING_RE.match(" ".join(text.split())))
    )


def _heading_key(text: str) -> str:
    return " ".join(text.split()).rstrip(":").strip().lower()


def _standard_heading(text: str) -> tuple[str, str] | None:
    """(code, name) of a heading such as "2.2. Assessment"; ratings-table rows are not headings."""
    m = _STANDARD_HEADING_RE.match(" ".join(text.split()))
    if not m or len(m.group(3)) > 60 or _ENDS_WITH_RATING_RE.search(m.group(3)):
        return None
    return f"{m.group(1)}.{m.group(2)}", m.group(3)


def _normalise_rating(text: str) -> str | None:
    return _RATING_NAMES.get(" ".join(text.split()).lower())


# --- Ratings table -----------------------------------------------------------------------


@dataclass
class _RatingsTable:
    lines: list[_Line]
    pdu_name: str | None
    score: tuple[int, int] | None
    overall: str | None
    ratings: list[ParsedRating]


def _read_ratings_table(lines: list[_Line]) -> _RatingsTable | None:
    for i, line in enumerate(lines):
        if _heading_key(line.text) == "ratings":
            table = _parse_table(_table_lines(lines[i + 1 :]))
            if table.ratings or table.score:
                return table
    return None


def _table_lines(lines: list[_Line]) -> list[_Line]:
    """The lines after a "Ratings" heading, up to the first that cannot be part of the table."""
    rows: list[_Line] = []
    for line in lines:
        text = " ".join(line.text.split())
        if _is_heading_line(text) and not re.match(r"[1-9]\.", text):
            break
        if not _looks_like_table_line(text):
            break
        rows.append(line)
    return rows


def _looks_like_table_line(text: str) -> bool:
    words = text.split()
    return bool(
        _SCORE_RE.search(text)
        or re.search(r"rating|work started", text, re.IGNORECASE)
        or re.match(r"[1-9]\.(?:\d{1,2})?\.?\s", text)
        # the PDU's name, or a cell cut from its row ("Requires" / "improvement")
        or (len(words) <= 6 and not _ends_sentence(text))
    )


def _parse_table(rows: list[_Line]) -> _RatingsTable:
    joined = _Joined(rows)
    score = _SCORE_RE.search(joined.text)
    overall = _OVERALL_RE.search(joined.text)
    ratings = [
        ParsedRating(
            code=m.group(1),
            name=" ".join(m.group(2).split()),
            rating=_normalise_rating(m.group(3)) or m.group(3),
            ref=SourceRef("Ratings", joined.line_at(m.start(1))),
        )
        for m in _TABLE_ROW_RE.finditer(joined.text)
    ]
    return _RatingsTable(
        lines=rows,
        pdu_name=_table_pdu_name(joined.text),
        score=(int(score.group(1)), int(score.group(2))) if score else None,
        overall=_normalise_rating(overall.group(1)) if overall else None,
        ratings=ratings,
    )


def _table_pdu_name(text: str) -> str | None:
    """The name printed before "Fieldwork started"; None when that cell is garbled."""
    m = re.search(r"^(.*?)\s*Fieldwork\s+started", text)
    if not m:
        return None
    name = _OVERALL_RE.sub("", _SCORE_RE.sub("", m.group(1))).strip()
    return name if re.fullmatch(r"[A-Z][A-Za-z&,.'’ -]{1,60}", name) else None


# --- Body: recommendations, standards and finding sections -------------------------------


@dataclass
class _Section:
    name: str  # e.g. "1.1 Leadership" or "Resettlement work"
    code: str | None
    has_strengths_heading: bool = False
    has_improvements_heading: bool = False
    findings: list[ParsedFinding] = field(default_factory=list)


@dataclass
class _Context:
    """Where the reader is: reset by every heading."""

    region: str  # "other", "recommendations", "domain", "standard" or "section"
    section: _Section | None = None
    expect_statement: bool = False
    kind: str | None = None  # set by the last Strengths / Areas for improvement heading
    block_size: int = 0  # findings read since that heading
    last_was_bullet: bool = False


class _BodyReader:
    """Walks the paragraphs once, collecting everything but the cover and the ratings table."""

    def __init__(
        self,
        paragraphs: list[_Paragraph],
        footnotes: set[int],
        table: _RatingsTable | None,
        cut: dict[int, str],
        problems: list[str],
    ):
        self.paragraphs = paragraphs
        self.footnotes = footnotes
        self.problems = problems
        self.cut = dict(cut)  # each cut is reported once, by the first reader to meet it
        # Standard names as published: the ratings table's, else the standards' headings.
        self.names = {rating.code: rating.name for rating in table.ratings} if table else {}
        self.compact = _bullets_are_compact(paragraphs)
        self.context = _Context("other")
        self.sections: dict[str, _Section] = {}
        self.in_body = False
        self.domain_statement = ""
        self.addressee: str | None = None
        self.inferred_improvements: list[str] = []
        self.page_breaks_in_strengths: list[tuple[_Section, int]] = []
        self.kq_expected: set[str] = set()
        # Read from the standards' own sections:
        self.section_ratings: dict[str, tuple[str, SourceRef]] = {}
        self.statements: dict[str, str] = {}
        self.overrides: list[ParsedOverride] = []
        self.key_questions: list[ParsedKeyQuestion] = []
        self.findings: list[ParsedFinding] = []
        self.recommendations: list[ParsedRecommendation] = []

    def read(self) -> None:
        i = 0
        while i < len(self.paragraphs):
            paragraph = self.paragraphs[i]
            if not self._enter_heading(i, paragraph):
                i = self._read_paragraph(i, paragraph)
            i += 1
        self._resolve_unheaded_findings()
        for section, line in self.page_breaks_in_strengths:
            if not section.has_improvements_heading:
                self.problems.append(
                    f"{section.name}: a page break before the bullet on line {line}, among the "
                    "strengths, may hide the blank line that ends them (no 'Areas for "
                    "improvement' heading): check which bullets are strengths."
                )
        if self.inferred_improvements:
            self.problems.append(
                "No 'Areas for improvement' heading after the strengths in "
                + ", ".join(self.inferred_improvements)
                + ": the bullets after the blank line that ends the strengths were read as "
                "areas for improvement."
            )

    def check_cuts(self, lines: Iterable[_Line], what: str) -> None:
        """Report each page header or footer cut out of ``lines``, saying what it cut."""
        for line in lines:
            removed = self.cut.pop(line.no, None)
            if removed is not None:
                self.problems.append(
                    f"{what} by a page header or footer ('{removed}', removed from line "
                    f"{line.no}): check the text around it."
                )

    # Headings ----------------------------------------------------------------------------

    def _enter_heading(self, i: int, paragraph: _Paragraph) -> bool:
        if len(paragraph.lines) > 2:
            return False
        text = paragraph.text
        key = _heading_key(text)
        standard = _standard_heading(text)
        domain = _DOMAIN_HEADING_RE.match(text)
        if self._opens_unheaded_recommendations(i, text):
            self.context = _Context("recommendations")
            self.problems.append(
                f"No 'Recommendations' heading before '{text}' (line {paragraph.line}): the "
                "numbered items after it were read as recommendations."
            )
            return False  # read on as the first addressee
        if key in _TOP_HEADINGS or key.startswith("annex"):
            self.context = _Context("recommendations" if key == "recommendations" else "other")
        elif standard:
            code, name = standard
            self.names.setdefault(code, name)
            self._enter_section(self._section(code), expect_statement=True)
        elif domain and (
            self.context.region != "recommendations" or key.split(" ", 1)[1] in _KNOWN_DOMAINS
        ):
            self.context = _Context("domain", expect_statement=True)
            self.domain_statement = ""
            self.in_body = True
        elif key in _FINDING_SECTIONS or self._is_untitled_section(i, text):
            self._enter_section(self._section(None, text.rstrip(": ")))
        else:
            return False
        return True

    def _opens_unheaded_recommendations(self, i: int, text: str) -> bool:
        """An "<addressee> should:" line followed by a numbered item, outside recommendations."""
        following = self.paragraphs[i + 1].text if i + 1 < len(self.paragraphs) else ""
        return (
            self.context.region != "recommendations"
            and bool(_ADDRESSEE_RE.match(text))
            and bool(_NUMBERED_RE.match(following))
        )

    def _is_untitled_section(self, i: int, text: str) -> bool:
        """A title line followed by a Strengths / Areas for improvement heading."""
        following = self.paragraphs[i + 1].text if i + 1 < len(self.paragraphs) else ""
        return (
            self.in_body
            and bool(re.fullmatch(_NAME, text))
            and len(text.split()) <= 8
            and _normalise_rating(text) is None
            and not _OVERVIEW_RE.match(text)
            and not _KIND_HEADING_RE.match(text)
            and bool(_KIND_HEADING_RE.match(_heading_key(following)))
        )

    def name_of(self, code: str) -> str:
        return self.names.get(code) or _PROGRAMME_STANDARDS.get(code, "")

    def _section(self, code: str | None, name: str = "") -> _Section:
        title = f"{code} {self.name_of(code)}".strip() if code else name
        return self.sections.setdefault(title, _Section(title, code))

    def _enter_section(self, section: _Section, expect_statement: bool = False) -> None:
        region = "standard" if section.code else "section"
        self.context = _Context(region, section, expect_statement)
        self.in_body = True

    # Paragraphs --------------------------------------------------------------------------

    def _read_paragraph(self, i: int, paragraph: _Paragraph) -> int:
        """Read one paragraph; return the index of the last paragraph consumed."""
        region = self.context.region
        anchor = _OUR_RATING_RE.match(paragraph.text)
        if anchor and region in ("domain", "standard", "section"):
            self._enter_anchor(anchor.group(1), paragraph)
        elif region == "recommendations":
            self._read_recommendation(paragraph)
        elif region == "domain":
            self._read_domain_paragraph(paragraph)
        elif region in ("standard", "section"):
            return self._read_section_paragraph(i, paragraph)
        return i

    def _read_section_paragraph(self, i: int, paragraph: _Paragraph) -> int:
        context = self.context
        section = context.section
        assert section is not None
        text = paragraph.text
        rating = _normalise_rating(text)
        if context.expect_statement and rating is None and _is_statement(paragraph):
            self.check_cuts(paragraph.lines, f"{section.name}: its statement was cut")
            self.statements.setdefault(str(section.code), _clean_marks(text, self.footnotes))
            context.expect_statement = False
            return i
        context.expect_statement = False
        if rating:
            if section.code:
                ref = SourceRef(section.name, paragraph.line)
                self.section_ratings.setdefault(section.code, (rating, ref))
        elif _KQ_HEADER_RE.match(text):
            return self._read_key_questions(i)
        elif _OVERRIDE_RE.search(text):
            self._read_override(paragraph)
        elif _NOT_INSPECTED_RE.search(text) and section.code:
            ref = SourceRef(section.name, paragraph.line)
            self.section_ratings.setdefault(section.code, (NOT_INSPECTED, ref))
        elif _RATED_AS_RE.search(text) or _NOT_RATED_RE.match(text) or _OVERVIEW_RE.match(text):
            pass
        elif _KIND_HEADING_RE.match(_heading_key(text)):
            self._enter_kind_block(section, _heading_key(text))
        else:
            self._read_finding(section, paragraph)
        return i

    def _enter_anchor(self, name: str, paragraph: _Paragraph) -> None:
        """ "Our rating for <standard> is based on ...": that standard's content starts here."""
        known = {**_PROGRAMME_STANDARDS, **self.names}
        code = next((code for code, named in known.items() if named.lower() == name.lower()), None)
        if code is None:
            self.problems.append(
                f"Line {paragraph.line}: 'Our rating for {name}' names no known standard; "
                "its content was kept in the section before it."
            )
            return
        self.kq_expected.add(code)
        self.context.expect_statement = False
        current = self.context.section
        if current is None or current.code != code:
            self._enter_section(self._section(code))

    def _enter_kind_block(self, section: _Section, heading: str) -> None:
        kind = STRENGTH if heading.startswith("strength") else IMPROVEMENT
        section.has_strengths_heading |= kind == STRENGTH
        section.has_improvements_heading |= kind == IMPROVEMENT
        self.context.kind = kind
        self.context.block_size = 0
        self.context.last_was_bullet = False

    def _read_finding(self, section: _Section, paragraph: _Paragraph) -> None:
        context = self.context
        if paragraph.is_quote:
            kind = OTHER
        elif paragraph.is_bullet:
            if self._blank_ends_strengths(paragraph):
                context.kind = IMPROVEMENT
                self.inferred_improvements.append(section.name)
            elif self._page_break_in_strengths(paragraph):
                self.page_breaks_in_strengths.append((section, paragraph.line))
            kind = context.kind  # None until resolved: see _resolve_unheaded_findings
        elif context.kind and context.block_size == 0:
            kind = context.kind  # the block's first paragraph, its bullet marker lost
        elif section.findings:
            kind = OTHER
        else:
            return  # the section's introduction, such as the feedback "Overview"
        finding = ParsedFinding(
            section=section.name,
            standard_code=section.code,
            kind=kind,  # type: ignore[arg-type]
            text=_clean_marks(_BULLET_RE.sub("", paragraph.text, count=1), self.footnotes),
            order=len(self.findings) + 1,
            ref=SourceRef(section.name, paragraph.line),
        )
        self.check_cuts(paragraph.lines, f"{section.name}: a finding was cut")
        if kind == OTHER and not paragraph.is_quote and paragraph.lines[0].header_before:
            self.problems.append(
                f"{section.name}: the paragraph after the page break on line {paragraph.line} "
                "was read as a finding of its own (other): check it is not the rest of the "
                "finding before it."
            )
        for line in paragraph.run_on:
            self.problems.append(
                f"{section.name}: a finding ran on after a page break into line {line}, which "
                "opens with a capital; they were read as one finding: check it is not two."
            )
        self.findings.append(finding)
        section.findings.append(finding)
        context.block_size += 1
        context.last_was_bullet = paragraph.is_bullet

    def _blank_ends_strengths(self, paragraph: _Paragraph) -> bool:
        """A blank line between two bullets of a Strengths block that lost its sequel's heading."""
        context = self.context
        return (
            self.compact
            and context.kind == STRENGTH
            and context.last_was_bullet
            and paragraph.gap == "blank"
        )

    def _page_break_in_strengths(self, paragraph: _Paragraph) -> bool:
        """A page break between two bullets of a Strengths block: it may hide the blank line
        that ends the block (see _blank_ends_strengths)."""
        context = self.context
        return (
            self.compact
            and context.kind == STRENGTH
            and context.last_was_bullet
            and paragraph.gap == "page"
        )

    def _resolve_unheaded_findings(self) -> None:
        for section in self.sections.values():
            unheaded = [finding for finding in section.findings if finding.kind is None]
            if not unheaded:
                continue
            if section.has_strengths_heading:
                kind, reading = OTHER, "kept as other findings"
            else:
                kind, reading = IMPROVEMENT, "read as areas for improvement"
            for finding in unheaded:
                finding.kind = kind
            self.problems.append(
                f"{section.name}: {len(unheaded)} bullet(s) with no 'Strengths' or 'Areas for "
                f"improvement' heading before them (heading missing in the text); {reading}."
            )

    def _read_key_questions(self, i: int) -> int:
        section = self.context.section
        assert section is not None
        rows: list[_Line] = []
        j = i + 1
        while j < len(self.paragraphs) and _is_key_question_row(self.paragraphs[j]):
            rows.extend(self.paragraphs[j].lines)
            j += 1
        self.check_cuts(rows, f"{section.name}: its key-question table was cut")
        joined = _Joined(rows)
        found = list(_KQ_ROW_RE.finditer(joined.text)) if section.code else []
        for m in found:
            self.key_questions.append(
                ParsedKeyQuestion(
                    standard_code=str(section.code),
                    text=m.group(1),
                    percent_yes=Decimal(m.group(2)),
                    ref=SourceRef(section.name, joined.line_at(m.start(1))),
                )
            )
        if not found:
            self.problems.append(
                f"{section.name}: a key-question table heading (line {self.paragraphs[i].line}) "
                "with no readable rows."
            )
        return j - 1

    def _read_override(self, paragraph: _Paragraph) -> None:
        section = self.context.section
        if section is None or section.code is None:
            self.problems.append(
                f"Line {paragraph.line}: an override paragraph outside any standard: ignored."
            )
            return
        reason = _clean_marks(paragraph.text, self.footnotes)
        self.overrides.append(
            ParsedOverride(section.code, reason, SourceRef(section.name, paragraph.line))
        )

    def _read_domain_paragraph(self, paragraph: _Paragraph) -> None:
        """Under a domain heading: only a court work standard whose own heading was lost."""
        text = paragraph.text
        if self.context.expect_statement and _is_statement(paragraph):
            self.domain_statement = _clean_marks(text, self.footnotes)
        self.context.expect_statement = False
        if not _NOT_INSPECTED_RE.search(text):
            return
        if "court" not in (self.domain_statement + text).lower():
            self.problems.append(
                f"Line {paragraph.line}: a standard 'not inspected' with no heading saying which."
            )
            return
        section = self._section("2.1")
        self.section_ratings.setdefault(
            "2.1", (NOT_INSPECTED, SourceRef(section.name, paragraph.line))
        )
        if self.domain_statement:
            self.statements.setdefault("2.1", self.domain_statement)

    def _read_recommendation(self, paragraph: _Paragraph) -> None:
        text = paragraph.text
        addressee = _ADDRESSEE_RE.match(text)
        numbered = _NUMBERED_RE.match(text)
        if addressee:
            self.addressee = addressee.group(1)
        elif numbered:
            if self.addressee is None:
                self.problems.append(
                    f"Recommendation {numbered.group(1)} (line {paragraph.line}) has no "
                    "'<addressee> should:' line before it."
                )
            self.check_cuts(paragraph.lines, f"Recommendation {numbered.group(1)} was cut")
            self.recommendations.append(
                ParsedRecommendation(
                    number=int(numbered.group(1)),
                    addressee=self.addressee or "",
                    text=_clean_marks(numbered.group(2), self.footnotes),
                    ref=SourceRef("Recommendations", paragraph.line),
                )
            )


def _bullets_are_compact(paragraphs: list[_Paragraph]) -> bool:
    """Whether bullets mostly follow one another without blank lines (then a blank means more)."""
    tight = loose = 0
    for before, paragraph in zip(paragraphs, paragraphs[1:], strict=False):
        if _BULLET_RE.match(before.lines[0].text) and _BULLET_RE.match(paragraph.lines[0].text):
            tight += paragraph.gap == "none"
            loose += paragraph.gap == "blank"
    return tight > loose


def _is_statement(paragraph: _Paragraph) -> bool:
    text = paragraph.text
    return (
        not _BULLET_RE.match(paragraph.lines[0].text)
        and text.endswith(".")
        and len(text.split()) >= 4
        and not _OUR_RATING_RE.match(text)
        and not _NOT_INSPECTED_RE.search(text)
        and not _NOT_RATED_RE.match(text)
        and not _OVERRIDE_RE.search(text)
    )


def _is_key_question_row(paragraph: _Paragraph) -> bool:
    return not paragraph.is_bullet and bool(_KQ_TABLE_PARA_RE.fullmatch(paragraph.text))


def _clean_marks(text: str, footnotes: set[int]) -> str:
    """Remove footnote marks glued to words; real numbers stay."""

    def drop_mark(m: re.Match[str]) -> str:
        return "." if int(m.group(1)) in footnotes else m.group(0)

    text = _SUPERSCRIPT_MARK_RE.sub("", text)
    text = _MARK_AFTER_WORD_RE.sub(drop_mark, text)
    text = _MARK_AFTER_COMMA_RE.sub(lambda m: "," if int(m.group(1)) in footnotes else m[0], text)
    text = _MARK_AFTER_NUMBER_RE.sub(drop_mark, text)
    return " ".join(text.split())


# --- Cover and background facts ----------------------------------------------------------


def _read_title(raw: list[str], furniture: _PageFurniture, problems: list[str]) -> str:
    texts = [
        text.strip()
        for text, dropped in zip(raw, furniture.dropped, strict=True)
        if text.strip() and not dropped
    ]
    for i, text in enumerate(texts[:40]):
        if re.match(r"An inspection of\b", text, re.IGNORECASE):
            if text.endswith((":", " in")) and i + 1 < len(texts):
                return f"{text} {texts[i + 1]}"
            return text
    headers = [text.strip() for text in raw if _RUNNING_HEADER_RE.match(text)]
    # The form printed most often, where pages vary it ("An inspection of ... in X 7").
    cores = [_without_page_number(text)[0] for text in headers]
    header = max(headers, key=lambda text: cores.count(_without_page_number(text)[0]), default=None)
    if header:
        problems.append(f"No cover page: the title was taken from the page header '{header}'.")
        return _without_page_number(header)[0]
    problems.append("No title found: expected a cover line 'An inspection of ...'.")
    return ""


def _published(raw: list[str], problems: list[str]) -> date | None:
    m = re.search(rf"HM Inspectorate of Probation,\s*{MONTH}\s+(\d{{4}})", "\n".join(raw))
    if m:
        return date(int(m.group(2)), month_number(m.group(1)), 1)
    problems.append(
        "No publication date: expected 'HM Inspectorate of Probation, <Month> <Year>' on the cover."
    )
    return None


def _lead_inspector(flat: str, problems: list[str]) -> str | None:
    m = re.search(
        r"\bled by (?:HM |His Majesty's |Her Majesty's )?(?:(?:Assistant |Deputy )?(?:Chief )?"
        r"Inspector (?:of Probation )?)?([A-Z][A-Za-z'’-]+(?: [A-Z][A-Za-z'’-]+)+)",
        flat,
    )
    if m:
        return m.group(1)
    problems.append("No lead inspector: expected 'This inspection was led by HM Inspector <name>'.")
    return None


def _fieldwork_start(flat: str, problems: list[str]) -> date | None:
    m = re.search(
        rf"\bweek (?:beginning|commencing)\s+(\d{{1,2}})(?:st|nd|rd|th)?\s+{MONTH}\s+(\d{{4}})",
        flat,
    )
    if m:
        return date(int(m.group(3)), month_number(m.group(2)), int(m.group(1)))
    problems.append("No fieldwork date: expected 'week beginning <day> <Month> <Year>'.")
    return None


def _count(pattern: str, flat: str, what: str, problems: list[str]) -> int | None:
    m = re.search(pattern, flat)
    if m:
        return int(m.group(1))
    problems.append(f"No number of {what} found.")
    return None


def _reject_other_documents(flat: str) -> None:
    if len(_SCORE_RE.findall(flat)) > 1:
        raise ParseError(
            "Not a single PDU inspection report: found several 'Score n/m' ratings tables, as in "
            "HMIP's regional letter annex; expected one ratings table for one PDU."
        )


# --- Assembly ----------------------------------------------------------------------------


def _score_and_overall(
    table: _RatingsTable | None, flat: str, problems: list[str]
) -> tuple[int | None, int | None, str | None]:
    if table is None:
        problems.append(
            "No ratings table found: expected a 'Ratings' heading followed by the score, the "
            "overall rating and a row per standard; ratings were read from the standards' sections."
        )
    score = table.score if table else None
    overall = table.overall if table else None
    if score is None:
        m = _SCORE_RE.search(flat)
        score = (int(m.group(1)), int(m.group(2))) if m else None
    if overall is None:
        m = _OVERALL_RE.search(flat)
        overall = _normalise_rating(m.group(1)) if m else None
    if score is None:
        problems.append("No score found: expected 'Score <n>/<max>' in the ratings table.")
    if overall is None:
        problems.append("No overall rating found: expected 'Overall rating <rating>'.")
    return (score[0] if score else None), (score[1] if score else None), overall


def _assemble_ratings(
    table: _RatingsTable | None, body: _BodyReader, problems: list[str]
) -> list[ParsedRating]:
    """The table's ratings, completed and checked against the standards' own sections."""
    ratings = {rating.code: rating for rating in table.ratings} if table else {}
    for code, (rating, ref) in body.section_ratings.items():
        listed = ratings.get(code)
        if listed is None:
            ratings[code] = ParsedRating(code, body.name_of(code), rating, ref)
            if table and rating != NOT_INSPECTED:
                problems.append(
                    f"{ref.section}: rated '{rating}' in its section but missing from the ratings "
                    "table."
                )
        elif listed.rating != rating:
            problems.append(
                f"{ref.section}: the ratings table says '{listed.rating}', its section (line "
                f"{ref.line}) says '{rating}'; the table's rating was kept."
            )
    for code, rating in ratings.items():
        rating.statement = body.statements.get(str(code), "")
        if not rating.statement:
            problems.append(f"{code} {rating.name}: the standard's statement was not found.")
    return sorted(ratings.values(), key=lambda rating: _code_key(rating.code))


def _check_recommendations(
    recommendations: list[ParsedRecommendation], problems: list[str]
) -> None:
    numbers = [recommendation.number for recommendation in recommendations]
    if not numbers:
        problems.append(
            "No recommendations found: expected a 'Recommendations' heading followed by "
            "'<addressee> should:' and numbered items."
        )
    elif numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"Recommendation numbers are not 1 to n in order: {numbers}.")


def _check_key_questions(
    ratings: list[ParsedRating], body: _BodyReader, problems: list[str]
) -> None:
    """Case supervision standards (2.x, and 2.6 where reported) publish a key-question table."""
    expected = set(body.kq_expected)
    expected.update(
        str(r.code) for r in ratings if str(r.code).startswith("2.") and r.rating != NOT_INSPECTED
    )
    if "2.6" in {section.code for section in body.sections.values()}:
        expected.add("2.6")
    found = {question.standard_code for question in body.key_questions}
    if expected and not found:
        problems.append(
            "No key-question percentages found: expected a table ('Key question', "
            "'Percentage 'Yes'') under each case supervision standard."
        )
    for code in sorted(expected - found, key=_code_key):
        problems.append(f"{code} {body.name_of(code)}: no key-question table found.")


def _code_key(code: str | None) -> tuple[int, ...]:
    return tuple(int(part) for part in (code or "0").split("."))


def _check_score(
    score: int | None, max_score: int | None, ratings: list[ParsedRating], problems: list[str]
) -> None:
    """Flag a published score that the published ratings do not add up to (never recomputed)."""
    rated = [rating for rating in ratings if rating.rating in RATING_POINTS]
    if score is None or not rated:
        return
    points = sum(RATING_POINTS[rating.rating] for rating in rated)
    if (points, 3 * len(rated)) != (score, max_score):
        problems.append(
            f"Score {score}/{max_score} does not match the ratings listed "
            f"({points}/{3 * len(rated)} by the published points rule)."
        )


def _pdu_name(
    table: _RatingsTable | None, title: str, body: _BodyReader, problems: list[str]
) -> str:
    if table and table.pdu_name:
        return table.pdu_name
    from_title = title.rsplit(":", 1)[1].strip() if ":" in title else ""
    from_addressee = next(
        (r.addressee for r in body.recommendations if r.addressee.endswith(" PDU")), ""
    )
    name = from_title or from_addressee
    source = "the title" if from_title else "the recommendations"
    if name:
        problems.append(f"No PDU name readable in a ratings table; taken from {source}: '{name}'.")
    else:
        problems.append("No PDU name found in the ratings table, the title or the recommendations.")
    return name
