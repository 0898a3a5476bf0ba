import pandas as pd
from django.db.models import Count, Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from inspections.models import ContextFigure, DataQualityNote, Finding, Inspection
from inspections.web.exports import FORMATS, dataframe_response
from inspections.web.navigation import BreadcrumbsMixin, region_crumbs
from ratings.models import Programme
from recommendations.models import Recommendation

from . import rules
from .dashboard import (
    averaged_pdus,
    compare,
    compare_key_question_chart,
    comparison_rows,
    distribution_chart,
    findings_by_section,
    latest_results,
    pdu_key_question_chart,
    ranked,
    ranking_chart,
    rated_inspections,
    rated_standards,
    rated_versions,
    rating_distribution,
    region_averages,
    region_ratings,
    standard_sections,
    with_neighbours,
)
from .filters import PDUInspectionFilter
from .forms import CompareForm
from .history import latest_first, ratings_by_inspection
from .models import Body, Region
from .tables import PDUInspectionTable, pdu_inspections_frame


class PDUListView(SingleTableMixin, FilterView):
    """Inspected PDUs as a sortable, filterable table; ?format=csv downloads every filtered row.

    An invalid filter value shows the error and an empty table (django-filter's strict mode),
    never a table the user could mistake for filtered.
    """

    table_class = PDUInspectionTable
    filterset_class = PDUInspectionFilter
    template_name = "pdus/pdu_list.html"
    # On the table, not paginate_by: ListView would otherwise paginate (and count) again.
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return (
            Inspection.objects.published().of_pdus().for_listing().select_related("body__district")
        )

    @property
    def wants_csv(self):
        return self.request.GET.get("format") == "csv"

    def get_table_pagination(self, table):
        # A download holds every filtered row in the table's order, not one page.
        return False if self.wants_csv else super().get_table_pagination(table)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.wants_csv:
            table = context["table"]
            context["counts"] = self.object_list.aggregate(
                pdus=Count("body", distinct=True), inspections=Count("pk")
            )
            context["page_range"] = table.paginator.get_elided_page_range(
                table.page.number, on_each_side=1, on_ends=1
            )
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.wants_csv:
            inspections = (row.record for row in context["table"].rows)
            frame = pdu_inspections_frame(inspections, self.request.build_absolute_uri)
            return dataframe_response(frame, "pdus", "csv")
        return super().render_to_response(context, **response_kwargs)


class RegionOverviewView(BreadcrumbsMixin, TemplateView):
    """A region at a glance: every PDU's ratings, the ranking, and how ratings spread."""

    template_name = "pdus/region_overview.html"

    def get_region(self):
        if "slug" in self.kwargs:
            return get_object_or_404(Region.objects.public(), slug=self.kwargs["slug"])
        return Region.objects.public().busiest()

    def get_breadcrumbs(self):
        if "slug" not in self.kwargs:
            return []
        return [("Overview", reverse("pdus:overview")), (self.region.name, None)]

    def get_context_data(self, **kwargs):
        self.region = region = self.get_region()
        if region is None:
            return super().get_context_data(region=region, **kwargs)
        versions = list(rated_versions())
        asked = self.request.GET.get("version")
        version = next((v for v in versions if v.slug == asked), None)
        if asked and version is None:
            raise Http404("No PDU inspection is published under a framework version of that slug.")
        inspections = list(
            rated_inspections()
            .filter(body__region=region)
            .select_related("body__region", "body__district", "programme")
        )
        shown = region_ratings(inspections, versions, version)
        results = shown.results
        rated = [s for s in shown.standards if s.is_rated]
        ranking = ranked(results)
        distribution = rating_distribution(results, rated)
        published = Inspection.objects.published().filter(body__region=region)
        return super().get_context_data(
            region=region,
            regions=Region.objects.public().order_by("name"),
            freshness=Inspection.objects.published().freshness(),
            programme=shown.version,
            version_choices=shown.choices,
            standards=rated,
            results=results,
            ranking=ranking,
            maximum_scores=sorted({r.inspection.max_score for r in ranking}),
            distribution=distribution,
            distribution_unrated=sum(unrated for _, _, unrated in distribution),
            ranking_chart=ranking_chart(ranking) if ranking else "",
            distribution_chart=distribution_chart(distribution) if results else "",
            counts={
                "pdus": shown.inspected_pdus,
                "findings": Finding.objects.filter(inspection__in=published).count(),
                "recommendations": Recommendation.objects.filter(inspection__in=published).count(),
            },
            other_inspections=published.exclude(
                programme__rating_scheme=Programme.Scheme.FOUR_POINT
            ).select_related("body", "programme"),
            regional_inspections=published.filter(
                programme__rating_scheme=Programme.Scheme.FOUR_POINT, body__kind="region"
            ),
            **kwargs,
        )


class PDUDetailView(BreadcrumbsMixin, DetailView):
    """One PDU: profile, context figures, history, and its latest ratings down to findings.

    A PDU whose only inspections are drafts is not found, whoever asks: admins see drafts
    on the manage pages, and one answer for everyone keeps a draft from leaking through a
    cache or a shared screen."""

    queryset = Body.objects.pdus().public().select_related("region", "district")
    template_name = "pdus/pdu_detail.html"

    def get_breadcrumbs(self):
        return [*region_crumbs(self.object.region), (self.object.short_name, None)]

    def get_context_data(self, **kwargs):
        body = self.object
        inspections = Inspection.objects.published().filter(body=body)
        history = latest_first(inspections.select_related("programme"))
        region_results = with_neighbours(body, history)
        latest = next((r for r in region_results if r.body.pk == body.pk), None)
        averages = region_averages(region_results, exclude=body)
        averaged = averaged_pdus(region_results, exclude=body)
        sections = []
        if latest is not None:
            sections = standard_sections(latest, findings_by_section(latest.inspection), averages)
        return super().get_context_data(
            boroughs=body.boroughs.all(),
            sites=body.sites.select_related("borough"),
            services=body.commissioned_services.all(),
            # A profile's figures belong to no inspection; a draft's wait for it.
            figures=ContextFigure.objects.filter(body=body)
            .filter(Q(inspection__isnull=True) | Q(inspection__in=inspections))
            .select_related("source_document"),
            inspections=history,
            ratings_by_inspection=ratings_by_inspection(body, history),
            latest=latest,
            sections=sections,
            averaged_pdus=averaged,
            averaged_over=rules.other_pdus(len(averaged), body.region.name if body.region else ""),
            averaged_names=rules.joined([pdu.short_name for pdu in averaged]),
            key_question_chart=pdu_key_question_chart(latest, averages) if latest else "",
            # With its tracking, for its status: no query per recommendation.
            recommendations=Recommendation.objects.filter(inspection__in=inspections)
            .select_related("addressee", "inspection", "tracking")
            .order_by("inspection", "position"),
            notes=DataQualityNote.objects.filter(inspection__in=inspections).select_related(
                "source_document", "compared_document"
            ),
            **kwargs,
        )


def comparison_download_name(cleaned_data) -> str:
    """What a comparison's download is called: the region's slug, else the PDUs'."""
    if cleaned_data.get("region") is not None:
        return f"compare-{cleaned_data['region'].slug}"
    return "-".join(["compare", *(pdu.slug for pdu in cleaned_data["pdus"])])


class CompareView(BreadcrumbsMixin, TemplateView):
    """2 to 6 PDUs, or a region, side by side; the choice lives in the query string."""

    template_name = "pdus/compare.html"

    def get_breadcrumbs(self):
        return [("Overview", reverse("pdus:overview")), ("Compare PDUs", None)]

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("format", "")
        if file_format not in ("", *FORMATS):
            return HttpResponseBadRequest("format must be csv or xlsx.")
        form = CompareForm(request.GET or None)
        comparison = None
        if form.is_bound and form.is_valid():
            version = form.cleaned_data["version"]
            standards = rated_standards(version)
            results = latest_results(
                rated_inspections(version).filter(body__in=form.cleaned_data["pdus"]),
                standards,
                chosen={i.pk for i in form.cleaned_data["inspection"]},
            )
            comparison = compare(version, results, standards, form.cleaned_data["standard"])
            if file_format:
                rows = comparison_rows(comparison, request.build_absolute_uri)
                return dataframe_response(
                    pd.DataFrame(rows), comparison_download_name(form.cleaned_data), file_format
                )
        context = self.get_context_data(
            form=form,
            comparison=comparison,
            inspection_choices=inspection_choices(comparison.results, request.GET)
            if comparison
            else [],
            key_question_chart=compare_key_question_chart(comparison) if comparison else "",
            findings_links=findings_links(comparison, request.GET) if comparison else [],
            query=request.GET.urlencode(),
            **kwargs,
        )
        status = 400 if form.is_bound and not form.is_valid() else 200
        return self.render_to_response(context, status=status)


def inspection_choices(results, params) -> list[tuple]:
    """For each PDU compared: (its result, [(another of its inspections, the address of this
    comparison showing that one instead)]); none where every PDU has one inspection. The
    latest needs no naming: it is the default."""
    if not any(result.others for result in results):
        return []
    choices = []
    for result in results:
        # The other PDUs keep the inspections chosen for them.
        kept = [r.inspection.slug for r in results if r is not result and not r.is_latest]
        links = []
        for other in result.others:
            query = params.copy()
            query.pop("format", None)
            named = [] if other.pk == result.inspections[0].pk else [other.slug]
            query.setlist("inspection", kept + named)
            links.append((other, f"?{query.urlencode()}"))
        choices.append((result, links))
    return choices


def findings_links(comparison, params) -> list[tuple]:
    """For each standard compared: (the standard, the address of this comparison showing
    its findings side by side, whether it is the one shown)."""
    links = []
    for row in comparison.rows:
        query = params.copy()
        query.pop("format", None)
        query["standard"] = row.standard.code
        links.append(
            (row.standard, f"?{query.urlencode()}#findings", row.standard == comparison.standard)
        )
    return links
