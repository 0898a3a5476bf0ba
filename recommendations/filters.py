"""The tracker's filters; each calls a RecommendationQuerySet method named for what it means."""

import django_filters
from django.utils import timezone

from pdus.filters import GOVUKFilterForm, govuk_select, invalid_choice
from pdus.models import Body, Region

from .models import AddresseeKind, Recommendation
from .rules import THEMES
from .vocabulary import ReportedStatus, Response, VerifiedProgress

# "" means "all" in a select, so a blank value ("nothing recorded yet") needs a name.
NONE = "none"


def _or_blank(value):
    return "" if value == NONE else value


class TrackerFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        label="Region",
        queryset=Region.objects.all(),
        to_field_name="slug",
        empty_label="All regions",
        method="filter_region",
        widget=govuk_select(),
        error_messages=invalid_choice("Select a region from the list"),
    )
    pdu = django_filters.ModelChoiceFilter(
        label="PDU",
        queryset=Body.objects.pdus().order_by("name"),
        to_field_name="slug",
        empty_label="All PDUs",
        method="filter_pdu",
        widget=govuk_select(),
        error_messages=invalid_choice("Select a PDU from the list"),
    )
    addressee = django_filters.ChoiceFilter(
        label="Addressed to",
        choices=AddresseeKind.choices,
        empty_label="Any addressee",
        method="filter_addressee",
        widget=govuk_select(),
        error_messages=invalid_choice("Select an addressee from the list"),
    )
    response = django_filters.ChoiceFilter(
        label="Response",
        choices=[*Response.choices, (NONE, "No response yet")],
        empty_label="Any response",
        method="filter_response",
        widget=govuk_select(),
        error_messages=invalid_choice("Select a response from the list"),
    )
    status = django_filters.ChoiceFilter(
        label="Reported status",
        choices=[*ReportedStatus.choices, (NONE, "No update yet")],
        empty_label="Any status",
        method="filter_status",
        widget=govuk_select(),
        error_messages=invalid_choice("Select a reported status from the list"),
    )
    verified = django_filters.ChoiceFilter(
        label="Verified progress",
        choices=[*VerifiedProgress.choices, (NONE, "Not yet verified")],
        empty_label="Any verified progress",
        method="filter_verified",
        widget=govuk_select(),
        error_messages=invalid_choice("Select a verified progress from the list"),
    )
    theme = django_filters.ChoiceFilter(
        label="Theme",
        choices=[(theme.slug, theme.label) for theme in THEMES],
        empty_label="Any theme",
        method="filter_theme",
        widget=govuk_select(),
        error_messages=invalid_choice("Select a theme from the list"),
    )
    overdue = django_filters.ChoiceFilter(
        label="Overdue",
        choices=[("yes", "Overdue"), ("no", "Not overdue")],
        empty_label="Overdue or not",
        method="filter_overdue",
        widget=govuk_select(),
        error_messages=invalid_choice("Select overdue or not overdue"),
    )

    class Meta:
        model = Recommendation
        fields = [
            "region",
            "pdu",
            "addressee",
            "response",
            "status",
            "verified",
            "theme",
            "overdue",
        ]
        form = GOVUKFilterForm

    def filter_region(self, queryset, name, value):
        return queryset.about_region(value)

    def filter_pdu(self, queryset, name, value):
        return queryset.for_pdu(value)

    def filter_addressee(self, queryset, name, value):
        return queryset.addressed_to_kind(value)

    def filter_response(self, queryset, name, value):
        return queryset.with_response(_or_blank(value))

    def filter_status(self, queryset, name, value):
        return queryset.with_reported_status(_or_blank(value))

    def filter_verified(self, queryset, name, value):
        return queryset.with_verified_progress(_or_blank(value))

    def filter_theme(self, queryset, name, value):
        return queryset.about_theme(value)

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.overdue(today) if value == "yes" else queryset.not_overdue(today)
