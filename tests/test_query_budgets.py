"""Every page runs the same number of queries on ten times the data, signed out or signed in.

The published data is copied to make a region with ten times the PDUs, ratings,
key questions, findings and recommendations; each page's query count must not move.

Signed out, a page first asks the published data's version (the page cache's key, one
query; a page served from the cache asks nothing else). Signed in, it reads the session
and the user (with a director's profile and region) instead, and a page with the header
the user's permissions, their own and their groups' in one query (may they enter
inspections?): a regional director and an admin alike.
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
    "/": (7, 9),  # England and Wales, with when the data was last updated
    "/?page=2": (7, 9),  # the national ranking paged
    "/regions/london/": (8, 10),  # with England and Wales beside the region
    "/pdus/": (7, 9),
    "/pdus/lambeth/": (16, 18),  # with its position in its region and nationally
    "/changes/": (2, 4),  # no PDU inspected twice: tests/pdus/test_position_and_changes.py
    "/compare/?pdu=lambeth&pdu=newham&standard=2.2": (8, 10),
    "/compare/?region=london&standard=2.4": (8, 10),
    "/compare/?region=london&format=xlsx": (7, 8),
    "/standards/pdu/2-2-assessment/": (10, 12),  # findings a page of inspections at a time
    "/standards/quality-impact/protecting-the-public/": (7, 9),
    "/findings/1/": (2, 4),
    "/inspections/": (3, 5),  # 50 to a page: the count and the page
    "/inspections/lambeth-pdu-2022/": (9, 11),  # with its correction notices
    "/api/inspections/": (3, 4),
    "/api/inspections/lambeth-pdu-2022/": (8, 9),
    "/api/bodies/": (2, 3),
    "/api/bodies/lambeth/": (4, 5),
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
