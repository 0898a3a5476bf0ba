"""A regional director signs in, updates a recommendation and sees it on the tracker;
another region's director cannot, by the page or by a forged POST."""

import re

import pytest
from playwright.sync_api import expect

from recommendations.models import ProgressUpdate, Recommendation
from recommendations.roles import REGIONAL_DIRECTORS
from tests.factories import RegionFactory
from tests.recommendations.helpers import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("link", name="Sign out").first.click()
    page.get_by_role("button", name="Sign out").click()


def test_a_director_updates_a_recommendation_and_another_regions_cannot(
    live_server, published_data, page, axe_violations, screenshot, console_errors
):
    from pdus.models import Region

    make_user("london-director", REGIONAL_DIRECTORS, Region.objects.get(slug="london"))
    make_user("wales-director", REGIONAL_DIRECTORS, RegionFactory(name="Wales", slug="wales"))
    lambeth_1 = Recommendation.objects.get(inspection__slug="lambeth-pdu-2022", number=1)

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert axe_violations(page) == []
    sign_in(page, live_server, "london-director")
    expect(page.get_by_role("heading", name="Recommendation tracker", level=1)).to_be_visible()
    expect(page.get_by_text("Regional director, London")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "tracker")

    # To the recommendation from the tracker, filtered to Lambeth.
    page.goto(f"{live_server.url}/tracker/?pdu=lambeth")
    page.get_by_role(
        "link", name=re.compile("improve the effectiveness of quality assurance")
    ).click()
    expect(page.get_by_role("heading", name="Recommendation 1 to Lambeth", level=1)).to_be_visible()
    assert axe_violations(page) == []

    # A mistake first: a status change without a note is shown again with its error.
    page.get_by_label("Agreed", exact=True).check()
    page.get_by_label("Owner").fill("Head of Lambeth PDU")
    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Year").fill("2024")
    page.get_by_label("In progress").check()
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_role("link", name="Enter a note saying why this changed").click()
    expect(page.get_by_label("Note")).to_be_focused()
    expect(page.get_by_label("Owner")).to_have_value("Head of Lambeth PDU")
    assert axe_violations(page) == []
    screenshot(page, "recommendation-error")
    # The form came back with status 400, which Chromium logs; that one is expected.
    assert all("status of 400" in error for error in console_errors)
    console_errors.clear()

    page.get_by_label("Note").fill("Quality assurance plan agreed with the head of PDU.")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_text("Your update has been saved")).to_be_visible()
    history = page.get_by_role("table", name="Every update, newest first")
    expect(history).to_contain_text("Quality assurance plan agreed")
    expect(history).to_contain_text("No update yet → In progress")
    assert axe_violations(page) == []
    screenshot(page, "recommendation-updated")

    page.goto(f"{live_server.url}/tracker/?pdu=lambeth&status=in_progress")
    row = page.get_by_role("row").filter(has_text="improve the effectiveness of quality assurance")
    expect(row).to_contain_text("In progress")
    expect(row).to_contain_text("30 Jun 2024")
    expect(
        page.get_by_role(
            "table", name="Recommendations by reported status at the end of each month"
        )
    ).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "tracker-after-update")

    sign_out(page)
    sign_in(page, live_server, "wales-director")
    page.goto(f"{live_server.url}{lambeth_1.get_absolute_url()}")
    expect(page.get_by_text("You can read this recommendation but not update it")).to_be_visible()
    expect(page.get_by_role("button", name="Save update")).to_have_count(0)
    assert axe_violations(page) == []

    # A forged POST, with a valid CSRF token, is refused and changes nothing.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    forged = page.request.post(
        f"{live_server.url}{lambeth_1.get_absolute_url()}",
        form={
            "csrfmiddlewaretoken": token,
            "version": "1",
            "reported_status": "implemented",
            "note": "Forged",
        },
    )
    assert forged.status == 403
    assert ProgressUpdate.objects.filter(recommendation=lambeth_1).count() == 1
    assert lambeth_1.tracking.reported_status == "in_progress"
    assert console_errors == []
