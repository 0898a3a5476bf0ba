"""A user opens the list of inspections, then one inspection, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_to_inspection_page(
    live_server, published_data, page, axe_violations, screenshot, console_errors
):
    page.goto(live_server.url)
    expect(page).to_have_title(re.compile("Inspection Findings"))
    expect(page.get_by_role("heading", name="Inspections", exact=True)).to_be_visible()
    lambeth_row = page.get_by_role("row").filter(has_text="Lambeth PDU")
    expect(lambeth_row).to_contain_text("3/24")
    expect(lambeth_row).to_contain_text("Inadequate")
    assert axe_violations(page) == []
    screenshot(page, "home")

    page.get_by_role("link", name="An inspection of probation services in: Lambeth PDU").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "An inspection of probation services in: Lambeth PDU"
    )
    assessment = page.get_by_role("table", name="2.2 Assessment")
    expect(assessment).to_contain_text("Does assessment focus sufficiently on keeping other")
    expect(assessment).to_contain_text("12%")
    expect(page.get_by_role("heading", name="Data-quality notes")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "inspection-lambeth")
    assert console_errors == []


def test_static_files_are_served_by_the_app(live_server, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url)
    assert requested, "the page loaded nothing"
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert any(url.endswith("govuk-frontend.min.css") for url in requested)
