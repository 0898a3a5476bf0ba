"""Two production servers, one database, one cache: as behind a load balancer.

Each server is gunicorn with two workers, DEBUG off, the cache in Redis; both serve one
database (a SQLite file, or PostgreSQL when the suite runs on it). A change made through
one must be seen at once through the other, on pages, in the API and in the explorer's
facets, though each worker keeps its own facet index in memory and pages are served from
the shared cache; a page one renders the other serves from that cache; and sign-in
attempts count across both, one at a time and in a parallel burst.
"""

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.servers import WebClient, manage, production_server, server_database

pytestmark = pytest.mark.server

PASSWORD = "a-long-test-password-1"
LAMBETH = "lambeth-pdu-2022"
MAKE_USERS = f"""
from django.contrib.auth import get_user_model
User = get_user_model()
User.objects.create_superuser("two-admin", "a@example.org", "{PASSWORD}")
User.objects.create_user("two-guessed", "g@example.org", "{PASSWORD}")
User.objects.create_user("two-burst", "b@example.org", "{PASSWORD}")
"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with server_database(tmp_path_factory.mktemp("two-servers")) as database_url:
        manage(database_url, "shell", "-c", MAKE_USERS)
        with (
            production_server(database_url, workers=2) as first,
            production_server(database_url, workers=2) as second,
        ):
            yield WebClient(first), WebClient(second)


def results(client, query) -> int:
    page = client.get(f"/explore/?{query}")
    assert page.status == 200
    return int(re.search(r'id="results">(\d+) result', page.text).group(1))


def listed(client) -> set[str]:
    slugs = set()
    page = 1
    while page:
        data = json.loads(client.get(f"/api/inspections/?page={page}").body)
        slugs |= {item["slug"] for item in data["results"]}
        page = page + 1 if data.get("next") else None
    return slugs


def test_a_change_through_one_server_is_seen_at_once_through_the_other(servers):
    first, second = servers
    # Every worker of the second server reads first, so each holds its facet index.
    for _ in range(6):
        assert results(second, "body=lambeth") > 0
        assert results(second, "q=staff") > 0
    staff_before = results(second, "q=staff")
    assert LAMBETH in listed(second)
    assert second.get(f"/inspections/{LAMBETH}/").status == 200

    first.sign_in("two-admin", PASSWORD)
    unpublish = f"/manage/{LAMBETH}/unpublish/"
    response = first.post(unpublish, {"reason": "A correction to its ratings"})
    assert response.status == 302

    for _ in range(6):  # whichever worker answers
        assert results(second, "body=lambeth") == 0
        assert results(second, "q=staff") < staff_before
    assert LAMBETH not in listed(second)
    assert second.get(f"/inspections/{LAMBETH}/").status == 404
    assert "Lambeth" not in second.get("/").text


def test_a_page_rendered_by_one_server_is_served_by_the_other(servers):
    # Behind a load balancer every server is asked for the one public address.
    first, second = (WebClient(server.base_url) for server in servers)  # signed out
    public = {"Host": "127.0.0.1"}
    for path in ("/regions/london/", "/explore/?q=assessment&kind=strength"):
        rendered = first.request("GET", path, headers=public)
        served = second.request("GET", path, headers=public)
        assert rendered.status == served.status == 200
        assert served.headers["X-Page-Cache"] == "hit"
        assert served.body == rendered.body


def test_sign_in_failures_count_across_both_servers(servers):
    first, second = servers
    for client in (first, second, first, second, first):  # the limit is 5
        page = WebClient(client.base_url).post(
            "/accounts/login/", {"username": "two-guessed", "password": "wrong"}
        )
        assert page.status == 200
    for client in (first, second):
        fresh = WebClient(client.base_url)
        page = fresh.post("/accounts/login/", {"username": "two-guessed", "password": PASSWORD})
        assert page.status == 200, "the right password got in after five failures"
        assert "Too many failed attempts to sign in" in page.text


def test_a_parallel_burst_across_both_servers_gets_no_more_checks_than_the_limit(servers):
    first, second = servers
    # Each attempt's form, fetched first so that the burst is only the POSTs.
    clients = [WebClient((first, second)[n % 2].base_url) for n in range(30)]
    forms = [client.get("/accounts/login/") for client in clients]

    def attempt(n):
        return clients[n].post(
            "/accounts/login/",
            {"username": "two-burst", "password": "wrong"},
            csrf_from=forms[n],
        )

    with ThreadPoolExecutor(30) as pool:
        pages = list(pool.map(attempt, range(30)))
    assert all(page.status == 200 for page in pages)
    # Only a checked attempt that left the account unlocked says the password was wrong:
    # the first four of the five checked. Every other was refused as too many.
    checked_and_wrong = sum("Enter a correct username and password" in p.text for p in pages)
    assert checked_and_wrong == 4
    assert sum("Too many failed attempts" in p.text for p in pages) == 26
    page = WebClient(first.base_url).post(
        "/accounts/login/", {"username": "two-burst", "password": PASSWORD}
    )
    assert "Too many failed attempts" in page.text
