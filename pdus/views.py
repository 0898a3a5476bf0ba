from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.db.models import Count, Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from inspections.models import ContextFigure, DataQualityNote, Inspection
from inspections.web.exports import FORMATS, table_response
from inspections.web.navigation import BreadcrumbsMixin, region_crumbs
from inspections.web.shared import SameForEveryone
from ratings.models import Programme, Rating
from recommendations.models import Recommendation

from . import changes, national, rules
from .dashboard import (
    averaged_pdus,
    compare,
    compare_key_question_chart,
    comparison_rows,
    distribution_chart,
    findings_by_section,
    pdu_key_question_chart,
    published_inspections,
    ranked,
    ranking_chart,
    rated_inspections,
    rated_standards,
    rated_versions,
    rating_distribution,
    region_ratings,
    results_for,
    standard_sections,
)
from .filters import PDUInspectionFilter
from .forms import MAX_PDUS, CompareForm
from .history import follow_ups
from .models import Body, Region
from .pdu_page import pdu_page
from .similar import similar_choices, similar_to_pdu
from .tables import CSV_COLUMNS, PDUInspectionTable, pdu_inspections_rows


class PDUListView(SameForEveryone, SingleTableMixin, FilterView):
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
            rows = pdu_inspections_rows(inspections, self.request.build_absolute_uri)
            return table_response(rows, "pdus", "csv", CSV_COLUMNS)
        return super().render_to_response(context, **response_kwargs)


def version_asked(request, versions):
    """The framework version named by ?version=, None where none is; 404 for an unknown one."""
    asked = request.GET.get("version")
    version = next((v for v in versions if v.slug == asked), None)
    if asked and version is None:
        raise Http404("No PDU inspection is published under a framework version of that slug.")
    return version


class NationalOverviewView(SameForEveryone, TemplateView):
    """England and Wales at a glance: each region's ratings, every standard's and key
    question's figures nationally and by region, and the PDUs ranked nationally; ?region=
    (the region switcher's select) goes to that region's overview."""

    template_name = "pdus/national_overview.html"

    def get(self, request, *args, **kwargs):
        slug = request.GET.get("region")
        if slug:
            # Not a slug (a NUL, say): no region, and nothing the database is asked.
            if not slug_re.fullmatch(slug):
                raise Http404("No region has that slug.")
            region = get_object_or_404(Region.objects.public(), slug=slug)
            url = reverse("pdus:region_overview", args=[region.slug])
            version = request.GET.get("version")
            return redirect(f"{url}?{urlencode({'version': version})}" if version else url)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        found = published_inspections()
        inspections = found.rated
        versions = rated_versions(inspections)
        shown = region_ratings(inspections, versions, version_asked(self.request, versions))
        rated = [s for s in shown.standards if s.is_rated]
        everywhere = national.area("England and Wales", None, shown.results, rated)
        regions = national.by_region(shown.results, rated)
        ranking = national.ranked_page(ranked(shown.results), self.request.GET.get("page"))
        all_regions = list(Region.objects.public().order_by("name"))
        with_results = {area.region.pk for area in regions}
        return super().get_context_data(
            freshness=found.freshness,
            programme=shown.version,
            version_choices=shown.choices,
            inspected_pdus=shown.inspected_pdus,
            standards=rated,
            results=shown.results,
            national=everywhere,
            regions=regions,
            all_regions=all_regions,
            regions_without=[r for r in all_regions if r.pk not in with_results],
            most_inadequate=national.most_inadequate(regions),
            standard_tables=national.standard_tables(everywhere, regions, rated),
            ranking=ranking,
            page_range=ranking.paginator.get_elided_page_range(
                ranking.number, on_each_side=1, on_ends=1
            ),
            **kwargs,
        )


class RegionOverviewView(SameForEveryone, BreadcrumbsMixin, TemplateView):
    """A region at a glance: every PDU's ratings, the ranking, and how ratings spread."""

    template_name = "pdus/region_overview.html"

    def get_region(self):
        # Every public region, in one query: the page links to the others.
        self.regions = list(Region.objects.public().order_by("name"))
        region = next((r for r in self.regions if r.slug == self.kwargs["slug"]), None)
        if region is None:
            raise Http404("No public region has that slug.")
        return region

    def get_breadcrumbs(self):
        return [("Overview", reverse("pdus:overview")), (self.region.name, None)]

    def get_context_data(self, **kwargs):
        self.region = region = self.get_region()
        # Every region's: the region's figures beside England and Wales', in as many queries.
        found = published_inspections()
        inspections = found.rated
        versions = rated_versions(inspections)
        version = version_asked(self.request, versions)
        shown, nation = national.region_in_nation(inspections, region, versions, version)
        results = shown.results
        rated = [s for s in shown.standards if s.is_rated]
        nation_regions = {r.body.region_id for r in nation}
        ranking = ranked(results)
        distribution = rating_distribution(results, rated)
        mine = found.of_region(region)
        four_point = Programme.Scheme.FOUR_POINT
        return super().get_context_data(
            region=region,
            regions=self.regions,
            freshness=found.freshness,
            programme=shown.version,
            version_choices=shown.choices,
            standards=rated,
            results=results,
            against_nation=national.against_nation(
                national.area(region.name, region, results, rated),
                national.area("England and Wales", None, nation, rated),
                rated,
            )
            if results
            else [],
            nation_pdus=len(nation),
            nation_regions=len(nation_regions),
            ranking=ranking,
            maximum_scores=sorted({r.inspection.max_score for r in ranking}),
            distribution=distribution,
            distribution_unrated=sum(unrated for _, _, unrated in distribution),
            ranking_chart=ranking_chart(ranking) if ranking else "",
            distribution_chart=distribution_chart(distribution) if results else "",
            counts={
                "pdus": shown.inspected_pdus,
                "findings": sum(i.findings_count for i in mine),
                "recommendations": sum(i.recommendations_count for i in mine),
            },
            other_inspections=[i for i in mine if i.programme.rating_scheme != four_point],
            regional_inspections=[
                i
                for i in mine
                if i.programme.rating_scheme == four_point and i.body.kind == Body.Kind.REGION
            ],
            **kwargs,
        )


class PDUDetailView(SameForEveryone, BreadcrumbsMixin, DetailView):
    """One PDU: its latest ratings down to findings, its place in its region and nationally,
    its recommendations and history; its profile and context figures on a page of their
    own (PDUProfileView).

    A PDU whose only inspections are drafts is not found, whoever asks: admins see drafts
    on the manage pages, and one answer for everyone keeps a draft from leaking through a
    cache or a shared screen."""

    template_name = "pdus/pdu_detail.html"

    def get_object(self, queryset=None):
        try:
            self.page = pdu_page(self.kwargs["slug"])
        except Body.DoesNotExist:
            raise Http404("No such PDU") from None
        return self.page.body

    def get_breadcrumbs(self):
        return [*region_crumbs(self.object.region), (self.object.short_name, None)]

    def get_context_data(self, **kwargs):
        body, page = self.object, self.page
        # Addressed to it or made in its inspections, with tracking and a later report's
        # verdict, in one query: those made in its inspections are listed, and any of
        # them overdue.
        for_pdu = list(
            Recommendation.objects.published()
            .for_pdu(body)
            .for_tracker()
            .select_related("follow_up__inspection")
        )
        recommendations = sorted(
            (r for r in for_pdu if r.inspection.body_id == body.pk),
            key=lambda r: (r.inspection_id, r.position),
        )
        history, latest = page.history, page.latest
        averaged = averaged_pdus(page.region_results, exclude=body)
        sections = []
        if latest is not None:
            sections = standard_sections(latest, findings_by_section(latest.inspection))
        return super().get_context_data(
            inspections=history,
            ratings_by_inspection=page.ratings_by_inspection,
            latest=latest,
            standing=page.standing,
            # Each section with where the PDU stands on its standard (None for a report's
            # other headings).
            section_standings=[
                (
                    s,
                    page.standing.for_standard(s.result.standard)
                    if s.result and page.standing
                    else None,
                )
                for s in sections
            ],
            sections=sections,
            averaged_pdus=averaged,
            averaged_over=rules.other_pdus(len(averaged), body.region.name if body.region else ""),
            averaged_names=rules.joined([pdu.short_name for pdu in averaged]),
            key_question_chart=pdu_key_question_chart(
                latest, page.standing.region_averages() if page.standing else {}
            )
            if latest
            else "",
            recommendations=recommendations,
            recommendations_for_pdu=for_pdu,
            # What each later report says of the earlier inspection's recommendations.
            follow_ups=list(follow_ups(recommendations).values()),
            notes=DataQualityNote.objects.filter(
                inspection__in=[i.pk for i in history]
            ).select_related("source_document", "compared_document"),
            **kwargs,
        )


class PDUProfileView(SameForEveryone, BreadcrumbsMixin, DetailView):
    """A PDU's profile: the boroughs and sites it covers, its commissioned services and its
    context figures (caseloads, staffing, vacancies), each with its source. Found as the
    PDU page is (drafts' PDUs are not)."""

    queryset = Body.objects.pdus().public().select_related("region", "district")
    template_name = "pdus/pdu_profile.html"

    def get_breadcrumbs(self):
        return [
            *region_crumbs(self.object.region),
            (self.object.short_name, self.object.get_absolute_url()),
            ("Profile and context figures", None),
        ]

    def get_context_data(self, **kwargs):
        body = self.object
        return super().get_context_data(
            boroughs=body.boroughs.all(),
            sites=body.sites.select_related("borough"),
            services=body.commissioned_services.all(),
            # A profile's figures belong to no inspection; a draft's wait for it.
            figures=ContextFigure.objects.filter(body=body)
            .filter(
                Q(inspection__isnull=True)
                | Q(inspection__in=Inspection.objects.published().filter(body=body))
            )
            .select_related("source_document"),
            **kwargs,
        )


def comparison_download_name(cleaned_data) -> str:
    """What a comparison's download is called: the region's slug, else the PDUs'."""
    if cleaned_data.get("region") is not None:
        return f"compare-{cleaned_data['region'].slug}"
    return "-".join(["compare", *(pdu.slug for pdu in cleaned_data["pdus"])])


class CompareView(SameForEveryone, BreadcrumbsMixin, TemplateView):
    """2 to 6 PDUs, or a region, side by side; the choice lives in the query string."""

    template_name = "pdus/compare.html"

    def get_breadcrumbs(self):
        return [("Overview", reverse("pdus:overview")), ("Compare PDUs", None)]

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("format", "")
        if file_format not in ("", *FORMATS):
            return HttpResponseBadRequest("format must be csv or xlsx.")
        # Every PDU's, once: the form's choices, the PDUs compared, and those like them.
        inspections = list(
            rated_inspections().select_related("body__region", "body__district", "programme")
        )
        form = CompareForm(request.GET or None, inspections=inspections)
        comparison = None
        if form.is_bound and form.is_valid():
            version = form.cleaned_data["version"]
            standards = rated_standards(version)
            under_version = [i for i in inspections if i.programme_id == version.pk]
            compared = {pdu.pk for pdu in form.cleaned_data["pdus"]}
            results = results_for(
                [i for i in under_version if i.body_id in compared],
                standards,
                chosen={i.pk for i in form.cleaned_data["inspection"]},
            )
            comparison = compare(version, results, standards, form.cleaned_data["standard"])
            if file_format:
                rows = comparison_rows(comparison, request.build_absolute_uri)
                return table_response(
                    rows, comparison_download_name(form.cleaned_data), file_format
                )
        similar = []
        if comparison:
            similar = similar_choices(
                [r.inspection for r in comparison.results], version, under_version
            )
        elif lone := form.lone_pdu():
            pdu, version = lone
            under_version = [i for i in inspections if i.programme_id == version.pk]
            similar = similar_to_pdu(pdu, version, under_version)
        context = self.get_context_data(
            form=form,
            comparison=comparison,
            similar=similar,
            max_pdus=MAX_PDUS,
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


class ChangesView(SameForEveryone, BreadcrumbsMixin, TemplateView):
    """How ratings moved between each PDU's two latest inspections under one framework
    version, standard by standard, across England and Wales; ?standard= with ?move= (up,
    same, down) or ?from= and ?to= (ratings) lists the PDUs behind a count."""

    template_name = "pdus/changes.html"

    def get_breadcrumbs(self):
        return [("Overview", reverse("pdus:overview")), ("Changes between inspections", None)]

    def get_context_data(self, **kwargs):
        params = self.request.GET
        found = changes.national_changes(params.get("version", ""))
        if found is None:
            raise Http404("No PDU was inspected twice under a framework version of that slug.")
        chosen, listed = None, []
        if params.get("standard"):
            chosen = found.find(params["standard"])
            if chosen is None:
                raise Http404("No standard of that slug was rated under this version.")
            # Paged: the PDUs behind one count grow with the data.
            listed = Paginator(
                chosen.chosen(params.get("move", ""), params.get("from", ""), params.get("to", "")),
                changes.LISTED_PER_PAGE,
            ).get_page(params.get("page"))
        return super().get_context_data(
            changes=found,
            chosen=chosen,
            listed=listed,
            listed_pages=listed.paginator.get_elided_page_range(
                listed.number, on_each_side=1, on_ends=1
            )
            if listed
            else [],
            move=params.get("move", ""),
            before=params.get("from", ""),
            after=params.get("to", ""),
            before_label=dict(Rating.choices).get(params.get("from", ""), ""),
            after_label=dict(Rating.choices).get(params.get("to", ""), ""),
            scale=changes.SCALE,
            **kwargs,
        )
