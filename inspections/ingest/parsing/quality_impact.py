"""Parser for HMIP's Quality & Impact inspection reports (the programme that ran to 2018).

A Quality & Impact (Q&I) report inspects one CRC or NPS area and gives no four-point
ratings: it has a cover (title, month, lead inspector), key facts, prose judgements per
inspection domain, numbered recommendations, an evaluation chapter with case-sample
percentages, enablers/barriers tables and practice examples, and appendices (methodology,
and the previous inspection's recommendations).

The text is a markdown-ish PDF conversion: ``#`` headings at inconsistent levels, ``**bold**``
and ``*italic*`` marks, ``<sup>n</sup>`` footnote marks, footnote definitions and ``---``
rules dropped into the middle of paragraphs at page breaks, and tables flattened to tabs.
Sections are therefore found by their heading text, never by heading level or position.

Rules for ambiguous cases:

- A paragraph that ends without terminal punctuation, followed (past footnotes, rules and
  blank lines) by one starting in lower case, is one paragraph broken by a page: rejoin it.
- A judgement's ``headline`` is the first paragraph under the domain heading; its
  ``paragraphs`` are all of them, the headline included.
- Enablers are STRENGTH findings and barriers IMPROVEMENT findings, with the domain named by
  the table caption as section. Practice examples are OTHER findings whose section is the
  nearest heading; their text keeps the "Good/Poor practice example:" label and joins the
  example's paragraphs with a blank line.
- A case percentage is every "N%" in a sentence of the evaluation chapter(s), outside
  examples, quotes and tables, unless the sentence is about national or comparator figures
  or the body's own data (see ``_NOT_SAMPLE``). A sentence with two percentages gives two
  records with the same label.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from inspections.ingest.parsing.dates import MONTH_YEAR, first_of_month
from inspections.ingest.parsing.types import (
    IMPROVEMENT,
    OTHER,
    STRENGTH,
    ParsedFinding,
    ParsedRecommendation,
    ParseError,
    SourceRef,
)


@dataclass
class ParsedKeyFact:
    value_text: str  # as published, e.g. "29,473", "41%", "2 (of 21)"
    value: Decimal  # e.g. 29473, 41, 2
    unit: str  # "%", "£" or "count"
    note: str  # published qualifier of the value, e.g. "of 21"; "" if none
    label: str  # as published, footnote marks removed
    footnote: int | None  # the label's footnote mark, e.g. 1
    source: str | None  # that footnote's text
    ref: SourceRef


@dataclass
class ParsedJudgement:
    domain: str  # as published in chapter 1, e.g. "Protecting the public"
    headline: str  # first paragraph under the domain heading
    paragraphs: list[str]  # every paragraph, the headline included
    ref: SourceRef


@dataclass
class ParsedCasePercentage:
    label: str  # the whole sentence as published
    percent: Decimal
    section: str  # nearest heading, e.g. "Reviewing progress"
    domain: str | None  # the enclosing judgement domain, e.g. "Reducing reoffending"
    ref: SourceRef


@dataclass
class ParsedQualityImpactReport:
    """One Quality & Impact inspection report of a CRC or NPS area."""

    title: str
    inspected_body: str | None  # as published in the title, e.g. "London Community ... Company"
    published: date | None  # first of the month given on the cover
    lead_inspector: str | None
    fieldwork: str | None  # e.g. "five full weeks in October and November 2017"
    cases_inspected: int | None
    staff_focus_groups: int | None
    focus_group_staff: int | None
    key_facts: list[ParsedKeyFact] = field(default_factory=list)
    judgements: list[ParsedJudgement] = field(default_factory=list)
    recommendations: list[ParsedRecommendation] = field(default_factory=list)
    previous_inspection: str | None = None  # e.g. "North London (September 2016)"
    previous_summary: list[str] = field(default_factory=list)
    previous_recommendations: list[ParsedRecommendation] = field(default_factory=list)
    findings: list[ParsedFinding] = field(default_factory=list)
    case_percentages: list[ParsedCasePercentage] = field(default_factory=list)
    # What the parser looked for and could not read: shown to the admin, never guessed.
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Block:
    """One paragraph, list item, table row or heading, after page-break repair."""

    line: int  # 1-based line of its first text
    raw: str  # as converted, markup and tabs kept
    text: str  # markup removed, whitespace collapsed
    heading: bool


# ---------------------------------------------------------------------------
# Text cleaning and the block model

_SUP = re.compile(r"<sup>\s*(\d+)\s*</sup>")
_TAG = re.compile(r"</?(?:b|i|u|em|strong|sup|sub)>")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|[-•])\s*$")
_FOOTNOTE_DEF = re.compile(r"^\s*(?:<sup>\s*(\d{1,3})\s*</sup>|(\d{1,3}))\s+([\w*\"“‘'].*)$")
_TERMINAL = ".!?:;"
_CLOSERS = "\"”’')]*"
_QUOTES = "\"“‘'"


def _clean(raw: str) -> str:
    text = _SUP.sub("", raw)
    text = _TAG.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = re.sub(r"^\s*#+\s*", "", text).replace("*", "")
    return re.sub(r"\s+", " ", text).strip()


def _footnote_definitions(lines: list[str]) -> dict[int, tuple[int, str]]:
    """Footnote number -> (line index, text), for lines that define a footnote.

    A line counts only if it starts with a number already used as a ``<sup>`` mark earlier
    in the text: that keeps out addresses ("1 Bridge Street West") and values ("2 (of 21)").
    """
    marked: set[int] = set()
    found: dict[int, tuple[int, str]] = {}
    for index, line in enumerate(lines):
        match = _FOOTNOTE_DEF.match(line)
        number = match and int(match.group(1) or match.group(2))
        if match and number in marked and number not in found:
            found[number] = (index, _clean(match.group(3)))
            # The definition's own leading number is not a use of the mark.
            line = line[match.end(2 if match.group(2) else 1) :]
        marked.update(int(n) for n in _SUP.findall(line))
    return found


def _ends_open(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] not in _TERMINAL


def _blocks(lines: list[str], footnote_lines: set[int]) -> list[_Block]:
    blocks: list[_Block] = []
    for index, raw in enumerate(lines):
        if index in footnote_lines or not raw.strip() or _RULE.match(raw):
            continue
        raw = raw.rstrip()
        text = _clean(raw)
        heading = raw.lstrip().startswith("#")
        previous = blocks[-1] if blocks else None
        # A page break leaves a sentence open and its rest starting in lower case.
        if (
            previous
            and not previous.heading
            and not heading
            and "\t" not in raw
            and text[:1].islower()
            and _ends_open(previous.text)
        ):
            blocks[-1] = _Block(
                previous.line, f"{previous.raw} {raw.strip()}", f"{previous.text} {text}", False
            )
            continue
        if text:
            blocks.append(_Block(index + 1, raw, text, heading))
    return blocks


def _find_heading(blocks: list[_Block], pattern: str, start: int = 0) -> int | None:
    regex = re.compile(pattern, re.IGNORECASE)
    for index in range(start, len(blocks)):
        if blocks[index].heading and regex.search(blocks[index].text):
            return index
    return None


def _section(
    blocks: list[_Block], start: int, inside: Callable[[_Block], bool] = lambda b: False
) -> list[_Block]:
    """The blocks after heading ``start`` up to the next heading that is not ``inside``."""
    end = start + 1
    while end < len(blocks) and not (blocks[end].heading and not inside(blocks[end])):
        end += 1
    return blocks[start + 1 : end]


def _without_number(heading: str) -> str:
    return re.sub(r"^\d+\.\s*", "", heading)


# ---------------------------------------------------------------------------
# Cover and methodology

_TITLE = re.compile(r"^Quality (?:&|and) Impact inspection\b", re.IGNORECASE)
_TITLE_STOP = re.compile(r"^(?:An inspection by|This inspection|#)", re.IGNORECASE)
_BODY = re.compile(r"probation work (?:by|of|in) (?:the )?(?P<body>.+)$", re.IGNORECASE)
_LEAD = re.compile(
    r"inspection was led by (?:HM Inspector |HMI |Inspector )?(?P<name>[A-Z][^,.(]*?)"
    r"(?:,| supported| and |\.|$)"
)
_FIELDWORK = (
    re.compile(r"\bvisited [^.]*? for (?P<d>[^.]*\d{4})"),
    re.compile(r"fieldwork (?:took place|was carried out|was undertaken) (?P<d>[^.]*\d{4})"),
)
_CASES = re.compile(
    r"(?:sample (?:consisted|was made up) of|we inspected) (?P<n>\d[\d,]*)", re.IGNORECASE
)
_FOCUS_GROUPS = re.compile(r"(?P<groups>\d+) staff focus groups involving (?P<staff>\d+) staff")


def _cover(lines: list[str]) -> tuple[str, date | None]:
    """Title and publication month, read from the lines above the first heading.

    The title may also be the first heading itself; anything else is not a Q&I report.
    """
    for index, raw in enumerate(lines):
        text = _clean(raw)
        if _TITLE.match(text):
            return _title_from(lines, index), _cover_month(lines[index + 1 :])
        if raw.lstrip().startswith("#"):
            break
    raise ParseError(
        "expected a Quality & Impact inspection report: no 'Quality & Impact inspection' "
        "title above the first heading"
    )


def _title_from(lines: list[str], start: int) -> str:
    parts = [_clean(lines[start])]
    for raw in lines[start + 1 : start + 6]:
        text = _clean(raw)
        if _RULE.match(raw) or _TITLE_STOP.match(raw.strip()) or MONTH_YEAR.fullmatch(text):
            break
        if text:
            parts.append(text)
    return " ".join(parts)


def _cover_month(lines: list[str]) -> date | None:
    for raw in lines:
        if raw.lstrip().startswith("#"):
            return None
        match = MONTH_YEAR.fullmatch(_clean(raw))
        if match:
            return first_of_month(match)
    return None


def _first_match(regexes: Iterable[re.Pattern[str]], blocks: list[_Block]) -> re.Match | None:
    for regex in regexes:
        for block in blocks:
            match = regex.search(block.text)
            if match:
                return match
    return None


# ---------------------------------------------------------------------------
# Key facts

_VALUE = re.compile(
    r"^(?P<currency>£)?(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<percent>%)?"
    r"\s*(?:\((?P<note>[^)]+)\))?$"
)


def _key_facts(
    blocks: list[_Block], footnotes: dict[int, tuple[int, str]], problems: list[str]
) -> list[ParsedKeyFact]:
    start = _find_heading(blocks, r"^Key facts$")
    if start is None:
        problems.append("no 'Key facts' section found")
        return []
    facts: list[ParsedKeyFact] = []
    value: tuple[_Block, re.Match[str]] | None = None
    for block in _section(blocks, start):
        match = _VALUE.match(block.text)
        if match:
            if value:
                problems.append(f"key fact {value[0].text!r} (line {value[0].line}) has no label")
            value = (block, match)
        elif value:
            facts.append(_key_fact(*value, block, footnotes, problems))
            value = None
        else:
            problems.append(f"key facts: text without a value at line {block.line}")
    if value:
        problems.append(f"key fact {value[0].text!r} (line {value[0].line}) has no label")
    if not facts:
        problems.append("no key facts read from the 'Key facts' section")
    return facts


def _key_fact(
    value_block: _Block,
    match: re.Match[str],
    label: _Block,
    footnotes: dict[int, tuple[int, str]],
    problems: list[str],
) -> ParsedKeyFact:
    marks = [int(n) for n in _SUP.findall(label.raw)]
    if len(marks) > 1:
        problems.append(f"key fact {value_block.text!r}: several footnotes {marks}, kept the first")
    footnote = marks[0] if marks else None
    if footnote is not None and footnote not in footnotes:
        problems.append(f"key fact {value_block.text!r}: footnote {footnote} text not found")
    unit = "%" if match["percent"] else "£" if match["currency"] else "count"
    return ParsedKeyFact(
        value_text=value_block.text,
        value=Decimal(match["number"].replace(",", "")),
        unit=unit,
        note=match["note"] or "",
        label=label.text,
        footnote=footnote,
        source=footnotes[footnote][1] if footnote in footnotes else None,
        ref=SourceRef("Key facts", value_block.line),
    )


# ---------------------------------------------------------------------------
# Judgements

_OVERALL = r"^(?:\d+\.\s*)?Overall judgements\b"
_RECOMMENDATIONS = r"^(?:[\d.]+\s*)?Recommendations$"
# Headings that open a top-level part of the report, whatever order the parts come in.
_PART = re.compile(
    rf"{_RECOMMENDATIONS}|^(?:\d+\.\s+\S|Appendi(?:x|ces)\b|Key facts$|Foreword$|Contents$)",
    re.IGNORECASE,
)


def _starts_part(heading: str) -> bool:
    return bool(_PART.match(heading))


def _chapter_number(heading: str) -> int | None:
    match = re.match(r"^(\d+)\.\s+\S", heading)
    return int(match.group(1)) if match else None


def _judgements(blocks: list[_Block], problems: list[str]) -> list[ParsedJudgement]:
    start = _find_heading(blocks, _OVERALL)
    if start is None:
        problems.append("no 'Overall judgements' chapter found")
        return []
    judgements: list[ParsedJudgement] = []
    # The chapter heading may repeat (a divider page, then the body): both stay inside it.
    for block in [blocks[start], *_section(blocks, start, _inside_judgements)]:
        if block.heading:
            if not re.match(_OVERALL, block.text, re.IGNORECASE):
                judgements.append(
                    ParsedJudgement(block.text, "", [], SourceRef(block.text, block.line))
                )
        elif judgements:
            judgements[-1].paragraphs.append(block.text)
    for judgement in judgements:
        if judgement.paragraphs:
            judgement.headline = judgement.paragraphs[0]
        else:
            problems.append(f"judgement {judgement.domain!r} has no text")
    if not judgements:
        problems.append("no judgement domains found under 'Overall judgements'")
    return judgements


def _inside_judgements(block: _Block) -> bool:
    """Headings that stay inside chapter 1: its domains, not the start of another part."""
    return bool(re.match(_OVERALL, block.text, re.IGNORECASE)) or not _starts_part(block.text)


# ---------------------------------------------------------------------------
# Recommendations, current and previous

_ADDRESSEE = re.compile(r"^(?P<who>.+?)\s+should:?$")
_ITEM = re.compile(r"^(?P<number>\d{1,2})[.)]\s+(?P<text>\S.*)$")


def _recommendation_list(
    blocks: list[_Block], section: str, problems: list[str]
) -> list[ParsedRecommendation]:
    addressee: str | None = None
    recommendations: list[ParsedRecommendation] = []
    for block in blocks:
        if match := _ADDRESSEE.match(block.text):
            addressee = match["who"]
        elif match := _ITEM.match(block.text):
            if addressee is None:
                problems.append(f"{section}: recommendation at line {block.line} has no addressee")
            recommendations.append(
                ParsedRecommendation(
                    int(match["number"]),
                    addressee or "",
                    match["text"],
                    SourceRef(section, block.line),
                )
            )
    numbers = [r.number for r in recommendations]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"{section}: recommendations numbered {numbers}, not 1 to {len(numbers)}")
    return recommendations


def _recommendations(blocks: list[_Block], problems: list[str]) -> list[ParsedRecommendation]:
    start = _find_heading(blocks, _RECOMMENDATIONS)
    if start is None:
        problems.append("no 'Recommendations' section found")
        return []
    # Addressee lines ("The X should:") are often headings themselves.
    region = _section(blocks, start, lambda b: bool(_ADDRESSEE.match(b.text)))
    recommendations = _recommendation_list(region, "Recommendations", problems)
    if not recommendations:
        problems.append("no numbered recommendations in the 'Recommendations' section")
    return recommendations


def _previous(
    blocks: list[_Block], problems: list[str]
) -> tuple[str | None, list[str], list[ParsedRecommendation]]:
    start = _find_heading(blocks, r"^Appendix\b.*\bprevious\b")
    if start is None:
        problems.append("no appendix on a previous inspection found")
        return None, [], []
    heading = blocks[start].text
    described = re.search(r"\b(?:outcomes?|findings) (?:from|in|for) (?P<d>.+)$", heading)
    if not described:
        problems.append(f"previous inspection not named in {heading!r}")
    region = _section(blocks, start)
    first_list = next(
        (i for i, b in enumerate(region) if _ADDRESSEE.match(b.text) or _ITEM.match(b.text)),
        len(region),
    )
    summary = [b.text for b in region[:first_list]]
    # Drop the lead-in ("In 2016, we made the following recommendations:").
    if summary and summary[-1].endswith(":"):
        summary.pop()
    recommendations = _recommendation_list(region[first_list:], heading, problems)
    if not recommendations:
        problems.append(f"no previous recommendations read under {heading!r}")
    return described["d"] if described else None, summary, recommendations


# ---------------------------------------------------------------------------
# Findings: enablers/barriers tables and practice examples

_CAPTION = re.compile(r"^Table\s+\d+:\s*Enablers and barriers\b", re.IGNORECASE)
_CAPTION_SUBJECT = re.compile(
    r"\bfor (?P<subject>.+?) relating to the inspection domains? of (?P<domains>.+?)\.?$",
    re.IGNORECASE,
)
_CELL_NUMBER = re.compile(r"^(?:\d+\.?)?$")
_EXAMPLE = re.compile(r"^(?:Good|Poor) practice example\b", re.IGNORECASE)
_PRONOUN_STARTS = {"He", "She", "His", "Her", "Him", "They", "Their", "This"}
_NOT_A_NAME = {"The", "A", "An", "In", "This", "When", "After", "Following", "At", "On"}


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _table_section(caption: str) -> str:
    """The domain a table is about, in the caption's own words.

    "... for the CRC relating to the inspection domain of protecting the public." gives
    "Protecting the public"; a joint-working table names its subject ("The CRC and NPS
    working together") because its domains are all three.
    """
    match = _CAPTION_SUBJECT.search(caption)
    if not match:
        return caption
    if "working together" in match["subject"].lower():
        return _capitalised(match["subject"])
    return _capitalised(match["domains"])


def _row_cells(raw: str) -> list[tuple[str, str]] | None:
    """(kind, text) for the enabler and barrier in one tab-separated row, None if unreadable.

    Rows are "N.<tab>enabler<tab>N.<tab>barrier"; an empty side keeps its inner tabs but may
    lose the trailing ones, so short numbered rows are padded. An unnumbered row has two cells.
    """
    cells = [_clean(cell) for cell in raw.split("\t")]
    if len(cells) == 2 and not _CELL_NUMBER.match(cells[0]):
        pairs = [(STRENGTH, cells[0]), (IMPROVEMENT, cells[1])]
    else:
        cells += [""] * (4 - len(cells))
        numbered = _CELL_NUMBER.match(cells[0]) and _CELL_NUMBER.match(cells[2])
        if not numbered or any(cells[4:]):
            return None
        pairs = [(STRENGTH, cells[1]), (IMPROVEMENT, cells[3])]
    return [(kind, text) for kind, text in pairs if text]


def _table_findings(blocks: list[_Block], problems: list[str]) -> list[tuple[int, ParsedFinding]]:
    found: list[tuple[int, ParsedFinding]] = []
    for index, caption in enumerate(blocks):
        if caption.heading or not _CAPTION.match(caption.text):
            continue
        section = _table_section(caption.text)
        rows = 0
        for row in blocks[index + 1 :]:
            if row.heading or "\t" not in row.raw:
                break
            if re.match(r"^Enablers\b", row.text, re.IGNORECASE):
                continue
            cells = _row_cells(row.raw)
            if cells is None:
                problems.append(f"{caption.text}: unreadable row at line {row.line}")
                continue
            rows += 1
            for column, (kind, text) in enumerate(cells):
                ref = SourceRef(caption.text, row.line)
                finding = ParsedFinding(section, None, kind, text, 0, ref)
                found.append((row.line * 10 + column, finding))
        if not rows:
            problems.append(f"{caption.text}: no rows read")
    if not found:
        problems.append("no enablers and barriers tables found")
    return found


def _is_italic(raw: str) -> bool:
    stripped = raw.strip()
    return stripped.endswith("*") and not stripped.endswith("**")


def _continues_example(block: _Block, subject: str | None, italic: bool) -> bool:
    """Whether a paragraph after an example's first still belongs to the example.

    It does if it names the example's subject, if the example is set in italics and so is
    this (unless it opens a quotation), or if it opens with a pronoun for the subject.
    """
    if block.heading or _EXAMPLE.match(block.text):
        return False
    if subject and re.search(rf"\b{re.escape(subject)}\b", block.text):
        return True
    if italic and _is_italic(block.raw) and block.text[:1] not in _QUOTES:
        return True
    return block.text.split(" ", 1)[0] in _PRONOUN_STARTS


def _example_findings(blocks: list[_Block]) -> tuple[list[tuple[int, ParsedFinding]], set[int]]:
    """Practice examples as OTHER findings, and the lines of the blocks they use."""
    found: list[tuple[int, ParsedFinding]] = []
    used: set[int] = set()
    heading = ""
    for index, block in enumerate(blocks):
        if block.heading:
            heading = block.text
        if block.heading or not _EXAMPLE.match(block.text):
            continue
        body = re.sub(r"^[^:]*:\s*", "", block.text)
        first_word = body.split(" ", 1)[0]
        subject = first_word if first_word.istitle() and first_word not in _NOT_A_NAME else None
        italic = _is_italic(block.raw)
        parts = [block]
        for following in blocks[index + 1 :]:
            if not _continues_example(following, subject, italic):
                break
            parts.append(following)
        used.update(part.line for part in parts)
        text = "\n\n".join(part.text for part in parts)
        ref = SourceRef(heading, block.line)
        found.append((block.line * 10, ParsedFinding(heading, None, OTHER, text, 0, ref)))
    return found, used


def _findings(blocks: list[_Block], problems: list[str]) -> tuple[list[ParsedFinding], set[int]]:
    examples, used = _example_findings(blocks)
    ordered = sorted(_table_findings(blocks, problems) + examples, key=lambda pair: pair[0])
    findings = [finding for _, finding in ordered]
    for order, finding in enumerate(findings, start=1):
        finding.order = order
    return findings, used


# ---------------------------------------------------------------------------
# Case-sample percentages

_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s?%")
_SENTENCE_END = re.compile(
    r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))(?<!e\.g\.)(?<!i\.e\.)\s+(?=[A-Z\"“(])"
)
# National or comparator figures, and the inspected body's own data or estimates, are not
# results from the inspectors' case sample ("we found" is; "it has found" is not).
_NOT_SAMPLE = re.compile(
    r"\bnational\b|England and Wales|\bestimat|\bhas found\b|\bdata\b|management information",
    re.IGNORECASE,
)


def _evaluation(blocks: list[_Block]) -> list[_Block]:
    """The evaluation chapter(s): the first chapter numbered 3 or more, and any chapters
    numbered after it, up to the next other part (appendices, recommendations, ...)."""
    start = next(
        (i for i, b in enumerate(blocks) if b.heading and (_chapter_number(b.text) or 0) >= 3),
        None,
    )
    if start is None:
        return []
    return [blocks[start], *_section(blocks, start, _inside_evaluation)]


def _inside_evaluation(block: _Block) -> bool:
    return not _starts_part(block.text) or (_chapter_number(block.text) or 0) >= 3


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _case_percentages(
    blocks: list[_Block], domains: list[str], skip_lines: set[int], problems: list[str]
) -> list[ParsedCasePercentage]:
    evaluation = _evaluation(blocks)
    if not evaluation:
        problems.append("no evaluation chapter (numbered 3 or later) found")
        return []
    known = {_without_number(d).lower(): d for d in domains}
    heading, domain = "", None
    found: list[ParsedCasePercentage] = []
    for block in evaluation:
        if block.heading:
            heading = block.text
            domain = known.get(_without_number(heading).lower(), domain)
            continue
        if block.line in skip_lines or not _is_prose(block):
            continue
        for sentence in _sentences(block.text):
            if _NOT_SAMPLE.search(sentence):
                continue
            for number in _PERCENT.findall(sentence):
                ref = SourceRef(heading, block.line)
                found.append(ParsedCasePercentage(sentence, Decimal(number), heading, domain, ref))
    if not found:
        problems.append("no case-sample percentages found in the evaluation chapter")
    return found


def _is_prose(block: _Block) -> bool:
    """Paragraphs and bullets; not table rows, captions, sources or quotations."""
    return not (
        "\t" in block.raw
        or re.match(r"^(?:Table|Figure)\s+[\d.]+|^Source:", block.text)
        or block.text[:1] in _QUOTES
    )


# ---------------------------------------------------------------------------
# Entry point


def parse_quality_impact_report(text: str) -> ParsedQualityImpactReport:
    """Read a Quality & Impact inspection report; raise ParseError if it is not one."""
    if not text.strip():
        raise ParseError("expected a Quality & Impact inspection report, got empty text")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    title, published = _cover(lines)
    footnotes = _footnote_definitions(lines)
    blocks = _blocks(lines, {index for index, _ in footnotes.values()})
    problems: list[str] = []

    body = _BODY.search(title)
    lead = _first_match([_LEAD], blocks)
    fieldwork = _first_match(_FIELDWORK, blocks)
    cases = _first_match([_CASES], blocks)
    focus = _first_match([_FOCUS_GROUPS], blocks)
    for value, what in (
        (body, f"inspected body in the title {title!r}"),
        (published, "publication month on the cover"),
        (lead, "lead inspector ('This inspection was led by ...')"),
        (fieldwork, "fieldwork period in the methodology"),
    ):
        if not value:
            problems.append(f"no {what} found")

    judgements = _judgements(blocks, problems)
    findings, example_lines = _findings(blocks, problems)
    previous, previous_summary, previous_recommendations = _previous(blocks, problems)
    report = ParsedQualityImpactReport(
        title=title,
        inspected_body=body["body"] if body else None,
        published=published,
        lead_inspector=lead["name"].strip() if lead else None,
        fieldwork=fieldwork["d"] if fieldwork else None,
        cases_inspected=int(cases["n"].replace(",", "")) if cases else None,
        staff_focus_groups=int(focus["groups"]) if focus else None,
        focus_group_staff=int(focus["staff"]) if focus else None,
        key_facts=_key_facts(blocks, footnotes, problems),
        judgements=judgements,
        recommendations=_recommendations(blocks, problems),
        previous_inspection=previous,
        previous_summary=previous_summary,
        previous_recommendations=previous_recommendations,
        findings=findings,
        case_percentages=_case_percentages(
            blocks, [j.domain for j in judgements], example_lines, problems
        ),
        problems=problems,
    )
    return report
