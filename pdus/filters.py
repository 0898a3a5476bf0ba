"""Filters for the list of inspected PDUs."""

import django_filters
from django import forms

from inspections.models import Inspection
from ratings.models import Programme, Rating

from .history import latest_under_each_version
from .models import Body, Region


class GOVUKFilterForm(forms.Form):
    """A filter form whose selects carry GOV.UK classes, and error classes when invalid."""

    def full_clean(self):
        super().full_clean()
        # The error state must reach the widget itself: GOV.UK styles the select with
        # govuk-select--error and ties it to its message with aria-describedby.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} govuk-select--error".strip()
                attrs["aria-describedby"] = f"{name}-error"


def govuk_select():
    return forms.Select(attrs={"class": "govuk-select"})


def invalid_choice(message):
    return {"invalid_choice": message}


class PDUInspectionFilter(django_filters.FilterSet):
    """Region, overall rating, programme and year of fieldwork of published PDU inspections."""

    region = django_filters.ModelChoiceFilter(
        label="Region",
        field_name="body__region",
        queryset=Region.objects.public().filter(bodies__kind=Body.Kind.PDU).distinct(),
        to_field_name="slug",
        empty_label="All regions",
        widget=govuk_select(),
        error_messages=invalid_choice(
            "Select a region from the list; ‘%(value)s’ is not a region with PDUs"
        ),
    )
    overall_rating = django_filters.ChoiceFilter(
        label="Overall rating",
        choices=[choice for choice in Rating.choices if choice[0] != Rating.NOT_INSPECTED],
        empty_label="All ratings",
        widget=govuk_select(),
        error_messages=invalid_choice(
            "Select an overall rating from the list; ‘%(value)s’ is not a rating"
        ),
    )
    programme = django_filters.ModelChoiceFilter(
        label="Programme",
        queryset=Programme.objects.filter(
            inspections__body__kind=Body.Kind.PDU, inspections__is_published=True
        ).distinct(),
        to_field_name="slug",
        empty_label="All programmes",
        widget=govuk_select(),
        error_messages=invalid_choice(
            "Select a programme from the list; ‘%(value)s’ is not a programme that inspected PDUs"
        ),
    )
    year = django_filters.ChoiceFilter(
        label="Year fieldwork started",
        field_name="fieldwork_start",
        lookup_expr="year",
        empty_label="All years",
        widget=govuk_select(),
        error_messages=invalid_choice(
            "Select a year from the list; no PDU fieldwork started in ‘%(value)s’"
        ),
    )

    latest = django_filters.ChoiceFilter(
        label="Inspections",
        choices=[("yes", "Each PDU's latest under each programme")],
        empty_label="Every inspection",
        method="latest_only",
        widget=govuk_select(),
        error_messages=invalid_choice("Select which inspections from the list"),
    )

    class Meta:
        model = Inspection
        fields = ["region", "overall_rating", "programme", "year", "latest"]
        form = GOVUKFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Years come from the data: one query when the form is built, newest first.
        years = (
            Inspection.objects.published().of_pdus().dates("fieldwork_start", "year", order="DESC")
        )
        self.filters["year"].extra["choices"] = [(str(d.year), str(d.year)) for d in years]

    def latest_only(self, queryset, name, value):
        """Each PDU's latest published inspection under each programme, as the overviews
        count them (by fieldwork, else publication, as pdus.history orders them), so a count
        on an overview links to the very PDUs it counts."""
        return latest_under_each_version(queryset)
