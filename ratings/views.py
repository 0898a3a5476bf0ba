from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView

from inspections.models import Finding, Inspection
from inspections.web.navigation import BreadcrumbsMixin
from inspections.web.shared import SameForEveryone
from pdus.dashboard import latest_results, rated_inspections

from .models import Standard, StandardRating

# Inspections whose findings under the standard one page shows.
INSPECTIONS_PER_PAGE = 10
# PDUs in the ratings and key-questions tables of one page (?pdus=, apart from the
# findings' ?page=): a row each was 140 KB of page at national size, and grew.
PDUS_PER_PAGE = 25


class StandardDetailView(SameForEveryone, BreadcrumbsMixin, DetailView):
    """One standard of one framework version across every PDU inspected under it: ratings,
    key questions and findings. Same-named standards of other versions are linked, not
    merged: their ratings follow other rules."""

    template_name = "ratings/standard_detail.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Standard.objects.select_related("programme").prefetch_related("key_questions"),
            programme__slug=self.kwargs["programme"],
            slug=self.kwargs["slug"],
        )

    def get_breadcrumbs(self):
        return [("Overview", reverse("pdus:overview")), (str(self.object), None)]

    def get_context_data(self, **kwargs):
        standard = self.object
        # The findings a page at a time, a few inspections' worth: every finding of the
        # standard in every inspection was 450 KB of page at national size, and grew.
        findings_page = Paginator(
            Inspection.objects.published()
            .filter(findings__section__standard=standard)
            .distinct()
            .order_by("body__name", "pk"),
            INSPECTIONS_PER_PAGE,
        ).get_page(self.request.GET.get("page"))
        findings = (
            Finding.objects.filter(section__standard=standard, inspection__in=list(findings_page))
            .select_related("inspection__body", "section")
            .order_by("inspection__body__name", "inspection", "position")
        )
        if standard.programme.has_ratings:
            inspections = rated_inspections().filter(programme=standard.programme)
            results = [
                (result, result.result_for(standard))
                for result in latest_results(inspections, [standard])
            ]
            judgements = []
        else:
            results = []
            judgements = StandardRating.objects.filter(
                standard=standard, inspection__is_published=True
            ).select_related("inspection__body")
        pdus_page = Paginator(results, PDUS_PER_PAGE).get_page(self.request.GET.get("pdus"))
        return super().get_context_data(
            results=pdus_page.object_list,
            pdus_page=pdus_page,
            pdus_pages=pdus_page.paginator.get_elided_page_range(pdus_page.number),
            # The pages of PDUs land on the first of the tables they page.
            pdus_fragment="ratings" if standard.is_rated else "key-questions",
            judgements=judgements,
            findings=findings,
            findings_page=findings_page,
            findings_pages=findings_page.paginator.get_elided_page_range(findings_page.number),
            namesakes=Standard.objects.namesakes_of(standard),
            **kwargs,
        )
