"""Recommendations and their tracking in the admin.

Tracking and its history are read-only here: changes go through the tracker's forms, which
check the rules and write the history. Only admins delete (rules.can_delete_tracking), and
every deletion is recorded (DeletionRecord, via recommendations.deletions).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse

from inspections.web.admin_widgets import LookupSafeMixin
from inspections.web.audit import AuditHistoryMixin

from . import rules
from .deletions import deletions_by
from .models import (
    DeletionRecord,
    DirectorProfile,
    FollowUp,
    ProgressUpdate,
    Recommendation,
    Tracking,
)


class RecordedDeletionMixin:
    """Deletion for admins only, each attributed to them in the DeletionRecord."""

    def has_delete_permission(self, request, obj=None):
        return rules.can_delete_tracking(request.user) and super().has_delete_permission(
            request, obj
        )

    def delete_model(self, request, obj):
        with deletions_by(request.user):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with deletions_by(request.user):
            # One by one, so that each deletion sends its signal and is recorded.
            for obj in queryset:
                obj.delete()


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(
    AuditHistoryMixin, RecordedDeletionMixin, LookupSafeMixin, admin.ModelAdmin
):
    list_display = ["number", "short_text", "addressee", "inspection"]
    list_filter = ["addressee__kind", "addressee", "inspection__body__region", "inspection"]
    list_select_related = ["addressee", "inspection"]
    search_fields = ["text", "addressee_label", "inspection__title"]
    ordering = ["inspection__title", "position"]
    autocomplete_fields = ["inspection", "addressee", "co_addressees"]

    def view_on_site(self, recommendation):
        # The tracker shows only published inspections' recommendations; a draft's are
        # seen in its recommendations step.
        if recommendation.inspection.is_published:
            return recommendation.get_absolute_url()
        return reverse("inspections:manage_recommendations", args=[recommendation.inspection.slug])

    @admin.display(description="recommendation")
    def short_text(self, recommendation):
        return recommendation.text[:100]


@admin.register(FollowUp)
class FollowUpAdmin(LookupSafeMixin, admin.ModelAdmin):
    """A later report's verdict on an earlier recommendation, entered as the report states
    it; the model checks that the inspection is a later one of the same body."""

    list_display = ["recommendation", "verdict", "inspection", "source_section"]
    list_filter = ["verdict", "inspection__body__region"]
    list_select_related = ["recommendation", "inspection"]
    search_fields = ["recommendation__text", "summary", "inspection__title"]
    autocomplete_fields = ["recommendation", "inspection", "source_document"]


class ProgressUpdateInline(LookupSafeMixin, admin.TabularInline):
    model = ProgressUpdate
    fk_name = "recommendation"
    extra = 0
    can_delete = False
    fields = ["version", "created_at", "author", "reported_status_after", "note"]
    readonly_fields = fields
    ordering = ["-version"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Tracking)
class TrackingAdmin(
    AuditHistoryMixin, RecordedDeletionMixin, ReadOnlyMixin, LookupSafeMixin, admin.ModelAdmin
):
    list_display = [
        "recommendation",
        "response",
        "owner",
        "target_date",
        "reported_status",
        "verified_progress",
        "version",
        "updated_at",
    ]
    list_filter = ["reported_status", "verified_progress", "response"]
    list_select_related = ["recommendation"]
    search_fields = ["recommendation__text", "owner", "recommendation__inspection__title"]
    readonly_fields = ["version", "updated_at", "updated_by"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(RecordedDeletionMixin, ReadOnlyMixin, LookupSafeMixin, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "recommendation",
        "version",
        "created_at",
        "author",
        "reported_status_before",
        "reported_status_after",
        "verified_progress_after",
    ]
    list_filter = ["reported_status_after", "verified_progress_after"]
    list_select_related = ["recommendation", "author"]
    search_fields = [
        "recommendation__text",
        "note",
        "author__username",
        "recommendation__inspection__title",
    ]
    date_hierarchy = "created_at"


@admin.register(DirectorProfile)
class DirectorProfileAdmin(
    AuditHistoryMixin, RecordedDeletionMixin, LookupSafeMixin, admin.ModelAdmin
):
    list_display = ["user", "region"]
    list_select_related = ["user", "region"]
    search_fields = ["user__username", "user__email", "region__name"]
    autocomplete_fields = ["user"]


@admin.register(DeletionRecord)
class DeletionRecordAdmin(ReadOnlyMixin, LookupSafeMixin, admin.ModelAdmin):
    list_display = ["deleted_at", "model", "object_pk", "description", "deleted_by_name"]
    list_filter = ["model"]
    search_fields = ["description", "deleted_by_name", "object_pk"]

    def has_delete_permission(self, request, obj=None):
        return False  # the record of a deletion is never itself deleted


class DirectorProfileInline(LookupSafeMixin, admin.StackedInline):
    model = DirectorProfile
    can_delete = True
    extra = 0
    max_num = 1
    verbose_name = "region (regional directors only)"
    verbose_name_plural = "region (regional directors only)"


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class TrackerUserAdmin(AuditHistoryMixin, LookupSafeMixin, UserAdmin):
    """Users with their role groups and, for a regional director, their region."""

    inlines = [*UserAdmin.inlines, DirectorProfileInline]
    list_display = [*UserAdmin.list_display, "director_region"]
    list_filter = [*UserAdmin.list_filter, "director_profile__region"]

    @admin.display(description="director of")
    def director_region(self, user):
        profile = getattr(user, "director_profile", None)
        return profile.region if profile else ""

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("director_profile__region")

    def delete_model(self, request, obj):
        with deletions_by(request.user):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with deletions_by(request.user):
            for obj in queryset:
                obj.delete()

    def save_related(self, request, form, formsets, change):
        # Removing a director's region in the inline is a deletion too.
        with deletions_by(request.user):
            super().save_related(request, form, formsets, change)


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(AuditHistoryMixin, LookupSafeMixin, GroupAdmin):
    """The role groups, with the audit log of their permissions on each one's History."""
