"""Compare offers PDUs like the one chosen: its region's, or those rated the same overall,
never more than compare can show."""

import pytest

from inspections.ingest import demo
from pdus.forms import MAX_PDUS
from pdus.similar import closest


@pytest.fixture
def national_data(db, settings):
    settings.DEMO = True
    assert demo.build(seed=5, pdus_per_region=(8, 9)) is not None


def choices(response) -> dict:
    return {(c.pdu.slug, c.like): c for c in response.context["similar"]}


def test_one_pdu_alone_is_offered_pdus_like_it(client, published_data):
    response = client.get("/compare/", {"pdu": "lambeth"})
    assert response.status_code == 400  # two are needed, and the page says so
    html = response.content.decode()
    assert "Choose at least 2 PDUs to compare" in html
    assert "Compare Lambeth with the other PDUs in London" in html
    region = choices(response)[("lambeth", "region")]
    assert region.matched == 5 and not region.is_capped
    rating = choices(response)[("lambeth", "rating")]
    assert rating.what == "Inadequate"
    assert sorted(b.short_name for b in rating.others) == [
        "Ealing and Hillingdon",
        "HFKCW",
        "Lewisham and Bromley",
    ]


def test_a_similar_choice_is_a_comparison(client, published_data):
    url = choices(client.get("/compare/", {"pdu": "lambeth"}))[("lambeth", "rating")].url
    response = client.get(f"/compare/{url}")
    assert response.status_code == 200
    assert len(response.context["comparison"].results) == 4


def test_a_comparison_offers_pdus_like_each_one_compared(client, published_data):
    response = client.get("/compare/", {"pdu": ["lambeth", "newham"]})
    assert {slug for slug, _ in choices(response)} == {"lambeth", "newham"}
    assert 'id="similar-choices"' in response.content.decode()


def test_more_alike_than_fit_are_capped_at_the_closest_in_score(client, national_data):
    response = client.get("/compare/", {"pdu": "london-pdu-1"})
    region = choices(response)[("london-pdu-1", "region")]
    assert region.matched >= MAX_PDUS and region.is_capped
    assert len(region.others) == MAX_PDUS - 1
    assert f"{region.matched} match, so the {MAX_PDUS - 1} closest to it in score" in (
        response.content.decode()
    )
    compared = client.get(f"/compare/{region.url}")
    assert compared.status_code == 200
    assert len(compared.context["comparison"].results) == MAX_PDUS


def test_closest_orders_by_score_share():
    class Inspection:
        def __init__(self, name, score, max_score):
            self.score, self.max_score = score, max_score
            self.body = type("Body", (), {"name": name})()

    pdu = Inspection("A", 12, 24)
    others = [Inspection("B", 20, 24), Inspection("C", 13, 27), Inspection("D", 11, 24)]
    assert [i.body.name for i in closest(pdu, others)] == ["C", "D", "B"]
