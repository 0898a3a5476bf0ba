"""The standard page shows its findings ten inspections at a time, so its size does not
grow with the data; every finding is on one page and one only."""

from inspections.models import Finding
from tests.factories import multiply_published_data

URL = "/standards/pdu/2-2-assessment/"


def shown(client, page=None):
    response = client.get(URL, {"page": page} if page else {})
    assert response.status_code == 200
    return response.context["findings_page"], list(response.context["findings"])


def test_every_finding_of_the_standard_is_on_exactly_one_page(client, published_data):
    multiply_published_data(8)
    expected = Finding.objects.filter(
        section__standard__slug="2-2-assessment",
        section__standard__programme__slug="pdu",
        inspection__is_published=True,
    )
    inspections = expected.values("inspection").distinct().count()
    assert 10 < inspections <= 20
    first, findings = shown(client)
    assert first.paginator.num_pages == 2 and len(first) == 10
    _, more = shown(client, 2)
    assert sorted(f.pk for f in findings + more) == sorted(expected.values_list("pk", flat=True))
    assert {f.inspection_id for f in findings}.isdisjoint({f.inspection_id for f in more})
    html = client.get(URL).content.decode()
    assert 'aria-label="Pages of findings"' in html and 'href="?page=2#findings"' in html


def test_a_page_past_the_last_shows_the_last(client, published_data):
    page, findings = shown(client, 99)
    assert page.number == page.paginator.num_pages and findings
