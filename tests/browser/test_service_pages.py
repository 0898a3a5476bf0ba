"""The service's own pages fit a 320 px screen and a 1280 px one, with no serious or
critical axe violations, and a screenshot in test-results/screenshots/."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    ("/glossary/", "What the ratings mean"),
    ("/accessibility/", "Accessibility statement for Inspection Findings"),
    ("/contact/", "Contact us"),
]


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_page_fits_the_screen_and_passes_axe(
    live_server, published_data, page, axe_violations, screenshot, path, heading, width
):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(
        page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement")
    ).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{path} is {scroll_width} px wide at {width} px"
    screenshot(page, f"service-page-{path.strip('/')}-{width}")
    assert axe_violations(page) == []
