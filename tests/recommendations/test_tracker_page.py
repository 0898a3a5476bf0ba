"""The tracker page: filters, counts, RAG by PDU, status over time, downloads; and the
query count of every tracker page, the same on three times the data."""

import datetime
from io import BytesIO

import pandas as pd
import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.utils import timezone
from django.utils.html import escape

from inspections.models import Theme, ThemeOverride, ThemeTag
from pdus.models import Body, Region
from recommendations.models import Recommendation, Tracking
from tests.factories import multiply_published_data
from tests.recommendations.helpers import (
    client_for,
    fresh,
    overdue_on_pdu_page,
    track_all,
    update_data,
)

TODAY = timezone.localdate()


@pytest.fixture
def tracked(director, lambeth_1, london_region_rec):
    """Lambeth's recommendation 1 in progress and overdue; London region's 8 implemented."""
    past = TODAY - datetime.timedelta(days=10)
    client = client_for(director)
    client.post(
        lambeth_1.get_absolute_url(),
        update_data(target_date_0=past.day, target_date_1=past.month, target_date_2=past.year),
    )
    client.post(
        london_region_rec.get_absolute_url(),
        update_data(reported_status="implemented", note="Quality assurance leads in post"),
    )
    return fresh(lambeth_1), fresh(london_region_rec)


def rows(client, query):
    return client.get(f"/tracker/?{query}").context["paginator"].count


def test_all_published_recommendations_are_listed(client, published_data):
    response = client.get("/tracker/")
    assert response.context["paginator"].count == 88
    assert "88</span> recommendations" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("region=london", 88),
        ("pdu=lambeth", 12),
        ("addressee=hmpps", 12),
        ("addressee=region", 20),
        ("status=in_progress", 1),
        ("status=implemented", 1),
        ("status=none", 86),
        ("response=agreed", 2),
        ("response=none", 86),
        ("verified=none", 88),
        ("overdue=yes", 1),
        ("overdue=no", 87),
        ("pdu=lambeth&overdue=yes&status=in_progress", 1),
    ],
)
def test_filters(client, tracked, query, count):
    assert rows(client, query) == count


def test_the_theme_filter_offers_the_explorers_themes(client, published_data):
    page = client.get("/tracker/").content.decode()
    for theme in Theme.objects.all():
        assert f'<option value="{theme.slug}">{escape(theme.name)}</option>' in page


def test_the_theme_filter_lists_the_recommendations_tagged_with_it(client, published_data):
    risk = client.get("/tracker/?theme=risk-of-harm").context["paginator"].object_list
    tagged = ThemeTag.objects.filter(theme__slug="risk-of-harm", recommendation__isnull=False)
    assert risk and {r.pk for r in risk} == set(tagged.values_list("recommendation", flat=True))


def test_the_theme_filter_follows_an_admins_override(client, hmpps_rec):
    ThemeOverride.objects.create(
        theme=Theme.objects.get(slug="premises"),
        action=ThemeOverride.Action.ADD,
        recommendation=hmpps_rec,
        reason="Offices too far for staff to reach.",
    )
    premises = client.get("/tracker/?theme=premises").context["paginator"].object_list
    assert hmpps_rec in premises


def test_an_unknown_theme_is_an_error(client, published_data):
    response = client.get("/tracker/?theme=risk")  # the tracker's own theme, gone
    assert response.status_code == 400
    assert "Select a theme from the list" in response.content.decode()


def test_an_invalid_filter_is_an_error_not_a_silent_list(client, published_data):
    response = client.get("/tracker/?status=finished")
    assert response.status_code == 400
    assert "Select a reported status from the list" in response.content.decode()


def test_counts_by_status_and_addressee(client, tracked):
    summary = client.get("/tracker/").context["summary"]
    by_label = {row.label: row for row in summary.by_addressee}
    assert summary.status_columns[:3] == ["No update yet", "Not started", "In progress"]
    assert by_label["PDU"].cells[2] == 1  # in progress
    assert by_label["PDU"].overdue == 1
    assert by_label["Region"].cells[3] == 1  # implemented
    assert summary.totals_row.total == 88
    assert summary.overdue == 1


def test_rag_by_pdu(client, tracked):
    summary = client.get("/tracker/").context["summary"]
    lambeth = next(row for row in summary.rag_rows if row.body_name == "Lambeth PDU")
    assert lambeth.counts["red"] == 1  # overdue
    assert lambeth.counts["green"] == 1  # the region's implemented one, from Lambeth's report
    assert lambeth.counts["no_update"] == 10
    assert lambeth.overall == "red"


def test_status_over_time_has_a_chart_and_the_same_figures_in_a_table(client, tracked):
    response = client.get("/tracker/")
    page = response.content.decode()
    timeline = response.context["summary"].timeline
    month, counts, total = timeline.rows[-1]
    assert month == TODAY.replace(day=1)
    assert total == 88
    assert dict(zip([s for s, _ in timeline.statuses], counts, strict=True)) == {
        "": 86,
        "in_progress": 1,
        "implemented": 1,
    }
    assert "vendor/plotly/" in page
    assert 'id="status-over-time"' in page
    assert "Recommendations by reported status at the end of each month" in page


def test_no_chart_before_any_update(client, published_data):
    response = client.get("/tracker/")
    assert response.context["summary"].timeline is None
    assert "vendor/plotly/" not in response.content.decode()


def test_csv_download_has_every_filtered_row(client, tracked):
    response = client.get("/tracker/?pdu=lambeth&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    frame = pd.read_csv(BytesIO(response.getvalue()), encoding="utf-8-sig")
    assert len(frame) == 12
    first = frame[frame["Number"] == 1].iloc[0]
    assert first["Reported status"] == "In progress"
    assert first["Overdue"] == "Yes"
    assert first["RAG"] == "Red"
    assert "Note" not in frame.columns  # notes need sign-in; downloads are public


def test_excel_download(client, tracked):
    response = client.get("/tracker/?format=xlsx")
    frame = pd.read_excel(BytesIO(response.getvalue()))
    assert len(frame) == 88


def test_an_unknown_format_is_refused(client, published_data):
    assert client.get("/tracker/?format=pdf").status_code == 400


# --- The overdue includes for the PDU page and the overview -------------------------------------


def render(source, **context):
    return Template("{% load tracker %}" + source).render(Context(context))


def test_overdue_on_the_pdu_page(tracked):
    html = overdue_on_pdu_page(Body.objects.get(slug="lambeth"))
    assert "Overdue recommendations" in html
    assert "1 recommendation addressed to Lambeth or made in its inspections is past" in html
    assert "improve the effectiveness of quality assurance" in html


def test_nothing_overdue_on_another_pdu(tracked):
    newham = Body.objects.get(slug="newham")
    later = TODAY + datetime.timedelta(days=30)
    Tracking.objects.create(
        recommendation=Recommendation.objects.published().for_pdu(newham).first(),
        target_date=later,
    )
    html = overdue_on_pdu_page(newham)
    assert "None of the recommendations for Newham is past its target date" in html


def test_overdue_on_the_overview(tracked):
    html = render("{% overdue_for_region region %}", region=Region.objects.get(slug="london"))
    assert "1 recommendation in London</a> is past its target date" in html
    assert "?region=london&amp;overdue=yes" in html


# --- Query counts -------------------------------------------------------------------------------


def pages(lambeth_1, group_first):
    # Counted with nothing cached: the data's version (one query), then what the data
    # gives worked out again. The theme filter's choices are the explorer's themes (one
    # query, and one more to look up a chosen one); a recommendation's page loads its
    # themes (one query) and finds its recurring group as the explorer does: every body's
    # name to mask and every wording (the grouping's index), then the group's
    # recommendations (three queries).
    return {
        "/tracker/": (None, 7),
        # Another page of rows and of the summary's bodies: the same queries.
        "/tracker/?page=2&bodies=2": (None, 7),
        "/tracker/?region=london&status=in_progress&overdue=no&theme=risk-of-harm": (None, 9),
        "/tracker/?format=csv": (None, 2),
        lambeth_1.get_absolute_url(): (None, 9),
        # Signed in: the session (read from the database, the cache being empty), and the
        # user with a director's profile and region, whether they may enter inspections and
        # the data's version (one query).
        "/tracker/ (signed in)": ("director", 9),
        lambeth_1.get_absolute_url() + " (signed in)": ("director", 12),
        "/tracker/ (admin)": ("admin", 9),
        lambeth_1.get_absolute_url() + " (admin)": ("admin", 12),
        # The recurring list: the explorer's grouping (names and wordings), its page's
        # rows and their themes (two queries), and for a director the pks they may update.
        "/tracker/recurring/ (admin)": ("admin", 7),
        "/tracker/overdue/london/": ("director", 6),
        "/tracker/recurring/": ("director", 8),
        f"/tracker/recurring/{group_first.pk}/": ("director", 7),
    }


def test_every_tracker_page_runs_the_same_queries_on_three_times_the_data(
    admin, director, inspector, lambeth_1, django_assert_num_queries
):
    from tests.recommendations.test_permissions import quality_assurance_group

    group_first = quality_assurance_group()[0]
    users = {None: None, "director": director, "admin": admin}
    track_all(inspector, TODAY)
    for size in (1, 3):
        if size == 3:
            multiply_published_data(3)
            track_all(inspector, TODAY)
            assert Recommendation.objects.count() > 200
        for label, (who, budget) in pages(lambeth_1, group_first).items():
            client = client_for(users[who])
            url = label.split(" ")[0]
            client.get(url)  # the session and permission caches warm up alike at each size
            cache.clear()  # pages and what the data gives are worked out again: the most
            with django_assert_num_queries(budget):
                response = client.get(url)
                response.getvalue()  # a streamed download reads its rows as it is sent
            assert response.status_code == 200, (label, size)


def test_the_overdue_includes_run_the_same_queries_on_three_times_the_data(
    inspector, published_data, django_assert_num_queries
):
    body, region = Body.objects.get(slug="lambeth"), Region.objects.get(slug="london")
    track_all(inspector, TODAY)
    for size in (1, 3):
        if size == 3:
            multiply_published_data(3)
            track_all(inspector, TODAY)
        with django_assert_num_queries(1):
            overdue_on_pdu_page(body)
        with django_assert_num_queries(2):
            render("{% overdue_for_region region %}", region=region)


def test_a_recommendations_page_lists_a_few_of_its_recurring_group(client, published_data):
    from recommendations.views import RECURRING_SHOWN
    from tests.recommendations.test_permissions import quality_assurance_group

    made = len(quality_assurance_group())
    multiply_published_data(3)
    group = Recommendation.objects.published().filter(
        text__istartswith="increase quality assurance activity at"
    )
    assert group.count() == 3 * made > RECURRING_SHOWN
    for rec in (group.order_by("pk").first(), group.order_by("pk").last()):
        html = client.get(rec.get_absolute_url()).content.decode()
        start = html.index('id="recurring"')
        recurring = html[start : html.index("</div>", start)]
        listed = recurring.count("<li>")
        # This one always among them, the rest bounded, and where to find every one.
        assert "(this one)" in recurring
        assert RECURRING_SHOWN <= listed <= RECURRING_SHOWN + 1
        assert f"{listed} of the {3 * made} shown" in recurring
        assert "?format=csv" in recurring
