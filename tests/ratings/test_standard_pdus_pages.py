"""The standard page shows its ratings and key-questions tables 25 PDUs at a time (?pdus=),
so its size does not grow with the number of PDUs; the findings page on their own (?page=)."""

import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pdus.dashboard import latest_results, rated_inspections
from ratings.models import Standard
from ratings.views import PDUS_PER_PAGE
from tests.factories import multiply_published_data

URL = "/standards/pdu/2-2-assessment/"


def every_pdu():
    """The standard's PDUs in the order the page lists them, unpaginated."""
    standard = Standard.objects.get(slug="2-2-assessment", programme__slug="pdu")
    inspections = rated_inspections().filter(programme=standard.programme)
    return [result.body.pk for result in latest_results(inspections, [standard])]


def shown(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    return response, [pdu.body.pk for pdu, _ in response.context["results"]]


def rows(html: str, caption_id: str) -> int:
    """How many PDU rows the table captioned `caption_id` has."""
    table = html[html.index(f'id="{caption_id}"') :]
    return table[: table.index("</tbody>")].count('<th scope="row"')


def test_the_tables_show_25_pdus_then_the_rest(client, published_data):
    multiply_published_data(8)
    expected = every_pdu()
    assert PDUS_PER_PAGE < len(expected) <= 2 * PDUS_PER_PAGE
    first, first_pdus = shown(client)
    second, second_pdus = shown(client, "?pdus=2")
    assert len(first_pdus) == PDUS_PER_PAGE
    assert first_pdus + second_pdus == expected  # in the order of the whole, each once
    html, more = first.content.decode(), second.content.decode()
    assert rows(html, "ratings-caption") == rows(html, "key-questions-caption") == 25
    rest = len(expected) - PDUS_PER_PAGE
    assert rows(more, "ratings-caption") == rows(more, "key-questions-caption") == rest
    assert f"PDUs 1 to 25 of {len(expected)}" in html
    assert f"PDUs 26 to {len(expected)} of {len(expected)}" in more
    assert 'aria-label="Pages of PDUs"' in html and 'href="?pdus=2#ratings"' in html
    assert 'href="?pdus=1#ratings"' in more


def test_the_findings_page_apart_from_the_pdus(client, published_data):
    multiply_published_data(8)
    response, pdus = shown(client, "?page=2&pdus=2")
    assert response.context["findings_page"].number == 2
    assert response.context["pdus_page"].number == 2
    alone, _ = shown(client, "?page=2")
    assert list(response.context["findings"]) == list(alone.context["findings"])
    assert pdus == shown(client, "?pdus=2")[1]
    html = response.content.decode()
    # Each list's links change its own parameter and keep the other's.
    assert 'href="?page=2&amp;pdus=1#ratings"' in html
    assert 'href="?page=1&amp;pdus=2#findings"' in html


def test_a_bad_or_past_the_last_pdus_page_is_the_nearest(client, published_data):
    multiply_published_data(8)
    response, pdus = shown(client, "?pdus=abc")
    assert response.context["pdus_page"].number == 1 and len(pdus) == PDUS_PER_PAGE
    response, pdus = shown(client, "?pdus=99")
    assert response.context["pdus_page"].number == 2 and pdus == shown(client, "?pdus=2")[1]


def test_no_pages_of_pdus_while_they_fit_on_one(client, published_data):
    response, pdus = shown(client)
    assert pdus == every_pdu() and len(pdus) <= PDUS_PER_PAGE
    html = response.content.decode()
    assert "Pages of PDUs" not in html and "?pdus=" not in html
    assert not re.search(r"PDUs \d+ to \d+ of", html)


def test_another_page_of_pdus_runs_the_same_queries(client, published_data):
    multiply_published_data(8)
    counts = []
    for query in ("", "?pdus=2", "?pdus=2&page=2"):
        cache.clear()  # not served from the page cache: worked out again
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL + query).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts == [10, 10, 10]  # tests/test_query_budgets.py's budget for the page
