"""Signed-out pages come from the cache until the published data changes, and nothing
that is one visitor's own (a signed-in page, a form's CSRF token) is ever stored."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.page_cache import HEADER
from inspections.models import Finding, Inspection

PAGE = "/inspections/lambeth-pdu-2022/"


def get(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


def test_a_signed_out_page_is_rendered_once_then_served_from_the_cache(client, published_data):
    first, rendering = get(client, PAGE)
    second, served = get(client, PAGE)
    assert first[HEADER] == "miss" and second[HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert served == 1 < rendering  # the data's version, nothing else
    # Every other middleware's headers are on the cached page too.
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["X-Frame-Options"] == first["X-Frame-Options"]


def test_each_address_is_cached_apart(client, published_data):
    assert get(client, "/pdus/")[0][HEADER] == "miss"
    assert get(client, "/pdus/?region=london")[0][HEADER] == "miss"
    assert get(client, "/pdus/?region=london")[0][HEADER] == "hit"


def test_a_change_to_the_published_data_is_shown_at_once(client, published_data):
    get(client, PAGE)
    finding = Finding.objects.filter(inspection__slug="lambeth-pdu-2022").first()
    Finding.objects.filter(pk=finding.pk).update(text="A finding reworded by a correction.")
    response, _ = get(client, PAGE)
    assert response[HEADER] == "miss"
    assert b"A finding reworded by a correction." in response.content


def test_an_unpublished_inspection_is_not_served_from_the_cache(client, published_data):
    assert get(client, PAGE)[0].status_code == 200
    Inspection.objects.filter(slug="lambeth-pdu-2022").update(is_published=False)
    assert get(client, PAGE)[0].status_code == 404
    assert b"Lambeth" not in get(client, "/inspections/")[0].content


def test_signed_in_pages_are_never_stored_nor_served_from_the_cache(client, published_data):
    get(client, "/tracker/")  # stored for the signed-out
    admin = get_user_model().objects.create_superuser("cache-admin", "a@example.org", "pw")
    client.force_login(admin)
    signed_in, _ = get(client, "/tracker/")
    assert HEADER not in signed_in
    assert b"Sign out" in signed_in.content
    client.logout()
    signed_out, _ = get(client, "/tracker/")
    assert signed_out[HEADER] == "hit"
    assert b"Sign out" not in signed_out.content
    assert b"cache-admin" not in signed_out.content


def test_a_page_with_a_csrf_token_is_not_stored(client, published_data):
    for _ in range(2):
        response, _ = get(client, "/accounts/login/")
        assert response.status_code == 200
        assert HEADER not in response
        assert "csrftoken" in response.cookies


def test_what_must_not_be_stored_is_not(client, published_data):
    for url in ("/healthz", "/pdus/no-such-pdu/"):  # never_cache; not a 200
        get(client, url)
        assert HEADER not in get(client, url)[0]


def test_a_head_request_is_answered_from_what_a_get_stored(client, published_data):
    get(client, PAGE)
    response = client.head(PAGE)
    assert response[HEADER] == "hit"
    assert response.content == b""


def test_a_new_day_renders_again(client, published_data, monkeypatch):
    # What is overdue, and a download's file name, change at midnight.
    import datetime

    from config import page_cache

    get(client, "/tracker/")
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(page_cache.timezone, "localdate", lambda: tomorrow)
    assert get(client, "/tracker/")[0][HEADER] == "miss"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_unsafe_methods_pass_by_the_cache(client, published_data, method):
    get(client, "/explore/")
    response = getattr(client, method)("/explore/")
    assert HEADER not in response


def test_the_page_cache_can_be_turned_off(published_data, settings):
    from django.test import Client

    settings.PAGE_CACHE = False  # DJANGO_PAGE_CACHE=false: read when the middleware loads
    client = Client()
    get(client, PAGE)
    assert HEADER not in get(client, PAGE)[0]


def test_a_new_release_renders_again(client, published_data, monkeypatch):
    # A deploy changes how pages are made without moving the data's version.
    from inspections.web import data_version

    get(client, PAGE)
    assert get(client, PAGE)[0][HEADER] == "hit"
    monkeypatch.setattr(data_version, "release_digest", lambda: "the-next-release")
    assert get(client, PAGE)[0][HEADER] == "miss"


def test_the_release_digest_follows_the_code(settings, tmp_path):
    from inspections.web import data_version

    for folder in data_version.RELEASE_FOLDERS:
        (tmp_path / folder).mkdir()
    (tmp_path / "templates" / "page.html").write_text("<p>one</p>")
    settings.BASE_DIR = tmp_path
    digests = []
    for text in ("<p>one</p>", "<p>two</p>"):
        (tmp_path / "templates" / "page.html").write_text(text)
        data_version.release_digest.cache_clear()
        digests.append(data_version.release_digest())
    data_version.release_digest.cache_clear()
    assert digests[0] != digests[1]
