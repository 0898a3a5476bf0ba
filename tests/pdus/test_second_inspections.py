"""A PDU inspected a second time: its page, compare and the API show both inspections,
the latest first, with how each rating changed."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

from pdus import rules
from pdus.history import ratings_by_inspection
from pdus.models import Body
from ratings.models import Programme, Rating, Standard, StandardRating
from tests.factories import InspectionFactory, SourceDocumentFactory, StandardFactory

# Lambeth's published inspection (fieldwork 15 August 2022) rated 1.1 Requires
# improvement, 1.2 Inadequate and 2.2 Inadequate, and was Inadequate overall.
SECOND = {"1.1": Rating.GOOD, "1.2": Rating.INADEQUATE, "2.2": Rating.REQUIRES_IMPROVEMENT}


def inspect_again(body_slug="lambeth", fieldwork=date(2024, 6, 3), ratings=None, **fields):
    """A later inspection of the PDU under the same programme, with `ratings` by code."""
    body = Body.objects.get(slug=body_slug)
    programme = Programme.objects.get(slug="pdu")
    inspection = InspectionFactory(
        body=body,
        programme=programme,
        slug=f"{body_slug}-pdu-{fieldwork.year}",
        title=f"An inspection of probation services in: {body.name} ({fieldwork.year})",
        fieldwork_start=fieldwork,
        source_document=SourceDocumentFactory(sha256=""),
        score=10,
        max_score=24,
        overall_rating=Rating.REQUIRES_IMPROVEMENT,
        **fields,
    )
    StandardRating.objects.bulk_create(
        StandardRating(
            inspection=inspection,
            standard=Standard.objects.get(programme=programme, code=code),
            rating=rating,
            source_section="Ratings",
        )
        for code, rating in (SECOND if ratings is None else ratings).items()
    )
    return inspection


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def words_of(response) -> str:
    """What the page says, without its markup."""
    return " ".join(strip_tags(response.content.decode()).split())


# --- The rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "current", "change"),
    [
        (Rating.INADEQUATE, Rating.GOOD, rules.IMPROVED),
        (Rating.OUTSTANDING, Rating.REQUIRES_IMPROVEMENT, rules.DECLINED),
        (Rating.GOOD, Rating.GOOD, rules.UNCHANGED),
        (Rating.NOT_INSPECTED, Rating.GOOD, ""),
        (Rating.GOOD, "", ""),
    ],
)
def test_a_change_is_read_only_between_two_ratings_on_the_four_point_scale(
    previous, current, change
):
    assert rules.rating_change(previous, current) == change


# --- The PDU page ----------------------------------------------------------------------


def test_the_pdu_page_lists_both_inspections_latest_first(client, published_data):
    inspect_again()
    text = text_of(client.get("/pdus/lambeth/"))
    history = text[text.index('id="history"') :]
    assert history.index("/inspections/lambeth-pdu-2024/") < history.index(
        "/inspections/lambeth-pdu-2022/"
    )


def test_the_pdu_page_shows_each_ratings_change_in_words(client, published_data):
    inspect_again()
    response = client.get("/pdus/lambeth/")
    history = response.context["ratings_by_inspection"]
    assert [i.slug for i in history.inspections] == ["lambeth-pdu-2024", "lambeth-pdu-2022"]
    changes = {
        row.standard.code: [c.change if c else None for c in row.cells] for row in history.rows
    }
    assert changes["1.1"] == [rules.IMPROVED, ""]
    assert changes["1.2"] == [rules.UNCHANGED, ""]
    assert changes["2.3"] == [None, ""]  # not rated the second time
    text = text_of(response)
    table = text[text.index('id="ratings-by-inspection"') :]
    assert "Improved from Requires improvement" in table  # 1.1
    assert "Improved from Inadequate" in table  # 2.2, and overall
    assert "Same as before" in table  # 1.2
    assert "Not rated in this inspection" in table  # 2.3


def test_the_pdu_page_keeps_the_latest_inspection_as_its_main_content(client, published_data):
    inspect_again()
    response = client.get("/pdus/lambeth/")
    assert response.context["latest"].inspection.slug == "lambeth-pdu-2024"
    assert "fieldwork started 3 June 2024" in words_of(response)


def test_a_pdu_inspected_once_has_no_ratings_by_inspection(client, published_data):
    response = client.get("/pdus/lambeth/")
    assert response.context["ratings_by_inspection"] is None
    assert "Ratings by inspection" not in response.content.decode()


def test_a_draft_second_inspection_is_neither_shown_nor_compared(client, published_data):
    inspect_again(is_published=False)
    response = client.get("/pdus/lambeth/")
    assert response.context["ratings_by_inspection"] is None
    assert "Lambeth PDU (2024)" not in response.content.decode()
    assert response.context["latest"].inspection.slug == "lambeth-pdu-2022"


def test_a_redefined_standard_is_another_standard_not_a_change(published_data):
    """A refreshed framework's 1.1 is a Standard row of its own: no change is read across."""
    refreshed = StandardFactory(
        programme=Programme.objects.get(slug="pdu"), code="1.1", name="Leadership (2023)"
    )
    second = inspect_again(ratings={"1.2": Rating.GOOD})
    StandardRating.objects.create(
        inspection=second, standard=refreshed, rating=Rating.GOOD, source_section="Ratings"
    )
    lambeth = Body.objects.get(slug="lambeth")
    history = ratings_by_inspection(lambeth, lambeth.inspections.select_related("programme"))
    rows = {row.standard.name: row.cells for row in history.rows}
    assert rows["Leadership (2023)"][0].previous is None
    assert rows["Leadership (2023)"][1] is None
    assert rows["Leadership"][0] is None
    assert rows["Staff"][0].change == rules.IMPROVED


# --- Compare ---------------------------------------------------------------------------


def test_compare_uses_the_latest_inspection_and_says_so(client, published_data):
    inspect_again()
    response = client.get("/compare/?pdu=lambeth&pdu=newham")
    lambeth = next(r for r in response.context["comparison"].results if r.body.slug == "lambeth")
    assert lambeth.inspection.slug == "lambeth-pdu-2024"
    assert (
        "Lambeth: latest inspection, fieldwork 3 June 2024; earlier: fieldwork 15 August 2022"
        in words_of(response)
    )


def test_compare_links_to_each_earlier_inspection(client, published_data):
    inspect_again()
    response = client.get("/compare/?pdu=lambeth&pdu=newham")
    [links] = [
        links
        for result, links in response.context["inspection_choices"]
        if result.body.slug == "lambeth"
    ]
    [(earlier, url)] = links
    assert earlier.slug == "lambeth-pdu-2022"
    shown = client.get(f"/compare/{url}")
    result = next(r for r in shown.context["comparison"].results if r.body.slug == "lambeth")
    assert result.inspection.slug == "lambeth-pdu-2022"
    assert "Lambeth: an earlier inspection, chosen, fieldwork 15 August 2022" in words_of(shown)


def test_compare_refuses_an_inspection_of_a_pdu_not_compared(client, published_data):
    inspect_again()
    response = client.get(
        "/compare/?pdu=lewisham-and-bromley&pdu=newham&inspection=lambeth-pdu-2024"
    )
    assert response.status_code == 400
    assert "Choose inspections only of the PDUs compared" in response.content.decode()


def test_the_compare_download_holds_the_inspection_shown(client, published_data):
    inspect_again()
    response = client.get("/compare/?pdu=lambeth&pdu=newham&format=csv")
    assert "lambeth-pdu-2024" in response.content.decode()


# --- The API ---------------------------------------------------------------------------


def test_the_api_lists_a_bodys_inspections_latest_first_with_previous_ratings(
    client, published_data
):
    inspect_again()
    data = client.get("/api/bodies/lambeth/").json()
    assert [i["slug"] for i in data["inspections"]] == ["lambeth-pdu-2024", "lambeth-pdu-2022"]
    latest = {r["standard"]: r for r in data["inspections"][0]["ratings"]}
    assert latest["1.1"]["rating"] == "Good"
    assert latest["1.1"]["previous_rating"] == {
        "rating": "Requires improvement",
        "inspection": "lambeth-pdu-2022",
        "fieldwork_start": "2022-08-15",
    }
    assert latest["1.1"]["change"] == "improved"
    assert latest["1.2"]["change"] == "unchanged"
    earlier = {r["standard"]: r for r in data["inspections"][1]["ratings"]}
    assert earlier["1.1"]["previous_rating"] is None
    assert earlier["1.1"]["change"] is None


def test_the_api_inspection_gives_each_ratings_previous_rating(client, published_data):
    inspect_again()
    data = client.get("/api/inspections/lambeth-pdu-2024/").json()
    ratings = {r["standard"]: r for r in data["ratings"]}
    assert ratings["2.2"]["previous_rating"]["rating"] == "Inadequate"
    assert ratings["2.2"]["change"] == "improved"
    earlier = client.get("/api/inspections/lambeth-pdu-2022/").json()
    assert all(r["previous_rating"] is None for r in earlier["ratings"])


# --- Queries ---------------------------------------------------------------------------

PAGES = [
    "/pdus/lambeth/",
    "/compare/?pdu=lambeth&pdu=newham",
    "/compare/?pdu=lambeth&pdu=newham&inspection=lambeth-pdu-2023",
    "/api/bodies/lambeth/",
    "/api/inspections/lambeth-pdu-2023/",
]


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.mark.parametrize("url", PAGES)
def test_queries_do_not_grow_with_the_number_of_inspections(client, published_data, url):
    inspect_again(fieldwork=date(2023, 6, 5))
    at_two = queries_for(client, url)
    for year in (2024, 2025, 2026):
        inspect_again(fieldwork=date(year, 6, 2))
    assert queries_for(client, url) == at_two
