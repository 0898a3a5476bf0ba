"""The tracker says what it knows: no target date is not "nothing overdue", an empty value
in a history is "Not given", "Update them together" is offered only to those who may, and
the list sorts by target date or by last update."""

import datetime

from django.template import Context, Template
from django.utils import timezone

from pdus.models import Body, Region
from recommendations.models import Recommendation, Tracking
from tests.recommendations.helpers import client_for, overdue_on_pdu_page, update_data
from tests.recommendations.test_permissions import quality_assurance_group

TODAY = timezone.localdate()


def render(source, **context):
    return Template("{% load tracker %}" + source).render(Context(context))


# --- (a) No target date is not "nothing overdue" ----------------------------------------------


def test_a_pdu_without_target_dates_says_so(published_data):
    html = overdue_on_pdu_page(Body.objects.get(slug="lambeth"))
    assert "No recommendation for Lambeth has a target date yet" in html
    assert "past its target date" not in html


def test_a_region_without_target_dates_says_so(published_data):
    html = render("{% overdue_for_region region %}", region=Region.objects.get(slug="london"))
    assert "No recommendation in London has a target date yet" in html
    assert "past its target date" not in html


def test_a_target_date_not_yet_reached_is_nothing_overdue(lambeth_1):
    Tracking.objects.create(recommendation=lambeth_1, target_date=TODAY)
    html = overdue_on_pdu_page(Body.objects.get(slug="lambeth"))
    assert "None of the recommendations for Lambeth is past its target date" in html
    html = render("{% overdue_for_region region %}", region=Region.objects.get(slug="london"))
    assert "No recommendation in London is past its target date" in html


def test_a_closed_recommendation_past_its_date_is_not_listed(lambeth_1, london_region_rec):
    past = TODAY - datetime.timedelta(days=5)
    Tracking.objects.create(
        recommendation=lambeth_1, target_date=past, reported_status="implemented"
    )
    Tracking.objects.create(
        recommendation=london_region_rec, target_date=past - datetime.timedelta(1)
    )
    html = render("{% overdue_for_region region %}", region=Region.objects.get(slug="london"))
    assert "1 recommendation in London</a> is past its target date" in html
    html = overdue_on_pdu_page(Body.objects.get(slug="lambeth"))
    assert "1 recommendation addressed to Lambeth or made in its inspections is past" in html


def test_the_region_counts_all_when_more_are_overdue_than_shown(published_data):
    from recommendations.templatetags.tracker import OVERVIEW_LIMIT

    london = Region.objects.get(slug="london")
    about = list(Recommendation.objects.published().about_region(london)[: OVERVIEW_LIMIT + 2])
    for days, recommendation in enumerate(about, start=1):
        Tracking.objects.create(
            recommendation=recommendation, target_date=TODAY - datetime.timedelta(days=days)
        )
    html = render("{% overdue_for_region region %}", region=london)
    assert f"{OVERVIEW_LIMIT + 2} recommendations in London</a> are past" in html
    assert f"The {OVERVIEW_LIMIT} most overdue" in html


# --- (b) Empty values in a history ------------------------------------------------------------


def test_an_empty_value_in_the_history_is_not_given(director, lambeth_1):
    client = client_for(director)
    client.post(lambeth_1.get_absolute_url(), update_data())
    html = client.get(lambeth_1.get_absolute_url()).content.decode()
    assert "Not given" in html
    assert "None →" not in html and "→ None" not in html


# --- (c) "Update them together" only for those who may ----------------------------------------


def test_update_together_is_offered_to_the_regions_director(director, published_data):
    group = quality_assurance_group()
    client = client_for(director)
    html = client.get(group[1].get_absolute_url()).content.decode()
    assert "Update them together" in html
    assert client.get(f"/tracker/recurring/{group[0].pk}/").status_code == 200


def test_update_together_is_not_offered_to_another_regions_director(other_director, published_data):
    group = quality_assurance_group()
    client = client_for(other_director)
    html = client.get(group[1].get_absolute_url()).content.decode()
    assert "Made 4 times" in html or "recurring recommendations" in html
    assert "Update them together" not in html
    assert client.get(f"/tracker/recurring/{group[0].pk}/").status_code == 403


def test_update_together_is_not_offered_when_signed_out(client, published_data):
    html = client.get(quality_assurance_group()[1].get_absolute_url()).content.decode()
    assert "Update them together" not in html


# --- (d) Sorting -------------------------------------------------------------------------------


def listed(client, query):
    return list(client.get(f"/tracker/?{query}").context["recommendations"])


def test_sort_by_target_date(client, lambeth_1, london_region_rec, hmpps_rec):
    Tracking.objects.create(recommendation=lambeth_1, target_date=TODAY)
    Tracking.objects.create(recommendation=hmpps_rec, target_date=TODAY - datetime.timedelta(9))
    rows = listed(client, "sort=target")
    assert rows[:2] == [hmpps_rec, lambeth_1]
    assert rows[-1].current.target_date is None


def test_sort_by_last_update(client, lambeth_1, london_region_rec, hmpps_rec):
    now = timezone.now()
    Tracking.objects.create(recommendation=lambeth_1, updated_at=now - datetime.timedelta(1))
    Tracking.objects.create(recommendation=london_region_rec, updated_at=now)
    rows = listed(client, "sort=updated")
    assert rows[:2] == [london_region_rec, lambeth_1]


def test_sorting_keeps_the_filters_and_the_download(client, lambeth_1, hmpps_rec):
    Tracking.objects.create(recommendation=hmpps_rec, target_date=TODAY)
    assert listed(client, "pdu=lambeth&sort=target")[0] == hmpps_rec
    assert client.get("/tracker/?sort=target&format=csv").status_code == 200


def test_an_unknown_sort_is_an_error(client, published_data):
    response = client.get("/tracker/?sort=sideways")
    assert response.status_code == 400
    assert "Select an order from the list" in response.content.decode()
