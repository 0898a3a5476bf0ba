"""The overdue digest of a region: what its director must chase, on a page and by e-mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse

from .models import ProgressUpdate, Recommendation
from .rules import DUE_SOON_DAYS, RECORD_PROGRESS


@dataclass
class Digest:
    region: object
    today: date
    overdue: list[Recommendation]
    due_soon: list[Recommendation]

    @property
    def is_empty(self):
        return not (self.overdue or self.due_soon)

    @property
    def due_soon_until(self):
        return self.today + timedelta(days=DUE_SOON_DAYS)


def _with_latest_note(queryset):
    latest = ProgressUpdate.objects.filter(recommendation=OuterRef("pk")).order_by("-version")
    return queryset.annotate(
        latest_note=Subquery(latest.values("note")[:1]),
        latest_update_at=Subquery(latest.values("created_at")[:1]),
    )


def build_digest(region, today: date) -> Digest:
    """The region's open recommendations past their target date, most overdue first, and
    those due within DUE_SOON_DAYS; two queries whatever the data's size."""
    mine = Recommendation.objects.published().addressed_within(region).for_tracker()
    overdue = _with_latest_note(mine.overdue(today)).order_by(
        "tracking__target_date", "inspection__title", "position"
    )
    due_soon = _with_latest_note(
        mine.due_between(today, today + timedelta(days=DUE_SOON_DAYS))
    ).order_by("tracking__target_date", "inspection__title", "position")
    digest = Digest(region, today, list(overdue), list(due_soon))
    for rec in digest.overdue:
        rec.days_overdue = (today - rec.tracking.target_date).days
    return digest


def digest_recipients(region):
    """Active regional directors of the region with an e-mail address."""
    User = get_user_model()
    directors = User.objects.filter(is_active=True, director_profile__region=region).exclude(
        email=""
    )
    return [user for user in directors.order_by("username") if user.has_perm(RECORD_PROGRESS)]


def send_digest(digest: Digest, recipients, base_url: str) -> int:
    """E-mail the digest to each recipient; returns how many messages were sent."""
    url = base_url.rstrip("/") + reverse("recommendations:digest", args=[digest.region.slug])
    context = {"digest": digest, "digest_url": url, "base_url": base_url.rstrip("/")}
    subject = (
        f"{digest.region.name}: {len(digest.overdue)} overdue recommendation"
        f"{'' if len(digest.overdue) == 1 else 's'}"
    )
    body = render_to_string("recommendations/email/overdue_digest.txt", context)
    sent = 0
    for user in recipients:
        sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return sent
