"""PDUs inspected under HMIP's 2023 standards beside those under its 2021 ones: every page
and download shows one version's ratings in a column, and says which."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

from pdus.models import Body, Region
from ratings.models import (
    KeyQuestion,
    KeyQuestionScore,
    Programme,
    Rating,
    Standard,
    StandardRating,
)
from tests.factories import InspectionFactory, SourceDocumentFactory

STANDARDS_2023 = [
    ("1.1", "Leadership", False),
    ("1.2", "Staffing", False),
    ("1.3", "Services", False),
    ("2.1", "Assessment", True),
    ("2.2", "Planning", True),
    ("2.3", "Implementation and delivery", True),
    ("2.4", "Reviewing", True),
]
VERSION_2023 = "PDU inspection programme (2023 standards)"
# Outstanding nowhere in London's 2021 data: a cell rated so is a 2023 rating.
CROYDON_2023 = {
    "1.1": Rating.GOOD,
    "1.2": Rating.REQUIRES_IMPROVEMENT,
    "1.3": Rating.GOOD,
    "2.1": Rating.INADEQUATE,
    "2.2": Rating.OUTSTANDING,
    "2.3": Rating.INADEQUATE,
    "2.4": Rating.INADEQUATE,
}  # 8 points of 21
PLANNING_QUESTION = "Does planning focus sufficiently on keeping other people safe?"


@pytest.fixture
def pdu_2023(published_data):
    """The 2023 version as migration ratings/0004 adds it (a flushed database lost it)."""
    version, _ = Programme.objects.get_or_create(
        slug="pdu-2023",
        defaults={
            "name": VERSION_2023,
            "rating_scheme": Programme.Scheme.FOUR_POINT,
            "outstanding_score": 18,
            "good_score": 11,
            "requires_improvement_score": 4,
        },
    )
    for position, (code, name, from_key_questions) in enumerate(STANDARDS_2023, start=1):
        Standard.objects.get_or_create(
            programme=version,
            code=code,
            defaults={
                "slug": f"{code.replace('.', '-')}-{name.lower().replace(' ', '-')}",
                "name": name,
                "rated_from_key_questions": from_key_questions,
                "position": position,
            },
        )
    return version


def inspect_under(version, body, ratings, score, max_score, overall, fieldwork):
    inspection = InspectionFactory(
        body=body,
        programme=version,
        slug=f"{body.slug}-{version.slug}-{fieldwork.year}",
        title=f"An inspection of probation services in: {body.name} ({fieldwork.year})",
        fieldwork_start=fieldwork,
        source_document=SourceDocumentFactory(),
        score=score,
        max_score=max_score,
        overall_rating=overall,
        cases_inspected=40,
    )
    StandardRating.objects.bulk_create(
        StandardRating(
            inspection=inspection,
            standard=Standard.objects.get(programme=version, code=code),
            rating=rating,
            source_section="Ratings",
        )
        for code, rating in ratings.items()
    )
    return inspection


@pytest.fixture
def croydon(pdu_2023):
    """A London PDU inspected only under the 2023 standards, in 2024."""
    body = Body.objects.create(
        name="Croydon PDU",
        short_name="Croydon",
        slug="croydon",
        kind=Body.Kind.PDU,
        region=Region.objects.get(slug="london"),
    )
    inspection = inspect_under(
        pdu_2023, body, CROYDON_2023, 8, 21, Rating.REQUIRES_IMPROVEMENT, date(2024, 3, 4)
    )
    planning = Standard.objects.get(programme=pdu_2023, code="2.2")
    question, _ = KeyQuestion.objects.get_or_create(
        standard=planning, position=3, defaults={"text": PLANNING_QUESTION}
    )
    KeyQuestionScore.objects.create(
        inspection=inspection,
        key_question=question,
        percent_yes=Decimal("85"),
        source_section="Planning",
    )
    return inspection


@pytest.fixture
def lambeth_again(pdu_2023):
    """Lambeth (inspected in 2022 under the 2021 standards) inspected again in 2024."""
    ratings = dict.fromkeys(CROYDON_2023, Rating.REQUIRES_IMPROVEMENT) | {"1.1": Rating.GOOD}
    return inspect_under(
        pdu_2023,
        Body.objects.get(slug="lambeth"),
        ratings,
        8,
        21,
        Rating.REQUIRES_IMPROVEMENT,
        date(2024, 5, 13),
    )


def words_of(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


def heatmap(response) -> dict[str, dict[str, str]]:
    """{PDU: {standard code: rating}} of the overview's ratings table."""
    context = response.context
    return {
        r.body.short_name: {c.standard.code: c.rating.rating for c in r.standards if c.rating}
        for r in context["results"]
    }


# --- The PDU page -------------------------------------------------------------------------


def test_a_pdu_inspected_only_under_the_2023_standards_shows_them_naming_the_version(
    client, croydon
):
    response = client.get("/pdus/croydon/")
    assert response.status_code == 200
    latest = response.context["latest"]
    assert latest.inspection == croydon
    assert [str(s.standard) for s in latest.standards] == [
        f"{code} {name}" for code, name, _ in STANDARDS_2023
    ]
    words = words_of(response)
    assert "scoring 8/21, in the inspection whose fieldwork started" in words
    assert f"under the standards of {VERSION_2023}" in words
    assert "2.2 Planning" in words and "2.2 Assessment" not in words
    assert "judged in prose" not in words
    # Its key question is explained on the 2023 version's own bands.
    planning = latest.result_for(Standard.objects.get(programme__slug="pdu-2023", code="2.2"))
    assert planning.key_questions[0].percent == Decimal("85")


def test_a_pdu_inspected_again_under_the_2023_standards_shows_its_latest(client, lambeth_again):
    response = client.get("/pdus/lambeth/")
    assert response.context["latest"].inspection == lambeth_again
    words = words_of(response)
    assert f"under the standards of {VERSION_2023}" in words
    # Its ratings by inspection name each inspection's version above its column.
    assert "Ratings by inspection" in words and "PDU inspection programme" in words
    # Its rows too: each version has a "1.1 Leadership".
    history = response.context["history"]
    leadership = [row for row in history.rows if row.standard.code == "1.1"]
    assert {row.version.slug for row in leadership} == {"pdu", "pdu-2023"}
    page = response.content.decode()
    table = page[page.index('id="ratings-by-inspection"') :]
    table = table[: table.index("</table>")]
    assert table.count(f'<span class="govuk-body-s">{VERSION_2023}</span>') >= 7
    assert 'version=pdu-2023">Compare with the other London PDUs' in response.content.decode()


# --- The overview ---------------------------------------------------------------------------

LONDON = "/regions/london/"


def test_the_overview_shows_the_version_most_pdus_were_last_inspected_under(client, croydon):
    response = client.get(LONDON)
    assert response.context["programme"].slug == "pdu"
    shown = heatmap(response)
    assert "Croydon" not in shown
    assert {code for ratings in shown.values() for code in ratings} <= {
        s.code for s in Standard.objects.filter(programme__slug="pdu")
    }
    assert Rating.OUTSTANDING not in {r for ratings in shown.values() for r in ratings.values()}
    words = words_of(response)
    assert "under the standards of PDU inspection programme:" in words
    # The other version is a link away, with how many PDUs it rated.
    assert f"{VERSION_2023}: 1 PDU" in words
    assert 'href="?version=pdu-2023"' in response.content.decode()


def test_the_overview_under_the_2023_standards_has_their_columns(client, croydon, lambeth_again):
    response = client.get(LONDON, {"version": "pdu-2023"})
    assert [str(s) for s in response.context["standards"]] == [
        f"{code} {name}" for code, name, _ in STANDARDS_2023
    ]
    shown = heatmap(response)
    assert set(shown) == {"Croydon", "Lambeth"}
    assert shown["Croydon"]["2.2"] == Rating.OUTSTANDING  # under 2.2 Planning
    assert f"under the standards of {VERSION_2023}" in words_of(response)
    assert [r.body.short_name for r in response.context["ranking"]] == ["Croydon", "Lambeth"]


def test_a_pdu_inspected_since_under_other_standards_says_so(client, lambeth_again):
    response = client.get(LONDON)
    lambeth = next(r for r in response.context["results"] if r.body.slug == "lambeth")
    assert lambeth.inspection.slug == "lambeth-pdu-2022"
    assert f"inspected since under {VERSION_2023}" in words_of(response)


def test_an_unknown_version_is_404(client, published_data):
    assert client.get(LONDON, {"version": "no-such-version"}).status_code == 404


def test_the_overview_runs_as_many_queries_under_either_version(client, croydon):
    def queries(params):
        with CaptureQueriesContext(connection) as context:
            assert client.get(LONDON, params).status_code == 200
        return len(context.captured_queries)

    assert queries({"version": "pdu-2023"}) == queries({})


def test_the_national_overview_counts_one_version_and_offers_the_other(client, croydon):
    response = client.get("/")
    assert response.context["programme"].slug == "pdu"
    assert "Croydon" not in [r.body.short_name for r in response.context["ranking"]]
    assert f"{VERSION_2023}: 1 PDU" in words_of(response)
    response = client.get("/", {"version": "pdu-2023"})
    assert [r.body.short_name for r in response.context["ranking"]] == ["Croydon"]
    assert [str(s) for s in response.context["standards"]] == [
        f"{code} {name}" for code, name, _ in STANDARDS_2023
    ]
    assert client.get("/", {"region": "london", "version": "pdu-2023"})["Location"] == (
        "/regions/london/?version=pdu-2023"
    )


# --- Compare ----------------------------------------------------------------------------------


def test_pdus_last_inspected_under_different_standards_are_compared_on_one_chosen(client, croydon):
    response = client.get("/compare/", {"pdu": ["croydon", "newham"]})
    assert response.status_code == 400
    assert "last inspected under different standards" in words_of(response)
    assert "choose the standards to compare them on" in words_of(response)


def test_compare_under_the_2023_standards_reads_codes_in_them(client, croydon, lambeth_again):
    response = client.get("/compare/", {"pdu": ["croydon", "lambeth"], "standard": "2.2"})
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert comparison.version.slug == "pdu-2023"
    assert str(comparison.standard) == "2.2 Planning"
    assert [str(row.standard) for row in comparison.rows] == [
        f"{code} {name}" for code, name, _ in STANDARDS_2023
    ]
    assert f"Compared under the standards of {VERSION_2023}" in words_of(response)


def test_compare_under_the_2021_standards_takes_each_pdus_inspection_under_them(
    client, lambeth_again
):
    response = client.get("/compare/", {"pdu": ["lambeth", "newham"], "version": "pdu"})
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert [r.inspection.slug for r in comparison.results] == [
        "lambeth-pdu-2022",
        "newham-2022",
    ]
    assert Rating.OUTSTANDING not in {
        c.rating.rating for row in comparison.rows for c in row.cells if c.rating
    }


def test_a_pdu_not_inspected_under_the_chosen_standards_cannot_be_compared(client, croydon):
    response = client.get("/compare/", {"pdu": ["croydon", "newham"], "version": "pdu"})
    assert response.status_code == 400
    assert "croydon has no published inspection under PDU inspection programme" in (
        words_of(response)
    )


def test_the_comparison_download_names_the_version(client, croydon, lambeth_again):
    response = client.get(
        "/compare/", {"pdu": ["croydon", "lambeth"], "version": "pdu-2023", "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows and {row["Programme"] for row in rows} == {VERSION_2023}
    planning = next(
        r
        for r in rows
        if r["PDU"] == "Croydon PDU"
        and r["Measure"] == "Rating"
        and r["Standard"].startswith("2.2")
    )
    assert planning["Standard"] == "2.2 Planning"


# --- The PDU list -------------------------------------------------------------------------


def test_the_pdu_list_orders_scores_by_their_share_of_the_maximum(client, croydon):
    southwark = Body.objects.create(
        name="Southwark PDU",
        short_name="Southwark",
        slug="southwark",
        kind=Body.Kind.PDU,
        region=Region.objects.get(slug="london"),
    )
    inspect_under(
        Programme.objects.get(slug="pdu"),
        southwark,
        {},
        9,
        24,
        Rating.REQUIRES_IMPROVEMENT,
        date(2022, 9, 5),
    )
    response = client.get("/pdus/", {"sort": "-score"})
    order = [row.record.body.short_name for row in response.context["table"].paginated_rows]
    # 8 of 21 (38%) is above 9 of 24 (37.5%): raw scores across versions would say otherwise.
    assert order[:2] == ["Croydon", "Southwark"]


# --- The API ----------------------------------------------------------------------------------


def test_the_api_gives_each_rating_its_version(client, croydon):
    data = client.get(f"/api/inspections/{croydon.slug}/").json()
    assert data["version"] == "pdu-2023"
    planning = next(r for r in data["ratings"] if r["standard"] == "2.2")
    assert planning["name"] == "Planning" and planning["version"] == "pdu-2023"
    lambeth = client.get("/api/inspections/lambeth-pdu-2022/").json()
    assert {r["version"] for r in lambeth["ratings"]} == {"pdu"}


def test_the_overviews_compare_link_keeps_the_version_shown(client, croydon, lambeth_again):
    html = client.get("/regions/london/", {"version": "pdu-2023"}).content.decode()
    assert 'href="/compare/?region=london&amp;version=pdu-2023"' in html
