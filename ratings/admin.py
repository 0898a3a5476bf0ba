from django.contrib import admin

from inspections.web.admin_widgets import LookupSafeMixin
from inspections.web.audit import AuditHistoryMixin

from .models import KeyQuestion, KeyQuestionScore, Programme, Standard, StandardRating


@admin.register(Programme)
class ProgrammeAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    list_display = ["name", "rating_scheme", "started", "ended"]
    prepopulated_fields = {"slug": ["name"]}


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


@admin.register(StandardRating)
class StandardRatingAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    list_display = ["inspection", "standard", "rating", "published_code", "has_override"]
    list_filter = ["rating", "standard__programme", "standard", "inspection__body__region"]
    list_select_related = ["inspection", "standard"]
    search_fields = ["inspection__title", "judgement", "override_reason"]
    ordering = ["inspection__title", "standard__position"]
    autocomplete_fields = ["inspection"]

    @admin.display(boolean=True, description="override")
    def has_override(self, rating):
        return rating.is_override


@admin.register(KeyQuestionScore)
class KeyQuestionScoreAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    list_display = ["inspection", "key_question", "percent_yes"]
    list_filter = ["key_question__standard", "inspection__body__region"]
    list_select_related = ["inspection", "key_question"]
    search_fields = ["inspection__title", "key_question__text"]
    ordering = ["inspection__title", "key_question__standard__position", "key_question__position"]
    autocomplete_fields = ["inspection"]
