from django.contrib import admin

from ratings.models import KeyQuestionScore, StandardRating
from recommendations.models import Recommendation

from .models import ContextFigure, DataQualityNote, Finding, Inspection, Section, SourceDocument


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "filename", "kind", "author", "published"]
    list_filter = ["kind"]
    search_fields = ["title", "filename", "author"]


class StandardRatingInline(admin.TabularInline):
    model = StandardRating
    extra = 0
    fields = ["standard", "rating", "published_code", "override_reason"]
    autocomplete_fields = ["standard"]


class KeyQuestionScoreInline(admin.TabularInline):
    model = KeyQuestionScore
    extra = 0
    fields = ["key_question", "percent_yes"]


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0
    fields = ["number", "addressee", "addressee_label", "text"]
    autocomplete_fields = ["addressee"]


class DataQualityNoteInline(admin.TabularInline):
    model = DataQualityNote
    fk_name = "inspection"
    extra = 0
    fields = ["kind", "description", "source_document", "compared_document"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["title", "body", "programme", "fieldwork_start", "score", "overall_rating"]
    list_filter = ["programme", "overall_rating", "is_published", "body__region", "body__kind"]
    list_select_related = ["body", "programme"]
    search_fields = ["title", "body__name", "lead_inspector"]
    ordering = ["-fieldwork_start", "body__name"]
    date_hierarchy = "fieldwork_start"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["body"]
    inlines = [
        StandardRatingInline,
        KeyQuestionScoreInline,
        RecommendationInline,
        DataQualityNoteInline,
    ]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "standard"]
    list_filter = ["standard__programme"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["short_text", "kind", "section", "inspection"]
    list_filter = ["kind", "section", "inspection__programme", "inspection__body"]
    list_select_related = ["section", "inspection"]
    search_fields = ["text", "source_section"]
    ordering = ["inspection__title", "position"]
    autocomplete_fields = ["inspection", "section"]

    @admin.display(description="finding")
    def short_text(self, finding):
        return finding.text[:100]


@admin.register(ContextFigure)
class ContextFigureAdmin(admin.ModelAdmin):
    list_display = ["label", "value_text", "unit", "body", "as_at", "category"]
    list_filter = ["category", "unit", "body", "source_document"]
    list_select_related = ["body"]
    search_fields = ["label", "quote", "source_note"]
    ordering = ["body__name", "category", "label"]
    autocomplete_fields = ["body", "inspection"]


@admin.register(DataQualityNote)
class DataQualityNoteAdmin(admin.ModelAdmin):
    list_display = ["description", "kind", "inspection", "source_document", "compared_document"]
    list_filter = ["kind", "source_document"]
    list_select_related = ["inspection", "source_document", "compared_document"]
    search_fields = ["description"]
    ordering = ["inspection__title", "kind", "pk"]
    autocomplete_fields = ["inspection"]
