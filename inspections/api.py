"""The read-only JSON API: published inspections and everything each one records.

Plain functions rather than a framework: two endpoints with fixed field names (those of
`serializers`), each a constant number of queries however much data there is.
"""

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from ratings.models import KeyQuestionScore, StandardRating
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
                serializers.standard_rating(r)
                for r in StandardRating.objects.filter(inspection=inspection).select_related(
                    "standard"
                )
            ],
            "key_questions": [
                serializers.key_question_score(s)
                for s in KeyQuestionScore.objects.filter(inspection=inspection).select_related(
                    "key_question__standard"
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
