"""A build in progress: the fixture records made so far, and the lookups into them.

The order of work matters only for primary keys: records are numbered in the
order they are added, so the same texts always give the same fixtures.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from inspections.ingest.records import (
    KeyQuestion,
    Note,
    ProgrammeStandard,
    RecordedKeyQuestion,
    ReportRecords,
    Section,
    Standards,
    Wording,
)
from pdus.models import region_body_aliases, region_body_fields
from pdus.names import BodyNames

from .errors import BuildError
from .fixtures import FixtureSet
from .sources import date_spec
from .text import SourceText


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
    standards: dict[str, Standards] = field(default_factory=dict)  # by programme
    sections: dict[str, int] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    inspections: dict[str, int] = field(default_factory=dict)  # slug -> pk

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
        # Every region has its region body; those sources.toml does not list are named
        # as Region.save() names them.
        with_body = {
            body.get("region") for body in self.sources["body"] if body["kind"] == "region"
        }
        for region in self.sources["region"]:
            if region["slug"] in with_body:
                continue
            fields = region_body_fields(region["name"], region["slug"])
            self.bodies[fields["slug"]] = self.out.add(
                "pdus.body",
                name=fields["name"],
                short_name=fields["short_name"],
                abbreviation="",
                slug=fields["slug"],
                kind=fields["kind"],
                region=regions[region["slug"]],
                district=None,
                boroughs=[],
            )
            self.names.add(fields["slug"], fields["name"], *region_body_aliases(region["name"]))

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
            self.standards[programme["slug"]] = Standards()
        positions: dict[str, int] = {}
        for standard in self.sources["standard"]:
            programme = standard["programme"]
            positions[programme] = positions.get(programme, 0) + 1
            code = standard.get("code", "")
            pk = self.out.add(
                "ratings.standard",
                programme=self.programmes[programme],
                code=code,
                slug=slugify(f"{code.replace('.', '-')} {standard['name']}"),
                name=standard["name"],
                domain=standard.get("domain", ""),
                statement="",
                is_rated=standard.get("is_rated", True),
                rated_from_key_questions=standard.get("rated_from_key_questions", False),
                position=positions[programme],
            )
            self.standards[programme].add(
                ProgrammeStandard(pk, code, standard["name"], tuple(standard.get("aliases", [])))
            )

    def standard(self, programme: str, code_or_name: str, where: str) -> ProgrammeStandard:
        standard = self.standards[programme].find(code_or_name)
        if standard is None:
            raise BuildError(f"{where}: no {programme} standard {code_or_name!r}")
        return standard

    def section(self, section: Section) -> int:
        if section.name not in self.sections:
            self.sections[section.name] = self.out.add(
                "inspections.section",
                name=section.name,
                slug=section.slug,
                standard=section.standard.pk if section.standard else None,
            )
        return self.sections[section.name]

    # --- documents --------------------------------------------------------------

    def add_documents(self):
        # The parsers are loaded here, not with the module: every serving process loads
        # the builder package (the importer reads its sources list) and never builds.
        from inspections.ingest.parsing.pdu_report import parse_pdu_report
        from inspections.ingest.parsing.quality_impact import parse_quality_impact_report
        from inspections.ingest.parsing.regional_letter import parse_regional_letter
        from inspections.ingest.parsing.select_committee import parse_pdu_profile

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
        note = Note(kind, description, section, compared.pk if compared else None)
        self.add_note(inspection, document, note)

    def add_note(self, inspection: int | None, document: Document, note: Note):
        self.out.add(
            "inspections.dataqualitynote",
            **note.fields(inspection=inspection, source_document=document.pk),
        )

    # --- inspections --------------------------------------------------------------

    def add_inspection(self, slug: str, document: Document, **fields) -> int:
        if slug in self.inspections:
            raise BuildError(f"inspection {slug!r} is built twice")
        self.inspections[slug] = pk = self.out.add(
            "inspections.inspection", slug=slug, source_document=document.pk, **fields
        )
        return pk

    def report_records(self, document: Document, programme: str, body: str) -> ReportRecords:
        """Records for a document of `programme` on `body`; every name in it must be known."""
        return ReportRecords(
            document.label, self.standards[programme], self.names, body=body, strict=True
        )

    def add_records(self, inspection: int, document: Document, records: ReportRecords):
        """Write what a report records for `inspection`, in the order that numbers the rows."""
        for rating in records.ratings:
            self.out.add(
                "ratings.standardrating",
                **rating.fields(inspection=inspection, standard=rating.standard.pk),
            )
        for statement in records.statements:
            # The first report's wording is the standard's; the records note later ones.
            standard = statement.standard
            self.out.fields("ratings.standard", standard.pk)["statement"] = statement.statement
            standard.statement = Wording(statement.statement, document.label, document.pk)
        for score in records.key_question_scores:
            question = score.key_question
            if question.pk is None:  # the first report to publish it
                question.pk = self.add_key_question(question, document)
            self.out.add(
                "ratings.keyquestionscore",
                **score.fields(inspection=inspection, key_question=question.pk),
            )
        for finding in records.findings:
            self.out.add(
                "inspections.finding",
                **finding.fields(
                    inspection=inspection,
                    section=self.section(finding.section),
                    source_document=document.pk,
                ),
            )
        for recommendation in records.recommendations:
            self.out.add(
                "recommendations.recommendation",
                **recommendation.fields(
                    inspection=inspection,
                    addressee=self.bodies[recommendation.addressee],
                    co_addressees=[self.bodies[b] for b in recommendation.co_addressees],
                    source_document=document.pk,
                ),
            )
        for note in records.notes:
            self.add_note(inspection, document, note)

    def add_key_question(self, question: KeyQuestion, document: Document) -> int:
        """A question first published in `document`, whose wording later reports keep."""
        pk = self.out.add("ratings.keyquestion", **question.fields(standard=question.standard.pk))
        wording = Wording(question.text, document.label, document.pk)
        question.standard.key_questions[question.position] = RecordedKeyQuestion(pk, wording)
        return pk

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
