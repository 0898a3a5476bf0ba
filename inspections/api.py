"""The read-only JSON API: published inspections and everything each one records.

Plain functions rather than a framework: two endpoints with fixed field names,
each a constant number of queries however much data there is.
"""

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from ratings.models import KeyQuestionScore, StandardRating
from recommendations.models import Recommendation

from .models import ContextFigure, DataQualityNote, Finding, Inspection


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


@require_safe
def inspection_list(request):
    page_number = request.GET.get("page", "1")
    if not page_number.isdigit() or int(page_number) < 1:
        return error(400, "page must be a whole number from 1.")
    paginator = Paginator(Inspection.objects.published().for_listing(), settings.API_PAGE_SIZE)
    try:
        page = paginator.page(int(page_number))
    except EmptyPage:
        return error(404, f"There is no page {page_number}; there are {paginator.num_pages}.")
    next_url = None
    if page.has_next():
        next_url = request.build_absolute_uri(
            f"{reverse('api:inspection_list')}?page={page.next_page_number()}"
        )
    return JsonResponse(
        {
            "count": paginator.count,
            "next": next_url,
            "results": [inspection_summary(request, i) for i in page.object_list],
        }
    )


@require_safe
def inspection_detail(request, slug):
    inspection = (
        Inspection.objects.published()
        .select_related("body__region", "programme", "source_document")
        .filter(slug=slug)
        .first()
    )
    if inspection is None:
        return error(404, f"No published inspection has the slug {slug!r}.")
    data = inspection_summary(request, inspection)
    data["source_document"] = {
        "title": inspection.source_document.title,
        "filename": inspection.source_document.filename,
        "url": inspection.source_document.url or None,
    }
    data["ratings"] = [
        {
            "standard": r.standard.code or None,
            "name": r.standard.name,
            "rating": r.get_rating_display() or None,
            "published_code": r.published_code or None,
            "judgement": r.judgement or None,
            "override_reason": r.override_reason or None,
        }
        for r in StandardRating.objects.filter(inspection=inspection).select_related("standard")
    ]
    data["key_questions"] = [
        {
            "standard": s.key_question.standard.code,
            "text": s.key_question.text,
            "percent_yes": float(s.percent_yes),
        }
        for s in KeyQuestionScore.objects.filter(inspection=inspection).select_related(
            "key_question__standard"
        )
    ]
    data["recommendations"] = [
        {
            "number": r.number,
            "addressee": r.addressee.name,
            "addressee_kind": r.addressee_kind.value,
            "addressee_as_published": r.addressee_label,
            "text": r.text,
            "source": source(r),
        }
        for r in Recommendation.objects.filter(inspection=inspection).select_related(
            "addressee", "source_document"
        )
    ]
    data["findings"] = [
        {
            "standard": f.section.standard.code or None if f.section.standard else None,
            "section": f.section.name,
            "kind": f.kind,
            "text": f.text,
            "source": source(f),
        }
        for f in Finding.objects.filter(inspection=inspection).select_related(
            "section__standard", "source_document"
        )
    ]
    data["context_figures"] = [
        {
            "body": f.body.name,
            "category": f.category,
            "label": f.label,
            "value": float(f.value) if f.value is not None else None,
            "value_as_published": f.value_text,
            "unit": f.unit,
            "as_at": f.as_at.isoformat() if f.as_at else None,
            "source_note": f.source_note or None,
            "source": source(f),
        }
        for f in ContextFigure.objects.filter(inspection=inspection).select_related(
            "body", "source_document"
        )
    ]
    data["data_quality_notes"] = [
        {
            "kind": n.kind,
            "description": n.description,
            "source_document": n.source_document.filename,
            "compared_document": n.compared_document.filename if n.compared_document else None,
        }
        for n in DataQualityNote.objects.filter(inspection=inspection).select_related(
            "source_document", "compared_document"
        )
    ]
    return JsonResponse(data)


def inspection_summary(request, inspection: Inspection) -> dict:
    body = inspection.body
    return {
        "slug": inspection.slug,
        "title": inspection.title,
        "body": {
            "name": body.name,
            "kind": body.kind,
            "region": body.region.name if body.region else None,
        },
        "programme": inspection.programme.name,
        "fieldwork_start": iso(inspection.fieldwork_start),
        "fieldwork_start_precision": precision(
            inspection.fieldwork_start, inspection.fieldwork_start_precision
        ),
        "published": iso(inspection.published),
        "published_precision": precision(inspection.published, inspection.published_precision),
        "score": inspection.score,
        "max_score": inspection.max_score,
        "overall_rating": inspection.get_overall_rating_display() or None,
        "url": request.build_absolute_uri(reverse("api:inspection_detail", args=[inspection.slug])),
    }


def iso(value):
    return value.isoformat() if value else None


def precision(value, precision_of_value):
    """How much of a date the source gave; nothing to say where it gave no date."""
    return precision_of_value if value else None


def source(record) -> dict:
    return {
        "document": record.source_document.filename,
        "section": record.source_section,
        "line": record.source_line,
    }
