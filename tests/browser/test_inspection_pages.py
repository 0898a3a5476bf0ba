"""A user opens the list of every inspection, then one inspection as published."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

LAMBETH = "An inspection of probation services in: Lambeth PDU"


def test_inspection_list_to_inspection_page(live_server, published_data, page, audit):
    page.goto(f"{live_server.url}/inspections/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inspections")
    expect(page.get_by_role("navigation", name="Breadcrumb").get_by_role("listitem")).to_have_text(
        ["Overview", "Inspections"]
    )
    table = page.get_by_role("table", name=re.compile(r"^\d+ published inspections$"))
    lambeth = table.get_by_role("row").filter(has=page.get_by_role("link", name=LAMBETH))
    # The text shown: each cell also holds its column's name for a phone's card layout,
    # hidden at this width (and from screen readers, which have the column headers).
    expect(lambeth.get_by_role("cell")).to_have_text(
        [
            LAMBETH,
            re.compile(r"^Lambeth PDU\s*London$"),
            "PDU inspection programme",
            "15 August 2022",
            "October 2022",
            "3/24",
            "Inadequate",
        ],
        use_inner_text=True,
    )
    audit.check(page, "inspections-1-list")

    lambeth.get_by_role("link", name=LAMBETH).click()

    expect(page).to_have_url(f"{live_server.url}/inspections/lambeth-pdu-2022/")
    expect(page.get_by_role("heading", level=1)).to_have_text(LAMBETH)
    expect(page.get_by_role("navigation", name="Breadcrumb").get_by_role("listitem")).to_have_text(
        ["Overview", "London", "Lambeth", LAMBETH]
    )
    ratings = page.get_by_role("table", name="Rating for each standard")
    expect(
        ratings.get_by_role("row").filter(has=page.get_by_role("rowheader", name="2.2 Assessment"))
    ).to_contain_text("Inadequate")
    assessment = page.get_by_role("table", name="2.2 Assessment")
    expect(
        assessment.get_by_role("row").filter(
            has_text="Does assessment focus sufficiently on keeping other people safe?"
        )
    ).to_contain_text("12%")
    expect(page.get_by_role("heading", name="Data-quality notes")).to_be_visible()
    audit.check(page, "inspections-2-lambeth")

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Lambeth").click()
    expect(page).to_have_url(f"{live_server.url}/pdus/lambeth/")
    audit.assert_clean()


def test_static_files_are_served_by_the_app(live_server, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url)
    assert requested, "the page loaded nothing"
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert any(url.endswith("govuk-frontend.min.css") for url in requested)
