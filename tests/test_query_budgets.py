"""Every page runs the same number of queries on ten times the data.

The published data is copied to make a region with ten times the PDUs, ratings,
key questions, findings and recommendations; each page's query count must not move.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import multiply_published_data

PAGES = {
    "/": 8,  # England and Wales, with when the data was last updated
    "/?page=2": 8,  # the national ranking paged
    "/regions/london/": 13,  # with England and Wales beside the region
    "/pdus/": 8,
    "/pdus/lambeth/": 15,  # with its position in its region and nationally
    "/changes/": 1,  # no PDU inspected twice: tests/pdus/test_position_and_changes.py
    "/compare/?pdu=lambeth&pdu=newham&standard=2.2": 14,
    "/compare/?region=london&standard=2.4": 15,
    "/compare/?region=london&format=xlsx": 12,
    "/standards/pdu/2-2-assessment/": 9,  # findings a page of inspections at a time
    "/standards/quality-impact/protecting-the-public/": 6,
    "/findings/1/": 2,
    "/inspections/": 2,  # 50 to a page: the count and the page
    "/inspections/lambeth-pdu-2022/": 8,  # with its correction notices
    "/api/inspections/": 2,
    "/api/inspections/lambeth-pdu-2022/": 7,
    "/api/bodies/": 1,
    "/api/bodies/lambeth/": 3,
}


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries)


@pytest.mark.parametrize("url", PAGES)
def test_query_count_is_the_same_on_ten_times_the_data(client, published_data, url):
    at_size_one = queries_for(client, url)
    multiply_published_data(10)
    at_size_ten = queries_for(client, url)
    assert at_size_ten == at_size_one, f"{url}: {at_size_one} queries grew to {at_size_ten}"
    assert at_size_one <= PAGES[url], f"{url}: {at_size_one} queries, budget {PAGES[url]}"
