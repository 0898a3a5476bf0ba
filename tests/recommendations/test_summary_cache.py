"""The tracker's summaries are worked out once per version of the published data, day
and set of filtered recommendations (recommendations/summary.py), and read from the cache
after; a progress update moves the version, so the next summary counts it."""

import datetime
from unittest import mock

import pytest
from django.core.cache import cache

from recommendations import summary
from recommendations.charts import status_label
from recommendations.models import Recommendation
from recommendations.roles import ADMINS
from recommendations.services import Change, record_update
from recommendations.summary import summarise
from tests.recommendations.helpers import client_for, make_user, track_all

TODAY = datetime.date(2024, 6, 15)


@pytest.fixture
def tracked(inspector):
    track_all(inspector, TODAY)


def published():
    return Recommendation.objects.published().for_tracker()


@pytest.fixture
def computed():
    with mock.patch.object(summary, "_summarise", wraps=summary._summarise) as compute:
        yield compute


def test_the_same_filters_on_the_same_day_are_summarised_once(tracked, computed):
    first = summarise(published(), TODAY)
    assert summarise(published().by_target_date(), TODAY) == first  # another sort
    assert computed.call_count == 1
    summarise(published().filter(inspection__body__region__slug="london"), TODAY)
    assert computed.call_count == 2
    summarise(published(), TODAY + datetime.timedelta(days=1))  # what is overdue moves
    assert computed.call_count == 3


def test_a_cached_summary_runs_only_the_versions_query(tracked, django_assert_num_queries):
    cache.clear()
    # The data's version, then the rows and the progress updates: whatever the size.
    with django_assert_num_queries(3):
        first = summarise(published(), TODAY)
    with django_assert_num_queries(1):
        assert summarise(published(), TODAY) == first


def new_status(recommendation):
    """A reported status the recommendation is not at now."""
    now = recommendation.tracking.reported_status
    return "implemented" if now != "implemented" else "in_progress"


def test_a_progress_update_shows_in_the_next_summary(tracked, lambeth_1):
    before = summarise(published(), TODAY)
    status = new_status(lambeth_1)
    record_update(
        lambeth_1,
        make_user("ida-admin", ADMINS, is_staff=True),
        Change(values={"reported_status": status}),
        lambeth_1.tracking.version,
    )
    after = summarise(published(), TODAY)
    column = before.status_columns.index(status_label(status))
    assert after.totals_row.cells[column] == before.totals_row.cells[column] + 1


def test_the_tracker_page_shows_a_progress_update_at_once(tracked, lambeth_1):
    admin = make_user("ada-admin", ADMINS, is_staff=True)
    client = client_for(admin)  # signed in: the page is rendered, not stored whole
    before = client.get("/tracker/").context["summary"]
    status = new_status(lambeth_1)
    record_update(
        lambeth_1, admin, Change(values={"reported_status": status}), lambeth_1.tracking.version
    )
    after = client.get("/tracker/").context["summary"]
    column = before.status_columns.index(status_label(status))
    assert after.totals_row.cells[column] == before.totals_row.cells[column] + 1


def test_the_summarys_html_is_kept_per_address(tracked, director):
    # Kept in the cache for everyone who asks for the same address (a signed-in page too).
    client = client_for(director)
    everything = client.get("/tracker/").content.decode()
    filtered = client.get("/tracker/?status=implemented").content.decode()
    again = client.get("/tracker/").content.decode()
    assert "match these filters" not in everything and "matches these filters" not in everything
    assert "these filters" in filtered
    assert again == everything
