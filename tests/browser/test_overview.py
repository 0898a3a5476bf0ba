"""A user starts on the London overview: drills down from a rating to the words behind it,
and reads off which PDU scored highest."""

import re

import pytest
from playwright.sync_api import expect

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
        ["Key question", "Lambeth", "Average of other London PDUs"]
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


def test_the_ranking_answers_which_london_pdu_scored_highest(
    live_server, published_data, page, audit
):
    page.goto(live_server.url)
    ranking = page.get_by_role("table", name="PDUs ranked by score")
    expect(ranking.get_by_role("columnheader")).to_have_text(
        ["Rank", "PDU", "Score", "Overall rating", "Fieldwork started"]
    )
    first = ranking.get_by_role("row").nth(1)
    expect(first.get_by_role("rowheader")).to_have_text("Newham")
    expect(first.get_by_role("cell")).to_have_text(
        ["1", "6/24", "Requires improvement", "September 2022"]
    )
    expect(ranking.get_by_role("rowheader")).to_have_count(6)
    expect(ranking.get_by_role("row").last.get_by_role("rowheader")).to_have_text("HFKCW")
    audit.check(page, "ranking-1-overview")

    first.get_by_role("link", name="Newham").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Newham PDU")
    expect(page.get_by_role("paragraph").filter(has_text="overall, scoring")).to_contain_text(
        "Rated Requires improvement overall, scoring 6/24"
    )
    audit.check(page, "ranking-2-pdu-newham")
    audit.assert_clean()
