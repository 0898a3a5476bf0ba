"""The build steps for each kind of document, and the checks of one against another."""

from __future__ import annotations

from contextlib import contextmanager

from inspections.ingest.parsing.dates import start_of
from inspections.ingest.parsing.types import OTHER, ParsedFinding, SourceRef
from inspections.ingest.records import (
    RATINGS,
    ReportRecords,
    Standards,
    Unmatched,
    conversion_notes,
    find_pdu,
    pdu_report_records,
)
from pdus.names import normalise_name

from .errors import BuildError
from .sources import date_spec
from .state import Builder, Document
from .text import parse_number


def add_all(b: Builder):
    reports = {}
    for document in b.documents.values():
        if document.entry["kind"] == "pdu_report":
            with names_known(document):
                reports[document.entry["body"]] = add_pdu_report(b, document)
    for document in b.documents.values():
        kind = document.entry["kind"]
        with names_known(document):
            if kind == "regional_letter":
                add_regional_letter(b, document, reports)
            elif kind == "quality_impact_report":
                add_quality_impact_report(b, document)
            elif kind == "pdu_profile":
                add_pdu_profile(b, document)
    add_figures(b)
    add_discrepancies(b)


@contextmanager
def names_known(doc: Document):
    """Every standard and body a document names must be in sources.toml: none is guessed."""
    try:
        yield
    except Unmatched as error:
        raise BuildError(f"{doc.filename}: {error}; add it to sources.toml") from None


# --- PDU reports -------------------------------------------------------------------


def add_pdu_report(b: Builder, doc: Document):
    report = doc.parsed
    body = doc.entry["body"]
    programme = doc.entry["programme"]
    if find_pdu(b.names, report.pdu_name) != body:
        raise BuildError(f"{doc.filename} reports on {report.pdu_name!r}, not {body!r}")
    records = pdu_report_records(
        report,
        label=doc.label,
        body=body,
        body_name=b.out.fields("pdus.body", b.bodies[body])["name"],
        standards=b.standards[programme],
        names=b.names,
        strict=True,
    )
    fields = dict(records.inspection)
    inspection = b.add_inspection(
        doc.entry["inspection"],
        doc,
        title=fields.pop("title"),  # first, as in every inspection's fixture
        body=b.bodies[body],
        programme=b.programmes[programme],
        **fields,
        is_published=True,
    )
    b.add_records(inspection, doc, records)
    return inspection, report, doc


# --- The regional letter -------------------------------------------------------------


def add_regional_letter(b: Builder, doc: Document, reports: dict):
    letter = doc.parsed
    entry = doc.entry
    inspection = b.add_inspection(
        entry["inspection"],
        doc,
        title=entry["title"],
        body=b.bodies[entry["body"]],
        programme=b.programmes[entry["programme"]],
        published=letter.letter_date,
        published_precision="day",
        lead_inspector=letter.lead_inspector or "",
        is_published=True,
    )
    # The letter's headings are the region's own, not the PDU standards of the same names.
    records = ReportRecords(doc.label, Standards(), b.names, body=entry["body"], strict=True)
    records.add_findings(letter.findings)
    records.add_problems(letter.problems)
    b.add_records(inspection, doc, records)

    blocks = {b.body_named(block.pdu, doc.filename): block for block in letter.recommendations}
    for annex in letter.annex_ratings:
        body = b.body_named(annex.pdu_name, doc.filename)
        block = blocks.pop(body, None)
        if body in reports:
            compare_with_report(b, doc, annex, block, *reports[body])
        else:
            add_annex_inspection(b, doc, annex, block, body)
    for block in blocks.values():
        raise BuildError(f"{doc.filename}: recommendations for {block.pdu!r} but no ratings")


def add_annex_inspection(b: Builder, doc: Document, annex, block, body: str):
    """A PDU whose own report is not among the sources: the annexes are all we have."""
    if annex.fieldwork_start is None:
        raise BuildError(f"{doc.filename}: no fieldwork month for {annex.pdu_name!r}")
    inspection = b.add_inspection(
        f"{body}-{annex.fieldwork_start.year}",
        doc,
        title=f"Inspection of probation services: {annex.pdu_name}",
        source_section="Annexe one – Recommendations; Annexe two – PDU ratings",
        body=b.bodies[body],
        programme=b.programmes["pdu"],
        fieldwork_start=annex.fieldwork_start,
        fieldwork_start_precision="month",
        score=annex.score,
        max_score=annex.max_score,
        overall_rating=RATINGS[annex.overall_rating] if annex.overall_rating else "",
        is_published=True,
    )
    b.note(
        "other",
        f"No full report on {annex.pdu_name} is among the sources: its ratings, score and "
        "recommendations are those the regional letter's annexes publish.",
        doc,
        inspection=inspection,
        section=annex.ref.section,
    )
    records = b.report_records(doc, "pdu", body)
    records.add_ratings(annex.ratings)
    if block is not None:
        records.add_recommendations(block.recommendations)
    b.add_records(inspection, doc, records)


def compare_with_report(b: Builder, letter: Document, annex, block, inspection, report, doc):
    """Where the annexes repeat a full report, keep the report and note every difference."""

    def differs(description: str, section: str):
        b.note(
            "numbering" if "numbers" in description else "wording",
            description,
            doc,
            inspection=inspection,
            compared=letter,
            section=section,
        )

    title = doc.parsed.title
    if (annex.score, annex.max_score) != (report.score, report.max_score):
        differs(
            f"The regional letter gives the score as {annex.score}/{annex.max_score}; "
            f"{title} gives {report.score}/{report.max_score}.",
            annex.ref.section,
        )
    if annex.overall_rating != report.overall_rating:
        differs(
            f"The regional letter rates {annex.pdu_name} {annex.overall_rating} overall; "
            f"the report rates it {report.overall_rating}.",
            annex.ref.section,
        )
    by_standard = {normalise_name(r.name): r for r in report.ratings}
    for rating in annex.ratings:
        published = by_standard.get(normalise_name(rating.name))
        if published is None:
            differs(
                f"The regional letter rates {rating.code} {rating.name}, which the report "
                "does not rate.",
                annex.ref.section,
            )
            continue
        if rating.rating != published.rating:
            differs(
                f"The regional letter rates {rating.name} {rating.rating}; the report "
                f"rates it {published.rating}.",
                annex.ref.section,
            )
        if rating.code != published.code:
            differs(
                f"The regional letter numbers {rating.name} as {rating.code}; the report "
                f"numbers it {published.code}.",
                annex.ref.section,
            )
    if block is None:
        return
    annex_recs = block.recommendations
    if len(annex_recs) != len(report.recommendations):
        differs(
            f"The regional letter lists {len(annex_recs)} recommendations; the report "
            f"lists {len(report.recommendations)}.",
            block.ref.section,
        )
    for ours, theirs in zip(report.recommendations, annex_recs, strict=False):
        same_addressee = b.body_named(ours.addressee, doc.filename) == b.body_named(
            theirs.addressee, letter.filename
        )
        if ours.number != theirs.number or not same_addressee:
            differs(
                f"Recommendation {ours.number} to {ours.addressee} is numbered "
                f"{theirs.number} to {theirs.addressee} in the regional letter.",
                block.ref.section,
            )
        if ours.text != theirs.text:
            differs(
                f"Recommendation {ours.number} reads {ours.text!r} in the report and "
                f"{theirs.text!r} in the regional letter.",
                block.ref.section,
            )
    if (
        annex.fieldwork_start
        and report.fieldwork_start
        and (annex.fieldwork_start.replace(day=1) != report.fieldwork_start.replace(day=1))
    ):
        differs(
            f"The regional letter says fieldwork started "
            f"{annex.fieldwork_start:%B %Y}; the report says {report.fieldwork_start:%-d %B %Y}.",
            annex.ref.section,
        )


# --- Quality & Impact ---------------------------------------------------------------------


def add_quality_impact_report(b: Builder, doc: Document):
    report = doc.parsed
    entry = doc.entry
    body = entry["body"]
    if report.inspected_body and b.body_named(report.inspected_body, doc.filename) != body:
        raise BuildError(f"{doc.filename} inspects {report.inspected_body!r}, not {body!r}")
    programme = entry["programme"]
    inspection = b.add_inspection(
        entry["inspection"],
        doc,
        title=report.title,
        body=b.bodies[body],
        programme=b.programmes[programme],
        fieldwork_start=start_of(report.fieldwork),
        fieldwork_start_precision="month",
        published=report.published,
        published_precision="month",
        lead_inspector=report.lead_inspector or "",
        cases_inspected=report.cases_inspected,
        is_published=True,
    )
    for judgement in report.judgements:
        standard = b.standard(programme, judgement.domain, doc.filename)
        b.out.add(
            "ratings.standardrating",
            inspection=inspection,
            standard=standard.pk,
            rating="",
            published_code="",
            judgement=judgement.headline,
            summary="\n\n".join(judgement.paragraphs),
            source_section=judgement.ref.section,
            source_line=judgement.ref.line,
        )
    records = b.report_records(doc, programme, body)
    records.add_findings(report.findings)
    records.add_recommendations(report.recommendations)
    records.add_problems(report.problems)
    b.add_records(inspection, doc, records)
    add_key_facts(b, doc, inspection, report.key_facts)
    exceptions = b.sources.get("case_percentage", [])
    for figure in report.case_percentages:
        rule = next((r for r in exceptions if figure.label.startswith(r["starts_with"])), None)
        b.add_figure(
            doc,
            body=rule["body"] if rule else body,
            inspection=inspection,
            category="case_sample",
            label=figure.label,
            value=str(figure.percent),
            value_text=f"{figure.percent}%",
            unit="percent",
            section=figure.section,
            line=figure.ref.line,
            quote=figure.label,
        )
    if report.previous_inspection:
        add_previous_inspection(b, doc, report, body, programme)


def add_key_facts(b: Builder, doc: Document, inspection: int, key_facts):
    rules = b.sources["key_fact"]
    for fact in key_facts:
        rule = next((r for r in rules if fact.label.startswith(r["starts_with"])), None)
        if rule is None:
            raise BuildError(f"{doc.filename}: no [[key_fact]] in sources.toml for {fact.label!r}")
        as_at, precision = date_spec(rule["as_at"]) if "as_at" in rule else (None, "day")
        b.add_figure(
            doc,
            body=rule["body"],
            inspection=inspection,
            category=rule["category"],
            label=fact.label,
            value=str(fact.value),
            value_text=fact.value_text,
            unit="percent" if fact.unit == "%" else "count",
            section="Key facts",
            line=fact.ref.line,
            quote=f"{fact.value_text} {fact.label}",
            as_at=as_at,
            as_at_precision=precision,
            source_note=fact.source or "",
        )


def add_previous_inspection(b: Builder, doc: Document, report, body: str, programme: str):
    inspection = b.add_inspection(
        doc.entry["previous_inspection"],
        doc,
        title=f"Quality & Impact inspection: {report.previous_inspection}",
        source_section=report.previous_recommendations[0].ref.section
        if report.previous_recommendations
        else "",
        body=b.bodies[body],
        programme=b.programmes[programme],
        fieldwork_start=start_of(report.previous_inspection),
        fieldwork_start_precision="month",
        is_published=True,
    )
    b.note(
        "other",
        f"The report of the {report.previous_inspection} inspection is not among the sources: "
        f"its summary and recommendations are as {report.title} restates them.",
        doc,
        inspection=inspection,
    )
    heading = f"Previous inspection: {report.previous_inspection}"
    summary = []
    for order, paragraph in enumerate(report.previous_summary, start=1):
        # The parser rejoins the paragraphs; their opening words find the line.
        line = doc.text.line_of(" ".join(paragraph.split()[:12]))
        summary.append(
            ParsedFinding(heading, None, OTHER, paragraph, order, SourceRef(heading, line))
        )
    records = b.report_records(doc, programme, body)
    records.add_findings(summary)
    records.add_recommendations(report.previous_recommendations)
    b.add_records(inspection, doc, records)


# --- The PDU profile ---------------------------------------------------------------------


def add_pdu_profile(b: Builder, doc: Document):
    profile = doc.parsed
    body = doc.entry["body"]
    if b.body_named(profile.pdu_name, doc.filename) != body:
        raise BuildError(f"{doc.filename} profiles {profile.pdu_name!r}, not {body!r}")
    boroughs = {r["fields"]["name"]: r["pk"] for r in b.out.records("pdus.borough")}
    for site in profile.sites:
        b.out.add(
            "pdus.site",
            body=b.bodies[body],
            name=site.name,
            borough=boroughs.get(site.borough),
            source_document=doc.pk,
            source_section=site.ref.section,
            source_line=site.ref.line,
        )
    for position, service in enumerate(profile.commissioned_services, start=1):
        b.out.add(
            "pdus.commissionedservice",
            body=b.bodies[body],
            need=service.need,
            provider=service.provider,
            status=service.status,
            is_active=service.active,
            position=position,
            source_document=doc.pk,
            source_section=service.ref.section,
            source_line=service.ref.line,
        )
    add_profile_figures(b, doc, body, profile)
    for note in conversion_notes(profile.problems):
        b.add_note(None, doc, note)


def add_profile_figures(b: Builder, doc: Document, body: str, profile):
    as_at, precision = date_spec(doc.entry["published"])

    def figure(label: str, value: int, value_text: str, ref, category: str):
        b.add_figure(
            doc,
            body=body,
            inspection=None,
            category=category,
            label=label,
            value=str(value),
            value_text=value_text,
            unit="count",
            section=ref.section,
            line=ref.line,
            quote=" ".join(doc.text.text.splitlines()[ref.line - 1].split()),
            as_at=as_at,
            as_at_precision=precision,
        )

    if profile.caseload:
        caseload = profile.caseload
        figure(
            "People on probation within the sentence management function",
            caseload.people,
            f"approximately {caseload.people:,}"
            if caseload.approximate
            else f"{caseload.people:,}",
            caseload.ref,
            "caseload",
        )
    if profile.teams:
        teams = profile.teams
        figure("Operational teams", teams.total, str(teams.total), teams.ref, "organisation")
        for borough, count in teams.by_borough.items():
            figure(f"Operational teams in {borough}", count, str(count), teams.ref, "organisation")


# --- Context figures from sources.toml -------------------------------------------------------


def add_figures(b: Builder):
    for figure in b.sources["figure"]:
        doc = b.documents[figure["document"]]
        quote = " ".join(figure["quote"].split())
        if figure["value"] not in quote:
            raise BuildError(f"{doc.filename}: value {figure['value']!r} not in {quote!r}")
        line = doc.text.line_of(quote)
        as_at, precision = date_spec(figure["as_at"]) if "as_at" in figure else (None, "day")
        is_status = figure["unit"] == "status"
        b.add_figure(
            doc,
            body=figure["body"],
            inspection=b.inspections.get(doc.entry.get("inspection")),
            category=figure["category"],
            label=figure["label"],
            value=None if is_status else parse_number(figure["value"]),
            value_text=figure.get("value_text", figure["value"]),
            unit=figure["unit"],
            section=figure["section"],
            line=line,
            quote=quote,
            as_at=as_at,
            as_at_precision=precision,
            source_note=figure.get("source_note", ""),
        )


def add_discrepancies(b: Builder):
    """Disagreements a reader found, each checked against both documents' texts."""
    for entry in b.sources["discrepancy"]:
        doc = b.documents[entry["document"]]
        compared = b.documents[entry["compared_document"]]
        doc.text.line_of(entry["quote"])
        compared.text.line_of(entry["compared_quote"])
        b.note(
            entry["kind"],
            " ".join(entry["description"].split()),
            doc,
            inspection=b.inspections.get(doc.entry.get("inspection")),
            compared=compared if compared is not doc else None,
            section=entry["section"],
        )
