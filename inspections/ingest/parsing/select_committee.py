"""Parser for a PDU's own profile written for a council scrutiny (select) committee.

Example: the Lewisham Safer Stronger Select Committee report on the Lewisham and Bromley
PDU. Unlike HMIP reports it is written by the PDU, in prose: sites, teams, caseload,
staffing, and a table of commissioned rehabilitative services (need, provider, active).
The patterns below read the facts from sentences, so they tolerate rewording around the
figures; anything they cannot find is listed in ``problems``, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .types import ParseError, SourceRef

_EXPECTED = "expected a select committee report profiling a Probation Delivery Unit"


@dataclass
class ParsedSite:
    name: str  # as published, e.g. "central Bromley"
    borough: str  # e.g. "Bromley"
    ref: SourceRef


@dataclass
class ParsedTeams:
    total: int  # as published: "6 operational teams"
    by_borough: dict[str, int]  # e.g. {"Lewisham": 4, "Bromley": 2}
    ref: SourceRef


@dataclass
class ParsedCaseload:
    people: int
    approximate: bool  # published with "approximately", "around", ...
    ref: SourceRef


@dataclass
class ParsedCommissionedService:
    need: str  # as published, e.g. "Employment, Education and Training"
    provider: str  # as published, e.g. "Maximus"
    status: str  # as published, e.g. "Yes" or "Contract awarded, roll-out from September 2022"
    active: bool  # status is "Yes"
    ref: SourceRef


@dataclass
class ParsedCoLocatedService:
    name: str  # e.g. "Accredited Programmes"
    description: str
    ref: SourceRef


@dataclass
class ParsedPDUProfile:
    title: str
    pdu_name: str | None  # the heading as published, e.g. "Bromley & Lewisham Probation ..."
    pdu_abbreviation: str | None  # e.g. "LAB"
    site_count: int | None  # as published, even if the sites named disagree
    sites: list[ParsedSite] = field(default_factory=list)
    teams: ParsedTeams | None = None
    caseload: ParsedCaseload | None = None
    commissioned_services: list[ParsedCommissionedService] = field(default_factory=list)
    co_located_services: list[ParsedCoLocatedService] = field(default_factory=list)
    # What the parser looked for and could not read: shown to the admin, never guessed.
    problems: list[str] = field(default_factory=list)


Line = tuple[int, str]  # 1-based line number, text stripped

# fmt: off
_NUMBER_WORDS = {
    word: value
    for value, word in enumerate((
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen", "twenty",
    ))
}
# fmt: on
_COUNT = r"\d[\d,]*|" + "|".join(_NUMBER_WORDS)
_PDU = re.compile(r"Probation Delivery Unit|\bPDU\b", re.IGNORECASE)
_ABBREVIATION = re.compile(r"\((?P<abbr>[A-Z]{2,6})\)\s+Probation Delivery Unit")
_HEADING = re.compile(r"^[A-Z][A-Za-z'’&,()/ –-]*[A-Za-z)]$")
_MAX_HEADING_WORDS = 8
_BULLET = re.compile(r"^[-•●▪◦*]\s+")
# "and" or a comma that is not inside brackets: "two in Bromley (a and b) and one in Lewisham"
_LIST_SEPARATOR = re.compile(r"(?:\s*,\s*|\s+and\s+)(?![^()]*\))")

_SITES = re.compile(
    rf"\b(?P<count>{_COUNT})\s+(?:operational\s+)?sites?\b,?\s*(?P<detail>[^.]*)",
    re.IGNORECASE,
)
_SITE_GROUP = re.compile(
    rf"^(?P<count>{_COUNT})(?:\s+(?:operational\s+)?sites?)?\s+in\s+(?P<borough>[^(]+?)"
    r"(?:\s*\((?P<names>[^)]*)\))?$",
    re.IGNORECASE,
)
_TEAMS = re.compile(
    rf"\b(?P<count>{_COUNT})\s+(?:operational\s+)?teams\s*\((?P<detail>[^)]*)\)", re.IGNORECASE
)
_TEAM_GROUP = re.compile(rf"^(?P<count>{_COUNT})\s+in\s+(?P<borough>.+)$", re.IGNORECASE)
_CASELOAD = re.compile(
    r"(?P<qualifier>approximately|around|about|roughly|some|circa)?\s*(?P<count>\d[\d,]*)"
    r"\s+people\s+on\s+probation",
    re.IGNORECASE,
)
_CELL_SEPARATOR = re.compile(r"\t+|\s{2,}")
_PROVIDER_COLUMN = re.compile(r"provider|service", re.IGNORECASE)
_STATUS_COLUMN = re.compile(r"active|status|live", re.IGNORECASE)
_CO_LOCATED = re.compile(r"co-located", re.IGNORECASE)
_NAME_DASH = re.compile(r"\s+[–—-]\s+")


def parse_pdu_profile(text: str) -> ParsedPDUProfile:
    """Read a PDU profile; raise ParseError if the text is not one."""
    lines = [(n, line.strip()) for n, line in enumerate(re.split(r"\r\n|\r|\n", text), 1)]
    title_lines = [t for _, t in lines if t][:5]
    if not title_lines:
        raise ParseError(f"{_EXPECTED}: the text is empty")
    if not any("committee" in t.lower() for t in title_lines):
        raise ParseError(f"{_EXPECTED}: found no committee in the title")
    if not _PDU.search(text):
        raise ParseError(f"{_EXPECTED}: found no Probation Delivery Unit")
    sections = _sections(lines)
    problems: list[str] = []
    pdu_name = next((t for t in title_lines[1:] if _PDU.search(t)), None)
    if pdu_name is None:
        problems.append("PDU name not found under the title")
    site_count, sites = _sites(lines, sections, problems)
    return ParsedPDUProfile(
        title=title_lines[0],
        pdu_name=pdu_name,
        pdu_abbreviation=_abbreviation(text),
        site_count=site_count,
        sites=sites,
        teams=_teams(lines, sections, problems),
        caseload=_caseload(lines, sections, problems),
        commissioned_services=_commissioned_services(lines, sections, problems),
        co_located_services=_co_located_services(lines, sections, problems),
        problems=problems,
    )


def _sections(lines: list[Line]) -> dict[int, str]:
    """The heading each line sits under: short title-like lines standing between blanks."""
    section = ""
    by_line: dict[int, str] = {}
    for index, (number, text) in enumerate(lines):
        before = lines[index - 1][1] if index > 0 else ""
        after = lines[index + 1][1] if index + 1 < len(lines) else ""
        short = len(text.split()) <= _MAX_HEADING_WORDS
        if short and _HEADING.match(text) and not before and not after:
            section = text
        by_line[number] = section
    return by_line


def _number(word: str) -> int:
    word = word.lower().replace(",", "")
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _abbreviation(text: str) -> str | None:
    match = _ABBREVIATION.search(text)
    return match["abbr"] if match else None


def _search(lines: list[Line], pattern: re.Pattern[str]) -> tuple[int, re.Match[str]] | None:
    for number, text in lines:
        if match := pattern.search(text):
            return number, match
    return None


def _sites(
    lines: list[Line], sections: dict[int, str], problems: list[str]
) -> tuple[int | None, list[ParsedSite]]:
    """Read "3 operational sites, two in Bromley (central Bromley and Orpington) and one ..."."""
    found = _search(lines, _SITES)
    if found is None:
        problems.append("operational sites not found (expected '<n> operational sites, ...')")
        return None, []
    number, match = found
    ref = SourceRef(sections[number], number)
    sites: list[ParsedSite] = []
    for group in filter(None, _LIST_SEPARATOR.split(match["detail"])):
        sites.extend(_site_group(group, ref, problems))
    count = _number(match["count"])
    if len(sites) != count:
        problems.append(f"{count} sites published but {len(sites)} named (line {number})")
    return count, sites


def _site_group(group: str, ref: SourceRef, problems: list[str]) -> list[ParsedSite]:
    """One borough's sites: "two in Bromley (central Bromley and Orpington)"."""
    match = _SITE_GROUP.match(group.strip())
    if match is None:
        problems.append(f"unreadable sites {group!r} (line {ref.line})")
        return []
    borough, count = match["borough"], _number(match["count"])
    if match["names"]:
        names = [n for n in _LIST_SEPARATOR.split(match["names"]) if n]
    elif count == 1:
        names = [borough]  # "one site in Lewisham": the site goes by its borough's name
    else:
        problems.append(f"{count} sites in {borough} published without names (line {ref.line})")
        return []
    if len(names) != count:
        problems.append(
            f"{count} sites in {borough} published, {len(names)} named (line {ref.line})"
        )
    return [ParsedSite(name, borough, ref) for name in names]


def _teams(lines: list[Line], sections: dict[int, str], problems: list[str]) -> ParsedTeams | None:
    """Read "6 operational teams (4 in Lewisham, 2 in Bromley)"."""
    found = _search(lines, _TEAMS)
    if found is None:
        problems.append("operational teams not found (expected '<n> operational teams (...)')")
        return None
    number, match = found
    by_borough: dict[str, int] = {}
    for group in filter(None, _LIST_SEPARATOR.split(match["detail"])):
        if part := _TEAM_GROUP.match(group.strip()):
            by_borough[part["borough"]] = _number(part["count"])
        else:
            problems.append(f"unreadable teams {group!r} (line {number})")
    total = _number(match["count"])
    if sum(by_borough.values()) != total:
        counted = sum(by_borough.values())
        problems.append(f"{total} teams published but the boroughs' add up to {counted}")
    return ParsedTeams(total, by_borough, SourceRef(sections[number], number))


def _caseload(
    lines: list[Line], sections: dict[int, str], problems: list[str]
) -> ParsedCaseload | None:
    """Read "approximately 2,400 people on Probation": the first such count."""
    found = _search(lines, _CASELOAD)
    if found is None:
        problems.append("caseload not found (expected '<n> people on probation')")
        return None
    number, match = found
    ref = SourceRef(sections[number], number)
    return ParsedCaseload(_number(match["count"]), match["qualifier"] is not None, ref)


def _cells(text: str) -> list[str]:
    return [cell.strip() for cell in _CELL_SEPARATOR.split(text) if cell.strip()]


def _commissioned_services(
    lines: list[Line], sections: dict[int, str], problems: list[str]
) -> list[ParsedCommissionedService]:
    """Read the flattened table: a header naming the provider and status columns, then rows.

    Rows are lines with as many cells as the header; the table ends at the first line
    that has fewer (blank lines are skipped).
    """
    for index, (_, text) in enumerate(lines):
        header = _cells(text)
        provider = _column(header, _PROVIDER_COLUMN)
        status = _column(header, _STATUS_COLUMN)
        if len(header) >= 3 and None not in (provider, status) and provider != status:
            return _rows(lines[index + 1 :], len(header), provider, status, sections)
    problems.append("commissioned services table not found (expected provider and active columns)")
    return []


def _column(header: list[str], pattern: re.Pattern[str]) -> int | None:
    """The last column whose heading matches: the first one holds the need."""
    matches = [i for i, cell in enumerate(header) if i > 0 and pattern.search(cell)]
    return matches[-1] if matches else None


def _rows(
    lines: list[Line], width: int, provider: int, status: int, sections: dict[int, str]
) -> list[ParsedCommissionedService]:
    services: list[ParsedCommissionedService] = []
    for number, text in lines:
        if not text:
            continue
        cells = _cells(text)
        if len(cells) < width:
            break
        ref = SourceRef(sections[number], number)
        published = cells[status]
        services.append(
            ParsedCommissionedService(
                cells[0], cells[provider], published, published.lower() == "yes", ref
            )
        )
    return services


def _co_located_services(
    lines: list[Line], sections: dict[int, str], problems: list[str]
) -> list[ParsedCoLocatedService]:
    """Read the bullets under the sentence about services co-located in the office."""
    start = next((i for i, (_, text) in enumerate(lines) if _CO_LOCATED.search(text)), None)
    if start is None:
        problems.append("co-located services not found (expected a 'co-located' list)")
        return []
    services: list[ParsedCoLocatedService] = []
    for number, text in lines[start + 1 :]:
        if _BULLET.match(text):
            name, *description = _NAME_DASH.split(_BULLET.sub("", text), maxsplit=1)
            ref = SourceRef(sections[number], number)
            services.append(ParsedCoLocatedService(name, "".join(description), ref))
        elif text and services:
            break  # the list has ended
    if not services:
        problems.append(f"no bullets after the co-located sentence (line {lines[start][0]})")
    return services
