"""The theme pages and the recurring recommendations are worked out once per version of
the published data (inspections/web/data_version) and read from the cache after: the
explorer's recurring page, the tracker's recurring list and a recommendation's recurring
group share one grouping; a write that changes what they show moves the version, so the
next request shows it.

Pages are requested signed in, as the signed-out ones come whole from the page cache
(config/page_cache.py), which would hide whether the data under them is cached.
"""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.explorer import themes
from inspections.models import Theme, ThemeTag
from recommendations.models import Recommendation
from recommendations.roles import ADMINS
from tests.recommendations.helpers import client_for, make_user

STAFF_INCENTIVES = "consider incentives to improve recruitment and retention of staff"
THEME = "staffing-and-workloads"


@pytest.fixture
def reader(published_data):
    """A signed-in user who may see no more than the public: pages rendered each time."""
    return client_for(make_user("rita-reader"))


@pytest.fixture
def admin_client(published_data):
    return client_for(make_user("ada-admin", ADMINS, is_staff=True))


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [query["sql"] for query in queries.captured_queries]


def reads(queries, table) -> bool:
    return any(f'"{table}"' in sql for sql in queries)


def staff_incentives(response):
    return next(g for g in response.context["groups"] if g.text == STAFF_INCENTIVES)


# --- Recurring recommendations --------------------------------------------------------------


def test_every_page_reads_the_one_grouping_worked_out_once(reader, admin_client):
    member = Recommendation.objects.published().filter(text__iexact=STAFF_INCENTIVES).first()
    with mock.patch.object(themes, "cluster_texts", wraps=themes.cluster_texts) as grouping:
        for _ in range(2):
            get(reader, "/explore/recurring/")
            get(admin_client, "/tracker/recurring/")
            get(reader, member.get_absolute_url())
    assert grouping.call_count == 1


def test_a_second_request_runs_no_query_of_the_recommendations(reader):
    first, queries = get(reader, "/explore/recurring/")
    assert reads(queries, "recommendations_recommendation")
    second, queries = get(reader, "/explore/recurring/")
    assert not reads(queries, "recommendations_recommendation")
    assert not reads(queries, "pdus_body")  # the names masked in the wordings
    assert second.content == first.content


def test_a_reworded_recommendation_leaves_its_group_at_the_next_request(reader, admin_client):
    group = staff_incentives(get(reader, "/explore/recurring/")[0])
    member = group.recommendations[0]
    Recommendation.objects.filter(pk=member.pk).update(
        text="Open a staff canteen in every probation office."
    )
    response, _ = get(reader, "/explore/recurring/")
    now = staff_incentives(response)
    assert now.recommendation_count == group.recommendation_count - 1
    assert member.pk not in {r.pk for r in now.recommendations}
    assert b"Open a staff canteen" not in response.content
    tracker = get(admin_client, "/tracker/recurring/")[0].content.decode()
    assert f'href="/tracker/{member.pk}/"' not in tracker
    page = get(reader, member.get_absolute_url())[0]
    assert page.context["recurring"] is None


def test_a_recommendation_worded_as_a_group_joins_it_at_the_next_request(reader):
    group = staff_incentives(get(reader, "/explore/recurring/")[0])
    outside = (
        Recommendation.objects.published()
        .exclude(pk__in=[r.pk for r in group.recommendations])
        .exclude(text__iexact=STAFF_INCENTIVES)
        .first()
    )
    assert get(reader, outside.get_absolute_url())[0].context["recurring"] != group
    Recommendation.objects.filter(pk=outside.pk).update(text=STAFF_INCENTIVES.capitalize())
    recurring = get(reader, outside.get_absolute_url())[0].context["recurring"]
    assert outside.pk in {r.pk for r in recurring.recommendations}
    now = staff_incentives(get(reader, "/explore/recurring/")[0])
    assert now.recommendation_count == group.recommendation_count + 1


def test_the_tracker_list_shows_a_progress_update_at_the_next_request(admin_client):
    page = get(admin_client, "/tracker/recurring/")[0].content.decode()
    assert "Implemented" not in page
    member = staff_incentives(get(admin_client, "/explore/recurring/")[0]).recommendations[0]
    from recommendations.services import Change, record_update

    record_update(
        member,
        make_user("ida-admin", ADMINS, is_staff=True),
        Change(values={"reported_status": "implemented"}),
        0,
    )
    page = get(admin_client, "/tracker/recurring/")[0].content.decode()
    assert "Implemented" in page


def test_the_cached_groups_are_those_worked_out_afresh(published_data):
    """What the cache hands back is what grouping the rows again gives."""
    published = Recommendation.objects.published()
    rows = list(published.select_related("inspection__body", "addressee"))
    afresh = themes.recurring_groups(rows, names=themes.body_names())
    for cached in (
        themes.recurring_groups(published.select_related("inspection__body", "addressee")),
        themes.recurring_groups(published.for_tracker()),
    ):
        assert [(g.text, g.recommendations, g.inspection_count) for g in cached] == [
            (g.text, g.recommendations, g.inspection_count) for g in afresh
        ]
    page = themes.recurring_groups_for_page(published, shown=3)
    assert [(g.text, g.recommendation_count) for g in page] == [
        (g.text, g.recommendation_count) for g in afresh
    ]
    assert all(
        g.recommendations == a.recommendations[:3] for g, a in zip(page, afresh, strict=True)
    )


# --- The theme pages ------------------------------------------------------------------------


def test_the_theme_pages_are_counted_once_per_data_version(reader):
    with (
        mock.patch.object(themes, "_themes_with_counts", wraps=themes._themes_with_counts) as every,
        mock.patch.object(themes, "_theme_counts", wraps=themes._theme_counts) as one,
    ):
        for _ in range(2):
            get(reader, "/explore/themes/")
            get(reader, f"/explore/themes/{THEME}/")
    assert every.call_count == one.call_count == 1


def test_an_untagged_finding_leaves_the_theme_pages_at_the_next_request(reader):
    theme = Theme.objects.get(slug=THEME)
    before = get(reader, f"/explore/themes/{THEME}/")[0].context["counts"]
    listed = {t.slug: t.findings for t in get(reader, "/explore/themes/")[0].context["themes"]}
    tag = ThemeTag.objects.filter(theme=theme, finding__inspection__is_published=True).first()
    tag.delete()
    after = get(reader, f"/explore/themes/{THEME}/")[0].context["counts"]
    assert after["findings"] == before["findings"] - 1
    now = {t.slug: t.findings for t in get(reader, "/explore/themes/")[0].context["themes"]}
    assert now[THEME] == listed[THEME] - 1
