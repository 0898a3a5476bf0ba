"""The inspections list shows 50 inspections to a page, newest first, so its size does not
grow with the data; every published inspection is on exactly one page."""

from inspections.models import Inspection
from tests.factories import multiply_published_data


def test_every_published_inspection_is_on_exactly_one_page(client, published_data):
    multiply_published_data(10)
    published = set(Inspection.objects.published().values_list("pk", flat=True))
    assert 50 < len(published) <= 100
    first = client.get("/inspections/")
    second = client.get("/inspections/", {"page": 2})
    shown = [i.pk for i in first.context["inspections"]] + [
        i.pk for i in second.context["inspections"]
    ]
    assert len(first.context["inspections"]) == 50
    assert sorted(shown) == sorted(published)
    html = first.content.decode()
    assert f"{len(published)} published inspections: 1 to 50, newest first" in html
    assert 'aria-label="Pages of inspections"' in html and 'href="?page=2"' in html
