"""The read-only JSON API: published inspections and everything each one records, and the
bodies the public may see with each one's inspections, latest first.

Plain functions rather than a framework: a few endpoints with fixed field names (those of
`serializers`), each a constant number of queries however much data there is. A body
whose only inspections are drafts is in no answer (pdus.models.BodyQuerySet.public()).
"""

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from pdus.history import latest_first, rating_steps
from pdus.models import Body
from ratings.models import KeyQuestionScore
from recommendations.models import Recommendation

from . import serializers
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
            "results": [
                serializers.inspection(i, request.build_absolute_uri) for i in page.object_list
            ],
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
    return JsonResponse(
        serializers.inspection(inspection, request.build_absolute_uri)
        | {
            "source_document": serializers.source_document(inspection.source_document),
            "ratings": [
                serializers.standard_rating(step.rating, step.previous)
                for step in rating_steps([inspection.body_id]).get(inspection.pk, [])
            ],
            "key_questions": [
                serializers.key_question_score(s)
                for s in KeyQuestionScore.objects.filter(inspection=inspection).select_related(
                    "key_question__standard__programme"
                )
            ],
            "recommendations": [
                serializers.recommendation(r)
                for r in Recommendation.objects.filter(inspection=inspection).select_related(
                    "addressee", "source_document"
                )
            ],
            "findings": [
                serializers.finding(f)
                for f in Finding.objects.filter(inspection=inspection).select_related(
                    "section__standard", "source_document"
                )
            ],
            "context_figures": [
                serializers.context_figure(f)
                for f in ContextFigure.objects.filter(inspection=inspection).select_related(
                    "body", "source_document"
                )
            ],
            "data_quality_notes": [
                serializers.data_quality_note(n)
                for n in DataQualityNote.objects.filter(inspection=inspection).select_related(
                    "source_document", "compared_document"
                )
            ],
        }
    )


@require_safe
def body_list(request):
    """Every body the public may see, inspected or addressed; few enough for one page."""
    bodies = Body.objects.public().select_related("region").order_by("name")
    results = [serializers.body_summary(b, request.build_absolute_uri) for b in bodies]
    return JsonResponse({"count": len(results), "results": results})


@require_safe
def body_detail(request, slug):
    """A body with all its published inspections, latest first, each with its ratings and
    the rating each standard had in the inspection before (`previous_rating`)."""
    body = Body.objects.public().select_related("region").filter(slug=slug).first()
    if body is None:
        return error(404, f"No body has the slug {slug!r}.")
    inspections = Inspection.objects.published().filter(body=body).select_related("programme")
    steps = rating_steps([body])
    absolute_url = request.build_absolute_uri
    results = []
    for inspection in latest_first(inspections):
        inspection.body = body  # loaded once, with its region, for every inspection
        results.append(
            serializers.inspection(inspection, absolute_url)
            | {
                "ratings": [
                    serializers.standard_rating(step.rating, step.previous)
                    for step in steps.get(inspection.pk, [])
                ]
            }
        )
    return JsonResponse(serializers.body_summary(body, absolute_url) | {"inspections": results})
