"""Recurring recommendations: the same words to several PDUs, so they can be updated together.

Texts count as the same when rules.normalise_text makes them equal. Grouping is done in
Python over (pk, text) pairs, one query, since no database normalises text portably.
"""

from . import rules
from .models import Recommendation


def recurring_groups(queryset):
    """Lists of recommendations with the same text (rules.normalise_text), 2 or more each."""
    groups: dict[str, list] = {}
    for rec in queryset:
        groups.setdefault(rules.normalise_text(rec.text), []).append(rec)
    return [group for group in groups.values() if len(group) > 1]


def recurring_group(recommendation):
    """The recommendation and the others of the same text; empty if it is not recurring."""
    key = rules.normalise_text(recommendation.text)
    texts = Recommendation.objects.published().values_list("pk", "text")
    pks = [pk for pk, text in texts if rules.normalise_text(text) == key]
    if len(pks) < 2:
        return []
    return list(Recommendation.objects.filter(pk__in=pks).for_tracker())
