"""A user compares PDUs side by side, downloads the comparison, and is told what went wrong
when the choice cannot be compared."""

import csv
import re
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from playwright.sync_api import expect

from inspections.web.exports import download_filename

pytestmark = pytest.mark.django_db(transaction=True)


def ratings_table(page):
    return page.get_by_role("table", name="Each standard's rating for each PDU")


def row_for(table, page, header):
    return table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=header))


def error_summary(page):
    return page.get_by_role("alert").filter(
        has=page.get_by_role("heading", name="There is a problem")
    )


def test_compare_two_pdus_and_download_the_comparison(
    live_server, published_data, page, audit, tmp_path
):
    page.goto(f"{live_server.url}/regions/london/")
    audit.check(page, "compare-0-overview")
    page.get_by_role("link", name="Compare all 6 London PDUs side by side").click()

    expect(page).to_have_url(f"{live_server.url}/compare/?region=london")
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare PDUs")
    # One column per London PDU between "Standard" and "Differs?".
    expect(ratings_table(page).get_by_role("columnheader")).to_have_count(8)
    audit.check(page, "compare-1-london")

    # The form is folded away under the comparison; the region must be unset to pick PDUs.
    page.get_by_text("Change the PDUs or standard").click()
    region = page.get_by_role("combobox", name="Or a whole region")
    expect(region).to_have_value("london")
    region.select_option(label="No region: compare the PDUs chosen")
    page.get_by_role("checkbox", name="Lambeth PDU").check()
    page.get_by_role("checkbox", name="Newham PDU").check()
    page.get_by_role("combobox", name="Show the findings of each PDU for").select_option(
        label="2.2 Assessment"
    )
    page.get_by_role("button", name="Compare").click()

    expect(page.get_by_role("heading", name="Ratings side by side")).to_be_visible()
    query = parse_qs(urlsplit(page.url).query)
    assert query["pdu"] == ["lambeth", "newham"]
    assert query["standard"] == ["2.2"]
    assert not query.get("region"), page.url

    table = ratings_table(page)
    expect(table.get_by_role("columnheader")).to_have_text(
        ["Standard", "Lambeth", "Newham", "Differs?"]
    )
    staff = row_for(table, page, "1.2 Staff")
    expect(staff.get_by_role("cell")).to_have_text(["Inadequate", "Good", "Differs"])
    expect(staff).to_have_class(re.compile(r"\bapp-differs\b"))
    assessment = row_for(table, page, "2.2 Assessment")
    expect(assessment.get_by_role("cell")).to_have_text(["Inadequate", "Inadequate", "Same"])
    expect(assessment).not_to_have_class(re.compile(r"\bapp-differs\b"))
    overall = row_for(table, page, "Overall rating and score")
    expect(overall.get_by_role("cell")).to_have_text(
        [
            re.compile(r"^Inadequate\s*3/24$"),
            re.compile(r"^Requires improvement\s*6/24$"),
            "Differs",
        ]
    )

    # Findings for 2.2, one column per PDU, side by side.
    expect(page.get_by_role("heading", name="Findings for 2.2 Assessment", level=2)).to_be_visible()
    lambeth = page.get_by_role("heading", name="Lambeth", level=3)
    newham = page.get_by_role("heading", name="Newham", level=3)
    lambeth_box, newham_box = lambeth.bounding_box(), newham.bounding_box()
    assert newham_box["x"] > lambeth_box["x"] + lambeth_box["width"]
    assert abs(newham_box["y"] - lambeth_box["y"]) < 2
    expect(page.get_by_role("link", name="Source of this finding for Lambeth")).to_have_count(4)
    expect(page.get_by_role("link", name="Source of this finding for Newham")).to_have_count(0)
    expect(page.get_by_text("No findings under this standard in the sources.")).to_be_visible()
    audit.check(page, "compare-2-lambeth-newham")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == download_filename("compare-lambeth-newham", "csv")
    download.save_as(tmp_path / download.suggested_filename)
    with open(tmp_path / download.suggested_filename, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert {row["PDU"] for row in rows} == {"Lambeth PDU", "Newham PDU"}
    staff_rows = {
        row["PDU"]: row["Value"]
        for row in rows
        if row["Standard"] == "1.2 Staff" and row["Measure"] == "Rating"
    }
    assert staff_rows == {"Lambeth PDU": "Inadequate", "Newham PDU": "Good"}
    # It carries what the page says: which PDUs the samples tell apart, and the findings
    # for the standard chosen, each with its source.
    assert "Can be told apart from" in rows[0]
    findings = [row for row in rows if row["Measure"] in ("Strength", "Area for improvement")]
    assert len(findings) == 4 and {row["PDU"] for row in findings} == {"Lambeth PDU"}
    assert all("/findings/" in row["Source"] for row in findings)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == download_filename("compare-lambeth-newham", "xlsx")
    download.save_as(tmp_path / download.suggested_filename)
    workbook = openpyxl.load_workbook(tmp_path / download.suggested_filename, read_only=True)
    values = list(workbook.active.iter_rows(values_only=True))
    workbook.close()
    assert values[0][0] == "PDU"
    assert {row[0] for row in values[1:]} == {"Lambeth PDU", "Newham PDU"}
    assert len(values) == len(rows) + 1

    audit.assert_clean()


def test_choosing_one_pdu_shows_the_error_summary(live_server, published_data, page, audit):
    page.goto(f"{live_server.url}/compare/")
    expect(page.get_by_role("group", name="PDUs").get_by_role("checkbox")).to_have_count(6)
    audit.check(page, "compare-errors-1-form")

    page.get_by_role("checkbox", name="Lambeth PDU").check()
    with page.expect_response(re.compile(r"/compare/\?")) as response_info:
        page.get_by_role("button", name="Compare").click()
    assert response_info.value.status == 400

    expect(page).to_have_title("Error: Compare PDUs – Inspection Findings")
    summary = error_summary(page)
    expect(summary.get_by_role("link")).to_have_text(["Choose at least 2 PDUs to compare"])
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.get_by_role("checkbox", name="Lambeth PDU")).to_be_checked()
    expect(page.get_by_role("heading", name="Ratings side by side")).to_have_count(0)
    audit.check(page, "compare-errors-2-one-pdu", status=400)

    response = page.goto(f"{live_server.url}/compare/?pdu=nowhere&pdu=lambeth")
    assert response.status == 400
    expect(summary.get_by_role("link")).to_have_text(
        ["nowhere is not an inspected PDU: choose PDUs from the list"]
    )
    expect(
        page.get_by_role("group", name="PDUs").get_by_text(
            "Error: nowhere is not an inspected PDU: choose PDUs from the list"
        )
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Ratings side by side")).to_have_count(0)
    audit.check(page, "compare-errors-3-unknown-pdu", status=400)

    response = page.goto(f"{live_server.url}/compare/?pdu=lambeth&pdu=newham&region=london")
    assert response.status == 400
    expect(summary.get_by_role("link")).to_have_text(["Choose PDUs or a region, not both"])
    audit.check(page, "compare-errors-4-pdus-and-region", status=400)

    audit.assert_clean()


@pytest.mark.parametrize(
    "query", ["pdu=lambeth", "pdu=nowhere&pdu=lambeth"], ids=["one-pdu", "unknown-pdu"]
)
def test_error_summary_link_moves_focus_to_the_pdu_checkboxes(
    live_server, published_data, page, query
):
    """GOV.UK error summary: each link takes the user to the field to fix, the first checkbox."""
    page.goto(f"{live_server.url}/compare/?{query}")
    error_summary(page).get_by_role("link").click()
    first = page.get_by_role("checkbox", name="Barking, Dagenham and Havering PDU")
    # GOV.UK Frontend moves focus at once; no need to wait the default 5 s to see it did not.
    expect(first).to_be_focused(timeout=1000)
