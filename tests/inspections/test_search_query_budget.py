"""The explorer's pages run the same number of queries on ten times the data.

As tests/test_query_budgets.py: the published data is copied to ten times its size and
every page's query count must not move. Copies are made with bulk_create, which the
search index and the tagging queue follow through database triggers, then tagged as a
write would leave them; each page is visited once before counting, so the count is of a
page whose facet index is built (the first visit after a bulk load rebuilds it).
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.explorer import themes
from tests.factories import multiply_published_data

# URL: the queries it runs, the page's cache empty (a page served from the cache runs one:
# the data's version, the cache's key, which every signed-out request reads first).
PAGES = {
    # The data's version, the facet index's tokens, the matches, marked matches, each type
    # of record the facets allow (with its themes).
    "/explore/?q=staff": 7,
    "/explore/?q=%22risk+of+harm%22+OR+safeguarding&type=finding&page=2": 5,
    "/explore/?q=staff&kind=improvement&region=london": 5,
    # Without words: no matches to read or mark.
    "/explore/": 5,
    "/explore/?theme=staffing-and-workloads&body=lambeth": 4,
    "/explore/?addressee=hmpps&more=body": 3,
    # Version, tokens, matches, three types of record (a download reads EXPORT_BATCH
    # records at a time: these are fewer at both sizes).
    "/explore/?q=accommodation&format=csv": 6,
    "/explore/?q=accommodation&format=xlsx": 6,
    "/explore/?q=accommodation&format=json": 6,
    # Version, tags counted by theme, those of drafts (findings, recommendations), themes.
    "/explore/themes/": 5,
    # Version, theme, its tags counted (2), inspections, sections, tokens, findings.
    "/explore/themes/risk-of-harm/": 8,
    # Version, the grouping's rows, body names, the groups' newest recommendations, their
    # themes.
    "/explore/recurring/": 5,
}


def queries_for(client, url):
    themes.tag_pending()  # as a write leaves what it wrote
    client.get(url)  # rebuilds the facet index after a bulk load
    cache.clear()  # the page and what the data gives are worked out again
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        response.getvalue()  # a streamed download reads as it is sent
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries)


@pytest.mark.parametrize("url", PAGES)
def test_query_count_is_the_same_on_ten_times_the_data(client, published_data, url):
    at_size_one = queries_for(client, url)
    multiply_published_data(10)
    at_size_ten = queries_for(client, url)
    assert at_size_ten == at_size_one, f"{url}: {at_size_one} queries grew to {at_size_ten}"
    assert at_size_one == PAGES[url], f"{url}: {at_size_one} queries, budget {PAGES[url]}"


def test_search_results_grow_with_the_data(client, published_data):
    before = client.get("/explore/", {"q": "staff"}).context["total"]
    multiply_published_data(10)
    after = client.get("/explore/", {"q": "staff"}).context["total"]
    # Every PDU inspection is copied nine times; the regional and Q&I ones are not.
    assert after > 5 * before
