"""Turn the report texts into fixture records.

The order of work matters only for primary keys: records are numbered in the
order they are added, so the same texts always give the same fixtures.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.utils.text import slugify

from inspections.ingest.parsing.pdu_report import parse_pdu_report
from inspections.ingest.parsing.quality_impact import parse_quality_impact_report
from inspections.ingest.parsing.regional_letter import parse_regional_letter
from inspections.ingest.parsing.select_committee import parse_pdu_profile
from inspections.ingest.parsing.types import (
    ParsedFinding,
    ParsedRating,
    ParsedRecommendation,
)
from pdus.names import BodyNames, normalise_name

from .errors import BuildError
from .fixtures import FixtureSet
from .text import SourceText

SOURCES_FILE = Path(__file__).with_name("sources.toml")

RATING_VALUES = {
    "Outstanding": "outstanding",
    "Good": "good",
    "Requires improvement": "requires_improvement",
    "Inadequate": "inadequate",
    "Not inspected": "not_inspected",
}


def date_spec(value: str) -> tuple[date, str]:
    """A date from the data file: YYYY, YYYY-MM or YYYY-MM-DD, with its precision."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), "year"
    if len(parts) == 2:
        return date(parts[0], parts[1], 1), "month"
    return date(*parts), "day"


@dataclass
class Document:
    """One source document: its entry in sources.toml, its text and its fixture pk."""

    entry: dict
    text: SourceText
    pk: int
    parsed: object = None

    @property
    def filename(self) -> str:
        return self.entry["filename"]

    @property
    def label(self) -> str:
        """How a note names the document: 'The regional letter' or the report's title."""
        if self.entry["kind"] == "regional_letter":
            return "The regional letter"
        return self.entry.get("title") or self.parsed.title


@dataclass
class Builder:
    reports_dir: Path
    sources: dict
    out: FixtureSet = field(default_factory=FixtureSet)
    bodies: dict[str, int] = field(default_factory=dict)  # slug -> pk
    names: BodyNames = field(default_factory=BodyNames)
    programmes: dict[str, int] = field(default_factory=dict)
    standards: dict[tuple[str, str], int] = field(default_factory=dict)  # (programme, key) -> pk
    standard_codes: dict[int, str] = field(default_factory=dict)  # pk -> canonical code
    key_questions: dict[tuple[int, int], int] = field(default_factory=dict)
    sections: dict[str, int] = field(default_factory=dict)
    statement_sources: dict[int, Document] = field(default_factory=dict)  # standard pk -> doc
    documents: dict[str, Document] = field(default_factory=dict)
    inspections: dict[str, int] = field(default_factory=dict)  # slug -> pk
    finding_positions: dict[int, int] = field(default_factory=dict)
    recommendation_positions: dict[int, int] = field(default_factory=dict)

    # --- bodies, programmes and standards --------------------------------------

    def add_places(self):
        regions = {}
        for region in self.sources["region"]:
            regions[region["slug"]] = self.out.add(
                "pdus.region", name=region["name"], slug=region["slug"]
            )
        districts = {}
        for district in self.sources["district"]:
            districts[district["slug"]] = self.out.add(
                "pdus.district",
                name=district["name"],
                slug=district["slug"],
                region=regions[district["region"]],
            )
        boroughs = {}
        for group in self.sources["borough"]:
            for slug, name in zip(group["slugs"], group["names"], strict=True):
                boroughs[slug] = self.out.add(
                    "pdus.borough", name=name, slug=slug, region=regions[group["region"]]
                )
        for body in self.sources["body"]:
            self.bodies[body["slug"]] = self.out.add(
                "pdus.body",
                name=body["name"],
                short_name=body["short_name"],
                abbreviation=body.get("abbreviation", ""),
                slug=body["slug"],
                kind=body["kind"],
                region=regions.get(body.get("region")),
                district=districts.get(body.get("district")),
                boroughs=[boroughs[b] for b in body.get("boroughs", [])],
            )
            try:
                self.names.add(body["slug"], body["name"], *body.get("aliases", []))
            except ValueError as error:
                raise BuildError(str(error)) from None

    def body_named(self, name: str, where: str) -> str:
        """The slug of the body a document calls `name`."""
        slug = self.names.find(name)
        if slug is not None:
            return slug
        raise BuildError(f"{where}: no body is known as {name!r}; add it to sources.toml")

    def add_programmes(self):
        for programme in self.sources["programme"]:
            started, _ = date_spec(programme["started"])
            ended, _ = date_spec(programme["ended"])
            self.programmes[programme["slug"]] = self.out.add(
                "ratings.programme",
                slug=programme["slug"],
                name=programme["name"],
                rating_scheme=programme["rating_scheme"],
                started=started,
                ended=ended,
                description=programme["description"],
            )
        positions: dict[str, int] = {}
        for standard in self.sources["standard"]:
            programme = standard["programme"]
            positions[programme] = positions.get(programme, 0) + 1
            pk = self.out.add(
                "ratings.standard",
                programme=self.programmes[programme],
                code=standard.get("code", ""),
                slug=slugify(f"{standard.get('code', '').replace('.', '-')} {standard['name']}"),
                name=standard["name"],
                domain=standard.get("domain", ""),
                statement="",
                is_rated=standard.get("is_rated", True),
                rated_from_key_questions=standard.get("rated_from_key_questions", False),
                position=positions[programme],
            )
            self.standard_codes[pk] = standard.get("code", "")
            for key in [standard.get("code"), standard["name"], *standard.get("aliases", [])]:
                if key:
                    self.standards[(programme, normalise_name(key))] = pk

    def standard(self, programme: str, code_or_name: str, where: str) -> int:
        try:
            return self.standards[(programme, normalise_name(code_or_name))]
        except KeyError:
            raise BuildError(f"{where}: no {programme} standard {code_or_name!r}") from None

    def section(self, name: str, standard_pk: int | None = None) -> int:
        if name not in self.sections:
            self.sections[name] = self.out.add(
                "inspections.section", name=name, slug=slugify(name), standard=standard_pk
            )
        return self.sections[name]

    def standard_section(self, standard_pk: int) -> int:
        record = self.out.records("ratings.standard")[standard_pk - 1]["fields"]
        return self.section(f"{record['code']} {record['name']}".strip(), standard_pk)

    # --- documents --------------------------------------------------------------

    def add_documents(self):
        parsers = {
            "pdu_report": parse_pdu_report,
            "regional_letter": parse_regional_letter,
            "quality_impact_report": parse_quality_impact_report,
            "pdu_profile": parse_pdu_profile,
        }
        for entry in self.sources["document"]:
            path = self.reports_dir / entry["filename"]
            if not path.is_file():
                raise BuildError(f"{path}: missing; expected the published report texts here")
            raw = path.read_bytes()
            text = raw.decode("utf-8")
            parsed = parsers[entry["kind"]](text)
            title = entry.get("title") or parsed.title
            published = getattr(parsed, "letter_date", None) or getattr(parsed, "published", None)
            precision = "day" if getattr(parsed, "letter_date", None) else "month"
            if "published" in entry:
                published, precision = date_spec(entry["published"])
            pk = self.out.add(
                "inspections.sourcedocument",
                filename=entry["filename"],
                title=title,
                kind=entry["kind"],
                author=entry["author"],
                published=published,
                published_precision=precision,
                url=entry.get("url", ""),
                licence=entry.get("licence", ""),
                sha256=hashlib.sha256(raw).hexdigest(),
            )
            self.documents[entry["filename"]] = Document(
                entry, SourceText(entry["filename"], text), pk, parsed
            )

    def note(
        self,
        kind: str,
        description: str,
        document: Document,
        *,
        inspection=None,
        compared: Document | None = None,
        section: str = "",
    ):
        self.out.add(
            "inspections.dataqualitynote",
            inspection=inspection,
            kind=kind,
            description=description,
            source_document=document.pk,
            compared_document=compared.pk if compared else None,
            source_section=section,
        )

    # --- inspections --------------------------------------------------------------

    def add_inspection(self, slug: str, document: Document, **fields) -> int:
        if slug in self.inspections:
            raise BuildError(f"inspection {slug!r} is built twice")
        self.inspections[slug] = pk = self.out.add(
            "inspections.inspection", slug=slug, source_document=document.pk, **fields
        )
        return pk

    def add_ratings(
        self,
        inspection: int,
        document: Document,
        ratings: list[ParsedRating],
        overrides: dict[str, str] | None = None,
    ):
        """Ratings matched to standards by name, keeping the number the document printed."""
        overrides = overrides or {}
        for parsed in ratings:
            standard = self.standard("pdu", parsed.name, document.filename)
            canonical = self.standard_codes[standard]
            self.fill_statement(
                standard, parsed.statement, document, inspection, parsed.ref.section
            )
            self.out.add(
                "ratings.standardrating",
                inspection=inspection,
                standard=standard,
                rating=RATING_VALUES[parsed.rating],
                published_code=parsed.code or "",
                override_reason=overrides.get(canonical, ""),
                source_section=parsed.ref.section,
                source_line=parsed.ref.line,
            )
            if parsed.code and parsed.code != canonical:
                self.note(
                    "numbering",
                    f"{document.label} numbers {parsed.name} as {parsed.code}; the PDU "
                    f"programme's standard is {canonical} {parsed.name}.",
                    document,
                    inspection=inspection,
                    section=parsed.ref.section,
                )

    def fill_statement(
        self, standard: int, statement: str, document: Document, inspection: int, section: str
    ):
        """The standard's statement is the first report's wording; other wordings are noted."""
        record = self.out.records("ratings.standard")[standard - 1]["fields"]
        if not statement:
            return
        if standard not in self.statement_sources:
            record["statement"] = statement
            self.statement_sources[standard] = document
        elif record["statement"] != statement:
            first = self.statement_sources[standard]
            self.note(
                "wording",
                f"{document.label} words standard {record['code']} as {statement!r}; "
                f"{first.label} words it {record['statement']!r}, which is kept as the "
                "standard's statement.",
                document,
                inspection=inspection,
                compared=first,
                section=section,
            )

    def add_finding(
        self, inspection: int, document: Document, finding: ParsedFinding, section: int
    ):
        position = self.finding_positions.get(inspection, 0) + 1
        self.finding_positions[inspection] = position
        self.out.add(
            "inspections.finding",
            inspection=inspection,
            section=section,
            kind=finding.kind,
            text=finding.text,
            position=position,
            source_document=document.pk,
            source_section=finding.ref.section,
            source_line=finding.ref.line,
        )

    def add_recommendation(
        self,
        inspection: int,
        document: Document,
        recommendation: ParsedRecommendation,
        addressee: str,
        co_addressees=(),
    ):
        position = self.recommendation_positions.get(inspection, 0) + 1
        self.recommendation_positions[inspection] = position
        self.out.add(
            "recommendations.recommendation",
            inspection=inspection,
            number=recommendation.number,
            position=position,
            addressee=self.bodies[addressee],
            co_addressees=[self.bodies[b] for b in co_addressees],
            addressee_label=recommendation.addressee,
            text=recommendation.text,
            source_document=document.pk,
            source_section=recommendation.ref.section,
            source_line=recommendation.ref.line,
        )

    def add_problems(self, inspection: int | None, document: Document, problems: list[str]):
        for problem in problems:
            self.note("conversion", problem, document, inspection=inspection)

    def add_figure(
        self,
        document: Document,
        *,
        body: str,
        inspection: int | None,
        category: str,
        label: str,
        value_text: str,
        unit: str,
        section: str,
        line: int,
        quote: str,
        value: str | None,
        as_at=None,
        as_at_precision="day",
        source_note="",
    ):
        self.out.add(
            "inspections.contextfigure",
            body=self.bodies[body],
            inspection=inspection,
            category=category,
            label=label,
            value=value,
            value_text=value_text,
            unit=unit,
            as_at=as_at,
            as_at_precision=as_at_precision,
            source_document=document.pk,
            source_section=section,
            source_line=line,
            source_note=source_note,
            quote=quote,
        )


def load_sources() -> dict:
    with SOURCES_FILE.open("rb") as handle:
        return tomllib.load(handle)


def build(reports_dir: Path) -> FixtureSet:
    """Parse every listed document in `reports_dir` and return the fixture records."""
    from . import documents  # the per-kind steps; imported here to keep this module small

    builder = Builder(Path(reports_dir), load_sources())
    builder.add_places()
    builder.add_programmes()
    builder.add_documents()
    documents.add_all(builder)
    return builder.out
