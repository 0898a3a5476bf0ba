"""Pages come from the cache until the published data changes: signed out, and signed in
where the page is the same for everyone but the header; nothing that is one visitor's own
(the tracker's controls, a form's CSRF token, a user's name) is ever served to another."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from config.page_cache import HEADER
from inspections.models import Finding, Inspection
from pdus.models import Region
from recommendations.roles import ADMINS, REGIONAL_DIRECTORS
from tests.recommendations.helpers import client_for, make_user

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


def test_a_users_own_pages_are_never_stored_nor_served_from_the_cache(client, published_data):
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


def account_link(username):
    return f'Sign out<span class="govuk-visually-hidden"> {username}</span>'.encode()


def test_a_page_the_same_for_everyone_is_shared_by_the_signed_in(published_data):
    london = Region.objects.get(slug="london")
    first, second = (
        client_for(make_user(n, REGIONAL_DIRECTORS, london)) for n in ("dir-a", "dir-b")
    )
    rendered, rendering = get(first, PAGE)
    served, serving = get(second, PAGE)
    assert rendered[HEADER] == "miss" and served[HEADER] == "hit"
    assert serving == 1 < rendering  # the user, with the data's version
    # Each with their own account link, and nothing of the other's.
    assert account_link("dir-a") in rendered.content and b"dir-b" not in rendered.content
    assert account_link("dir-b") in served.content and b"dir-a" not in served.content
    assert served.content == rendered.content.replace(b"dir-a", b"dir-b")
    assert int(served["Content-Length"]) == len(served.content)
    # Signed out is another page (Sign in, not Sign out).
    signed_out, _ = get(Client(), PAGE)
    assert signed_out[HEADER] == "miss" and b"Sign out" not in signed_out.content


def test_an_admins_page_is_never_a_directors(published_data):
    london = Region.objects.get(slug="london")
    admin = client_for(make_user("ada-admin", ADMINS, is_staff=True))
    director = client_for(make_user("dir-a", REGIONAL_DIRECTORS, london))
    for client in (admin, director):
        get(client, PAGE)
    admins, _ = get(admin, PAGE)
    directors, _ = get(director, PAGE)
    assert admins[HEADER] == "hit" and directors[HEADER] == "hit"
    # The header's sections and the inspection's admin controls are the admin's alone.
    for only_for_admins in (b"Enter inspections", b"Unpublish this inspection", b'href="/admin/"'):
        assert only_for_admins in admins.content
        assert only_for_admins not in directors.content


def test_a_signed_in_page_with_a_message_waiting_is_rendered(published_data):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    london = Region.objects.get(slug="london")
    client = client_for(make_user("dir-a", REGIONAL_DIRECTORS, london))
    get(client, PAGE)
    # A message as a form leaves it for the next page: in the messages cookie.
    storage, sent = CookieStorage(HttpRequest()), HttpResponse()
    storage.add(constants.SUCCESS, "Progress recorded.")
    storage.update(sent)
    client.cookies[storage.cookie_name] = sent.cookies[storage.cookie_name].value
    response, _ = get(client, PAGE)
    assert HEADER not in response
    assert b"Progress recorded." in response.content
    # Shown, the message's cookie is deleted (a browser drops it; the test client keeps it
    # empty), and the page comes from the cache again.
    assert sent.cookies[storage.cookie_name].value
    del client.cookies[storage.cookie_name]
    assert get(client, PAGE)[0][HEADER] == "hit"


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
