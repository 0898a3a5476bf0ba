"""The home page and the inspection page: the proof that the data is there."""

import pytest

from inspections.models import Inspection
from tests.factories import generate_dataset


def test_inspection_list_shows_every_published_inspection(client, published_data):
    response = client.get("/inspections/")
    assert response.status_code == 200
    for inspection in Inspection.objects.all():
        assert inspection.get_absolute_url() in response.content.decode()
    page = response.content.decode()
    assert "3/24" in page and "0/27" in page
    assert "Not rated: judgements in prose" in page


def test_inspection_page_shows_ratings_key_questions_findings_recommendations(
    client, published_data
):
    page = client.get("/inspections/lambeth-pdu-2022/").content.decode()
    assert "2.2 Assessment" in page
    assert "Does assessment focus sufficiently on keeping other people safe?" in page
    assert "12%" in page
    assert "Resettlement work" in page
    assert "consider incentives to improve recruitment and retention of staff" in page
    assert "Data-quality notes" in page


def test_override_reason_is_shown(client, published_data):
    page = client.get("/inspections/lewisham-and-bromley-pdu-2022/").content.decode()
    assert "Inspectors departed from the usual rule" in page


def test_annex_numbering_is_visible(client, published_data):
    page = client.get("/inspections/newham-2022/").content.decode()
    assert "numbered 2.1 in the source" in page


def test_unknown_inspection_is_404(client, published_data):
    assert client.get("/inspections/nothing-here/").status_code == 404


def test_draft_inspection_is_404(client, published_data):
    Inspection.objects.filter(slug="newham-2022").update(is_published=False)
    assert client.get("/inspections/newham-2022/").status_code == 404
    assert "/inspections/newham-2022/" not in client.get("/inspections/").content.decode()


@pytest.mark.parametrize("size", [1, 10])
def test_inspection_list_query_count_does_not_grow(client, db, django_assert_num_queries, size):
    generate_dataset(inspections=5 * size, records_each=1)
    with django_assert_num_queries(3):  # the data's version, the count, the page of 50
        assert client.get("/inspections/").status_code == 200


@pytest.mark.parametrize("size", [1, 10])
def test_inspection_page_query_count_does_not_grow(client, db, django_assert_num_queries, size):
    inspection = generate_dataset(inspections=2, records_each=10 * size)[0]
    with django_assert_num_queries(9):  # the data's version, and with its correction notices
        assert client.get(inspection.get_absolute_url()).status_code == 200
