from django.contrib import admin

from inspections.web.admin_widgets import LookupSafeMixin
from inspections.web.audit import AuditHistoryMixin

from .models import Body, Borough, CommissionedService, District, Region, Site


@admin.register(Region)
class RegionAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(District)
class DistrictAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Borough)
class BoroughAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class SiteInline(LookupSafeMixin, admin.TabularInline):
    model = Site
    extra = 0
    autocomplete_fields = ["borough"]
    raw_id_fields = ["source_document"]


class CommissionedServiceInline(LookupSafeMixin, admin.TabularInline):
    model = CommissionedService
    extra = 0
    raw_id_fields = ["source_document"]


@admin.register(Body)
class BodyAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "region", "district"]
    list_filter = ["kind", "region", "district"]
    list_select_related = ["region", "district"]
    search_fields = ["name", "short_name", "abbreviation"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["boroughs"]
    inlines = [SiteInline, CommissionedServiceInline]


@admin.register(Site)
class SiteAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    list_display = ["name", "borough", "body"]
    list_filter = ["body", "borough"]
    list_select_related = ["body", "borough"]
    search_fields = ["name", "body__name"]
    ordering = ["body__name", "name"]


@admin.register(CommissionedService)
class CommissionedServiceAdmin(AuditHistoryMixin, LookupSafeMixin, admin.ModelAdmin):
    list_display = ["need", "provider", "status", "is_active", "body"]
    list_filter = ["is_active", "body"]
    list_select_related = ["body"]
    search_fields = ["need", "provider"]
    ordering = ["body__name", "position"]
