"""The findings explorer's pages: search with facets, themes, recurring recommendations."""

from collections import defaultdict

from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse
from django.views.generic import (
    DetailView,
    ListView,
    TemplateView,
)

from inspections.models import Theme, ThemeTag
from inspections.web.exports import FORMATS, attach, streamed_response
from inspections.web.navigation import BreadcrumbsMixin
from inspections.web.shared import SameForEveryone
from recommendations.models import Recommendation

from . import search, themes


def explorer_crumbs() -> list[tuple[str, str]]:
    return [
        ("Overview", reverse("pdus:overview")),
        ("Explore findings", reverse("inspections:explore")),
    ]


class ExploreView(SameForEveryone, BreadcrumbsMixin, TemplateView):
    """Search findings, recommendations and context figures; narrow by facets; download.

    The whole state is in the query string (search.ExploreForm). A search that cannot be
    run gets the reason in an error summary and a 400, never an error page. The queries
    do not grow with the data: one for the facet index's token, one for the matches and
    one to mark them (with words), one per type of record and one for their themes; the
    facets are counted in memory (facet_index). It only reads: records are tagged with
    their themes when written (themes.py).
    """

    template_name = "inspections/explorer/explore.html"

    def get_breadcrumbs(self):
        return [("Overview", reverse("pdus:overview")), ("Explore findings", None)]

    def get(self, request, *args, **kwargs):

        form = search.ExploreForm(request.GET)
        if not form.is_valid():
            context = self.get_context_data(form=form, chosen_params=[])
            return self.render_to_response(context, status=400)
        data = form.cleaned_data
        filters = form.filters()
        finder = search.Search(form.parsed, filters)
        if data["format"]:
            counts, keys = finder.results(search.EXPORT_LIMIT)
            total = sum(count for _, _, count in counts["type"])
            query = {"q": data["q"], **dict(filters.chosen())}
            return search.download(
                finder, keys, data["format"], request.build_absolute_uri, query=query, total=total
            )
        number = data["page"] or 1
        counts, keys = finder.results(
            search.PAGE_SIZE, (number - 1) * search.PAGE_SIZE, more=data["more"]
        )
        by_type = {value: count for value, _, count in counts["type"]}
        total = sum(by_type.values())
        if number > 1 and not keys:
            raise Http404(f"There is no page {number} of these results.")
        page = search.SearchPage(finder.hydrate(keys, highlight_matches=True), number, total)
        facets = search.build_facets(counts, filters, request.GET, data["more"])
        chosen = [
            (facet.label, value.label, value.url)
            for facet in facets
            for value in facet.values
            if value.selected
        ]
        context = self.get_context_data(
            form=form,
            q=data["q"],
            total=total,
            by_type=[
                (search.TYPE_LABELS[name], by_type[name])
                for name in search.TYPE_LABELS
                if by_type.get(name)
            ],
            page=page,
            page_range=page_numbers(page.number, page.num_pages),
            facets=facets,
            chosen=chosen,
            chosen_params=[(name, value) for name, value in filters.chosen()],
            clear_url=search.query_string(
                request.GET, **dict.fromkeys(search.FACET_NAMES), more=None
            ),
            export_limit=search.EXPORT_LIMIT,
        )
        return self.render_to_response(context)


def page_numbers(current: int, last: int) -> list[int | None]:
    """Page links to show: first, last and one either side of the current; None for a gap."""
    shown = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


class ThemeListView(SameForEveryone, BreadcrumbsMixin, ListView):
    """Every theme with how many published findings, recommendations and bodies it has."""

    template_name = "inspections/explorer/theme_list.html"
    context_object_name = "themes"

    def get_breadcrumbs(self):
        return [*explorer_crumbs(), ("Themes", None)]

    def get_queryset(self):

        return themes.themes_with_counts()


class ThemeDetailView(SameForEveryone, BreadcrumbsMixin, DetailView):
    """One theme across the inspected bodies: counts by body and standard, a chart with a
    table of the same figures, and the findings, a page at a time.

    The chart and the table show the bodies with the most records on the theme (a page the
    same size at any size of data); ?bodies=all lists every body in the table."""

    template_name = "inspections/explorer/theme_detail.html"
    context_object_name = "theme"

    def get_queryset(self):

        return Theme.objects.all()

    def get_breadcrumbs(self):
        return [
            *explorer_crumbs(),
            ("Themes", reverse("inspections:theme_list")),
            (self.object.name, None),
        ]

    def get_context_data(self, **kwargs):

        theme = self.object
        by_body, by_standard = themes.theme_counts(theme)
        findings = sum(row.findings for row in by_body)
        recommendations = sum(row.recommendations for row in by_body)
        page_number = self.request.GET.get("page", "1")
        if not page_number.isdigit() or int(page_number) < 1:
            raise Http404("Page numbers are whole numbers from 1.")
        number = int(page_number)
        if number > 1 and (number - 1) * search.PAGE_SIZE >= findings:
            raise Http404(f"There is no page {number} of this theme's findings.")
        finder = search.Search(filters=search.Filters(theme=theme.slug, type="finding"))
        page = finder.page(number, findings)
        rules = next((r for r in themes.load_rules() if r.slug == theme.slug), None)
        every_body = self.request.GET.get("bodies") == "all"
        return super().get_context_data(
            by_body=by_body,
            bodies_shown=by_body if every_body else by_body[: themes.CHART_ROWS],
            by_standard=by_standard,
            counts={
                "findings": findings,
                "recommendations": recommendations,
                "bodies": len(by_body),
                "strengths": sum(row.strengths for row in by_body),
                "improvements": sum(row.improvements for row in by_body),
            },
            chart=themes.theme_chart(
                by_body, "chart-theme-bodies", title=f"{theme.name}: records by inspected body"
            ),
            chart_rows=themes.CHART_ROWS,
            rules=rules,
            page=page,
            page_range=page_numbers(page.number, page.num_pages),
            **kwargs,
        )


class RecurringRecommendationsView(SameForEveryone, BreadcrumbsMixin, TemplateView):
    """Recommendations made in more than one inspection in (nearly) the same words, grouped,
    with the inspections that made them; ?format=csv, xlsx or json downloads every one."""

    template_name = "inspections/explorer/recurring.html"

    def get_breadcrumbs(self):
        return [*explorer_crumbs(), ("Recurring recommendations", None)]

    def get(self, request, *args, **kwargs):

        file_format = request.GET.get("format", "")
        if file_format not in ("", "json", *FORMATS):
            return HttpResponseBadRequest("format must be csv, xlsx or json.")
        published = Recommendation.objects.published()
        if not file_format:
            groups = themes.recurring_groups_for_page(published)
            return self.render_to_response(self.get_context_data(groups=groups))
        return recurring_download(published, file_format, request.build_absolute_uri)


# The explorer's download columns that a recommendation has, after those of its group.
RECURRING_COLUMNS = [
    "Inspection",
    "Inspected body",
    "Year",
    "Recommendation number",
    "Addressee",
    "Text",
    "Themes",
    "Source document",
    "Source file",
    "Source section",
    "Source line",
    "Citation",
    "URL",
]

RECURRING_HEADER = [
    "Group",
    "Recommendation (commonest wording)",
    "Inspections in group",
    *RECURRING_COLUMNS,
]


def recurring_download(published, file_format: str, absolute_url):
    """Every recommendation of every recurring group of `published`, numbered by its group,
    each as the explorer's downloads give it with the citation of its source; written as
    it is read, a batch of recommendations at a time (`with_results`), never all at once."""
    groups = themes.recurring_index(published).recurring()
    numbered = with_results(published, enumerate(groups, start=1), absolute_url)
    what = "recurring-recommendations"
    if file_format == "json":
        items = (
            {
                "group": number,
                "text": group.text,
                "inspections": group.inspection_count,
                "addressees": group.addressees,
                "recommendations": results,
            }
            for number, group, results in numbered
        )
        response = StreamingHttpResponse(
            search.json_chunks({"count": len(groups)}, items, key="groups"),
            content_type="application/json",
        )
        return attach(response, what, "json")
    rows = (
        [
            number,
            group.text,
            group.inspection_count,
            *search.export_row(result, RECURRING_COLUMNS).values(),
        ]
        for number, group, results in numbered
        for result in results
    )
    return streamed_response(RECURRING_HEADER, rows, what, file_format)


def with_results(published, numbered_groups, absolute_url):
    """(number, group, its recommendations' export_json results) of each of
    `numbered_groups` (an index's groups), in order: their recommendations read
    search.EXPORT_BATCH at a time, with their themes, as the file is written."""
    theme_of = {theme.pk: theme for theme in Theme.objects.all()}
    batch, size = [], 0
    for number, group in numbered_groups:
        batch.append((number, group))
        size += len(group.pks)
        if size >= search.EXPORT_BATCH:
            yield from _results_of(published, batch, theme_of, absolute_url)
            batch, size = [], 0
    yield from _results_of(published, batch, theme_of, absolute_url)


def _results_of(published, batch, theme_of, absolute_url):
    pks = [pk for _, group in batch for pk in group.pks]
    records = published.filter(pk__in=pks).select_related(
        "inspection__body__region", "inspection__programme", "addressee", "source_document"
    )
    by_pk = {record.pk: record for record in records}
    tags = defaultdict(list)
    for recommendation_id, theme_id in ThemeTag.objects.filter(
        recommendation_id__in=pks
    ).values_list("recommendation_id", "theme_id"):
        tags[recommendation_id].append(theme_of[theme_id])
    for number, group in batch:
        # One unpublished since the index was worked out is left out.
        hits = (
            search.Hit("recommendation", by_pk[pk], themes=tags[pk])
            for pk in group.pks
            if pk in by_pk
        )
        yield number, group, [search.export_json(hit, absolute_url) for hit in hits]
