"""An admin imports a newly published report, corrects it, publishes it and finds it."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import expect

from inspections.models import Inspection
from tests.browser.conftest import AXE, DOCUMENT_STATUS_LOGGED
from tests.conftest import LAMBETH

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, user):
    """Start a session for `user` (the sign-in page has tests of its own)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def resolve_every_item(page, resolution_for=None):
    """Resolve each item to check on the review page: confirmed, or corrected with what
    `resolution_for` says (by words in its description)."""
    resolution_for = resolution_for or {}
    while (
        item := page.locator("section.app-review-item").filter(has=page.locator("form"))
    ).count():
        first = item.first
        description = first.locator("p.govuk-body").first.inner_text()
        correction = next((r for words, r in resolution_for.items() if words in description), None)
        if correction:
            first.get_by_label("No: I corrected it").check()
            first.get_by_label("What you corrected, or why it is right").fill(correction)
        else:
            first.get_by_label("Yes: it is right as read").check()
        first.get_by_role("button", name="Resolve this item").click()
        expect(page.get_by_text("Item resolved.")).to_be_visible()


def test_admin_imports_corrects_and_publishes_lambeth(
    live_server, published_data, reports_dir, page, axe_violations, screenshot, console_errors
):
    # As if the Lambeth report had just been published: the database does not have it yet.
    Inspection.objects.filter(slug="lambeth-pdu-2022").delete()
    sign_in(page, live_server, User.objects.create_superuser("admin", password="x" * 20))

    page.goto(f"{live_server.url}/manage/import/")
    expect(page.get_by_role("heading", name="Import reports")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Reports").set_input_files(str(reports_dir / "000_dc3a9006563f0344.txt"))
    page.get_by_role("button", name="Import").click()
    outcomes = page.get_by_role("table", name="What was imported")
    expect(outcomes).to_contain_text("New draft")
    outcomes.get_by_role("link").click()

    expect(page.get_by_role("heading", name="Review and publish")).to_be_visible()
    expect(page.get_by_text("3/24")).to_be_visible()
    expect(page.get_by_role("heading", name="Items to check")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "entry-review")

    # Correct one value: Lambeth's leadership rating, with the reason for departing.
    page.get_by_role("link", name="Ratings and key questions", exact=True).click()
    page.get_by_label("Rating for 1.1 Leadership").select_option("inadequate")
    page.get_by_role("button", name="Save and continue").click()
    page.goto(page.url.replace("/findings/", "/review/"))
    expect(page.get_by_text("2/24")).to_be_visible()

    # Publishing is refused until every item is resolved.
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("alert")).to_contain_text("The inspection was not published")
    expect(page.get_by_role("alert")).to_contain_text("to check below")
    resolve_every_item(page)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "An inspection of probation services in: Lambeth PDU"
    )
    page.goto(live_server.url)
    ranking = page.get_by_role("table", name="PDUs ranked by score")
    expect(ranking.get_by_role("row").filter(has_text="Lambeth")).to_contain_text("2/24")
    screenshot(page, "entry-published-on-overview")
    assert [e for e in console_errors if not e.startswith(DOCUMENT_STATUS_LOGGED.format(400))] == []


def test_admin_uploads_three_reports_resolves_the_items_and_publishes(
    live_server, published_data, reports_dir, page, axe_violations, screenshot, console_errors
):
    """Three files at once, one refused; a new PDU's draft reviewed item by item."""
    lambeth = (reports_dir / f"{LAMBETH}.txt").read_text(encoding="utf-8")
    leeds = lambeth.replace("Lambeth", "Leeds").replace(
        "London region", "Yorkshire and the Humber region"
    )
    croydon = lambeth.replace("Lambeth", "Croydon").replace(
        "Her Majesty's Prison and Probation Service should:", "The Ministry of Justice should:"
    )
    sign_in(page, live_server, User.objects.create_superuser("admin", password="x" * 20))
    page.goto(f"{live_server.url}/manage/import/")
    page.get_by_label("Reports").set_input_files(
        [
            {"name": "leeds.txt", "mimeType": "text/plain", "buffer": leeds.encode()},
            {"name": "minutes.txt", "mimeType": "text/plain", "buffer": b"Minutes."},
            {"name": "croydon.txt", "mimeType": "text/plain", "buffer": croydon.encode()},
        ]
    )
    page.get_by_role("button", name="Import").click()
    outcomes = page.get_by_role("table", name="What was imported")
    expect(outcomes.get_by_role("row").filter(has_text="leeds.txt")).to_contain_text("New draft")
    expect(outcomes.get_by_role("row").filter(has_text="minutes.txt")).to_contain_text(
        "Not a PDU inspection report"
    )
    expect(outcomes.get_by_role("row").filter(has_text="croydon.txt")).to_contain_text("to check")
    assert axe_violations(page) == []
    screenshot(page, "import-three-files")

    outcomes.get_by_role("row").filter(has_text="croydon.txt").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Review and publish")).to_be_visible()
    unknown = page.locator("section.app-review-item").filter(has_text="Recommendation 11")
    expect(unknown.locator(".app-source-lines__cited")).to_contain_text("11. consider incentives")
    expect(unknown.locator(".app-source-lines")).to_contain_text("The Ministry of Justice should:")
    expect(unknown.get_by_role("link", name="Correct it in “Recommendations”")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "import-review-items")
    # On a phone: no sideways scrolling of the page (its tables scroll in their own box).
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 800})

    # A correction with nothing said about it is refused, and the form says why.
    unknown.get_by_label("No: I corrected it").check()
    unknown.get_by_role("button", name="Resolve this item").click()
    expect(page.get_by_text("Say what you corrected").first).to_be_visible()
    resolve_every_item(page, {"Recommendation 1": "Filed under HMPPS, its addressee."})
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Croydon PDU")
    notice = page.get_by_role("region", name=re.compile("Corrected on"))
    expect(notice).to_contain_text("Filed under HMPPS, its addressee.")
    assert axe_violations(page) == []
    assert [e for e in console_errors if not e.startswith(DOCUMENT_STATUS_LOGGED.format(400))] == []


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
    page.get_by_label("Reports").set_input_files(
        {"name": "lambeth.pdf", "mimeType": "application/pdf", "buffer": report_pdfs[LAMBETH][1]}
    )
    page.get_by_role("button", name="Import").click()
    outcomes = page.get_by_role("table", name="What was imported")
    expect(outcomes).to_contain_text("Draft replaced")
    outcomes.get_by_role("link").click()
    expect(page.get_by_text("3/24")).to_be_visible()
    screenshot(page, "entry-pdf-review")
    resolve_every_item(page)
    page.get_by_label("What was corrected since it was last published?").fill(
        "Read again from the report's PDF."
    )
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("region", name=re.compile("Corrected on"))).to_contain_text(
        "Read again from the report's PDF."
    )
    page.goto(live_server.url)
    ranking = page.get_by_role("table", name="PDUs ranked by score")
    expect(ranking.get_by_role("row").filter(has_text="Lambeth")).to_contain_text("3/24")
    assert [e for e in console_errors if not e.startswith(DOCUMENT_STATUS_LOGGED.format(400))] == []


def test_readers_cannot_reach_the_entry_pages(live_server, published_data, page):
    sign_in(page, live_server, User.objects.create_user("reader", password="x" * 20))
    response = page.goto(f"{live_server.url}/manage/import/")
    assert response.status == 403


def axe_violations_of_any_impact(page):
    """Every axe-core violation on the page, minor and moderate too."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]
    ]


# What sticks out past the viewport's right edge outside a box that scrolls sideways
# (cut off, or there to scroll the page to), and each box that scrolls sideways without
# being one a keyboard and a screen reader can find: focusable, a region, named.
OUTSIDE_THE_VIEWPORT = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].slice(0, 2).map((c) => '.' + c).join('');
  const outside = [], unnamed = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (scrolls(el) && el.scrollWidth > el.clientWidth + 1) {
      const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
      if (!(el.getAttribute('role') === 'region' && named && el.tabIndex === 0)) {
        unnamed.push(name(el));
      }
    }
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.right <= width + 0.5) continue;
    let parent = el.parentElement;
    while (parent && parent !== document.body && !scrolls(parent)) parent = parent.parentElement;
    if (!parent || parent === document.body) outside.push(name(el) + ' ' + Math.round(box.right));
  }
  return {outside: outside.slice(0, 5), unnamed: unnamed};
}"""


class EntryPages:
    """Each entry page as a phone (320 CSS px) and a desktop (1280) show it: the document
    does not scroll sideways at 320 and nothing sticks out of it (a wide table scrolls in
    its own named box), axe-core finds no violation of any impact at either width, and a
    screenshot of each is saved. Problems are collected, so one run reports every page's."""

    def __init__(self, page, screenshot):
        self.page, self.screenshot = page, screenshot
        self.problems, self.widths = {}, {}

    def check(self, name):
        page = self.page
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 800})
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            self.widths[f"{name} {width}"] = scroll_width
            if scroll_width > width:
                self.problems[f"{name} at {width} px"] = f"scrolls sideways: {scroll_width} px"
            if (boxes := page.evaluate(OUTSIDE_THE_VIEWPORT)) != {"outside": [], "unnamed": []}:
                self.problems[f"{name} at {width} px, boxes"] = boxes
            if violations := axe_violations_of_any_impact(page):
                self.problems[f"{name} at {width} px, axe"] = violations
            self.screenshot(page, f"entry-steps-{name}-{width}")
        page.set_viewport_size({"width": 1280, "height": 800})


def test_every_entry_page_reflows_at_320_px_and_passes_axe(
    live_server, published_data, reports_dir, page, screenshot, console_errors
):
    """Each page and step of entering an inspection, valid and with errors."""
    croydon = (reports_dir / f"{LAMBETH}.txt").read_text(encoding="utf-8")
    croydon = croydon.replace("Lambeth", "Croydon")
    sign_in(page, live_server, User.objects.create_superuser("admin", password="x" * 20))
    pages = EntryPages(page, screenshot)
    url = live_server.url

    def save(name="Save and continue"):
        page.get_by_role("button", name=name).first.click()

    page.goto(f"{url}/manage/import/")
    pages.check("import")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one report")
    pages.check("import-error")
    page.get_by_label("Reports").set_input_files(
        {"name": "croydon.txt", "mimeType": "text/plain", "buffer": croydon.encode()}
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("table", name="What was imported")).to_contain_text("New draft")
    pages.check("import-outcomes")
    slug = Inspection.objects.get(body__slug="croydon").slug
    draft = f"{url}/manage/{slug}"

    page.goto(f"{url}/manage/")
    pages.check("manage")
    page.goto(f"{url}/manage/new/")
    pages.check("new")
    save()
    expect(page.get_by_role("alert")).to_contain_text("Enter the inspection's title")
    pages.check("new-error")

    page.goto(f"{draft}/details/")
    pages.check("details")
    page.get_by_label("Title").fill("")
    save()
    expect(page.get_by_role("alert")).to_be_visible()
    pages.check("details-error")

    page.goto(f"{draft}/ratings/")
    pages.check("ratings")
    page.locator("input[name^='kq_']").first.fill("101")
    save()
    expect(page.get_by_role("alert")).to_contain_text("less than or equal to 100")
    pages.check("ratings-error")

    page.goto(f"{draft}/findings/")
    pages.check("findings")
    page.goto(f"{draft}/findings/?section=nowhere")
    pages.check("findings-error")
    page.goto(f"{draft}/findings/")
    page.get_by_role("link", name="Change the findings under Feedback from people").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback from people on probation")
    pages.check("findings-heading")
    page.get_by_label("Text").first.fill("")
    save("Save and go to Diversity and inclusion")
    expect(page.get_by_role("alert")).to_contain_text("Enter the finding's text as published")
    pages.check("findings-heading-error")

    page.goto(f"{draft}/recommendations/")
    pages.check("recommendations")
    page.get_by_label("Number").first.fill("")
    save()
    expect(page.get_by_role("alert")).to_be_visible()
    pages.check("recommendations-error")

    page.goto(f"{draft}/figures/")
    pages.check("figures")
    page.get_by_label("Label").first.fill("Caseload")
    save()
    expect(page.get_by_role("alert")).to_be_visible()
    pages.check("figures-error")

    page.goto(f"{draft}/review/")
    pages.check("review")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("alert")).to_contain_text("The inspection was not published")
    pages.check("review-refused")
    item = page.locator("section.app-review-item").filter(has=page.locator("form")).first
    item.get_by_label("No: I corrected it").check()
    item.get_by_role("button", name="Resolve this item").click()
    expect(page.get_by_text("Say what you corrected").first).to_be_visible()
    pages.check("review-item-error")

    page.goto(f"{url}/manage/lambeth-pdu-2022/unpublish/")
    pages.check("unpublish")
    page.get_by_role("button", name="Unpublish").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why the inspection is being")
    pages.check("unpublish-error")

    print("scrollWidth:", pages.widths)
    assert pages.problems == {}
    assert [e for e in console_errors if not e.startswith(DOCUMENT_STATUS_LOGGED.format(400))] == []


def test_an_admin_enters_findings_heading_by_heading(
    live_server, published_data, reports_dir, page, console_errors
):
    """The findings step is a page for each heading, each saved on its own: a mistake
    keeps what was typed, and the list counts what each heading holds."""
    croydon = (reports_dir / f"{LAMBETH}.txt").read_text(encoding="utf-8")
    croydon = croydon.replace("Lambeth", "Croydon")
    sign_in(page, live_server, User.objects.create_superuser("admin", password="x" * 20))
    page.goto(f"{live_server.url}/manage/import/")
    page.get_by_label("Reports").set_input_files(
        {"name": "croydon.txt", "mimeType": "text/plain", "buffer": croydon.encode()}
    )
    page.get_by_role("button", name="Import").click()
    page.get_by_role("table", name="What was imported").get_by_role("link").click()

    page.get_by_role("link", name="Findings", exact=True).click()
    leadership = page.locator(".govuk-summary-list__row").filter(has_text="1.1 Leadership")
    expect(leadership).to_contain_text("7 findings")
    leadership.get_by_role("link", name="Change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("1.1 Leadership")

    # A new finding with no text: refused, and what was typed is still there.
    new = page.locator("fieldset").filter(has_text="New finding").first
    new.get_by_label("Kind").select_option("strength")
    page.get_by_role("button", name="Save and go to 1.2 Staff").click()
    error = page.get_by_role("alert").get_by_role("link", name="Enter the finding's text")
    error.click()
    expect(
        page.locator("fieldset").filter(has_text="New finding").first.get_by_label("Text")
    ).to_be_focused()
    new = page.locator("fieldset").filter(has_text="New finding").first
    expect(new.get_by_label("Kind")).to_have_value("strength")
    new.get_by_label("Text").fill("Leaders know their staff well.")
    page.get_by_role("button", name="Save and go to 1.2 Staff").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("1.2 Staff")
    expect(page.get_by_text("Findings under 1.1 Leadership saved.")).to_be_visible()

    page.get_by_role("button", name="Save and return to all findings").click()
    leadership = page.locator(".govuk-summary-list__row").filter(has_text="1.1 Leadership")
    expect(leadership).to_contain_text("8 findings")
    page.get_by_role("link", name="Review and publish").click()
    expect(page.get_by_role("table", name="Findings by heading")).to_contain_text("1.1 Leadership")
    assert [e for e in console_errors if not e.startswith(DOCUMENT_STATUS_LOGGED.format(400))] == []
