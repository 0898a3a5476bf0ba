"""Error pages in the service's own style, saying plainly what went wrong and what to do,
with DEBUG off as in production (pytest-django turns it off)."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import include, path


def broken_view(request):
    raise RuntimeError("A fault the view did not expect.")


# A test-only urlconf (@pytest.mark.urls(__name__)): the app's pages and one that fails.
urlpatterns = [path("broken/", broken_view), path("", include("config.urls"))]


def test_a_missing_page_says_page_not_found(client, db):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<title>Page not found – Inspection Findings</title>" in page
    assert "If you typed the web address, check it is correct." in page
    assert 'href="/inspections/"' in page  # where to look instead
    assert "govuk-service-navigation" in page  # the service's header, as on every page


def test_a_missing_record_says_page_not_found(client, db):
    response = client.get("/pdus/nowhere/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_signed_in_user_who_may_not_manage_inspections_gets_the_403_page(client, db):
    client.force_login(User.objects.create_user("reader", password="a-long-test-password"))
    response = client.get("/manage/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "You do not have permission to view this page" in page
    assert "You are signed in as reader" in page
    assert 'href="/accounts/logout/"' in page


def test_a_request_for_an_unknown_host_gets_the_400_page(client, db):
    response = client.get("/", HTTP_HOST="attacker.example")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in page
    assert "nothing has been changed" in page


@pytest.mark.urls(__name__)
def test_an_unexpected_fault_gets_the_500_page_without_touching_the_database(client, db):
    client.raise_request_exception = False
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/broken/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "<title>Sorry, there is a problem with the service – Inspection Findings</title>" in page
    assert "Try again later." in page
    assert "A fault the view did not expect" not in page  # nothing of the fault leaks
    # Only the page cache's read of the data's version, before the view.
    assert [q for q in queries.captured_queries if "facetstate" not in q["sql"]] == []
    assert "Content-Security-Policy" in response


def test_the_500_page_renders_with_no_request_and_no_database():
    # No `db` fixture: pytest-django fails any database query this template made.
    page = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in page
    assert "<script" not in page
