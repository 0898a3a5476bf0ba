"""Helpers for the tracker's tests: users of each role, clients, form data."""

import threading

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import Group
from django.template import Context, Template
from django.test import Client

from recommendations.models import DirectorProfile, Recommendation
from recommendations.roles import ensure_roles

PASSWORD = "a-long-test-password-1"


def make_user(username, group=None, region=None, **extra):
    ensure_roles()
    user = get_user_model().objects.create_user(
        username, email=f"{username}@example.org", password=PASSWORD, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    if region is not None:
        DirectorProfile.objects.create(user=user, region=region)
    return get_user_model().objects.get(pk=user.pk)  # no cached permissions


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def rec(inspection_slug, number, addressee=None):
    """A published recommendation by its inspection and number (numbers may repeat)."""
    found = Recommendation.objects.filter(inspection__slug=inspection_slug, number=number)
    if addressee:
        found = found.filter(addressee__slug=addressee)
    return found.get()


def fresh(recommendation):
    """The recommendation as now saved (its cached tracking dropped)."""
    return Recommendation.objects.select_related("tracking").get(pk=recommendation.pk)


def update_data(version=0, **values):
    """POST data for the update form: a plausible director's update unless overridden."""
    data = {
        "response": "agreed",
        "owner": "Head of PDU",
        "target_date_0": "31",
        "target_date_1": "3",
        "target_date_2": "2024",
        "reported_status": "in_progress",
        "note": "Action plan agreed with the head of PDU.",
        "evidence_url": "",
        "evidence_text": "",
        "version": str(version),
    }
    data.update({k: str(v) for k, v in values.items()})
    return data


def track_all(author, today):
    """Give every recommendation without tracking two updates a month apart, cycling
    through the statuses, some with target dates already past; bulk, so fast at any size.
    """
    import datetime

    from django.utils import timezone

    from recommendations.models import ProgressUpdate, Tracking

    statuses = ["not_started", "in_progress", "implemented", "not_implemented", "superseded"]
    verified = ["", "", "good", "insufficient", ""]
    untracked = list(Recommendation.objects.filter(tracking__isnull=True).order_by("pk"))
    trackings, updates = [], []
    first_day = timezone.make_aware(datetime.datetime(today.year - 1, 1, 15, 12))
    second_day = first_day + datetime.timedelta(days=40)
    for index, recommendation in enumerate(untracked):
        status = statuses[index % len(statuses)]
        target = today + datetime.timedelta(days=(index % 3 - 1) * 30)  # past, soon, later
        trackings.append(
            Tracking(
                recommendation=recommendation,
                response="agreed",
                owner="Head of PDU",
                target_date=target,
                reported_status=status,
                verified_progress=verified[index % len(verified)],
                version=2,
                updated_at=second_day,
                updated_by=author,
            )
        )
        common = {"recommendation": recommendation, "author": author, "note": "Generated"}
        updates.append(
            ProgressUpdate(
                version=1,
                created_at=first_day,
                reported_status_after="not_started",
                response_after="agreed",
                **common,
            )
        )
        updates.append(
            ProgressUpdate(
                version=2,
                created_at=second_day,
                reported_status_before="not_started",
                reported_status_after=status,
                response_before="agreed",
                response_after="agreed",
                target_date_after=target,
                **common,
            )
        )
    Tracking.objects.bulk_create(trackings)
    ProgressUpdate.objects.bulk_create(updates)


class CountingHasher(MD5PasswordHasher):
    """A fast hasher that counts how many passwords it has checked (the throttle tests).

    Named in PASSWORD_HASHERS by this module's path, so it lives here, not in a test module
    that pytest imports under another name."""

    algorithm = "counting_md5"
    checks = 0
    lock = threading.Lock()

    def verify(self, password, encoded):
        with CountingHasher.lock:
            CountingHasher.checks += 1
        return super().verify(password, encoded)


def overdue_on_pdu_page(body) -> str:
    """The PDU page's overdue list, from what that page loads: every published
    recommendation addressed to the PDU or made in its inspections, with its tracking (one
    query)."""
    recommendations = list(Recommendation.objects.published().for_pdu(body).for_tracker())
    return Template("{% load tracker %}{% overdue_for_pdu body recommendations %}").render(
        Context({"body": body, "recommendations": recommendations})
    )
