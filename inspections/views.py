from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import (
    CreateView,
    DetailView,
    FormView,
    ListView,
    TemplateView,
    UpdateView,
)

from inspections.navigation import BreadcrumbsMixin, region_crumbs
from ratings.models import KeyQuestionScore, StandardRating
from recommendations.models import Recommendation

from .checks import publication_problems
from .forms import (
    ContextFigureFormSet,
    FindingFormSet,
    ImportForm,
    InspectionDetailsForm,
    RatingsForm,
    RecommendationFormSet,
    UnpublishForm,
)
from .importer import ImportRefused, import_report
from .models import ContextFigure, DataQualityNote, Finding, Inspection
from .parsing.types import ParseError
from .rules import can_manage_inspections


def body_crumbs(body) -> list[tuple[str, str]]:
    crumbs = region_crumbs(body.region)
    if body.kind == "pdu":
        crumbs.append((body.short_name, reverse("pdus:pdu_detail", args=[body.slug])))
    return crumbs


class InspectionListView(BreadcrumbsMixin, ListView):
    """Every published inspection, of every programme."""

    queryset = Inspection.objects.published().for_listing()
    context_object_name = "inspections"

    def get_breadcrumbs(self):
        return [("Overview", reverse("pdus:overview")), ("Inspections", None)]


class InspectionDetailView(BreadcrumbsMixin, DetailView):
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


class FindingDetailView(BreadcrumbsMixin, DetailView):
    """One finding, quoted exactly, with everything needed to cite it."""

    queryset = Finding.objects.filter(inspection__is_published=True).select_related(
        "inspection__body__region",
        "inspection__programme",
        "section__standard__programme",
        "source_document",
    )

    def get_breadcrumbs(self):
        finding = self.object
        crumbs = body_crumbs(finding.inspection.body)
        standard = finding.section.standard
        if standard is not None:
            crumbs.append((str(standard), standard.get_absolute_url()))
        return [*crumbs, ("Finding", None)]


# --- Entering and importing inspections (admins only) -----------------------------------


class AdminOnlyMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Signed-out users are sent to sign in; signed-in users who are not admins get 403."""

    raise_exception = False

    def test_func(self):
        return can_manage_inspections(self.request.user)

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise PermissionDenied("Only admins enter and publish inspection data.")
        return super().handle_no_permission()


STEPS = [
    ("details", "Details"),
    ("ratings", "Ratings and key questions"),
    ("findings", "Findings"),
    ("recommendations", "Recommendations"),
    ("figures", "Context figures"),
    ("review", "Review and publish"),
]


class ManagedInspectionMixin(AdminOnlyMixin, BreadcrumbsMixin):
    """A page about one inspection for admins: a draft, or (`published`) a published one."""

    published = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not can_manage_inspections(request.user):
            return super().dispatch(request, *args, **kwargs)
        self.inspection = get_object_or_404(
            Inspection.objects.select_related("body", "programme", "source_document"),
            slug=kwargs["slug"],
            is_published=self.published,
        )
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return [
            ("Enter inspections", reverse("inspections:manage")),
            (self.inspection.title, None),
        ]


class DraftMixin(ManagedInspectionMixin):
    """A step of entering one draft inspection."""

    step = ""

    def get_context_data(self, **kwargs):
        steps = [
            (name, label, reverse(f"inspections:manage_{name}", args=[self.inspection.slug]))
            for name, label in STEPS
        ]
        return super().get_context_data(
            inspection=self.inspection, steps=steps, step=self.step, **kwargs
        )

    def next_step_url(self):
        names = [name for name, _ in STEPS]
        following = names[min(names.index(self.step) + 1, len(names) - 1)]
        return reverse(f"inspections:manage_{following}", args=[self.inspection.slug])


class ManageView(AdminOnlyMixin, BreadcrumbsMixin, TemplateView):
    """Drafts to resume, and the two ways to start one: forms or a report's text."""

    template_name = "inspections/manage/manage.html"

    def get_breadcrumbs(self):
        return [("Enter inspections", None)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            drafts=Inspection.objects.filter(is_published=False).select_related("body"),
            **kwargs,
        )


class InspectionCreateView(AdminOnlyMixin, BreadcrumbsMixin, CreateView):
    model = Inspection
    form_class = InspectionDetailsForm
    template_name = "inspections/manage/details.html"

    def get_breadcrumbs(self):
        return [("Enter inspections", reverse("inspections:manage")), ("New inspection", None)]

    def form_valid(self, form):
        form.instance.is_published = False
        with transaction.atomic():
            self.object = form.save()
        messages.success(self.request, "Draft saved. Next, the ratings and key questions.")
        return redirect("inspections:manage_ratings", self.object.slug)


class DetailsStepView(DraftMixin, UpdateView):
    step = "details"
    form_class = InspectionDetailsForm
    template_name = "inspections/manage/details.html"

    def get_object(self, queryset=None):
        return self.inspection

    def form_valid(self, form):
        with transaction.atomic():
            form.save()
        messages.success(self.request, "Details saved.")
        return redirect(self.next_step_url())


class RatingsStepView(DraftMixin, FormView):
    step = "ratings"
    form_class = RatingsForm
    template_name = "inspections/manage/ratings.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "inspection": self.inspection}

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "Ratings saved; the score and overall rating are updated.")
        return redirect(self.next_step_url())


class RecordsStepView(DraftMixin, TemplateView):
    """A step that edits one kind of the draft's records as a formset."""

    formset_class = None
    template_name = "inspections/manage/records.html"
    title = ""

    def get_formset(self):
        data = self.request.POST if self.request.method == "POST" else None
        return self.formset_class(data, inspection=self.inspection, prefix=self.step)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.get_formset())
        return super().get_context_data(title=self.title, **kwargs)

    def post(self, request, *args, **kwargs):
        formset = self.get_formset()
        if not formset.is_valid():
            return self.render_to_response(self.get_context_data(formset=formset), status=400)
        formset.save()
        messages.success(request, f"{self.title} saved.")
        return redirect(self.next_step_url())


class FindingsStepView(RecordsStepView):
    step, formset_class, title = "findings", FindingFormSet, "Findings"


class RecommendationsStepView(RecordsStepView):
    step, formset_class, title = "recommendations", RecommendationFormSet, "Recommendations"


class FiguresStepView(RecordsStepView):
    step, formset_class, title = "figures", ContextFigureFormSet, "Context figures"


class ReviewStepView(DraftMixin, TemplateView):
    """Everything the draft holds and every check; publishing runs the checks again."""

    step = "review"
    template_name = "inspections/manage/review.html"

    def get_context_data(self, **kwargs):
        inspection = self.inspection
        return super().get_context_data(
            problems=publication_problems(inspection),
            ratings=inspection.ratings.select_related("standard"),
            key_question_scores=inspection.key_question_scores.select_related(
                "key_question__standard"
            ),
            finding_count=inspection.findings.count(),
            recommendations=inspection.recommendations.select_related("addressee"),
            notes=inspection.data_quality_notes.all(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            inspection = Inspection.objects.select_for_update().get(pk=self.inspection.pk)
            problems = publication_problems(inspection)
            if not problems:
                inspection.set_published(True, request.user, "Published.")
        if problems:
            context = self.get_context_data(publish_refused=True)
            return self.render_to_response(context, status=400)
        messages.success(request, f"{inspection.title} is published.")
        return redirect(inspection.get_absolute_url())


class UnpublishView(ManagedInspectionMixin, FormView):
    """Take a published inspection back to a draft, to correct or re-import it."""

    published = True
    form_class = UnpublishForm
    template_name = "inspections/manage/unpublish.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(inspection=self.inspection, **kwargs)

    def form_valid(self, form):
        with transaction.atomic():
            inspection = Inspection.objects.select_for_update().get(pk=self.inspection.pk)
            if inspection.is_published:  # not already unpublished by someone else
                reason = form.cleaned_data["reason"]
                inspection.set_published(False, self.request.user, f"Unpublished: {reason}")
        messages.success(
            self.request,
            f"{inspection.title} is unpublished: it is a draft again, seen only by admins.",
        )
        return redirect("inspections:manage_review", inspection.slug)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ImportView(AdminOnlyMixin, BreadcrumbsMixin, FormView):
    form_class = ImportForm
    template_name = "inspections/manage/import.html"

    def get_breadcrumbs(self):
        return [("Enter inspections", reverse("inspections:manage")), ("Import a report", None)]

    def form_valid(self, form):
        upload = form.cleaned_data["report"]
        try:
            result = import_report(
                form.cleaned_data["text"], upload.name, region=form.cleaned_data["region"]
            )
        except ParseError as error:
            form.add_error("report", f"This does not read as a PDU inspection report: {error}")
            return self.form_invalid(form)
        except ImportRefused as error:
            form.add_error("report", str(error))
            return self.form_invalid(form)
        verb = "Imported" if result.created else "Re-imported; the earlier draft was replaced"
        messages.success(
            self.request,
            f"{verb}. Check the {len(result.problems)} note(s) the import left below.",
        )
        return redirect("inspections:manage_review", result.inspection.slug)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- Findings explorer: search with facets, themes, recurring recommendations -------------


def explorer_crumbs() -> list[tuple[str, str]]:
    return [
        ("Overview", reverse("pdus:overview")),
        ("Explore findings", reverse("inspections:explore")),
    ]


class ExploreView(BreadcrumbsMixin, TemplateView):
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
        from django.http import Http404

        from . import search

        form = search.ExploreForm(request.GET)
        if not form.is_valid():
            context = self.get_context_data(form=form, chosen_params=[])
            return self.render_to_response(context, status=400)
        data = form.cleaned_data
        filters = form.filters()
        finder = search.Search(form.parsed, filters)
        if data["format"]:
            counts, keys = finder.results(search.EXPORT_LIMIT)
            hits = finder.hydrate(keys, highlight_matches=False)
            total = sum(count for _, _, count in counts["type"])
            query = {"q": data["q"], **dict(filters.chosen())}
            return search.download(
                hits, data["format"], request.build_absolute_uri, query=query, total=total
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


class ThemeListView(BreadcrumbsMixin, ListView):
    """Every theme with how many published findings, recommendations and bodies it has."""

    template_name = "inspections/explorer/theme_list.html"
    context_object_name = "themes"

    def get_breadcrumbs(self):
        return [*explorer_crumbs(), ("Themes", None)]

    def get_queryset(self):
        from . import themes

        return themes.themes_with_counts()


class ThemeDetailView(BreadcrumbsMixin, DetailView):
    """One theme across the inspected bodies: counts by body and standard, a chart with a
    table of the same figures, and the findings, a page at a time."""

    template_name = "inspections/explorer/theme_detail.html"
    context_object_name = "theme"

    def get_queryset(self):
        from .models import Theme

        return Theme.objects.all()

    def get_breadcrumbs(self):
        return [
            *explorer_crumbs(),
            ("Themes", reverse("inspections:theme_list")),
            (self.object.name, None),
        ]

    def get_context_data(self, **kwargs):
        from django.http import Http404

        from . import search, themes

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
        return super().get_context_data(
            by_body=by_body,
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


class RecurringRecommendationsView(BreadcrumbsMixin, TemplateView):
    """Recommendations made in more than one inspection in (nearly) the same words, grouped,
    with the inspections that made them; ?format=csv, xlsx or json downloads every one."""

    template_name = "inspections/explorer/recurring.html"

    def get_breadcrumbs(self):
        return [*explorer_crumbs(), ("Recurring recommendations", None)]

    def get(self, request, *args, **kwargs):
        from collections import defaultdict

        from django.http import HttpResponseBadRequest

        from . import themes
        from .exports import FORMATS
        from .models import Theme, ThemeTag

        file_format = request.GET.get("format", "")
        if file_format not in ("", "json", *FORMATS):
            return HttpResponseBadRequest("format must be csv, xlsx or json.")
        published = Recommendation.objects.published()
        if not file_format:
            groups = themes.recurring_groups_for_page(published)
            return self.render_to_response(self.get_context_data(groups=groups))
        # A download has every recommendation of every group, each with its themes.
        recommendations = list(
            published.select_related("inspection__body__region", "addressee", "source_document")
        )
        by_pk = {theme.pk: theme for theme in Theme.objects.all()}
        tags = defaultdict(list)
        for recommendation_id, theme_id in ThemeTag.objects.filter(
            recommendation__isnull=False
        ).values_list("recommendation_id", "theme_id"):
            tags[recommendation_id].append(by_pk[theme_id])
        for recommendation in recommendations:
            recommendation.explorer_themes = tags[recommendation.pk]
        groups = themes.recurring_groups(recommendations, names=themes.body_names())
        return recurring_download(groups, file_format, request.build_absolute_uri)


def recurring_download(groups, file_format: str, absolute_url):
    """One row per recommendation, numbered by its group, with the citation of its source."""
    import pandas as pd

    from .exports import dataframe_response
    from .search import citation, json_download, record_url

    rows = []
    for number, group in enumerate(groups, start=1):
        for recommendation in group.recommendations:
            inspection = recommendation.inspection
            rows.append(
                {
                    "Group": number,
                    "Recommendation (commonest wording)": group.text,
                    "Inspections in group": group.inspection_count,
                    "Inspection": inspection.title,
                    "Inspected body": inspection.body.name,
                    "Year": inspection.fieldwork_start.year if inspection.fieldwork_start else "",
                    "Number": recommendation.number,
                    "Addressee": recommendation.addressee.name,
                    "Text as published": recommendation.text,
                    "Themes": "; ".join(t.name for t in recommendation.explorer_themes),
                    "Source document": recommendation.source_document.title,
                    "Source file": recommendation.source_document.filename,
                    "Source section": recommendation.source_section,
                    "Source line": recommendation.source_line or "",
                    "Citation": citation(recommendation),
                    "URL": absolute_url(record_url("recommendation", recommendation)),
                }
            )
    if file_format == "json":
        return json_download(
            {
                "count": len(groups),
                "groups": [
                    {
                        "group": number,
                        "text": group.text,
                        "inspections": group.inspection_count,
                        "addressees": group.addressees,
                        "recommendations": [
                            {key: row[key] for key in row if key not in ("Group",)}
                            for row in rows
                            if row["Group"] == number
                        ],
                    }
                    for number, group in enumerate(groups, start=1)
                ],
            },
            "recurring-recommendations",
        )
    return dataframe_response(pd.DataFrame(rows), "recurring-recommendations", file_format)
