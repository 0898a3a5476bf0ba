"""Tags for showing tracking on other apps' pages: the overdue lists on the PDU page and
the overview, and the signed-in user's role."""

from django import template
from django.utils import timezone

from recommendations import rules
from recommendations.models import Recommendation

register = template.Library()

# The overview lists the most overdue only; the tracker has them all.
OVERVIEW_LIMIT = 10


@register.filter
def role_label(user):
    return rules.role_label(user)


def _overdue(queryset, today):
    return (
        queryset.overdue(today)
        .for_tracker()
        .order_by("tracking__target_date", "inspection__title", "position")
    )


@register.inclusion_tag("recommendations/_overdue_pdu.html")
def overdue_for_pdu(body):
    """The PDU's overdue recommendations (addressed to it or made in its inspections);
    one query."""
    today = timezone.localdate()
    recommendations = list(_overdue(Recommendation.objects.published().for_pdu(body), today))
    for rec in recommendations:
        rec.days_overdue = (today - rec.tracking.target_date).days
    return {"body": body, "recommendations": recommendations}


@register.inclusion_tag("recommendations/_overdue_region.html")
def overdue_for_region(region):
    """How many of the region's recommendations are overdue, and the most overdue; two
    queries."""
    today = timezone.localdate()
    overdue = _overdue(Recommendation.objects.published().about_region(region), today)
    recommendations = list(overdue[:OVERVIEW_LIMIT])
    for rec in recommendations:
        rec.days_overdue = (today - rec.tracking.target_date).days
    count = overdue.count() if len(recommendations) == OVERVIEW_LIMIT else len(recommendations)
    return {"region": region, "recommendations": recommendations, "count": count}
