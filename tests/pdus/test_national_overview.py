"""The national overview (`/`): England and Wales by region, on the published data (one
region) and on generated national data (every region)."""

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.ingest import demo
from inspections.models import Finding, Inspection
from pdus import national
from pdus.dashboard import rated_inspections
from pdus.history import latest_first
from pdus.models import Body
from ratings.models import KeyQuestionScore, Rating, StandardRating
from ratings.statistics import mean_interval, t_quantile, wilson_interval
from recommendations.models import Recommendation


def words_of(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.fixture
def national_data(db, settings):
    """Generated data in every region: 2 or 3 PDUs each, each inspected twice."""
    settings.DEMO = True
    assert demo.build(seed=11, pdus_per_region=(2, 3)) is not None


# --- The published data: one region -------------------------------------------------------


def test_the_overview_is_england_and_wales(client, published_data):
    response = client.get("/")
    assert response.status_code == 200
    words = words_of(response)
    assert "England and Wales: PDU ratings at a glance" in words
    assert "6 inspected PDUs" in words


def test_one_region_says_so_rather_than_drawing_empty_rows(client, published_data):
    response = client.get("/")
    assert [area.name for area in response.context["regions"]] == ["London"]
    assert "Only London has PDU inspections published under these standards so far" in (
        words_of(response)
    )
    html = response.content.decode()
    table = html[
        html.index('id="regions-table"') : html.index("</table>", html.index("regions-table"))
    ]
    assert table.count('<th scope="row"') == 1  # London, with no England and Wales total
    # A region's figures would repeat the nation's: each standard has one row.
    assert all(len(t.rows) == 1 for t in response.context["standard_tables"])


def test_each_count_links_to_the_pdus_it_counts(client, published_data):
    html = client.get("/").content.decode()
    link = "/pdus/?region=london&amp;overall_rating=inadequate&amp;programme=pdu&amp;latest=yes"
    assert f'href="{link}">4<' in html
    listed = client.get(link.replace("&amp;", "&")).context["table"].rows
    assert sorted(row.record.body.short_name for row in listed) == [
        "Ealing and Hillingdon",
        "HFKCW",
        "Lambeth",
        "Lewisham and Bromley",
    ]


def test_the_national_ranking_is_the_pdus_by_score(client, published_data):
    ranking = client.get("/").context["ranking"]
    assert [(r.body.short_name, r.inspection.score_display) for r in ranking] == [
        ("Newham", "6/24"),
        ("Barking, Dagenham and Havering", "5/24"),
        ("Lewisham and Bromley", "4/24"),
        ("Lambeth", "3/24"),
        ("Ealing and Hillingdon", "3/27"),
        ("HFKCW", "0/27"),
    ]


def test_standard_figures_count_ratings_and_the_share_good_or_better(client, published_data):
    tables = {str(t.standard): t for t in client.get("/").context["standard_tables"]}
    staff = tables["1.2 Staff"].national
    assert dict(staff.counts) == {
        Rating.OUTSTANDING: 0,
        Rating.GOOD: 1,
        Rating.REQUIRES_IMPROVEMENT: 2,
        Rating.INADEQUATE: 3,
    }
    share = staff.good_or_better
    assert (share.count, share.total) == (1, 6)
    assert (share.low, share.high) == pytest.approx(wilson_interval(100 / 6, 6))
    assert share.text == "17%" and share.detail.endswith("1 of 6 PDUs")
    assert dict(tables["2.2 Assessment"].national.counts)[Rating.INADEQUATE] == 6


def test_key_question_figures_are_means_over_the_pdus_that_published_them(client, published_data):
    table = next(t for t in client.get("/").context["standard_tables"] if t.standard.code == "2.2")
    # Four London PDUs have their ratings only from the regional letter's annexes.
    assert [figure.mean.n for figure in table.national.key_questions] == [2, 2, 2]
    assert all(figure.mean.low is not None for figure in table.national.key_questions)


def test_the_switcher_goes_to_the_region_and_keeps_the_version(client, published_data):
    response = client.get("/", {"region": "london"})
    assert response.status_code == 302 and response["Location"] == "/regions/london/"
    response = client.get("/", {"region": "london", "version": "pdu"})
    assert response["Location"] == "/regions/london/?version=pdu"
    assert client.get("/", {"region": "atlantis"}).status_code == 404


def test_an_unknown_version_is_404(client, published_data):
    assert client.get("/", {"version": "no-such-version"}).status_code == 404


def test_the_overview_without_data_says_so(client, db):
    assert "No PDU inspections have been published" in client.get("/").content.decode()


# --- The latest-inspection filter the counts link to ---------------------------------------


def test_the_pdu_list_can_show_each_pdus_latest_inspection_only(client, national_data):
    response = client.get("/pdus/", {"latest": "yes"})
    shown = {row.record.pk for row in response.context["table"].paginated_rows}
    latest = {
        latest_first(i for i in rated_inspections() if i.body_id == b)[0].pk
        for b in rated_inspections().values_list("body", flat=True)
    }
    assert response.context["counts"]["inspections"] == len(latest)
    assert shown <= latest


# --- Generated national data: every region -------------------------------------------------


def test_every_region_has_a_row_and_england_and_wales_a_total(client, national_data):
    response = client.get("/")
    regions = response.context["regions"]
    assert len(regions) == 12
    assert sum(area.pdus for area in regions) == response.context["national"].pdus
    assert "England and Wales" in words_of(response)
    assert all(len(t.rows) == 13 for t in response.context["standard_tables"])


def test_the_region_with_the_most_inadequate_pdus_is_named(client, national_data):
    response = client.get("/")
    latest = {}
    for inspection in latest_first(rated_inspections().select_related("body__region")):
        latest.setdefault(inspection.body_id, inspection)
    inadequate = Counter(
        i.body.region.name for i in latest.values() if i.overall_rating == Rating.INADEQUATE
    )
    top = max(inadequate.values())
    named = [area.name for area in response.context["most_inadequate"]]
    assert named == sorted(name for name, n in inadequate.items() if n == top)
    assert f"Most PDUs rated Inadequate overall: {named[0]}" in words_of(response)


def test_each_regions_counts_match_the_list_they_link_to(client, national_data):
    response = client.get("/")
    area = response.context["regions"][0]
    for rating, count in area.overall:
        listed = client.get(
            "/pdus/",
            {
                "region": area.region.slug,
                "overall_rating": rating.value,
                "programme": "pdu",
                "latest": "yes",
            },
        )
        assert listed.context["counts"]["inspections"] == count, rating


def test_the_ranking_is_paged_at_a_fixed_size(client, national_data):
    overview = client.get("/")
    assert overview.context["national"].pdus > national.RANKING_PAGE_SIZE
    first = overview.context["ranking"]
    second = client.get("/", {"page": 2}).context["ranking"]
    assert len(first.object_list) == national.RANKING_PAGE_SIZE
    assert second.start_index() == national.RANKING_PAGE_SIZE + 1
    assert not {r.body.pk for r in first} & {r.body.pk for r in second}
    html = client.get("/").content.decode()
    assert 'aria-label="Pages of the ranking"' in html


def add_pdus(factor: int) -> None:
    """`factor - 1` copies of every PDU with all its inspections, in its region."""
    originals = list(Body.objects.filter(kind=Body.Kind.PDU))
    for copy in range(1, factor):
        for body in originals:
            twin = Body.objects.create(
                name=f"{body.name} copy {copy}",
                short_name=f"{body.short_name} {copy}",
                slug=f"{body.slug}-copy-{copy}",
                kind=body.kind,
                region=body.region,
            )
            for original in Inspection.objects.filter(body=body):
                inspection = Inspection.objects.get(pk=original.pk)
                inspection.pk, inspection.body = None, twin
                inspection.slug = f"{original.slug}-copy-{copy}"
                inspection.save()
                for model in (StandardRating, KeyQuestionScore, Finding, Recommendation):
                    rows = list(model.objects.filter(inspection=original))
                    for row in rows:
                        row.pk, row.inspection = None, inspection
                    model.objects.bulk_create(rows)


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url", ["/", "/?page=2", "/regions/london/", "/compare/?pdu=london-pdu-1&pdu=london-pdu-2"]
)
def test_national_pages_run_as_many_queries_on_three_times_the_data(client, national_data, url):
    before = queries_for(client, url)
    pdus = Body.objects.filter(kind=Body.Kind.PDU).count()
    add_pdus(3)
    assert Body.objects.filter(kind=Body.Kind.PDU).count() == 3 * pdus
    assert queries_for(client, url) == before


# --- The statistics -----------------------------------------------------------------------


def test_a_mean_over_one_pdu_has_no_interval():
    assert mean_interval([40]).low is None


def test_a_mean_interval_widens_with_fewer_pdus():
    few, many = mean_interval([40, 60]), mean_interval([40, 60] * 10)
    assert few.mean == many.mean == 50
    assert few.high - few.low > many.high - many.low
    assert few.low >= 0 and few.high <= 100


def test_t_quantiles_approach_the_normal():
    assert t_quantile(1) == pytest.approx(12.706)
    assert t_quantile(60) == pytest.approx(2.000, abs=0.002)
    assert t_quantile(10_000) == pytest.approx(1.96, abs=0.001)


# --- A region against England and Wales ----------------------------------------------------


def test_a_region_alone_says_its_figures_are_the_nations(client, published_data):
    response = client.get("/regions/london/")
    assert response.context["nation_regions"] == 1
    assert "London is the only region with PDU inspections published" in words_of(response)


def test_a_region_is_set_beside_england_and_wales(client, national_data):
    response = client.get("/regions/london/")
    rows = response.context["against_nation"]
    assessment = next(r for r in rows if r.is_standard and r.standard.code == "2.2")
    overview = client.get("/").context
    table = next(t for t in overview["standard_tables"] if t.standard.code == "2.2")
    london = next(figures for area, figures in table.regions if area.name == "London")
    assert assessment.region == london.good_or_better
    assert assessment.nation == table.national.good_or_better
    questions = [r for r in rows if not r.is_standard and r.standard.code == "2.2"]
    assert [r.nation.mean for r in questions] == [f.mean for f in table.national.key_questions]
    assert "London and England and Wales, standard by standard" in words_of(response)
