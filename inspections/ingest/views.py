"""Entering and importing inspections (admins only): the steps of a draft, import, review
and publish, unpublish."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, FilteredRelation, Min, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import (
    CreateView,
    FormView,
    TemplateView,
    UpdateView,
)

from inspections.ingest import review
from inspections.ingest.checks import publication_problems
from inspections.ingest.forms import (
    ContextFigureFormSet,
    FindingFormSet,
    FindingsHeadingForm,
    ImportForm,
    InspectionDetailsForm,
    PublishForm,
    RatingsForm,
    RecommendationFormSet,
    ResolveItemForm,
    UnpublishForm,
)
from inspections.ingest.importer import import_read, outcome_rows
from inspections.models import Finding, Inspection, Review, Section
from inspections.rules import can_manage_inspections
from inspections.web.navigation import BreadcrumbsMixin


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
            self.get_inspections(), slug=kwargs["slug"], is_published=self.published
        )
        return super().dispatch(request, *args, **kwargs)

    def get_inspections(self):
        """The inspections the page may be about, read with what it shows of the one."""
        return Inspection.objects.select_related("body", "programme", "source_document")

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
            drafts=Inspection.objects.filter(is_published=False)
            .select_related("body")
            .annotate(
                items_to_check=Count(
                    "data_quality_notes", filter=Q(data_quality_notes__review=Review.TO_CHECK)
                )
            ),
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


def finding_headings(inspection: Inspection) -> list[dict]:
    """The headings the draft's findings are entered under, each with its findings'
    count by kind and its page: the sections of its programme's standards in order, then
    any other heading its findings sit under, in the report's order. One query, however
    many findings."""
    kinds = Finding.Kind
    sections = (
        Section.objects.filter(
            Q(standard__programme=inspection.programme_id)
            | Q(pk__in=inspection.findings.values("section"))
        )
        .annotate(own=FilteredRelation("findings", condition=Q(findings__inspection=inspection)))
        .annotate(
            total=Count("own"),
            strengths=Count("own", filter=Q(own__kind=kinds.STRENGTH)),
            improvements=Count("own", filter=Q(own__kind=kinds.IMPROVEMENT)),
            first=Min("own__position"),
        )
        .select_related("standard")
    )

    def order(section):
        if section.standard and section.standard.programme_id == inspection.programme_id:
            return (0, section.standard.position)
        return (1, section.first)

    return [
        {
            "section": section,
            "total": section.total,
            "strengths": section.strengths,
            "improvements": section.improvements,
            "url": reverse(
                "inspections:manage_findings_section", args=[inspection.slug, section.slug]
            ),
        }
        for section in sorted(sections, key=order)
    ]


def heading_for(note, headings: list[dict]) -> dict | None:
    """The one heading of `headings` an item about findings is under: the section it
    cites, or the heading its description begins with ("2.2 Assessment: 4 bullets ...")."""
    for heading in headings:
        name = heading["section"].name
        if note.source_section == name or note.description.startswith(f"{name}:"):
            return heading
    return None


class FindingsStepView(DraftMixin, TemplateView):
    """The findings step: each heading the findings sit under, with its count and a link
    to its own page, so that no page holds the whole report's findings in one form."""

    step = "findings"
    template_name = "inspections/manage/findings.html"

    def get(self, request, *args, **kwargs):
        # Choosing another heading is a GET form: it only leads to that heading's page.
        form = FindingsHeadingForm(request.GET or None)
        if form.is_bound and form.is_valid():
            section = form.cleaned_data["section"]
            return redirect(
                "inspections:manage_findings_section", self.inspection.slug, section.slug
            )
        context = self.get_context_data(
            heading_form=form, headings=finding_headings(self.inspection)
        )
        return self.render_to_response(context, status=400 if form.is_bound else 200)


class FindingsSectionView(DraftMixin, TemplateView):
    """The findings under one heading, with their own Save: all of them saved, or, if
    any row is wrong, none, and the page shown again with what was typed."""

    step = "findings"
    template_name = "inspections/manage/findings_section.html"

    @cached_property
    def section(self):
        return get_object_or_404(Section, slug=self.kwargs["section"])

    def get_breadcrumbs(self):
        return [
            ("Enter inspections", reverse("inspections:manage")),
            (
                self.inspection.title,
                reverse("inspections:manage_review", args=[self.inspection.slug]),
            ),
            ("Findings", reverse("inspections:manage_findings", args=[self.inspection.slug])),
            (self.section.name, None),
        ]

    def get_formset(self):
        data = self.request.POST if self.request.method == "POST" else None
        return FindingFormSet(
            data, inspection=self.inspection, section=self.section, prefix="findings"
        )

    def next_heading(self, headings: list[dict]) -> dict | None:
        sections = [heading["section"] for heading in headings]
        if self.section not in sections:
            return None
        following = sections.index(self.section) + 1
        return headings[following] if following < len(headings) else None

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.get_formset())
        kwargs["section"] = self.section  # the URL's slug, as the heading it names
        headings = finding_headings(self.inspection)
        return super().get_context_data(next_heading=self.next_heading(headings), **kwargs)

    def post(self, request, *args, **kwargs):
        formset = self.get_formset()
        if not formset.is_valid():
            return self.render_to_response(self.get_context_data(formset=formset), status=400)
        formset.save()
        messages.success(request, f"Findings under {self.section} saved.")
        following = self.next_heading(finding_headings(self.inspection))
        if request.POST.get("then") == "next" and following:
            return redirect(following["url"])
        return redirect("inspections:manage_findings", self.inspection.slug)


class RecommendationsStepView(RecordsStepView):
    step, formset_class, title = "recommendations", RecommendationFormSet, "Recommendations"


class FiguresStepView(RecordsStepView):
    step, formset_class, title = "figures", ContextFigureFormSet, "Context figures"


class ReviewStepView(DraftMixin, TemplateView):
    """Everything the draft holds, every check, and each item the import left to check
    beside its source lines; publishing runs the checks again."""

    step = "review"
    template_name = "inspections/manage/review.html"

    def get_inspections(self):
        return review.with_publication_history(super().get_inspections())

    def get_context_data(self, **kwargs):
        inspection = self.inspection
        republishing = review.was_published_before(inspection)
        kwargs.setdefault("publish_form", PublishForm(republishing=republishing))
        headings = finding_headings(inspection)
        # Each of the draft's rows is read once, for the page and for its checks.
        ratings = list(inspection.ratings.select_related("standard__programme"))
        scores = list(inspection.key_question_scores.select_related("key_question__standard"))
        recommendations = list(inspection.recommendations.select_related("addressee"))
        notes = list(inspection.data_quality_notes.select_related("resolved_by"))
        problems = publication_problems(
            inspection, ratings=ratings, scores=scores, recommendations=recommendations
        ) + review.unresolved_problems(inspection, notes)
        return super().get_context_data(
            problems=problems,
            ratings=ratings,
            key_question_scores=scores,
            finding_headings=headings,
            finding_count=sum(heading["total"] for heading in headings),
            recommendations=recommendations,
            items=self.items(notes, kwargs.pop("item_forms", {}), headings),
            **kwargs,
        )

    def items(self, notes: list, forms: dict, headings: list[dict]) -> list[dict]:
        """Each of the draft's `notes` with its source lines, the step that corrects it
        (about findings: the page of the heading it names, if any), and, while it is to
        check, the form that resolves it (`forms` keeps one that was sent in error)."""
        # The import's items are about the text it read, kept on the draft's document
        # (loaded with the draft): split once, not per item.
        document = self.inspection.source_document
        lines = document.text.splitlines()
        items = []
        for note in notes:
            step = review.step_for(note)
            heading = heading_for(note, headings) if step == "findings" else None
            items.append(
                {
                    "note": note,
                    "lines": review.source_lines(note, lines)
                    if note.source_document_id == document.pk
                    else [],
                    "step_url": heading["url"]
                    if heading
                    else reverse(f"inspections:manage_{step}", args=[self.inspection.slug]),
                    "step_label": f"Findings: {heading['section'].name}"
                    if heading
                    else dict(STEPS)[step],
                    "form": forms.get(note.pk)
                    or (ResolveItemForm(prefix=f"item-{note.pk}") if note.is_to_check else None),
                }
            )
        return items

    def post(self, request, *args, **kwargs):
        republishing = review.was_published_before(self.inspection)
        form = PublishForm(request.POST, republishing=republishing)
        with transaction.atomic():
            inspection = Inspection.objects.select_for_update().get(pk=self.inspection.pk)
            problems = publication_problems(inspection) + review.unresolved_problems(inspection)
            if form.is_valid() and not problems:
                changes = [form.cleaned_data["changes"]] if republishing else []
                review.record_corrections(inspection, changes, timezone.localdate())
                inspection.set_published(True, request.user, "Published.")
        if problems or not form.is_valid():
            context = self.get_context_data(publish_refused=True, publish_form=form)
            return self.render_to_response(context, status=400)
        messages.success(request, f"{inspection.title} is published.")
        return redirect(inspection.get_absolute_url())


class ResolveItemView(ReviewStepView):
    """An admin's decision on one item to check, sent from the review page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        note = get_object_or_404(self.inspection.data_quality_notes.to_check(), pk=kwargs["item"])
        form = ResolveItemForm(request.POST, prefix=f"item-{note.pk}")
        if not form.is_valid():
            context = self.get_context_data(item_forms={note.pk: form})
            return self.render_to_response(context, status=400)
        note.resolve(form.cleaned_data["decision"], form.cleaned_data["resolution"], request.user)
        messages.success(request, "Item resolved.")
        url = reverse("inspections:manage_review", args=[self.inspection.slug])
        return redirect(f"{url}#item-{note.pk}")


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
        return [("Enter inspections", reverse("inspections:manage")), ("Import reports", None)]

    def form_valid(self, form):
        region = form.cleaned_data["region"]
        results = [(read.path, import_read(read, region)) for read in form.read_reports()]
        return self.render_to_response(
            self.get_context_data(form=ImportForm(), outcomes=outcome_rows(results))
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
