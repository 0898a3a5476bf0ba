"""An admin imports a newly published report, corrects it, publishes it and finds it."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import expect

from inspections.models import Inspection
from tests.browser.conftest import DOCUMENT_STATUS_LOGGED
from tests.conftest import LAMBETH

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, user):
    """Start a session for `user` (the sign-in page has tests of its own)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_admin_imports_corrects_and_publishes_lambeth(
    live_server, published_data, reports_dir, page, axe_violations, screenshot, console_errors
):
    # As if the Lambeth report had just been published: the database does not have it yet.
    Inspection.objects.filter(slug="lambeth-pdu-2022").delete()
    sign_in(page, live_server, User.objects.create_superuser("admin", password="x" * 20))

    page.goto(f"{live_server.url}/manage/import/")
    expect(page.get_by_role("heading", name="Import a report")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Report").set_input_files(str(reports_dir / "000_dc3a9006563f0344.txt"))
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_role("heading", name="Review and publish")).to_be_visible()
    expect(page.get_by_text("3/24")).to_be_visible()
    expect(page.get_by_text("What the import could not read")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "entry-review")

    # Correct one value: Lambeth's leadership rating, with the reason for departing.
    page.get_by_role("link", name="Ratings and key questions").click()
    page.get_by_label("Rating for 1.1 Leadership").select_option("inadequate")
    page.get_by_role("button", name="Save and continue").click()
    page.goto(page.url.replace("/findings/", "/review/"))
    expect(page.get_by_text("2/24")).to_be_visible()

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "An inspection of probation services in: Lambeth PDU"
    )
    page.goto(live_server.url)
    ranking = page.get_by_role("table", name="PDUs ranked by score")
    expect(ranking.get_by_role("row").filter(has_text="Lambeth")).to_contain_text("2/24")
    screenshot(page, "entry-published-on-overview")
    assert console_errors == []


def test_admin_unpublishes_lambeth_and_imports_its_pdf(
    live_server, published_data, report_pdfs, page, axe_violations, screenshot, console_errors
):
    sign_in(page, live_server, User.objects.create_superuser("admin", password="x" * 20))
    page.goto(f"{live_server.url}/inspections/lambeth-pdu-2022/")
    page.get_by_role("link", name="Unpublish this inspection").click()
    expect(page.get_by_role("heading", name="Unpublish this inspection")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Unpublish").click()  # no reason given
    expect(page.get_by_role("alert")).to_contain_text("Enter why the inspection is being")
    page.get_by_label("Why is it being unpublished?").fill("A rating was entered wrongly.")
    page.get_by_role("button", name="Unpublish").click()
    expect(page.get_by_text("is unpublished: it is a draft again")).to_be_visible()
    expect(page.get_by_role("heading", name="Review and publish")).to_be_visible()
    page.goto(live_server.url)
    expect(page.get_by_role("table", name="PDUs ranked by score")).not_to_contain_text("Lambeth")

    page.goto(f"{live_server.url}/manage/import/")
    page.get_by_label("Report").set_input_files(
        {"name": "lambeth.pdf", "mimeType": "application/pdf", "buffer": report_pdfs[LAMBETH][1]}
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Re-imported; the earlier draft was replaced")).to_be_visible()
    expect(page.get_by_text("3/24")).to_be_visible()
    screenshot(page, "entry-pdf-review")
    page.get_by_role("button", name="Publish").click()
    page.goto(live_server.url)
    ranking = page.get_by_role("table", name="PDUs ranked by score")
    expect(ranking.get_by_role("row").filter(has_text="Lambeth")).to_contain_text("3/24")
    assert [e for e in console_errors if not e.startswith(DOCUMENT_STATUS_LOGGED.format(400))] == []


def test_readers_cannot_reach_the_entry_pages(live_server, published_data, page):
    sign_in(page, live_server, User.objects.create_user("reader", password="x" * 20))
    response = page.goto(f"{live_server.url}/manage/import/")
    assert response.status == 403
