from django import forms
from django.contrib import admin
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html

from ratings.models import KeyQuestionScore, StandardRating
from recommendations.models import Recommendation

from .ingest import checks
from .models import (
    ContextFigure,
    Correction,
    DataQualityNote,
    FacetState,
    Finding,
    Inspection,
    Section,
    SourceDocument,
    Theme,
    ThemeOverride,
    ThemeTag,
    UntaggedRecord,
)
from .web.admin_widgets import LookupSafeMixin
from .web.audit import AuditHistoryMixin


@admin.register(SourceDocument)
class SourceDocumentAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    list_display = ["title", "filename", "kind", "author", "published"]
    list_filter = ["kind"]
    search_fields = ["title", "filename", "author"]
    # What identifies a document (the text read, its checksum) is not edited.
    readonly_fields = ["sha256", "text"]


class RatingsFollowingTheRuleFormSet(BaseInlineFormSet):
    """An inspection's ratings, each refused where it departs from HMIP's rule without the
    inspectors' reason, as the entry step refuses it.

    `key_question_scores` is the formset of percentages posted on the same page (see
    InspectionAdmin), so a rating is checked against the percentages saved with it.
    """

    key_question_scores = None

    def clean(self):
        super().clean()
        percentages = self.percentages()
        if percentages is None:
            return  # the percentages have errors of their own, to be corrected first
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if form.errors or not data.get("standard") or data.get("DELETE"):
                continue
            if error := checks.rating_departure(
                data["standard"], data.get("rating"), data.get("override_reason", ""), percentages
            ):
                form.add_error("rating", error)

    def percentages(self):
        """Percentages 'Yes' by key question as they will be saved; None while the posted
        ones have errors."""
        scores = self.key_question_scores
        if scores is None:
            return checks.saved_percentages(self.instance) if self.instance.pk else {}
        if not scores.is_valid():
            return None
        return {
            form.cleaned_data["key_question"].pk: form.cleaned_data["percent_yes"]
            for form in scores.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        }


class StandardRatingInline(LookupSafeMixin, admin.TabularInline):
    model = StandardRating
    formset = RatingsFollowingTheRuleFormSet
    extra = 0
    fields = ["standard", "rating", "published_code", "override_reason"]
    autocomplete_fields = ["standard"]


class KeyQuestionScoreInline(LookupSafeMixin, admin.TabularInline):
    model = KeyQuestionScore
    extra = 0
    fields = ["key_question", "percent_yes"]


class RecommendationInline(LookupSafeMixin, admin.TabularInline):
    model = Recommendation
    extra = 0
    fields = ["number", "addressee", "addressee_label", "text"]
    autocomplete_fields = ["addressee"]


class DataQualityNoteInline(LookupSafeMixin, admin.TabularInline):
    model = DataQualityNote
    fk_name = "inspection"
    extra = 0
    fields = ["kind", "description", "source_document", "compared_document"]


class InspectionForm(forms.ModelForm):
    """The publication date checked as the entry step and the publication checks do."""

    def clean(self):
        cleaned = super().clean()
        if error := checks.publication_date_error(
            cleaned.get("fieldwork_start"),
            cleaned.get("published"),
            cleaned.get("published_precision", self.instance.published_precision),
        ):
            self.add_error("published", error)
        return cleaned


@admin.register(Inspection)
class InspectionAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    """Inspections as entered. The score, maximum and overall rating are computed from the
    ratings, and publishing goes through the review step's checks, so none is typed here."""

    form = InspectionForm
    list_display = ["title", "body", "programme", "fieldwork_start", "score", "overall_rating"]
    list_filter = ["programme", "overall_rating", "is_published", "body__region", "body__kind"]
    list_select_related = ["body", "programme"]
    search_fields = ["title", "body__name", "lead_inspector"]
    ordering = ["-fieldwork_start", "body__name"]
    date_hierarchy = "fieldwork_start"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["body"]
    exclude = ["is_published"]  # shown as `publication`, with the way to change it
    readonly_fields = ["score", "max_score", "overall_rating", "publication"]
    inlines = [
        StandardRatingInline,
        KeyQuestionScoreInline,
        RecommendationInline,
        DataQualityNoteInline,
    ]

    @admin.display(description="published")
    def publication(self, inspection):
        if inspection.pk is None:
            return "No: a new inspection is a draft until it is published from its review step."
        if inspection.is_published:
            return format_html(
                'Yes. To correct it as a draft, <a href="{}">unpublish it</a>.',
                reverse("inspections:manage_unpublish", args=[inspection.slug]),
            )
        return format_html(
            'No: it is a draft. Publish it from <a href="{}">its review step</a>, which checks '
            "it first.",
            reverse("inspections:manage_review", args=[inspection.slug]),
        )

    def view_on_site(self, inspection):
        # The public page shows only published inspections; a draft is seen in its review.
        if inspection.is_published:
            return inspection.get_absolute_url()
        return reverse("inspections:manage_review", args=[inspection.slug])

    def save_model(self, request, obj, form, change):
        if not change:
            obj.is_published = False  # published only through the review step's checks
        super().save_model(request, obj, form, change)

    def _create_formsets(self, request, obj, change):
        # Ratings are checked against the percentages posted with them; Django's admin
        # offers no public way to hand one inline's formset another's.
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        by_model = {formset.model: formset for formset in formsets}
        if StandardRating in by_model:
            by_model[StandardRating].key_question_scores = by_model.get(KeyQuestionScore)
        return formsets, inline_instances

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.model is StandardRating and formset.has_changed() for formset in formsets):
            checks.set_score(form.instance)


@admin.register(Section)
class SectionAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    list_display = ["name", "standard"]
    list_filter = ["standard__programme"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Finding)
class FindingAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    list_display = ["short_text", "kind", "section", "inspection"]
    list_filter = ["kind", "section", "inspection__programme", "inspection__body"]
    list_select_related = ["section", "inspection"]
    search_fields = ["text", "source_section"]
    ordering = ["inspection__title", "position"]
    autocomplete_fields = ["inspection", "section"]

    def view_on_site(self, finding):
        # The public page shows only published inspections' findings; a draft's are
        # seen in its findings step.
        if finding.inspection.is_published:
            return finding.get_absolute_url()
        return reverse("inspections:manage_findings", args=[finding.inspection.slug])

    @admin.display(description="finding")
    def short_text(self, finding):
        return finding.text[:100]


@admin.register(ContextFigure)
class ContextFigureAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    list_display = ["label", "value_text", "unit", "body", "as_at", "category"]
    list_filter = ["category", "unit", "body", "source_document"]
    list_select_related = ["body"]
    search_fields = ["label", "quote", "source_note"]
    ordering = ["body__name", "category", "label"]
    autocomplete_fields = ["body", "inspection"]


@admin.register(DataQualityNote)
class DataQualityNoteAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    list_display = [
        "description",
        "kind",
        "review",
        "inspection",
        "source_document",
        "compared_document",
    ]
    list_filter = ["kind", "review", "source_document"]
    list_select_related = ["inspection", "source_document", "compared_document"]
    search_fields = ["description"]
    ordering = ["inspection__title", "kind", "pk"]
    autocomplete_fields = ["inspection"]
    readonly_fields = ["resolved_by", "resolved_at"]


@admin.register(Correction)
class CorrectionAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    """Public notices that a published inspection was corrected, made on publishing."""

    list_display = ["inspection", "corrected_on"]
    list_select_related = ["inspection"]
    autocomplete_fields = ["inspection"]
    date_hierarchy = "corrected_on"


# --- Findings explorer: themes ------------------------------------------------------------


@admin.register(Theme)
class ThemeAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    """Themes come from inspections/explorer/themes.toml (`tag_themes`); a theme added here has no
    rules and holds only the records put on it by overrides."""

    list_display = ["name", "slug", "position", "tag_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["position", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(tag_total=Count("tags"))

    @admin.display(description="records tagged", ordering="tag_total")
    def tag_count(self, theme):
        return theme.tag_total


@admin.register(ThemeOverride)
class ThemeOverrideAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    """Correct the rules for one record: put it on a theme, or take it off.

    The override keeps the record's inspection and text, so it still applies after the
    fixtures are rebuilt and reloaded; saving or deleting it retags the record at once.
    """

    list_display = ["theme", "action", "record_type", "short_text", "inspection_slug", "created_at"]
    list_filter = ["theme", "action", "record_type"]
    list_select_related = ["theme"]
    search_fields = ["text", "inspection_slug", "reason"]
    autocomplete_fields = ["theme", "finding", "recommendation"]
    fields = [
        "theme",
        "action",
        "finding",
        "recommendation",
        "reason",
        "record_type",
        "inspection_slug",
        "text",
    ]
    readonly_fields = ["record_type", "inspection_slug", "text"]

    @admin.display(description="record")
    def short_text(self, override):
        return override.text[:100]


@admin.register(ThemeTag)
class ThemeTagAdmin(LookupSafeMixin, admin.ModelAdmin):
    """Which records are on which theme. Derived from the rules and the overrides, so it
    is read-only here: correct a record with a theme override."""

    list_display = ["theme", "record", "source"]
    list_filter = ["theme", "source"]
    list_select_related = ["theme", "finding", "recommendation"]
    search_fields = ["finding__text", "recommendation__text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Tags go with the finding, recommendation or theme they join, as that record's
        # delete page lists them; on their own pages they are derived, never deleted.
        match = request.resolver_match
        own_page = match is not None and match.url_name.startswith("inspections_themetag_")
        return not own_page and super().has_delete_permission(request, obj)

    @admin.display(description="finding or recommendation")
    def record(self, tag):
        return str(tag.finding or tag.recommendation)


@admin.register(UntaggedRecord)
class UntaggedRecordAdmin(LookupSafeMixin, admin.ModelAdmin):
    """Records waiting to be tagged with themes; the next write (any admin save) tags them."""

    list_display = ["record_type", "record_id"]
    list_filter = ["record_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FacetState)
class FacetStateAdmin(LookupSafeMixin, admin.ModelAdmin):
    """The token database triggers renew on every write the explorer's facets are read
    from; shown so an admin can see it move, never edited."""

    list_display = ["token"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
