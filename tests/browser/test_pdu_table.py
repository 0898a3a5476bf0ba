"""A user filters the table of inspected PDUs, sorts it and downloads what they see."""

import csv
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from inspections.web.exports import download_filename

pytestmark = pytest.mark.django_db(transaction=True)


def pdu_table(page):
    return page.get_by_role("table", name=re.compile(r"^\d+ inspected PDUs?\b"))


def pdu_names(page):
    return pdu_table(page).get_by_role("rowheader")


def test_filter_by_overall_rating_then_sort_by_score(
    live_server, published_data, page, audit, tmp_path
):
    page.goto(f"{live_server.url}/pdus/")
    expect(page.get_by_role("heading", level=1)).to_have_text("PDUs")
    expect(pdu_table(page)).to_have_accessible_name("6 inspected PDUs")
    # Highest score first until the user sorts.
    expect(pdu_names(page).first).to_have_text("Newham")
    expect(pdu_names(page).last).to_have_text("HFKCW")
    audit.check(page, "pdu-table-1-all")

    page.get_by_role("combobox", name="Overall rating").select_option(label="Requires improvement")
    page.get_by_role("button", name="Apply filters").click()

    assert parse_qs(urlsplit(page.url).query)["overall_rating"] == ["requires_improvement"]
    expect(pdu_table(page)).to_have_accessible_name("2 inspected PDUs")
    expect(pdu_names(page)).to_have_text(["Newham", "Barking, Dagenham and Havering"])
    expect(pdu_table(page).get_by_role("row").filter(has_text="Inadequate")).to_have_count(0)
    expect(page.get_by_role("combobox", name="Overall rating")).to_have_value(
        "requires_improvement"
    )
    audit.check(page, "pdu-table-2-requires-improvement")

    score = pdu_table(page).get_by_role("columnheader", name="Score")
    expect(score).to_have_attribute("aria-sort", "descending")
    score.get_by_role("link", name="Score").click()

    query = parse_qs(urlsplit(page.url).query)
    assert query["sort"] == ["score"]
    assert query["overall_rating"] == ["requires_improvement"]
    expect(score).to_have_attribute("aria-sort", "ascending")
    expect(pdu_names(page)).to_have_text(["Barking, Dagenham and Havering", "Newham"])
    score_cells = pdu_table(page).locator("tbody td.govuk-table__cell--numeric")
    expect(score_cells).to_have_text(["5/24", "6/24"])
    audit.check(page, "pdu-table-3-sorted-by-score")

    score.get_by_role("link", name="Score").click()
    expect(score).to_have_attribute("aria-sort", "descending")
    expect(pdu_names(page)).to_have_text(["Newham", "Barking, Dagenham and Havering"])

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as CSV").click()
    download = download_info.value
    assert download.suggested_filename == download_filename("pdus", "csv")
    download.save_as(tmp_path / "pdus.csv")
    with open(tmp_path / "pdus.csv", encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(row["PDU"], row["Score"], row["Overall rating"]) for row in rows] == [
        ("Newham PDU", "6", "Requires improvement"),
        ("Barking, Dagenham and Havering PDU", "5", "Requires improvement"),
    ]

    page.get_by_role("link", name="Clear filters").click()
    expect(pdu_table(page)).to_have_accessible_name("6 inspected PDUs")
    audit.check(page, "pdu-table-4-cleared")
    audit.assert_clean()


def test_an_invalid_filter_shows_an_error_and_no_rows(live_server, published_data, page, audit):
    page.goto(f"{live_server.url}/pdus/?overall_rating=brilliant")
    expect(page).to_have_title("Error: PDUs – Inspection Findings")
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link")).to_have_text(
        ["Select an overall rating from the list; ‘brilliant’ is not a rating"]
    )
    expect(pdu_names(page)).to_have_count(0)
    expect(pdu_table(page)).to_contain_text("No inspected PDUs match these filters.")

    summary.get_by_role("link").click()
    expect(page.get_by_role("combobox", name="Overall rating")).to_be_focused()
    audit.check(page, "pdu-table-invalid-filter")
    audit.assert_clean()
