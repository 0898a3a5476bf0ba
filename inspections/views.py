from django.urls import reverse
from django.views.generic import (
    DetailView,
    ListView,
)

from inspections.web.navigation import BreadcrumbsMixin, region_crumbs
from inspections.web.shared import SameForEveryone
from ratings.models import KeyQuestionScore, StandardRating
from recommendations.models import Recommendation

from . import serializers
from .models import ContextFigure, DataQualityNote, Finding, Inspection
from .rules import can_manage_inspections


def body_crumbs(body) -> list[tuple[str, str]]:
    crumbs = region_crumbs(body.region)
    if body.kind == "pdu":
        crumbs.append((body.short_name, reverse("pdus:pdu_detail", args=[body.slug])))
    return crumbs


class InspectionListView(SameForEveryone, BreadcrumbsMixin, ListView):
    """Every published inspection, of every programme."""

    queryset = Inspection.objects.published().for_listing()
    context_object_name = "inspections"
    # A page's size must not grow with the data: newest first, 50 to a page.
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["pages"] = page.paginator.get_elided_page_range(page.number)
        return context

    def get_breadcrumbs(self):
        return [("Overview", reverse("pdus:overview")), ("Inspections", None)]


class InspectionDetailView(SameForEveryone, BreadcrumbsMixin, DetailView):
    """One inspection with its ratings, key questions, findings and recommendations."""

    queryset = Inspection.objects.published().select_related(
        "body__region", "body__district", "programme", "source_document"
    )

    def get_breadcrumbs(self):
        return [*body_crumbs(self.object.body), (self.object.title, None)]

    def get_context_data(self, **kwargs):
        inspection = self.object
        return super().get_context_data(
            ratings=StandardRating.objects.filter(inspection=inspection).select_related("standard"),
            key_question_scores=KeyQuestionScore.objects.filter(
                inspection=inspection
            ).select_related("key_question__standard"),
            findings=Finding.objects.filter(inspection=inspection).select_related("section"),
            recommendations=Recommendation.objects.filter(inspection=inspection).select_related(
                "addressee"
            ),
            context_figures=ContextFigure.objects.filter(inspection=inspection).select_related(
                "body"
            ),
            data_quality_notes=DataQualityNote.objects.filter(inspection=inspection).select_related(
                "source_document", "compared_document"
            ),
            can_manage=can_manage_inspections(self.request.user),
            **kwargs,
        )


class FindingDetailView(SameForEveryone, BreadcrumbsMixin, DetailView):
    """One finding, quoted exactly, with everything needed to cite it."""

    queryset = Finding.objects.filter(inspection__is_published=True).select_related(
        "inspection__body__region",
        "inspection__programme",
        "section__standard__programme",
        "source_document",
    )

    def get_context_data(self, **kwargs):
        return super().get_context_data(citation=serializers.citation(self.object), **kwargs)

    def get_breadcrumbs(self):
        finding = self.object
        crumbs = body_crumbs(finding.inspection.body)
        standard = finding.section.standard
        if standard is not None:
            crumbs.append((str(standard), standard.get_absolute_url()))
        return [*crumbs, ("Finding", None)]
