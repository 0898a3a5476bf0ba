"""The tracker's filters; each calls a RecommendationQuerySet method named for what it means."""

import django_filters
from django.utils import timezone

from inspections.models import Theme
from pdus.filters import GOVUKFilterForm, govuk_select, invalid_choice
from pdus.models import Body, Region

from .models import AddresseeKind, Recommendation
from .vocabulary import ReportedStatus, Response, VerifiedProgress

# "" means "all" in a select, so a blank value ("nothing recorded yet") needs a name.
NONE = "none"


def _or_blank(value):
    return "" if value == NONE else value


def _select(filter_class, label, empty_label, method, message, **options):
    """A GOV.UK select filtering by the FilterSet's `method`, with `message` for a value
    not in the list."""
    return filter_class(
        label=label,
        empty_label=empty_label,
        method=method,
        widget=govuk_select(),
        error_messages=invalid_choice(message),
        **options,
    )


class TrackerFilter(django_filters.FilterSet):
    region = _select(
        django_filters.ModelChoiceFilter,
        "Region",
        "All regions",
        "filter_region",
        "Select a region from the list",
        queryset=Region.objects.public(),
        to_field_name="slug",
    )
    pdu = _select(
        django_filters.ModelChoiceFilter,
        "PDU",
        "All PDUs",
        "filter_pdu",
        "Select a PDU from the list",
        queryset=Body.objects.pdus().public().order_by("name"),
        to_field_name="slug",
    )
    addressee = _select(
        django_filters.ChoiceFilter,
        "Addressed to",
        "Any addressee",
        "filter_addressee",
        "Select an addressee from the list",
        choices=AddresseeKind.choices,
    )
    response = _select(
        django_filters.ChoiceFilter,
        "Response",
        "Any response",
        "filter_response",
        "Select a response from the list",
        choices=[*Response.choices, (NONE, "No response yet")],
    )
    status = _select(
        django_filters.ChoiceFilter,
        "Reported status",
        "Any status",
        "filter_status",
        "Select a reported status from the list",
        choices=[*ReportedStatus.choices, (NONE, "No update yet")],
    )
    verified = _select(
        django_filters.ChoiceFilter,
        "Verified progress",
        "Any verified progress",
        "filter_verified",
        "Select a verified progress from the list",
        choices=[*VerifiedProgress.choices, (NONE, "Not yet verified")],
    )
    theme = _select(
        django_filters.ModelChoiceFilter,
        "Theme",
        "Any theme",
        "filter_theme",
        "Select a theme from the list",
        queryset=Theme.objects.all(),
        to_field_name="slug",
    )
    overdue = _select(
        django_filters.ChoiceFilter,
        "Overdue",
        "Overdue or not",
        "filter_overdue",
        "Select overdue or not overdue",
        choices=[("yes", "Overdue"), ("no", "Not overdue")],
    )
    # Last, so that it orders what the filters above leave.
    sort = _select(
        django_filters.ChoiceFilter,
        "Sort by",
        "Newest inspection first",
        "filter_sort",
        "Select an order from the list",
        choices=[
            ("target", "Target date, earliest first"),
            ("updated", "Last update, newest first"),
        ],
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
            "sort",
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
        return queryset.on_theme(value)

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.overdue(today) if value == "yes" else queryset.not_overdue(today)

    def filter_sort(self, queryset, name, value):
        return queryset.by_target_date() if value == "target" else queryset.by_last_update()
