"""With JavaScript off the charts cannot draw, but the tables beside them carry the same
figures, so a user without JavaScript still gets every answer; a line where each chart
would be says so."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_js_page(browser, audit):
    context = browser.new_context(java_script_enabled=False)
    page = audit.watch(context.new_page())
    yield page
    context.close()


def charts_drawn(page):
    return page.locator(".app-chart svg")


NO_SCRIPT_NOTE = "This chart needs JavaScript to show; every figure in it is also in a table below."


def expect_a_note_for_each_chart(page, count):
    """Where each chart would be, the note that stands in for it, and not its title."""
    notes = page.locator(".app-chart").get_by_text(NO_SCRIPT_NOTE, exact=True)
    expect(notes).to_have_count(count)
    for note in notes.all():
        expect(note).to_be_visible()
    expect(page.locator(".app-chart__title")).to_have_count(count)
    for title in page.locator(".app-chart__title").all():
        expect(title).to_be_hidden()


def test_overview_tables_without_javascript(
    live_server, published_data, no_js_page, page, audit, goto_without_scripts
):
    url = f"{live_server.url}/regions/london/"
    no_js_page.goto(url)
    expect(no_js_page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))
    expect(charts_drawn(no_js_page)).to_have_count(0)
    expect_a_note_for_each_chart(no_js_page, 2)  # the ranking and the spread of ratings

    heatmap = no_js_page.get_by_role("table", name="Ratings by PDU (rows) and standard (columns)")
    expect(heatmap).to_be_visible()
    expect(heatmap.get_by_role("rowheader")).to_have_count(6)
    expect(
        heatmap.get_by_role("link", name="Inadequate for 2.2 Assessment at Lambeth")
    ).to_be_visible()
    ranking = no_js_page.get_by_role("table", name="PDUs ranked by score")
    expect(ranking).to_be_visible()
    expect(ranking.get_by_role("row").nth(1)).to_contain_text("Newham")
    expect(ranking.get_by_role("row").nth(1)).to_contain_text("6/24")
    spread = no_js_page.get_by_role("table", name="Number of PDUs given each rating, by standard")
    expect(spread).to_be_visible()
    assessment = spread.get_by_role("row").filter(
        has=no_js_page.get_by_role("rowheader", name="2.2 Assessment")
    )
    expect(assessment.get_by_role("cell")).to_have_text(
        ["0", "0", "0", "6 rated Inadequate", "0", "0"]
    )
    audit.check(no_js_page, "no-js-overview", axe=False)

    # axe needs JavaScript: audit the same HTML with its scripts removed instead.
    goto_without_scripts(page, url)
    expect(charts_drawn(page)).to_have_count(0)
    expect_a_note_for_each_chart(page, 2)
    audit.check(page, "no-js-overview-audited")
    audit.assert_clean()


def test_pdu_page_tables_without_javascript(
    live_server, published_data, no_js_page, page, audit, goto_without_scripts
):
    url = f"{live_server.url}/pdus/lambeth/"
    no_js_page.goto(url)
    expect(charts_drawn(no_js_page)).to_have_count(0)
    expect_a_note_for_each_chart(no_js_page, 1)
    expect(no_js_page.get_by_role("heading", level=1)).to_have_text("Lambeth PDU")
    key_questions = no_js_page.get_by_role("table", name="2.2 Assessment: key questions")
    expect(key_questions).to_be_visible()
    expect(
        key_questions.get_by_role("row").filter(has_text="keeping other people safe")
    ).to_contain_text("12%")
    for standard in ["2.3 Planning", "2.4 Implementation and delivery", "2.5 Reviewing"]:
        expect(no_js_page.get_by_role("table", name=f"{standard}: key questions")).to_be_visible()
    audit.check(no_js_page, "no-js-pdu-lambeth", axe=False)

    goto_without_scripts(page, url)
    audit.check(page, "no-js-pdu-lambeth-audited")
    audit.assert_clean()


def test_compare_form_works_without_javascript(
    live_server, published_data, no_js_page, page, audit, goto_without_scripts
):
    no_js_page.goto(f"{live_server.url}/compare/")
    no_js_page.get_by_role("checkbox", name="Lambeth PDU").check()
    no_js_page.get_by_role("checkbox", name="Newham PDU").check()
    no_js_page.get_by_role("button", name="Compare").click()
    expect(no_js_page).to_have_url(re.compile(r"pdu=lambeth&pdu=newham"))
    table = no_js_page.get_by_role("table", name="Each standard's rating for each PDU")
    expect(table).to_be_visible()
    # The key-question figures are in the page (some may be folded in a details element).
    key_questions = no_js_page.locator("table").filter(
        has=no_js_page.locator("caption", has_text="Key-question percentages for each PDU")
    )
    expect(key_questions.first).to_be_attached()
    expect(charts_drawn(no_js_page)).to_have_count(0)
    expect_a_note_for_each_chart(no_js_page, 1)
    audit.check(no_js_page, "no-js-compare", axe=False)

    goto_without_scripts(page, no_js_page.url)
    audit.check(page, "no-js-compare-audited")
    audit.assert_clean()
