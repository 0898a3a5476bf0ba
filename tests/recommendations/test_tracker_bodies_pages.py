"""The tracker's "Red, amber, green by PDU" shows 25 inspected bodies at a time (?bodies=),
apart from the recommendations' pages (?page=) and keeping the filters; the summary's
counts stay those of every recommendation; each page of bodies is cached as its own."""

from django.core.cache import cache
from django.core.paginator import Paginator
from django.template import engines
from django.test import RequestFactory

from recommendations.views import BODIES_PER_PAGE
from tests.factories import multiply_published_data
from tests.recommendations.test_listing_cache import fragment


def rag_table(html: str) -> str:
    start = html.index('id="rag-caption"')
    return html[start : html.index("</tbody>", start)]


def names(response) -> list[str]:
    return [row.body_name for row in response.context["bodies_page"]]


def test_the_rag_table_shows_25_bodies_then_the_rest(client, published_data):
    multiply_published_data(8)
    first, second = client.get("/tracker/"), client.get("/tracker/?bodies=2")
    every = [row.body_name for row in first.context["summary"].rag_rows]
    assert BODIES_PER_PAGE < len(every) <= 2 * BODIES_PER_PAGE
    assert len(names(first)) == BODIES_PER_PAGE
    assert names(first) + names(second) == every  # in the summary's order, each once
    html, more = first.content.decode(), second.content.decode()
    assert rag_table(html).count('<th scope="row"') == BODIES_PER_PAGE
    assert rag_table(more).count('<th scope="row"') == len(every) - BODIES_PER_PAGE
    assert f"Inspected bodies 1 to 25 of {len(every)}" in html
    assert f"Inspected bodies 26 to {len(every)} of {len(every)}" in more
    assert 'aria-label="Pages of inspected bodies"' in html
    assert 'href="?bodies=2#rag"' in html and 'href="?bodies=1#rag"' in more


def test_the_summarys_counts_are_of_every_body(client, published_data):
    multiply_published_data(8)
    first, second = client.get("/tracker/"), client.get("/tracker/?bodies=2")
    assert first.context["summary"] == second.context["summary"]
    total = first.context["summary"].total
    assert f"{total}</span> recommendations" in second.content.decode()
    # Not "these filters": a page of bodies is not a filter.
    assert "these filters" not in second.content.decode().split('id="counts"')[0]


def test_the_pages_of_bodies_keep_the_filters_and_the_page_of_rows(client, published_data):
    multiply_published_data(8)
    response = client.get("/tracker/?region=london&page=2&bodies=2")
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
    assert response.context["bodies_page"].number == 2
    html = response.content.decode()
    assert 'href="?region=london&amp;page=2&amp;bodies=1#rag"' in html
    assert 'href="?region=london&amp;page=1&amp;bodies=2#list"' in html
    # The downloads are of the filters, whichever page is shown.
    assert 'href="?region=london&amp;format=csv"' in html


def test_a_bad_or_past_the_last_bodies_page_is_the_nearest(client, published_data):
    multiply_published_data(8)
    response = client.get("/tracker/?bodies=abc")
    assert response.status_code == 200 and response.context["bodies_page"].number == 1
    response = client.get("/tracker/?bodies=99")
    assert response.status_code == 200 and response.context["bodies_page"].number == 2


def test_each_page_of_bodies_has_its_own_cached_listing(client, published_data):
    multiply_published_data(8)
    cache.clear()
    first, second = client.get("/tracker/"), client.get("/tracker/?bodies=2")
    assert first.context["listing_key"] != second.context["listing_key"]
    stored = fragment(first, "tracker_listing", "listing_key")
    stored_second = fragment(second, "tracker_listing", "listing_key")
    assert stored != stored_second
    assert rag_table(stored).count('<th scope="row"') == BODIES_PER_PAGE
    # Asked again, each page is served its own HTML from the cache.
    again = client.get("/tracker/?bodies=2").content.decode()
    assert rag_table(again) == rag_table(stored_second) == rag_table(second.content.decode())
    assert rag_table(client.get("/tracker/").content.decode()) == rag_table(stored)


# --- The shared pagination include --------------------------------------------------------------


def links(include_with: str, query: str, number: int, last: int = 9) -> list[str]:
    request = RequestFactory().get("/tracker/" + query)
    paginator = Paginator(range(last * 10), 10)
    page = paginator.get_page(number)
    template = engines["django"].from_string(
        '{% include "includes/pagination.html" with ' + include_with + " %}"
    )
    html = template.render(
        {
            "page_obj": page,
            "paginator": paginator,
            "page_range": [*paginator.get_elided_page_range(number, on_each_side=1, on_ends=1)],
        },
        request,
    )
    return [part.split('"')[0] for part in html.split('href="')[1:]]


def test_the_include_gives_an_existing_caller_the_links_it_had(published_data):
    # The tracker's list of recommendations, as before a page could name its parameter.
    found = links(
        'current=page_obj.number last=paginator.num_pages fragment="list"',
        "?region=london&page=5&format=csv",
        5,
    )
    assert found == [
        "?region=london&amp;page=4#list",
        "?region=london&amp;page=1#list",
        "?region=london&amp;page=4#list",
        "?region=london&amp;page=5#list",
        "?region=london&amp;page=6#list",
        "?region=london&amp;page=9#list",
        "?region=london&amp;page=6#list",
    ]


def test_the_include_pages_a_named_parameter_keeping_the_others(published_data):
    found = links(
        'current=page_obj.number last=paginator.num_pages param="bodies" fragment="rag"',
        "?page=5&bodies=2",
        2,
        last=2,
    )
    assert found == [
        "?page=5&amp;bodies=1#rag",
        "?page=5&amp;bodies=1#rag",
        "?page=5&amp;bodies=2#rag",
    ]
