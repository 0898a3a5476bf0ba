"""The table of inspected PDUs, and the same rows as plain values for download."""

import django_tables2 as tables
from django.db.models import Case, ExpressionWrapper, F, FloatField, IntegerField, Value, When
from django.urls import reverse
from django.utils.html import format_html

from ratings.rules import POINTS

# Outstanding > Good > Requires improvement > Inadequate: the points each rating
# earns are that order, so the rank is the points.
RATING_RANK = Case(
    *(When(overall_rating=rating, then=Value(points)) for rating, points in POINTS.items()),
    default=None,
    output_field=IntegerField(),
)

NUMERIC = {
    "th": {"class": "govuk-table__header govuk-table__header--numeric"},
    "td": {"class": "govuk-table__cell govuk-table__cell--numeric"},
}


def ordered(queryset, field, is_descending):
    """`queryset` by `field`, with blanks last either way and ties by PDU name."""
    expression = F(field).desc(nulls_last=True) if is_descending else F(field).asc(nulls_last=True)
    return queryset.order_by(expression, "body__name", "pk")


class PDUInspectionTable(tables.Table):
    """One row per published inspection of a PDU, sortable by every column but the link."""

    pdu = tables.Column(
        verbose_name="PDU",
        accessor="body__short_name",
        order_by=("body__short_name", "pk"),
        linkify=lambda record: reverse("pdus:pdu_detail", args=[record.body.slug]),
        attrs={"a": {"class": "govuk-link"}},
    )
    region = tables.Column(
        verbose_name="Region",
        accessor="body__region__name",
        order_by=("body__region__name", "body__name", "pk"),
    )
    district = tables.Column(
        verbose_name="District",
        accessor="body__district__name",
        order_by=("body__district__name", "body__name", "pk"),
        default="",
    )
    fieldwork_start = tables.Column(
        verbose_name="Fieldwork started", accessor="fieldwork_start_display", default=""
    )
    score = tables.Column(verbose_name="Score", accessor="score_display", attrs=NUMERIC)
    overall_rating = tables.TemplateColumn(
        verbose_name="Overall rating",
        template_code=(
            "{% if record.programme.has_ratings %}"
            '{% include "ratings/_rating_tag.html" with value=record.overall_rating'
            " label=record.get_overall_rating_display %}"
            '{% else %}<span class="govuk-body-s">Not rated: judgements in prose</span>{% endif %}'
        ),
    )
    programme = tables.Column(
        verbose_name="Programme",
        accessor="programme__name",
        order_by=("programme__name", "body__name", "pk"),
    )
    inspection = tables.Column(verbose_name="Inspection", empty_values=(), orderable=False)

    class Meta:
        attrs = {
            "class": "govuk-table",
            "thead": {"class": "govuk-table__head"},
            "th": {"class": "govuk-table__header"},
            "td": {"class": "govuk-table__cell"},
        }
        row_attrs = {"class": "govuk-table__row"}
        order_by = ("-score",)
        empty_text = "No inspected PDUs match these filters."

    def render_inspection(self, record):
        return format_html(
            '<a class="govuk-link" href="{}">Inspection<span class="govuk-visually-hidden">'
            " of {}</span></a>",
            record.get_absolute_url(),
            record.body.name,
        )

    def order_fieldwork_start(self, queryset, is_descending):
        return ordered(queryset, "fieldwork_start", is_descending), True

    def order_score(self, queryset, is_descending):
        # As the overview ranks: by score as a share of the maximum, then by score. The
        # maximum differs with the standards rated (27 or 24 under the 2021 standards, 21
        # under the 2023 ones), so 15/21 ranks above 15/24.
        shared = queryset.annotate(
            score_share=ExpressionWrapper(F("score") * 1.0 / F("max_score"), FloatField())
        )
        direction = "desc" if is_descending else "asc"
        return shared.order_by(
            getattr(F("score_share"), direction)(nulls_last=True),
            getattr(F("score"), direction)(nulls_last=True),
            "body__name",
            "pk",
        ), True

    def order_overall_rating(self, queryset, is_descending):
        ranked = queryset.annotate(rating_rank=RATING_RANK)
        return ordered(ranked, "rating_rank", is_descending), True


CSV_COLUMNS = [
    "PDU",
    "Region",
    "District",
    "Fieldwork started",
    "Fieldwork date precision",
    "Score",
    "Maximum score",
    "Overall rating",
    "Programme",
    "Inspection URL",
]


def pdu_inspections_rows(inspections, absolute_uri) -> list[dict]:
    """The rows of the PDU table as plain values by CSV_COLUMNS heading: ISO dates,
    labels, absolute URLs; a missing score is None (a blank cell).

    `absolute_uri` turns a path into a full URL (`request.build_absolute_uri`).
    """
    return [
        {
            "PDU": inspection.body.name,
            "Region": inspection.body.region.name if inspection.body.region else "",
            "District": inspection.body.district.name if inspection.body.district else "",
            "Fieldwork started": (
                inspection.fieldwork_start.isoformat() if inspection.fieldwork_start else ""
            ),
            "Fieldwork date precision": (
                inspection.fieldwork_start_precision if inspection.fieldwork_start else ""
            ),
            "Score": inspection.score,
            "Maximum score": inspection.max_score,
            "Overall rating": inspection.get_overall_rating_display(),
            "Programme": inspection.programme.name,
            "Inspection URL": absolute_uri(inspection.get_absolute_url()),
        }
        for inspection in inspections
    ]
