"""Each kind of record as plain, JSON-ready data: the JSON API's field names, defined once.

The API returns these dicts; the findings explorer's downloads (JSON, and CSV and Excel
through one mapping of headings to these fields) build on them, so a field or a citation
cannot read one way in the API and another in a download. Each function takes a record
whose related objects are already loaded and makes no query.
"""

from django.urls import reverse

from pdus.rules import rating_change


def citation(record) -> str:
    """A citation of the record's source: author (date). Title, "section", line n."""
    document = record.source_document
    date = f" ({document.published_display})" if document.published_display else ""
    line = f", line {record.source_line}" if record.source_line else ""
    licence = f" {document.licence}." if document.licence else ""
    return (
        f"{document.author}{date}. {document.title}, “{record.source_section}”{line} "
        f"of {document.filename}.{licence}"
    )


def source(record) -> dict:
    """Where a finding, recommendation or context figure stands in its source document."""
    return {
        "document": record.source_document.filename,
        "title": record.source_document.title,
        "section": record.source_section,
        "line": record.source_line,
        "citation": citation(record),
    }


def source_document(document) -> dict:
    return {"title": document.title, "filename": document.filename, "url": document.url or None}


def body(body) -> dict:
    """An inspected body (a PDU, region, provider...); needs its region loaded."""
    return {
        "name": body.name,
        "kind": body.kind,
        "region": body.region.name if body.region else None,
    }


def body_summary(record, absolute_url) -> dict:
    """A body as the API lists bodies, with its address there; needs its region loaded."""
    return body(record) | {
        "slug": record.slug,
        "url": absolute_url(reverse("api:body_detail", args=[record.slug])),
    }


def inspection(inspection, absolute_url) -> dict:
    """An inspection as the API lists it; needs its body (with region) and programme loaded.
    `absolute_url` turns a path into a full URL (`request.build_absolute_uri`)."""
    return {
        "slug": inspection.slug,
        "title": inspection.title,
        "body": body(inspection.body),
        "programme": inspection.programme.name,
        # The framework version's slug: each version rates its own standards on its own bands.
        "version": inspection.programme.slug,
        "fieldwork_start": _iso(inspection.fieldwork_start),
        "fieldwork_start_precision": _precision(
            inspection.fieldwork_start, inspection.fieldwork_start_precision
        ),
        "published": _iso(inspection.published),
        "published_precision": _precision(inspection.published, inspection.published_precision),
        "score": inspection.score,
        "max_score": inspection.max_score,
        "overall_rating": inspection.get_overall_rating_display() or None,
        "url": absolute_url(reverse("api:inspection_detail", args=[inspection.slug])),
    }


def standard_rating(rating, previous=None) -> dict:
    """Needs its standard and its inspection's programme loaded; `previous`, the same
    standard's rating in the body's latest earlier inspection that rated it (pdus.history),
    its inspection loaded."""
    return {
        "standard": rating.standard.code or None,
        "name": rating.standard.name,
        # Codes are a version's own (2.2 is Assessment in 2021's standards, Planning in
        # 2023's), so a code is read with its version's slug.
        "version": rating.inspection.programme.slug,
        "rating": rating.get_rating_display() or None,
        "published_code": rating.published_code or None,
        "judgement": rating.judgement or None,
        "override_reason": rating.override_reason or None,
        "previous_rating": _previous_rating(previous),
        # improved, declined or unchanged; null with nothing to compare on the four-point scale
        "change": (rating_change(previous.rating, rating.rating) or None) if previous else None,
    }


def _previous_rating(rating) -> dict | None:
    if rating is None:
        return None
    return {
        "rating": rating.get_rating_display() or None,
        "inspection": rating.inspection.slug,
        "fieldwork_start": _iso(rating.inspection.fieldwork_start),
    }


def key_question_score(score) -> dict:
    """Needs its key question's standard and the standard's programme loaded."""
    standard = score.key_question.standard
    return {
        "standard": standard.code,
        "version": standard.programme.slug,  # "2.2" is Assessment in one, Planning in another
        "text": score.key_question.text,
        "percent_yes": float(score.percent_yes),
    }


def finding(finding) -> dict:
    """Needs its section's standard and its source document loaded."""
    standard = finding.section.standard
    return {
        "standard": (standard.code or None) if standard else None,
        "section": finding.section.name,
        "kind": finding.kind,
        "text": finding.text,
        "source": source(finding),
    }


def recommendation(recommendation) -> dict:
    """Needs its addressee and source document loaded."""
    return {
        "number": recommendation.number,
        "addressee": recommendation.addressee.name,
        "addressee_kind": recommendation.addressee_kind.value,
        "addressee_as_published": recommendation.addressee_label,
        "text": recommendation.text,
        "source": source(recommendation),
    }


def context_figure(figure) -> dict:
    """Needs its body and source document loaded."""
    return {
        "body": figure.body.name,
        "category": figure.category,
        "label": figure.label,
        "value": float(figure.value) if figure.value is not None else None,
        "value_as_published": figure.value_text,
        "unit": figure.unit,
        "as_at": _iso(figure.as_at),
        "source_note": figure.source_note or None,
        "source": source(figure),
    }


def data_quality_note(note) -> dict:
    """Needs its source and compared documents loaded."""
    return {
        "kind": note.kind,
        "description": note.description,
        "source_document": note.source_document.filename,
        "compared_document": note.compared_document.filename if note.compared_document else None,
    }


def _iso(value):
    return value.isoformat() if value else None


def _precision(value, precision_of_value):
    """How much of a date the source gave; nothing to say where it gave no date."""
    return precision_of_value if value else None
