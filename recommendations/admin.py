from django.contrib import admin

from .models import Recommendation


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["number", "short_text", "addressee", "inspection"]
    list_filter = ["addressee__kind", "addressee", "inspection__body__region", "inspection"]
    list_select_related = ["addressee", "inspection"]
    search_fields = ["text", "addressee_label", "inspection__title"]
    ordering = ["inspection__title", "position"]
    autocomplete_fields = ["inspection", "addressee", "co_addressees"]

    @admin.display(description="recommendation")
    def short_text(self, recommendation):
        return recommendation.text[:100]
