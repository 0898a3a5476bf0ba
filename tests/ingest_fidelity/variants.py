"""Variants of the two published PDU reports, each with the facts a right reading gives.

The reports HMIP will publish differ from the two we have in ways PDF conversion and
other PDUs bring: other names, ratings and percentages, line endings, wrapping, page
footers, a lost heading, another encoding, tables reflowed. Each variant here is made
from a published text by one or more such changes, seeded, so the corpus is the same on
every run. Its expected facts are the parser's reading of the untouched text (which
tests/inspections/test_parse_pdu_report.py holds to the published facts) changed the
same way: a renamed PDU is renamed in every expected text, changed ratings change the
expected ratings, score and overall rating; changes of form (endings, wrapping, footers,
encoding, tables) change no fact.

Facts (`Fact`): the title, PDU name, fieldwork start, score, overall rating, each
standard's rating, each key question (its text and percentage), each recommendation (its
addressee and text), and each finding (its section, kind and text, whitespace
normalised). A finding is a fact of its own wherever it is in the report; a parsed finding
that is not expected is a wrong fact too.

Flagged: a wrong fact counts as flagged when one of the parser's problems (the notes an
admin is asked to check) contains, case-insensitively, one of the fact's `flag_words`:
words that name the fact's place in the report. A standard's rating is named by "<code>
<name>" (as "2.3 Planning"), "no ratings table" or "ratings table was" (cut by a footer);
a key question by "<code> <name>" or "no key-question percentages"; a recommendation by
"recommendation"; a finding by its section ("1.2 Staff", "Resettlement work"); the title
by "title was taken" or "no title"; the other cover facts by what they are ("PDU name",
"fieldwork", "score", "overall rating"). A note on the whole text, such as the encoding,
flags nothing: it does not say which fact to check.
"""

from __future__ import annotations

import random
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from pathlib import Path

from inspections.ingest.parsing.pdu_report import parse_pdu_report
from inspections.ingest.parsing.text import decode_report
from inspections.ingest.parsing.types import RATING_POINTS, ParsedPDUReport

REPORTS = Path(__file__).resolve().parents[3] / "shared" / "reports"
SOURCES = {
    "lambeth": REPORTS / "000_dc3a9006563f0344.txt",
    "lewisham": REPORTS / "002_dfa0cb83f9a93719.txt",
}
# Each published report's place names, longest first, and the region it names.
PLACES = {
    "lambeth": ["Lambeth PDU", "Lambeth"],
    "lewisham": [
        "Lewisham and Bromley PDU",
        "Lewisham & Bromley",
        "Lewisham and Bromley",
        "Lewisham",
        "Bromley",
    ],
}
PUBLISHED_REGION = "London"
# Real PDUs in each region of the Probation Service (the report's own London among them).
OTHER_PDUS = [
    ("County Durham and Darlington PDU", "North East"),
    ("Liverpool North PDU", "North West"),
    ("Leeds PDU", "Yorkshire and the Humber"),
    ("Bolton PDU", "Greater Manchester"),
    ("Derby City PDU", "East Midlands"),
    ("Coventry PDU", "West Midlands"),
    ("Cambridgeshire and Peterborough PDU", "East of England"),
    ("Cardiff and the Vale PDU", "Wales"),
    ("Bristol and South Gloucestershire PDU", "South West"),
    ("Southampton, Eastleigh and New Forest PDU", "South Central"),
    ("East Kent PDU", "Kent, Surrey and Sussex"),
    ("Hammersmith, Fulham, Kensington, Chelsea and Westminster PDU", "London"),
]
RATINGS = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
# Lowest key-question percentage -> rating, and score -> overall rating (ratings/rules.py).
KEY_QUESTION_BANDS = [(80, "Outstanding"), (65, "Good"), (50, "Requires improvement")]
SCORE_BANDS = [(21, "Outstanding"), (13, "Good"), (5, "Requires improvement")]


@dataclass(frozen=True)
class Fact:
    key: tuple  # what the fact is, e.g. ("rating", "2.3") or ("finding", section, kind, text)
    value: object  # for a finding, True: the fact is that it is there
    flag_words: tuple[str, ...]

    @property
    def label(self) -> str:
        return " ".join(str(part) for part in self.key)[:110]


@dataclass
class Variant:
    name: str
    source: str  # "lambeth" or "lewisham"
    data: bytes  # the file as uploaded
    region: str  # the region the variant's PDU is in
    expected: list[Fact] = field(default_factory=list)
    text: str = ""  # before its line endings and encoding: what a PDF would print


def facts(report: ParsedPDUReport) -> list[Fact]:
    """A parsed report's facts, comparable with a variant's expected facts."""
    names = {rating.code: f"{rating.code} {rating.name}" for rating in report.ratings}
    found = [
        Fact(("title",), report.title, ("title was taken", "no title")),
        Fact(("PDU name",), report.pdu_name, ("PDU name",)),
        Fact(("fieldwork start",), report.fieldwork_start, ("fieldwork",)),
        Fact(("score",), (report.score, report.max_score), ("score",)),
        Fact(("overall rating",), report.overall_rating, ("overall rating",)),
    ]
    found += [
        Fact(("rating", r.code), r.rating, (names[r.code], "no ratings table", "ratings table was"))
        for r in report.ratings
    ]
    positions: dict[str, int] = {}
    for question in report.key_questions:
        code = question.standard_code
        positions[code] = positions.get(code, 0) + 1
        standard = names.get(code) or next(
            (f.section for f in report.findings if f.standard_code == code), code
        )
        found.append(
            Fact(
                ("key question", code, positions[code]),
                (question.text, question.percent_yes),
                (standard, "no key-question percentages"),
            )
        )
    found += [
        Fact(("recommendation", r.number), (r.addressee, r.text), ("recommendation",))
        for r in report.recommendations
    ]
    found += [
        Fact(("finding", f.section, f.kind, " ".join(f.text.split())), True, (f.section,))
        for f in report.findings
    ]
    return found


@cache
def published_text(source: str) -> str:
    return SOURCES[source].read_text(encoding="utf-8")


@cache
def reference(source: str) -> tuple[Fact, ...]:
    """The facts of the untouched published text."""
    return tuple(facts(parse_pdu_report(published_text(source))))


# --- Changes of content: the text and the expected facts change together ------------------


def rename(text: str, source: str, pdu: str, region: str) -> tuple[str, Callable[[str], str]]:
    """The report's places become ``pdu`` (its boroughs too) and London becomes ``region``."""
    short = pdu.removesuffix(" PDU")
    pairs = [(place, pdu if place.endswith(" PDU") else short) for place in PLACES[source]]
    pairs.append((PUBLISHED_REGION, region))
    patterns = [
        (re.compile(r"\b" + r"\s+".join(map(re.escape, old.split())) + r"\b"), new)
        for old, new in pairs
    ]

    def renamed(value: str) -> str:
        for pattern, new in patterns:
            value = pattern.sub(new, value)
        return value

    return renamed(text), renamed


def _rename_fact(fact: Fact, renamed: Callable[[str], str]) -> Fact:
    def deep(value):
        if isinstance(value, str):
            return renamed(value)
        if isinstance(value, tuple):
            return tuple(deep(part) for part in value)
        return value

    return replace(
        fact, key=deep(fact.key), value=deep(fact.value), flag_words=deep(fact.flag_words)
    )


def rerate(text: str, rng: random.Random) -> tuple[str, dict, dict[str, list[int]]]:
    """New key-question percentages, and ratings that follow from them as HMIP's rules give.

    Returns the text, the new ratings by code (and "score", "overall rating"), and the new
    percentages of each standard's key-question table.
    """
    lines = text.split("\n")
    tables = _key_question_tables(lines)
    new_percentages = [[rng.randint(5, 95) for _ in cells] for _, cells in tables]
    for (_, cells), values in zip(tables, new_percentages, strict=True):
        for (i, start, end), value in zip(cells, values, strict=True):
            lines[i] = lines[i][:start] + str(value) + lines[i][end:]
    ratings: dict[str, str] = {}
    for (code, _), values in zip(tables, new_percentages, strict=True):
        if code != "2.6":
            ratings[code] = _band(min(values), KEY_QUESTION_BANDS)
    for code in ("1.1", "1.2", "1.3", "1.4"):
        ratings[code] = rng.choice(RATINGS)
    for code, rating in ratings.items():
        _set_rating(lines, code, rating)
    score = sum(RATING_POINTS[rating] for rating in ratings.values())
    overall = _band(score, SCORE_BANDS)
    text = "\n".join(lines)
    text = re.sub(r"(Score\s*)(\d{1,2})(\s*/\s*\d{1,2})", rf"\g<1>{score}\g<3>", text, count=1)
    text = re.sub(
        r"(O\s*v\s*e\s*r\s*a\s*l\s*l\s+rating\s*)(Requires\s+improvement|Inadequate|Good|"
        r"Outstanding)",
        rf"\g<1>{overall}",
        text,
        count=1,
    )
    by_code = {code: values for (code, _), values in zip(tables, new_percentages, strict=True)}
    return text, {**ratings, "score": score, "overall rating": overall}, by_code


def _band(value: int, bands: list[tuple[int, str]]) -> str:
    return next((rating for minimum, rating in bands if value >= minimum), "Inadequate")


_KQ_HEADER_RE = re.compile(r"^\s*(?:Key question|Outcomes)\s+Percentage")
_PERCENT_RE = re.compile(r"(\d{1,3})%")
_STANDARD_OF_TABLE_RE = re.compile(r"^\s*Our rating\S*\s+for\s+(.+?)\s+is based on|^\s*(2\.6)\.")
_STANDARD_CODES = {
    "assessment": "2.2",
    "planning": "2.3",
    "implementation and delivery": "2.4",
    "reviewing": "2.5",
}


def _key_question_tables(lines: list[str]) -> list[tuple[str, list[tuple[int, int, int]]]]:
    """Each key-question table's standard code and its percentage cells (line, start, end)."""
    tables = []
    code = None
    for i, line in enumerate(lines):
        named = _STANDARD_OF_TABLE_RE.match(line)
        if named:
            code = named.group(2) or _STANDARD_CODES[named.group(1).lower()]
        if not _KQ_HEADER_RE.match(line):
            continue
        cells: list[tuple[int, int, int]] = []
        j = i + 1
        while len(cells) < (1 if code == "2.6" else 3):
            cells += [(j, m.start(1), m.end(1)) for m in _PERCENT_RE.finditer(lines[j])]
            j += 1
        tables.append((str(code), cells))
    return tables


def _set_rating(lines: list[str], code: str, rating: str) -> None:
    """The standard's row in the ratings table, and the rating under its heading."""
    row = re.compile(rf"^(\s*{re.escape(code)}\s+[A-Z][A-Za-z ]+?\s+)({'|'.join(RATINGS)})")
    heading = re.compile(rf"^\s*{re.escape(code)}\.\s+[A-Z]")
    for i, line in enumerate(lines):
        if row.match(line):
            lines[i] = row.sub(rf"\g<1>{rating}", line)
        elif heading.match(line):
            j = next(
                j for j in range(i + 1, len(lines)) if lines[j].strip() in (*RATINGS, "Requires")
            )
            if lines[j].strip() == "Requires":  # "Requires" / "improvement" on two lines
                lines[j + 1] = ""
            lines[j] = rating
    # "X PDU is rated as 'Inadequate' for assessment as the lowest score ..." sentences
    # are not facts, but a report says the same rating there.


# --- Changes of form: the facts stay as published -----------------------------------------


def rewrap(text: str, width: int, indent: str) -> str:
    """Every line longer than ``width`` wrapped at it, as another converter would."""
    lines = []
    for line in text.split("\n"):
        if len(line) <= width:
            lines.append(line)
        else:
            wrapped = textwrap.wrap(
                line,
                width,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
                expand_tabs=False,
                replace_whitespace=False,
            )
            lines.extend(wrapped)
    return "\n".join(lines)


FOOTER_STYLES = {
    "title then page": "Inspection of probation services: {name}  {page}",
    "page then title": "{page} Inspection of probation services: {name}",
    "long title then page": "An inspection of probation services in {name}    {page}",
    "name then page": "{name} {page}",
    "title over page": "Inspection of probation services: {name}\n  {page}",
}


def add_footers(text: str, name: str, styles: list[str], glued: bool, rng: random.Random) -> str:
    """A page footer every 40 to 60 lines: on a line of its own, or glued into a sentence."""
    lines = text.split("\n")
    out: list[str] = []
    page, next_at = 2, rng.randint(40, 60)
    for i, line in enumerate(lines):
        if i == next_at:
            footer = FOOTER_STYLES[rng.choice(styles)].format(name=name, page=page)
            words = line.split(" ")
            if (
                glued
                and len(words) >= 8
                and "\n" not in footer
                and "probation services" not in line
            ):
                cut = rng.randint(2, len(words) - 2)
                line = " ".join([*words[:cut], footer, *words[cut:]])
            elif glued:
                next_at += 1  # glue it into the next line long enough to hold it
                out.append(line)
                continue
            else:
                out.extend(["", footer, ""] if rng.random() < 0.5 else [footer])
            page += 1
            next_at = i + rng.randint(40, 60)
        out.append(line)
    return "\n".join(out)


def drop_heading(text: str, heading: str) -> str:
    """The first line that is ``heading`` (trailing spaces aside) removed."""
    lines = text.split("\n")
    i = next(i for i, line in enumerate(lines) if line.strip() == heading)
    return "\n".join(lines[:i] + lines[i + 1 :])


def reflow_tables(text: str, rng: random.Random) -> str:
    """Table cells apart by tabs become runs of spaces, and cells apart by spaces tabs."""
    out = []
    for line in text.split("\n"):
        if "\t" in line:
            line = re.sub(r"\t", lambda _: " " * rng.randint(2, 5), line)
        else:
            line = re.sub(
                r"^(\s*\d\.\d)\s+(.+?)\s+(Requires improvement|Inadequate|Good|Outstanding)\s*$",
                "\\1\t\\2\t\\3",
                line,
            )
            line = re.sub(r"\?\s+(\d{1,3}%)\s*$", "?\t\\1", line)
        out.append(line)
    return "\n".join(out)


# Windows-1252's characters for the typographic marks, read as Latin-1: C1 controls.
C1_MARKS = str.maketrans("‘’“”•–—", "\x91\x92\x93\x94\x95\x96\x97")
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def windows_1252(text: str) -> bytes:
    """The text saved as Windows-1252; superscript digits, which it lacks, become digits."""
    return text.translate(SUPERSCRIPTS).encode("cp1252")


# --- The corpus ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipe:
    name: str
    rename_to: int | None = None  # index into OTHER_PDUS
    rerate: bool = False
    wrap: tuple[int, str] | None = None  # width and continuation indent
    footers: tuple[tuple[str, ...], bool] | None = None  # styles, glued
    drop: str | None = None  # a heading to remove
    reflow: bool = False
    c1: bool = False
    encoding: str = "utf-8"  # or "cp1252"
    newline: str = "\n"


RECIPES = [
    Recipe("untouched"),
    Recipe("renamed Leeds", rename_to=2),
    Recipe("renamed Cardiff, rerated", rename_to=7, rerate=True),
    Recipe("renamed Southampton, CRLF", rename_to=9, newline="\r\n"),
    Recipe("renamed Hammersmith, wrapped at 60", rename_to=11, wrap=(60, " ")),
    Recipe("rerated", rerate=True),
    Recipe("CR line endings", newline="\r"),
    Recipe("wrapped at 60", wrap=(60, "")),
    Recipe("wrapped at 100", wrap=(100, " ")),
    Recipe("footers, own lines", footers=(tuple(FOOTER_STYLES), False)),
    Recipe("footers, glued mid-sentence", footers=(("title then page", "page then title"), True)),
    Recipe(
        "renamed Durham, wrapped at 60, footers",
        rename_to=0,
        wrap=(60, " "),
        footers=(("title then page", "long title then page", "title over page"), False),
    ),
    Recipe("no Recommendations heading", drop="Recommendations"),
    Recipe("no Ratings heading", drop="Ratings"),
    Recipe("no first Strengths heading", drop="Strengths:"),
    Recipe("tables reflowed", reflow=True),
    Recipe("C1 quotation marks", c1=True),
    Recipe("Windows-1252", encoding="cp1252"),
    Recipe(
        "renamed Bolton, rerated, Windows-1252, CRLF, tables reflowed",
        rename_to=3,
        rerate=True,
        reflow=True,
        encoding="cp1252",
        newline="\r\n",
    ),
    Recipe(
        "renamed Coventry, C1 quotation marks, footers, wrapped at 100",
        rename_to=5,
        c1=True,
        wrap=(100, ""),
        footers=(("name then page", "page then title"), False),
    ),
]


def make(source: str, recipe: Recipe, seed: int = 0, pdu: tuple[str, str] | None = None) -> Variant:
    """One variant of a published report, with its expected facts; `pdu`, a (PDU, region)
    pair, renames it to a PDU of the caller's choosing instead of the recipe's."""
    rng = random.Random(f"{seed}:{source}:{recipe.name}" + (f":{pdu[0]}" if pdu else ""))
    text = published_text(source)
    expected = list(reference(source))
    region = PUBLISHED_REGION
    if pdu is None and recipe.rename_to is not None:
        pdu = OTHER_PDUS[recipe.rename_to]
    if pdu is not None:
        name, region = pdu
        text, renamed = rename(text, source, name, region)
        expected = [_rename_fact(fact, renamed) for fact in expected]
    if recipe.rerate:
        text, ratings, percentages = rerate(text, rng)
        expected = _rerated(expected, ratings, percentages)
    if recipe.drop:
        text = drop_heading(text, recipe.drop)
    if recipe.reflow:
        text = reflow_tables(text, rng)
    if recipe.wrap:
        text = rewrap(text, *recipe.wrap)
    if recipe.footers:
        name = next(fact.value for fact in expected if fact.key == ("PDU name",))
        text = add_footers(text, str(name), list(recipe.footers[0]), recipe.footers[1], rng)
    if recipe.c1:
        text = text.translate(C1_MARKS)
    lines = text.replace("\n", recipe.newline)
    data = windows_1252(lines) if recipe.encoding == "cp1252" else lines.encode("utf-8")
    return Variant(f"{source}: {recipe.name}", source, data, region, expected, text)


def _rerated(expected: list[Fact], ratings: dict, percentages: dict[str, list[int]]) -> list[Fact]:
    new_percent = {
        ("key question", code, position): value
        for code, values in percentages.items()
        for position, value in enumerate(values, start=1)
    }
    changed = []
    for fact in expected:
        value = fact.value
        if fact.key[0] == "rating" and fact.key[1] in ratings:
            value = ratings[fact.key[1]]
        elif fact.key == ("score",):
            value = (ratings["score"], fact.value[1])
        elif fact.key == ("overall rating",):
            value = ratings["overall rating"]
        elif fact.key in new_percent:
            value = (fact.value[0], Decimal(new_percent[fact.key]))
        changed.append(replace(fact, value=value))
    return changed


def corpus(seed: int = 0) -> list[Variant]:
    return [make(source, recipe, seed) for source in SOURCES for recipe in RECIPES]


# --- Measuring ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Miss:
    expected: Fact | None  # None: a parsed fact that should not be there
    parsed: Fact | None  # None: an expected fact the parser did not give
    flagged: bool


@dataclass
class Result:
    variant: Variant
    report: ParsedPDUReport
    problems: list[str]  # the decoder's notes and the parser's problems
    facts: int  # expected facts, plus parsed facts that are not expected
    misses: list[Miss]

    @property
    def right(self) -> int:
        return self.facts - len(self.misses)


def check(variant: Variant) -> Result:
    """Decode and parse a variant as the importer does, and compare its facts."""
    text, notes = decode_report(variant.data)
    report = parse_pdu_report(text)
    problems = notes + report.problems
    expected = {fact.key: fact for fact in variant.expected}
    parsed = {fact.key: fact for fact in facts(report)}
    misses = [
        Miss(fact, parsed.get(key), _flagged(fact, problems))
        for key, fact in expected.items()
        if key not in parsed or parsed[key].value != fact.value
    ]
    misses += [
        Miss(None, fact, _flagged(fact, problems))
        for key, fact in parsed.items()
        if key not in expected
    ]
    extra = sum(1 for key in parsed if key not in expected)
    return Result(variant, report, problems, len(expected) + extra, misses)


def _flagged(fact: Fact, problems: list[str]) -> bool:
    return any(word.lower() in problem.lower() for problem in problems for word in fact.flag_words)


def figures(results: list[Result]) -> dict[str, int | float]:
    facts_ = sum(result.facts for result in results)
    right = sum(result.right for result in results)
    misses = [miss for result in results for miss in result.misses]
    return {
        "variants": len(results),
        "facts": facts_,
        "right %": round(100 * right / facts_, 2),
        "wrong flagged": sum(miss.flagged for miss in misses),
        "wrong unflagged": sum(not miss.flagged for miss in misses),
    }


def figures_table(results: list[Result]) -> str:
    """The figures as a Markdown table, for the README."""
    row = figures(results)
    return "\n".join(
        [
            "| " + " | ".join(row) + " |",
            "| " + " | ".join("---:" for _ in row) + " |",
            "| " + " | ".join(str(value) for value in row.values()) + " |",
        ]
    )


def misses_table(results: list[Result]) -> str:
    """Every wrong fact: its variant, whether a problem flags it, expected and parsed values."""
    lines = []
    for result in results:
        for miss in result.misses:
            fact = miss.expected or miss.parsed
            assert fact is not None
            expected = miss.expected.value if miss.expected else "(not there)"
            parsed = miss.parsed.value if miss.parsed else "(missing)"
            lines.append(
                f"{result.variant.name} | {'flagged' if miss.flagged else 'UNFLAGGED'} | "
                f"{fact.label} | expected {str(expected)[:80]!r} | parsed {str(parsed)[:80]!r}"
            )
    return "\n".join(lines)
