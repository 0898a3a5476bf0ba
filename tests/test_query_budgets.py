"""Every page runs the same number of queries on ten times the data, signed out or signed in.

The published data is copied to make a region with ten times the PDUs, ratings,
key questions, findings and recommendations; each page's query count must not move.

Signed out, a page first asks the published data's version (the page cache's key, one
query; a page served from the cache asks nothing else). Signed in, it reads the user
instead, in one query with a director's profile and region and whether they may enter
inspections (the header asks); the session comes from the cache. So a page costs the
same signed in as signed out: a regional director and an admin alike.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pdus.models import Region
from recommendations.roles import ADMINS, REGIONAL_DIRECTORS
from tests.factories import multiply_published_data
from tests.recommendations.helpers import client_for, make_user

# url: (signed out, signed in)
PAGES = {
    "/": (7, 7),  # England and Wales, with when the data was last updated
    "/?page=2": (7, 7),  # the national ranking paged
    "/regions/london/": (8, 8),  # with England and Wales beside the region
    "/pdus/": (7, 7),
    "/pdus/lambeth/": (10, 10),  # with its position in its region and nationally
    "/pdus/lambeth/profile/": (6, 6),
    "/changes/": (2, 2),  # no PDU inspected twice: tests/pdus/test_position_and_changes.py
    "/compare/?pdu=lambeth&pdu=newham&standard=2.2": (8, 8),
    "/compare/?region=london&standard=2.4": (8, 8),
    "/compare/?region=london&format=xlsx": (7, 7),
    "/standards/pdu/2-2-assessment/": (10, 10),  # findings a page of inspections at a time
    "/standards/quality-impact/protecting-the-public/": (7, 7),
    "/findings/1/": (2, 2),
    "/inspections/": (3, 3),  # 50 to a page: the count and the page
    "/inspections/lambeth-pdu-2022/": (9, 9),  # with its correction notices
    "/api/inspections/": (3, 3),
    "/api/inspections/lambeth-pdu-2022/": (8, 8),
    "/api/bodies/": (2, 2),
    "/api/bodies/lambeth/": (4, 4),
}


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries)


@pytest.mark.parametrize("url", PAGES)
def test_query_count_is_the_same_on_ten_times_the_data(client, published_data, url):
    london = Region.objects.get(slug="london")
    director = make_user("london-director", REGIONAL_DIRECTORS, london)
    admin = make_user("ada-admin", ADMINS, is_staff=True)
    clients = {
        "signed out": client,
        "a regional director": client_for(director),
        "an admin": client_for(admin),
    }
    at_size_one = {who: queries_for(c, url) for who, c in clients.items()}
    multiply_published_data(10)
    signed_out, signed_in = PAGES[url]
    for who, c in clients.items():
        at_size_ten = queries_for(c, url)
        budget = signed_out if who == "signed out" else signed_in
        found = at_size_one[who]
        assert at_size_ten == found, f"{url}, {who}: {found} queries grew to {at_size_ten}"
        assert found == budget, f"{url}, {who}: {found} queries, budget {budget}"
