"""Under the Content-Security-Policy every chart still draws and the admin still works:
the browser reports no violation on any page with a chart, nor in the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from inspections.models import Inspection
from tests.recommendations.helpers import track_all
from tests.test_every_page import parse_policy

pytestmark = pytest.mark.django_db(transaction=True)

# (page, the id of each chart's div on it)
CHART_PAGES = [
    ("/regions/london/", ["chart-ranking", "chart-distribution"]),
    ("/pdus/lambeth/", ["chart-key-questions"]),
    ("/compare/?pdu=lambeth&pdu=newham", ["chart-compare-key-questions"]),
    ("/explore/themes/staffing-and-workloads/", ["chart-theme-bodies"]),
    ("/tracker/", ["status-over-time"]),
]

# Init scripts run outside the page's policy; this one writes every violation the page
# meets to the console, beside Chromium's own "... violates the following Content
# Security Policy directive" lines.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def violations(page):
    """CSP violations on `page`, and uncaught exceptions, which a blocked script causes."""
    found = []
    page.add_init_script(REPORT_VIOLATIONS)

    def on_console(message):
        if "CSP violation" in message.text or "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("ada", "ada@example.org", "a-long-password")


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def open_under_policy(page, url):
    response = page.goto(url)
    assert response.status == 200
    policy = parse_policy(response.header_value("Content-Security-Policy"))
    assert policy["script-src"] == ["'self'"]
    assert not any("unsafe-inline" in values for values in policy.values())


@pytest.mark.parametrize(("path", "charts"), CHART_PAGES, ids=[p[0] for p in CHART_PAGES])
def test_charts_draw_with_no_policy_violation(
    live_server, published_data, superuser, page, violations, path, charts
):
    track_all(superuser, timezone.localdate())  # so the tracker has a chart
    open_under_policy(page, f"{live_server.url}{path}")
    for chart in charts:
        expect(page.locator(f"#{chart} svg.main-svg").first).to_be_attached()
    # plotly's style rules (its <style> element) applied: the hover layer's SVG lies over
    # the plot's rather than below it.
    expect(page.locator(f"#{charts[0]} svg.main-svg").first).to_have_css("position", "absolute")
    # Hovering a bar shows its label, drawn at run time under the same policy.
    bar = page.locator(f"#{charts[0]} .point path").first
    bar.scroll_into_view_if_needed()
    bar = bar.bounding_box()
    page.mouse.move(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
    expect(page.locator(f"#{charts[0]} .hoverlayer .hovertext").first).to_be_attached()
    assert violations == []


def test_the_admin_works_with_no_policy_violation(
    live_server, published_data, superuser, page, violations
):
    sign_in(page, live_server, superuser)
    open_under_policy(page, f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    inspection = Inspection.objects.get(slug="lambeth-pdu-2022")
    open_under_policy(
        page, f"{live_server.url}/admin/inspections/inspection/{inspection.pk}/change/"
    )
    # The admin's own scripts ran: the date fields got their calendar shortcuts.
    expect(page.locator(".datetimeshortcuts").first).to_be_attached()
    assert violations == []
