"""The findings explorer in a real browser: search, narrow by two facets, download the
results, open one; the theme and recurring-recommendation pages; a search that cannot run.
Every page is checked with axe-core."""

import csv
import re

import pytest
from playwright.sync_api import expect

from inspections.web.exports import download_filename

pytestmark = pytest.mark.django_db(transaction=True)

# Chromium logs the status of a page the server answers with an error on purpose.
STATUS_LOGGED = "Failed to load resource: the server responded with a status of 400"


def test_search_narrow_by_two_facets_download_and_open_a_result(
    live_server, published_data, page, axe_violations, screenshot, console_errors
):
    page.goto(live_server.url)
    page.get_by_role("link", name="Explore findings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Explore findings")
    assert axe_violations(page) == []

    page.get_by_role("searchbox", name="Search").fill("staff")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=staff"))
    expect(
        page.get_by_role("heading", name=re.compile(r"^\d+ results for “staff”$"))
    ).to_be_visible()
    expect(page.locator(".app-result mark").first).to_be_visible()
    screenshot(page, "explorer-search")

    page.locator("#facet-body").get_by_role("link", name=re.compile(r"^Lambeth PDU")).click()
    expect(page).to_have_url(re.compile(r"body=lambeth"))
    page.locator("#facet-kind").get_by_role(
        "link", name=re.compile(r"^Area for improvement")
    ).click()
    expect(page).to_have_url(re.compile(r"kind=improvement"))

    chosen = page.locator(".app-chosen")
    expect(chosen).to_contain_text("Inspected body: Lambeth PDU")
    expect(chosen).to_contain_text("Finding kind: Area for improvement")
    results = page.locator(".app-result")
    shown = results.count()
    assert shown > 0
    for index in range(shown):
        expect(results.nth(index)).to_contain_text("Area for improvement")
        expect(results.nth(index)).to_contain_text("Lambeth PDU")
    # The search words stay in the box, so the next search keeps the facets chosen.
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("staff")
    assert axe_violations(page) == []
    screenshot(page, "explorer-narrowed")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^CSV")).click()
    download = download_info.value
    assert download.suggested_filename == download_filename("inspection-findings-explorer", "csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = int(re.match(r"\d+", page.locator("#results").inner_text()).group())
    assert len(rows) == total
    for row in rows:
        assert row["Inspected body"] == "Lambeth PDU"
        assert row["Kind"] == "Area for improvement"
        assert "staff" in row["Text"].lower()
        assert row["Citation"] and row["Source file"] and row["URL"].startswith(live_server.url)

    first = results.first
    quoted = first.locator(".app-result__text").inner_text()
    first.get_by_role("link", name=re.compile(r"^Open this finding")).click()
    expect(page).to_have_url(re.compile(r"/findings/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Area for improvement")
    expect(page.locator("blockquote")).to_contain_text(quoted[:60])
    expect(page.get_by_role("heading", name="Cite this finding")).to_be_visible()
    assert axe_violations(page) == []
    assert console_errors == []


def test_theme_and_recurring_pages(
    live_server, published_data, page, axe_violations, screenshot, console_errors
):
    page.goto(f"{live_server.url}/explore/")
    page.get_by_role("link", name="theme", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Themes")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Staffing and workloads").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staffing and workloads")
    by_body = page.get_by_role("table", name="Records on this theme by inspected body")
    expect(by_body).to_contain_text("Lambeth PDU")
    expect(page.locator("#chart-theme-bodies .main-svg").first).to_be_attached()
    expect(page.locator(".app-result").first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "explorer-theme")

    page.goto(f"{live_server.url}/explore/recurring/")
    group = page.get_by_role("heading", name="Consider incentives to improve recruitment and")
    expect(group).to_be_visible()
    expect(
        page.get_by_role(
            "table",
            name="Inspections that made the recommendation “consider incentives to improve "
            "recruitment and retention of staff”",
        )
    ).to_contain_text("Lambeth PDU")
    assert axe_violations(page) == []
    screenshot(page, "explorer-recurring")
    assert console_errors == []


def test_a_search_that_cannot_run_says_why(
    live_server, published_data, page, axe_violations, console_errors
):
    page.goto(f"{live_server.url}/explore/")
    page.get_by_role("searchbox", name="Search").fill('"" ***')
    page.get_by_role("button", name="Search").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter words or numbers to search for")
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary.get_by_role("link", name="Enter words or numbers to search for").click()
    expect(page.get_by_role("searchbox", name="Search")).to_be_focused()
    assert axe_violations(page) == []
    assert [e for e in console_errors if not e.startswith(STATUS_LOGGED)] == []
