from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.text import slugify

from inspections.ingest import checks
from inspections.models import Inspection
from inspections.web.admin_widgets import LookupSafeMixin
from inspections.web.audit import AuditHistoryMixin

from . import rules
from .models import KeyQuestion, KeyQuestionScore, Programme, Standard, StandardRating

PERCENT_BANDS = ["outstanding_percent", "good_percent", "requires_improvement_percent"]
SCORE_BANDS = ["outstanding_score", "good_score", "requires_improvement_score"]


class ProgrammeForm(forms.ModelForm):
    """A framework version's bands must descend (rules.bands_error), percentages to 100;
    the score bands' ceiling depends on the standards, so the standards' formset checks it."""

    def clean(self):
        cleaned = super().clean()
        if any(cleaned.get(name) is None for name in PERCENT_BANDS + SCORE_BANDS):
            return cleaned  # the field's own error says what is missing
        version = Programme(**{name: cleaned[name] for name in PERCENT_BANDS + SCORE_BANDS})
        if error := rules.bands_error(version.key_question_bands, "lowest percentage", 100):
            self.add_error("outstanding_percent", error)
        if error := rules.bands_error(version.score_bands, "lowest score"):
            self.add_error("outstanding_score", error)
        return cleaned


class StandardInlineFormSet(BaseInlineFormSet):
    """Outstanding overall can need no more than the version's maximum score, 3 points for
    each rated standard entered here."""

    def clean(self):
        super().clean()
        version = self.instance
        rated = sum(
            1
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("is_rated")
        )
        if not version.has_ratings or not rated:
            return
        highest = rules.maximum_score(rated)
        if version.outstanding_score > highest:
            raise forms.ValidationError(
                f"Enter a lowest score for Outstanding overall of {highest} or less: "
                f"{rated} rated standards score at most {highest}"
            )


class StandardInlineForm(forms.ModelForm):
    """The slug, left blank, is made from the code and name as the fixture builder makes it."""

    class Meta:
        model = Standard
        fields = [
            "position",
            "code",
            "name",
            "slug",
            "domain",
            "is_rated",
            "rated_from_key_questions",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name"):
            code = cleaned.get("code", "").replace(".", "-")
            cleaned["slug"] = slugify(f"{code} {cleaned['name']}")
        return cleaned


class StandardInline(LookupSafeMixin, admin.TabularInline):
    """A version's standards; each one's statement and key questions are on its own page
    (the admin does not nest inlines), reached by its change link."""

    model = Standard
    form = StandardInlineForm
    formset = StandardInlineFormSet
    extra = 0
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    """An inspection programme in one framework version: its standards and rating rules."""

    form = ProgrammeForm
    list_display = ["name", "rating_scheme", "started", "ended"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "rating_scheme", "started", "ended", "description"]}),
        (
            "Key-question bands: a standard rated from key questions takes the band of its "
            "lowest percentage 'Yes'",
            {"fields": PERCENT_BANDS},
        ),
        (
            "Score bands: the overall rating the score earns (3, 2, 1 and 0 points for "
            "Outstanding, Good, Requires improvement and Inadequate)",
            {"fields": SCORE_BANDS},
        ),
    ]
    inlines = [StandardInline]


class KeyQuestionInline(LookupSafeMixin, admin.TabularInline):
    model = KeyQuestion
    extra = 0


@admin.register(Standard)
class StandardAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    list_display = ["__str__", "programme", "domain", "is_rated", "rated_from_key_questions"]
    list_filter = ["programme", "domain", "is_rated"]
    list_select_related = ["programme"]
    search_fields = ["code", "name", "statement"]
    ordering = ["programme", "position"]
    inlines = [KeyQuestionInline]


@admin.register(KeyQuestion)
class KeyQuestionAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    list_display = ["text", "standard", "position"]
    list_filter = ["standard__programme", "standard"]
    list_select_related = ["standard"]
    search_fields = ["text"]
    ordering = ["standard__position", "position"]


class StandardRatingForm(forms.ModelForm):
    """Refuses a rating that departs from HMIP's rule without the inspectors' reason, as
    the entry step does, against the inspection's saved percentages."""

    def clean(self):
        cleaned = super().clean()
        inspection, standard = cleaned.get("inspection"), cleaned.get("standard")
        if inspection is None or standard is None:
            return cleaned
        if error := checks.rating_departure(
            standard,
            cleaned.get("rating"),
            cleaned.get("override_reason", ""),
            checks.saved_percentages(inspection),
        ):
            self.add_error("rating", error)
        return cleaned


@admin.register(StandardRating)
class StandardRatingAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    form = StandardRatingForm
    list_display = ["inspection", "standard", "rating", "published_code", "has_override"]
    list_filter = ["rating", "standard__programme", "standard", "inspection__body__region"]
    list_select_related = ["inspection", "standard"]
    search_fields = ["inspection__title", "judgement", "override_reason"]
    ordering = ["inspection__title", "standard__position"]
    autocomplete_fields = ["inspection"]

    @admin.display(boolean=True, description="override")
    def has_override(self, rating):
        return rating.is_override

    # The score and overall rating are computed from the ratings, so they follow every
    # change (of the inspection a rating was moved from, too).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        set_scores({obj.inspection_id, form.initial.get("inspection") if change else None})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        set_scores({obj.inspection_id})

    def delete_queryset(self, request, queryset):
        inspections = set(queryset.values_list("inspection_id", flat=True))
        super().delete_queryset(request, queryset)
        set_scores(inspections)


def set_scores(inspection_ids):
    for inspection in Inspection.objects.filter(pk__in=inspection_ids - {None}):
        checks.set_score(inspection)


class KeyQuestionScoreForm(forms.ModelForm):
    """Refuses a percentage that would leave the standard's saved rating departing from
    HMIP's rule without the inspectors' reason, as the entry step does."""

    def clean(self):
        cleaned = super().clean()
        inspection, question = cleaned.get("inspection"), cleaned.get("key_question")
        percent = cleaned.get("percent_yes")
        if inspection is None or question is None or percent is None:
            return cleaned
        rating = inspection.ratings.filter(standard=question.standard_id).first()
        if rating is None:
            return cleaned
        percentages = checks.saved_percentages(inspection)
        if self.instance.inspection_id == inspection.pk:
            percentages.pop(self.instance.key_question_id, None)  # its value before this change
        percentages[question.pk] = percent
        if error := checks.rating_departure(
            question.standard, rating.rating, rating.override_reason, percentages
        ):
            self.add_error("percent_yes", error)
        return cleaned


@admin.register(KeyQuestionScore)
class KeyQuestionScoreAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    form = KeyQuestionScoreForm
    list_display = ["inspection", "key_question", "percent_yes"]
    list_filter = ["key_question__standard", "inspection__body__region"]
    list_select_related = ["inspection", "key_question"]
    search_fields = ["inspection__title", "key_question__text"]
    ordering = ["inspection__title", "key_question__standard__position", "key_question__position"]
    autocomplete_fields = ["inspection"]
