"""A user starts on the England and Wales overview: goes to London, drills down from a rating
to the words behind it, and reads off which PDU scored highest; on national data, finds
the region with the most Inadequate PDUs and where a region stands on 2.2."""

import re

import pytest
from playwright.sync_api import expect

from inspections.ingest import demo
from tests.browser.conftest import PageAudit
from tests.browser.test_page_kinds import MEASURE

pytestmark = pytest.mark.django_db(transaction=True)

KEY_QUESTION = "Does assessment focus sufficiently on keeping other people safe?"
# The Lambeth report's area for improvement under 2.2 Assessment that names that key question.
FINDING = (
    "Concerningly, the lowest score from the key questions relates to whether there was "
    "sufficient focus on keeping other people safe, with this only being demonstrated in a "
    "minority of cases. This meant that the necessary arrangements were not in place to manage "
    "the risk of harm posed and keep people safe."
)
LONDON_PDUS = [
    "Barking, Dagenham and Havering",
    "Ealing and Hillingdon",
    "HFKCW",
    "Lambeth",
    "Lewisham and Bromley",
    "Newham",
]


def summary_value(page, key):
    """The value beside `key` in the page's GOV.UK summary list."""
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.get_by_role("term").filter(has_text=re.compile(rf"^{re.escape(key)}$"))
    )
    return row.get_by_role("definition")


def heatmap(page):
    return page.get_by_role("table", name="Ratings by PDU (rows) and standard (columns)")


def test_drill_down_from_a_rating_to_its_finding_and_standard(
    live_server, published_data, page, audit
):
    page.goto(live_server.url)
    expect(page).to_have_title("England and Wales – Inspection Findings")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "England and Wales: PDU ratings at a glance"
    )
    audit.check(page, "drilldown-0-national")
    regions = page.get_by_role("table", name="Number of PDUs rated each overall rating, by region")
    regions.get_by_role("link", name="London", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/regions/london/")
    expect(page).to_have_title("London – Inspection Findings")
    expect(page.get_by_role("heading", level=1)).to_have_text("London: PDU ratings at a glance")
    expect(heatmap(page).get_by_role("rowheader").get_by_role("link")).to_have_text(LONDON_PDUS)
    audit.check(page, "drilldown-1-overview")

    # Lambeth's 2.2 cell: the tag says the rating, the hidden text says which cell it is.
    cell = heatmap(page).get_by_role("link", name="Inadequate for 2.2 Assessment at Lambeth")
    expect(cell).to_have_text("Inadequate for 2.2 Assessment at Lambeth")
    cell.click()

    expect(page).to_have_url(f"{live_server.url}/pdus/lambeth/#standard-2-2-assessment")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lambeth PDU")
    section = page.get_by_role("region", name="2.2 Assessment")
    expect(section.get_by_role("heading", name="2.2 Assessment", level=3)).to_be_in_viewport()
    expect(section.get_by_text("Inadequate", exact=True)).to_be_visible()
    why = section.get_by_role("paragraph").filter(has_text="Lowest key question")
    expect(why).to_have_text(
        f"Lowest key question: “{KEY_QUESTION}” at 12%, below 50%, which the rule rates Inadequate."
    )
    key_questions = section.get_by_role("table", name="2.2 Assessment: key questions")
    expect(key_questions.get_by_role("columnheader")).to_have_text(
        [
            "Key question",
            "Lambeth",
            "Average of other London PDUs",
            "Average of other PDUs in England and Wales",
        ]
    )
    expect(key_questions.get_by_role("row").filter(has_text=KEY_QUESTION)).to_have_text(
        re.compile(r"12%\s*95% interval 5–25%")
    )
    finding_item = section.get_by_role("listitem").filter(has_text=FINDING)
    expect(finding_item).to_have_count(1)
    audit.check(page, "drilldown-2-pdu-lambeth")

    finding_item.get_by_role("link", name="Source of this area for improvement").click()

    expect(page).to_have_url(re.compile(r"/findings/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Area for improvement")
    expect(page.get_by_role("blockquote")).to_have_text(FINDING)
    expect(summary_value(page, "Source document")).to_contain_text(
        "An inspection of probation services in: Lambeth PDU"
    )
    expect(summary_value(page, "Section")).to_have_text("2.2 Assessment")
    expect(summary_value(page, "Where in the document")).to_have_text(
        re.compile(r"^Under “2\.2 Assessment”, line \d+ of \S+\.txt$")
    )
    breadcrumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumbs.get_by_role("listitem")).to_have_text(
        ["Overview", "London", "Lambeth", "2.2 Assessment", "Finding"]
    )
    expect(breadcrumbs.get_by_role("link")).to_have_count(4)
    audit.check(page, "drilldown-3-finding")

    breadcrumbs.get_by_role("link", name="2.2 Assessment").click()

    expect(page).to_have_url(f"{live_server.url}/standards/pdu/2-2-assessment/")
    expect(page.get_by_role("heading", level=1)).to_have_text("2.2 Assessment")
    ratings = page.get_by_role(
        "table", name="2.2 Assessment: each PDU's latest published rating, and why"
    )
    expect(ratings.get_by_role("rowheader")).to_have_text(LONDON_PDUS)
    for name in LONDON_PDUS:
        row = ratings.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))
        # The text shown (the cell also holds its column's name for a phone's card layout).
        expect(row.get_by_role("cell").first).to_have_text("Inadequate", use_inner_text=True)
    lambeth = ratings.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Lambeth"))
    expect(lambeth).to_contain_text(f"“{KEY_QUESTION}” at 12%, below 50%")
    audit.check(page, "drilldown-4-standard")

    audit.assert_clean()


def test_the_ranking_answers_which_pdu_scored_highest(live_server, published_data, page, audit):
    page.goto(live_server.url)
    ranking = page.get_by_role("table", name="PDUs ranked by score")
    expect(ranking.get_by_role("columnheader")).to_have_text(
        ["Rank", "PDU", "Region", "Score", "Overall rating"]
    )
    first = ranking.get_by_role("row").nth(1)
    expect(first.get_by_role("rowheader")).to_have_text("Newham")
    expect(first.get_by_role("cell")).to_have_text(["1", "London", "6/24", "Requires improvement"])
    expect(ranking.get_by_role("rowheader")).to_have_count(6)
    expect(ranking.get_by_role("row").last.get_by_role("rowheader")).to_have_text("HFKCW")
    # One region: said, not drawn as twelve rows.
    expect(page.locator("#one-region")).to_contain_text("Only London has PDU inspections")
    audit.check(page, "ranking-1-overview")

    first.get_by_role("link", name="Newham").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Newham PDU")
    expect(page.get_by_role("paragraph").filter(has_text="overall, scoring")).to_contain_text(
        "Rated Requires improvement overall, scoring 6/24"
    )
    audit.check(page, "ranking-2-pdu-newham")
    audit.assert_clean()


@pytest.fixture
def national_data(settings):
    settings.DEMO = True
    assert demo.build(seed=3, pdus_per_region=(2, 3)) is not None


def test_national_data_answers_by_clicking(live_server, national_data, page, audit):
    page.goto(live_server.url)
    # Which region has the most Inadequate PDUs: named, and its count lists them.
    most = page.locator("#most-inadequate")
    region = most.get_by_role("link").first.inner_text()
    regions = page.get_by_role("table", name="Number of PDUs rated each overall rating, by region")
    expect(regions.get_by_role("rowheader")).to_have_count(13)  # and England and Wales
    row = regions.get_by_role("row").filter(has=page.get_by_role("rowheader", name=region))
    count = row.get_by_role("link", name=re.compile(r"rated Inadequate$"))
    inadequate = int(count.inner_text().split()[0])
    audit.check(page, "national-1-overview")
    count.click()
    caption = page.locator("#pdu-table-caption")
    expect(caption).to_have_text(f"{inadequate} inspected PDU{'' if inadequate == 1 else 's'}")
    audit.check(page, "national-2-inadequate-pdus")

    # 2.2 nationally and in each region.
    page.goto(live_server.url)
    page.get_by_text("2.2 Assessment: by region").click()
    figures = page.get_by_role("table", name="2.2 Assessment: ratings and key questions by region")
    expect(figures.get_by_role("rowheader")).to_have_count(13)
    expect(figures.get_by_role("row").nth(1)).to_contain_text("England and Wales")
    expect(figures.get_by_role("row").nth(1)).to_contain_text(re.compile(r"\d+–\d+%, \d+ PDUs"))
    audit.check(page, "national-3-assessment")

    # The switcher, without script: a select and a button.
    page.get_by_label("Go to a region's overview").select_option(label="Wales")
    page.get_by_role("button", name="Go").click()
    expect(page).to_have_url(f"{live_server.url}/regions/wales/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wales: PDU ratings at a glance")
    audit.assert_clean()


@pytest.mark.parametrize("width", [320, 1280])
def test_national_pages_reflow_and_pass_axe_at_any_impact(
    live_server,
    national_data,
    browser,
    browser_context_args,
    axe_all_violations,
    screenshot,
    width,
):
    context = browser.new_context(
        **{**browser_context_args, "viewport": {"width": width, "height": 900}}
    )
    page = context.new_page()
    audit = PageAudit(axe_all_violations, screenshot)
    audit.watch(page)
    try:
        for path in ["/", "/?page=2", "/regions/london/"]:
            page.goto(f"{live_server.url}{path}")
            for summary in page.locator("summary").all():
                summary.click()  # every standard's figures open: they must reflow too
            measured = page.evaluate(MEASURE)
            audit.check(page, f"national-{width}-{path.strip('/?').replace('/', '-') or 'home'}")
            assert measured["scrollWidth"] <= measured["width"], measured
            assert measured["unlabelled"] == [], measured
    finally:
        audit.stop_watching()
        context.close()
    audit.assert_clean()
