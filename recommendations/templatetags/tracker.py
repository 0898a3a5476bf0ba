"""Tags for showing tracking on other apps' pages: the overdue lists on the PDU page and
the overview, and the signed-in user's role."""

from django import template
from django.db.models import Q, Subquery
from django.utils import timezone

from recommendations import rules
from recommendations.models import Recommendation

register = template.Library()

# The overview lists the most overdue only; the tracker has them all.
OVERVIEW_LIMIT = 10


@register.filter
def role_label(user):
    return rules.role_label(user)


def _overdue_and_first_dated(queryset, today):
    """The overdue of `queryset`, most overdue first, and with them the one with the
    earliest target date (overdue or not): so that one query tells "none is overdue" from
    "none has a target date yet"."""
    first_dated = (
        queryset.filter(tracking__target_date__isnull=False)
        .order_by("tracking__target_date", "pk")
        .values("pk")[:1]
    )
    return (
        queryset.filter(
            Q(pk__in=queryset.overdue(today).values("pk")) | Q(pk=Subquery(first_dated))
        )
        .for_tracker()
        .order_by("tracking__target_date", "inspection__title", "position")
    )


def _overdue_of(rows, today) -> list:
    """Those of `rows` that are overdue, each with its days_overdue."""
    overdue = [
        rec
        for rec in rows
        if rules.is_overdue(rec.tracking.target_date, rec.tracking.reported_status, today)
    ]
    for rec in overdue:
        rec.days_overdue = (today - rec.tracking.target_date).days
    return overdue


@register.inclusion_tag("recommendations/_overdue_pdu.html")
def overdue_for_pdu(body, recommendations):
    """The PDU's overdue recommendations, most overdue first, of `recommendations`: all
    those addressed to it or made in its inspections, with their tracking loaded (the PDU
    page has them already: no query)."""
    dated = sorted(
        (rec for rec in recommendations if rec.current.target_date is not None),
        key=lambda rec: (rec.current.target_date, rec.inspection.title, rec.position),
    )
    return {
        "body": body,
        "recommendations": _overdue_of(dated, timezone.localdate()),
        "any_target_date": bool(dated),
    }


@register.inclusion_tag("recommendations/_overdue_region.html")
def overdue_for_region(region):
    """How many of the region's recommendations are overdue, and the most overdue; two
    queries at most."""
    today = timezone.localdate()
    about = Recommendation.objects.published().about_region(region)
    # One row more than shown: at most one of them (the earliest target date) not overdue.
    rows = list(_overdue_and_first_dated(about, today)[: OVERVIEW_LIMIT + 1])
    overdue = _overdue_of(rows, today)
    recommendations = overdue[:OVERVIEW_LIMIT]
    count = about.overdue(today).count() if len(overdue) >= OVERVIEW_LIMIT else len(overdue)
    return {
        "region": region,
        "recommendations": recommendations,
        "count": count,
        "any_target_date": bool(rows),
    }
