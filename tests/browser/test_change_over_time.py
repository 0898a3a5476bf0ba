"""A PDU's position and its change between two inspections, and the national view of
how ratings moved, on generated national data: a user answers by clicking, and each page
reflows at 320 CSS px and passes axe at any impact."""

import re

import pytest
from playwright.sync_api import expect

from inspections.ingest import demo
from pdus.models import Body
from tests.browser.conftest import PageAudit
from tests.browser.test_page_kinds import MEASURE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def national_data(settings):
    settings.DEMO = True
    assert demo.build(seed=3, pdus_per_region=(2, 3)) is not None


def test_where_a_pdu_stands_and_what_changed_by_clicking(
    live_server, national_data, browser, browser_context_args, axe_all_violations, screenshot
):
    context = browser.new_context(
        **{**browser_context_args, "viewport": {"width": 320, "height": 900}}
    )
    page = context.new_page()
    audit = PageAudit(axe_all_violations, screenshot)
    audit.watch(page)
    try:
        body = Body.objects.filter(kind=Body.Kind.PDU).order_by("name").first()
        page.goto(f"{live_server.url}{body.get_absolute_url()}")
        # Where it stands on 2.2, nationally and in its region.
        glance = page.locator(".app-ratings-summary")
        row = glance.locator(".govuk-summary-list__row").filter(has_text="2.2 Assessment")
        expect(row).to_contain_text(
            re.compile(r"of \d+ nationally, .* of \d+ in " + body.region.name)
        )
        # What changed between its two inspections, in words.
        history = page.get_by_role("region", name="Ratings by inspection")
        expect(history.get_by_role("columnheader")).to_have_count(3)
        expect(history).to_contain_text(re.compile(r"Improved from|Declined from|Same as before"))
        expect(history).to_contain_text(re.compile(r"(Up|Down) [\d.]+ points? from|Same as before"))
        # What the later report says of the earlier recommendations.
        expect(page.locator(".app-follow-up-tag").first).to_be_visible()
        checks = [("pdu", page.evaluate(MEASURE))]
        audit.check(page, "over-time-320-pdu")

        page.get_by_role("link", name="How ratings moved between inspections").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "How ratings moved between inspections"
        )
        summary = page.get_by_role("table", name=re.compile("went up, stayed the same"))
        link = summary.get_by_role("link", name=re.compile("PDUs went down on 2.2 Assessment"))
        count = int(link.inner_text().split()[0])
        checks.append(("changes", page.evaluate(MEASURE)))
        audit.check(page, "over-time-320-changes")
        link.click()
        expect(page.locator("#pdus ~ ul").first.locator("li")).to_have_count(count)
        checks.append(("changes chosen", page.evaluate(MEASURE)))
        audit.check(page, "over-time-320-changes-chosen")
        for what, measured in checks:
            assert measured["scrollWidth"] <= measured["width"], (what, measured)
            assert not measured["unlabelled"], (what, measured)
    finally:
        audit.stop_watching()
        context.close()
    audit.assert_clean()
