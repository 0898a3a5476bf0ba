"""The compare and PDU pages on a 320 px phone and a 1280 px desktop, and in print: no
sideways scrolling of the page, every PDU within reach, no axe violation of any impact."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_run

pytestmark = pytest.mark.django_db(transaction=True)

COMPARE_LONDON = "/compare/?region=london&standard=2.2"
LONDON_PDUS = [
    "Barking, Dagenham and Havering",
    "Ealing and Hillingdon",
    "HFKCW",
    "Lambeth",
    "Lewisham and Bromley",
    "Newham",
]
# Chromium prints A4 with 0.4 in margins: 8.27 - 0.8 = 7.47 in of paper, at 96 px an inch.
A4_PRINTED_WIDTH = 717


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def ratings_region(page):
    return page.get_by_role("region", name="Ratings side by side")


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize(
    "path",
    [COMPARE_LONDON, "/pdus/lambeth/", "/pdus/newham/", "/pdus/lewisham-and-bromley/profile/"],
)
def test_page_fits_the_screen_and_passes_axe_at_any_impact(
    live_server, published_data, module_page, path, width
):
    page = module_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}{path}")
    assert page_width(page) <= width
    assert axe_run(page, impacts=None) == []


def test_compare_at_six_pdus_keeps_the_standard_in_view_on_a_phone(
    live_server, published_data, module_page
):
    page = module_page
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto(f"{live_server.url}{COMPARE_LONDON}")
    region = ratings_region(page)
    table = region.get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(["Standard", *LONDON_PDUS, "Differs?"])
    # The cue in words, tied to the region, which the keyboard can reach to scroll.
    hint = page.locator("#ratings-scroll-hint")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("scrolls sideways")
    expect(region).to_have_attribute("aria-describedby", "ratings-scroll-hint")
    region.focus()
    expect(region).to_be_focused()
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")

    staff = table.get_by_role("rowheader", name="1.2 Staff")
    newham = table.get_by_role("columnheader", name="Newham")
    before = staff.bounding_box()["x"]
    page.keyboard.press("ArrowRight")  # the focused region scrolls from the keyboard
    page.wait_for_function(
        "() => document.querySelector('#ratings ~ .app-table-scroll').scrollLeft > 0"
    )
    region.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    expect(newham).to_be_in_viewport()
    assert abs(staff.bounding_box()["x"] - before) < 1, "the standard column scrolled away"
    region_box, newham_box = region.bounding_box(), newham.bounding_box()
    assert newham_box["x"] + newham_box["width"] <= region_box["x"] + region_box["width"] + 1


def test_compare_at_six_pdus_fits_a_desktop_column_without_scrolling(
    live_server, published_data, module_page
):
    page = module_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}{COMPARE_LONDON}")
    region = ratings_region(page)
    assert region.evaluate("e => e.scrollWidth <= e.clientWidth")
    expect(page.locator("#ratings-scroll-hint")).to_be_hidden()


def test_compare_prints_every_pdu(live_server, published_data, module_page):
    page = module_page
    page.set_viewport_size({"width": A4_PRINTED_WIDTH, "height": 1000})
    page.goto(f"{live_server.url}{COMPARE_LONDON}")
    page.emulate_media(media="print")
    try:
        region = ratings_region(page)
        assert region.evaluate("e => e.scrollWidth <= e.clientWidth")
        right = region.bounding_box()["x"] + region.bounding_box()["width"]
        for name in LONDON_PDUS:
            header = region.get_by_role("columnheader", name=name)
            box = header.bounding_box()
            assert box["x"] + box["width"] <= right + 1, name
        assert page_width(page) <= A4_PRINTED_WIDTH
    finally:
        page.emulate_media(media="screen")


def test_compare_leads_with_what_differs(live_server, published_data, module_page):
    page = module_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}{COMPARE_LONDON}")
    differences = page.get_by_role("heading", name="What differs", level=2)
    ratings = page.get_by_role("heading", name="Ratings side by side", level=2)
    assert differences.bounding_box()["y"] < ratings.bounding_box()["y"]
    expect(page.locator("#differences-summary")).to_contain_text(
        "rated differently on 6 of 9 standards and overall"
    )
    # What the samples cannot tell apart is a click away, not rows of "No difference".
    others = page.get_by_text("All 13 key questions, where the samples cannot tell the PDUs apart")
    expect(others).to_be_visible()
    expect(
        page.get_by_role("table", name=re.compile("the samples tell no PDUs apart"))
    ).to_be_hidden()
    others.click()
    expect(
        page.get_by_role("table", name=re.compile("the samples tell no PDUs apart"))
    ).to_be_visible()


def test_pdu_page_starts_with_its_ratings_each_linked_to_its_section(
    live_server, published_data, module_page
):
    page = module_page
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto(f"{live_server.url}/pdus/lambeth/")
    summary = page.locator(".app-ratings-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("term")).to_have_count(11)  # overall, 1.1 to 2.6
    row = summary.locator(".govuk-summary-list__row").filter(
        has=page.get_by_role("link", name="2.2 Assessment")
    )
    # The rating, then where it stands nationally and in London.
    expect(row.get_by_role("definition")).to_have_text(
        re.compile(r"^Inadequate\s*joint 1st of 6 nationally, joint 1st of 6 in London$")
    )
    row.get_by_role("link", name="2.2 Assessment").click()
    expect(page).to_have_url(f"{live_server.url}/pdus/lambeth/#standard-2-2-assessment")
    heading = page.get_by_role("heading", name="2.2 Assessment", level=3)
    expect(heading).to_be_in_viewport()
    expect(page.get_by_role("link", name="Lambeth's profile and context figures")).to_be_visible()
