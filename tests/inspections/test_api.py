"""The read-only JSON API: its documented shape, its errors and its query budget."""

import pytest
from django.urls import reverse

from tests.factories import generate_dataset

LIST_URL = "/api/inspections/"


def detail(client, slug):
    response = client.get(f"/api/inspections/{slug}/")
    assert response.status_code == 200, response.content
    return response.json()


def test_list_has_the_documented_fields(client, published_data):
    data = client.get(LIST_URL).json()
    assert set(data) == {"count", "next", "results"}
    assert data["count"] == len(data["results"]) == 9
    assert data["next"] is None
    lambeth = next(r for r in data["results"] if r["slug"] == "lambeth-pdu-2022")
    assert lambeth["body"] == {"name": "Lambeth PDU", "kind": "pdu", "region": "London"}
    assert lambeth["programme"] == "PDU inspection programme"
    assert lambeth["fieldwork_start"] == "2022-08-15"
    assert lambeth["published"] == "2022-10-01"
    assert (lambeth["score"], lambeth["max_score"]) == (3, 24)
    assert lambeth["overall_rating"] == "Inadequate"
    assert lambeth["url"] == "http://testserver/api/inspections/lambeth-pdu-2022/"


def test_list_gives_null_overall_rating_where_the_programme_has_none(client, published_data):
    results = client.get(LIST_URL).json()["results"]
    crc = next(r for r in results if r["slug"] == "london-crc-2018")
    assert crc["programme"] == "Quality & Impact"
    assert crc["overall_rating"] is None
    assert crc["score"] is None


def test_detail_lists_ratings_with_overrides(client, published_data):
    data = detail(client, "lewisham-and-bromley-pdu-2022")
    ratings = {r["standard"]: r for r in data["ratings"]}
    assert ratings["1.1"]["rating"] == "Requires improvement"
    assert "override the guidance" in ratings["1.1"]["override_reason"]
    assert ratings["2.2"] == {
        "standard": "2.2",
        "version": "pdu",
        "name": "Assessment",
        "rating": "Inadequate",
        "published_code": "2.2",
        "judgement": None,
        "override_reason": None,
        "previous_rating": None,  # its only inspection
        "change": None,
    }


def test_detail_key_questions_are_numbers(client, published_data):
    data = detail(client, "lambeth-pdu-2022")
    safety = next(
        k
        for k in data["key_questions"]
        if k["text"] == "Does assessment focus sufficiently on keeping other people safe?"
    )
    assert safety == {
        "standard": "2.2",
        "version": "pdu",
        "text": "Does assessment focus sufficiently on keeping other people safe?",
        "percent_yes": 12.0,
    }


def test_detail_recommendations_carry_addressee_kinds(client, published_data):
    recommendations = detail(client, "lambeth-pdu-2022")["recommendations"]
    assert [r["number"] for r in recommendations] == list(range(1, 13))
    assert {r["addressee_kind"] for r in recommendations} == {"pdu", "region", "hmpps"}
    assert recommendations[10]["text"] == (
        "consider incentives to improve recruitment and retention of staff"
    )
    assert recommendations[10]["addressee"] == "HM Prison and Probation Service"


def test_detail_findings_have_standard_section_and_kind(client, published_data):
    findings = detail(client, "lambeth-pdu-2022")["findings"]
    assert {f["kind"] for f in findings} <= {"strength", "improvement", "other"}
    resettlement = [f for f in findings if f["section"] == "Resettlement work"]
    assert resettlement and all(f["standard"] is None for f in resettlement)
    leadership = [f for f in findings if f["standard"] == "1.1"]
    assert leadership[0]["kind"] == "strength"
    assert leadership[0]["source"]["document"] == "000_dc3a9006563f0344.txt"


def test_detail_records_cite_their_source(client, published_data):
    recommendation = detail(client, "lambeth-pdu-2022")["recommendations"][10]
    assert recommendation["source"] == {
        "document": "000_dc3a9006563f0344.txt",
        "title": "An inspection of probation services in: Lambeth PDU",
        "section": "Recommendations",
        "line": 102,
        "citation": "HM Inspectorate of Probation (October 2022). An inspection of probation "
        "services in: Lambeth PDU, “Recommendations”, line 102 of 000_dc3a9006563f0344.txt. "
        "Open Government Licence v3.0.",
    }


def test_detail_context_figures_and_notes(client, published_data):
    data = detail(client, "lambeth-pdu-2022")
    caseload = next(
        f for f in data["context_figures"] if f["label"] == "People on probation managed"
    )
    assert caseload["value"] == 1089
    assert caseload["as_at"] == "2022-05-01"
    assert any("2.1" in n["description"] for n in data["data_quality_notes"])


def test_unknown_slug_is_a_json_404(client, published_data):
    response = client.get("/api/inspections/no-such-inspection/")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "No published inspection has the slug 'no-such-inspection'."
    }


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "%00"])
def test_malformed_page_is_a_400(client, published_data, page):
    response = client.get(LIST_URL, {"page": page})
    assert response.status_code == 400
    assert "page" in response.json()["detail"]


def test_page_beyond_the_end_is_a_404(client, published_data):
    response = client.get(LIST_URL, {"page": "99"})
    assert response.status_code == 404


def test_writes_are_refused(client, published_data):
    assert client.post(LIST_URL).status_code == 405


def test_drafts_are_invisible(client, published_data):
    from inspections.models import Inspection

    Inspection.objects.filter(slug="lambeth-pdu-2022").update(is_published=False)
    assert client.get("/api/inspections/lambeth-pdu-2022/").status_code == 404
    slugs = [r["slug"] for r in client.get(LIST_URL).json()["results"]]
    assert "lambeth-pdu-2022" not in slugs


def test_list_pages_with_next_links(client, db, settings):
    settings.API_PAGE_SIZE = 5
    generate_dataset(inspections=12, records_each=1)
    first = client.get(LIST_URL).json()
    assert first["count"] == 12
    assert first["next"] == "http://testserver/api/inspections/?page=2"
    last = client.get(LIST_URL, {"page": 3}).json()
    assert len(last["results"]) == 2 and last["next"] is None


@pytest.mark.parametrize("size", [1, 10])
def test_list_query_count_does_not_grow(client, db, django_assert_num_queries, size):
    generate_dataset(inspections=5 * size, records_each=size)
    with django_assert_num_queries(3):  # the data's version, count, the page with its joins
        assert client.get(LIST_URL).status_code == 200


@pytest.mark.parametrize("size", [1, 10])
def test_detail_query_count_does_not_grow(client, db, django_assert_num_queries, size):
    inspection = generate_dataset(inspections=2, records_each=10 * size)[0]
    with django_assert_num_queries(8):  # the data's version, inspection, a query per kind of record
        data = detail(client, inspection.slug)
    assert len(data["findings"]) == 10 * size


def test_api_urls_reverse():
    assert reverse("api:inspection_list") == LIST_URL


# --- Bodies ------------------------------------------------------------------------------

BODIES_URL = "/api/bodies/"


def test_bodies_list_inspected_and_addressed_bodies(client, published_data):
    data = client.get(BODIES_URL).json()
    assert data["count"] == len(data["results"])
    by_slug = {b["slug"]: b for b in data["results"]}
    assert by_slug["lambeth"] == {
        "name": "Lambeth PDU",
        "kind": "pdu",
        "region": "London",
        "slug": "lambeth",
        "url": "http://testserver/api/bodies/lambeth/",
    }
    assert "hmpps" in by_slug  # addressed, never inspected


def test_body_lists_its_inspections_with_their_ratings(client, published_data):
    data = client.get(f"{BODIES_URL}lambeth/").json()
    assert data["name"] == "Lambeth PDU"
    [inspection] = data["inspections"]
    assert inspection["slug"] == "lambeth-pdu-2022"
    ratings = {r["standard"]: r for r in inspection["ratings"]}
    assert ratings["1.1"]["rating"] == "Requires improvement"
    assert ratings["1.1"]["previous_rating"] is None


def test_unknown_body_is_a_json_404(client, published_data):
    response = client.get(f"{BODIES_URL}no-such-body/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No body has the slug 'no-such-body'."}


def test_a_body_whose_only_inspections_are_drafts_is_in_no_answer(client, published_data):
    from inspections.models import Inspection

    Inspection.objects.filter(body__slug="lambeth").update(is_published=False)
    assert client.get(f"{BODIES_URL}lambeth/").status_code == 404
    assert "lambeth" not in {b["slug"] for b in client.get(BODIES_URL).json()["results"]}


@pytest.mark.parametrize("size", [1, 10])
def test_body_query_count_does_not_grow(client, db, django_assert_num_queries, size):
    first = generate_dataset(inspections=1, records_each=size)[0]
    for inspection in generate_dataset(inspections=size, records_each=size):
        inspection.body = first.body
        inspection.save()
    with django_assert_num_queries(4):  # the data's version, body, its inspections, their ratings
        data = client.get(f"{BODIES_URL}{first.body.slug}/").json()
    assert len(data["inspections"]) == size + 1
    with django_assert_num_queries(2):  # the data's version, the bodies
        assert client.get(BODIES_URL).status_code == 200
