"""The overdue digest: the page a director opens, and the e-mail the command sends."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.recommendations.helpers import client_for, update_data

TODAY = timezone.localdate()


def set_target(user, recommendation, day, **values):
    client_for(user).post(
        recommendation.get_absolute_url(),
        update_data(
            target_date_0=day.day, target_date_1=day.month, target_date_2=day.year, **values
        ),
    )


@pytest.fixture
def digest_data(director, admin, lambeth_1, london_region_rec, hmpps_rec):
    set_target(director, lambeth_1, TODAY - datetime.timedelta(days=30), note="Slipping")
    set_target(director, london_region_rec, TODAY + datetime.timedelta(days=7))
    # HMPPS's is overdue too, but not the director's to chase.
    set_target(admin, hmpps_rec, TODAY - datetime.timedelta(days=5))


def test_the_digest_lists_the_regions_overdue_and_due_soon(director, digest_data):
    response = client_for(director).get("/tracker/overdue/london/")
    digest = response.context["digest"]
    assert [r.number for r in digest.overdue] == [1]
    assert digest.overdue[0].days_overdue == 30
    assert [r.number for r in digest.due_soon] == [8]
    page = response.content.decode()
    assert "Overdue (1)" in page
    assert "Slipping" in page  # the latest note, for a signed-in director
    assert "consider incentives" not in page


def test_implemented_recommendations_leave_the_digest(director, digest_data, lambeth_1):
    client_for(director).post(
        lambeth_1.get_absolute_url(),
        update_data(
            version=1,
            reported_status="implemented",
            note="Done",
            target_date_0=(TODAY - datetime.timedelta(days=30)).day,
            target_date_1=(TODAY - datetime.timedelta(days=30)).month,
            target_date_2=(TODAY - datetime.timedelta(days=30)).year,
        ),
    )
    digest = client_for(director).get("/tracker/overdue/london/").context["digest"]
    assert digest.overdue == []


def test_the_command_emails_each_director_their_regions_digest(
    director, other_director, digest_data, settings
):
    settings.SITE_URL = "https://tracker.example.org"
    call_command("send_overdue_digests", stdout=StringIO())
    assert len(mail.outbox) == 1  # Wales has nothing to chase
    message = mail.outbox[0]
    assert message.to == ["london-director@example.org"]
    assert message.subject == "London: 1 overdue recommendation"
    assert "(30 days overdue)" in message.body
    assert "improve the effectiveness of quality assurance" in message.body
    assert "https://tracker.example.org/tracker/overdue/london/" in message.body
    assert "consider incentives" not in message.body


def test_directors_without_an_email_address_get_none(director, digest_data):
    director.email = ""
    director.save()
    call_command("send_overdue_digests", stdout=StringIO())
    assert mail.outbox == []


def test_dry_run_sends_nothing(director, digest_data, capsys):
    call_command("send_overdue_digests", "--dry-run")
    assert mail.outbox == []
    assert "London: 1 overdue, 1 due soon; would e-mail london-director@example.org." in (
        capsys.readouterr().out
    )


def test_as_at_a_date(director, digest_data, capsys):
    earlier = TODAY - datetime.timedelta(days=60)
    call_command("send_overdue_digests", "--date", earlier.isoformat(), "--region", "london")
    assert "London: nothing overdue or due soon" in capsys.readouterr().out


def test_bad_arguments(published_data):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_overdue_digests", "--date", "tomorrow")
    with pytest.raises(CommandError, match="No region"):
        call_command("send_overdue_digests", "--region", "atlantis")
