"""Downloads are named for what they hold and the day they were made, and their Excel
sheets keep the header row in view with a filter on every column."""

import datetime
import io
from unittest import mock

import openpyxl
import pytest
from django.utils import timezone

from inspections.web.exports import LONDON, NAME_LENGTH, download_filename


def today():
    return timezone.localdate(timezone=LONDON).isoformat()


def filename(response):
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.endswith('"')
    return disposition.removeprefix('attachment; filename="').removesuffix('"')


NAMES = {
    "/pdus/?format=csv": "pdus-{}.csv",
    "/compare/?pdu=lambeth&pdu=newham&standard=2.2&format=csv": "compare-lambeth-newham-{}.csv",
    "/compare/?pdu=lambeth&pdu=newham&standard=2.2&format=xlsx": "compare-lambeth-newham-{}.xlsx",
    "/compare/?region=london&format=xlsx": "compare-london-{}.xlsx",
    "/tracker/?format=csv": "tracker-{}.csv",
    "/tracker/?region=london&format=xlsx": "tracker-london-{}.xlsx",
    "/tracker/?pdu=lambeth&format=csv": "tracker-lambeth-{}.csv",
    "/explore/?q=staff&format=csv": "inspection-findings-explorer-{}.csv",
    "/explore/?q=staff&format=xlsx": "inspection-findings-explorer-{}.xlsx",
    "/explore/?q=staff&format=json": "inspection-findings-explorer-{}.json",
    "/explore/recurring/?format=xlsx": "recurring-recommendations-{}.xlsx",
    "/explore/recurring/?format=json": "recurring-recommendations-{}.json",
}


@pytest.mark.parametrize("url", NAMES)
def test_a_download_is_named_for_what_it_holds_and_today(client, published_data, url):
    response = client.get(url)
    assert response.status_code == 200
    assert filename(response) == NAMES[url].format(today())


XLSX = [url for url in NAMES if url.endswith("format=xlsx")]


@pytest.mark.parametrize("url", XLSX)
def test_an_excel_sheet_has_a_frozen_header_and_a_filter(client, published_data, url):
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url).getvalue()))
    sheet = workbook.active
    assert sheet.max_row > 1, "no data rows"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == sheet.dimensions
    assert sheet.auto_filter.ref.startswith("A1:")


def test_the_date_is_the_day_in_london():
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (BST).
    late = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=late):
        assert download_filename("tracker", "csv") == "tracker-2026-07-02.csv"


def test_a_name_is_slugified_and_bounded():
    day = datetime.date(2026, 12, 3)
    hostile = download_filename('Lambeth & "Newham"\r\n; filename=evil.exe', "csv", day=day)
    assert hostile == "lambeth-newham-filenameevilexe-2026-12-03.csv"
    long = download_filename("compare-" + "-".join(["hammersmith-fulham"] * 6), "xlsx", day=day)
    assert len(long) <= NAME_LENGTH + len("-2026-12-03.xlsx")
    assert not long.startswith("-") and "--" not in long
    assert download_filename("", "json", day=day) == "download-2026-12-03.json"


def test_excel_cells_hold_what_pandas_would_have_written():
    # The workbook is written row by row (write-only mode) instead of by pandas' to_excel;
    # each kind of value a download holds must come out as to_excel wrote it.
    import pandas as pd

    from inspections.web.exports import excel_workbook
    from tests.dataframes import frame_rows

    frame = pd.DataFrame(
        {
            "Text": ["Strength", "'=SUM(A1)", None],
            "Count": [3, 0, 12],
            "Share": [0.5, float("nan"), 1.25],
            "Published": [datetime.date(2023, 5, 12), None, datetime.date(2021, 1, 4)],
            "Updated": pd.to_datetime(["2026-12-03 10:15", None, "2025-01-02 08:00"]),
            "Met": [True, False, None],
            "Nullable": pd.array([1, None, 3], dtype="Int64"),
        }
    )
    buffer = io.BytesIO()
    excel_workbook(frame.columns, frame_rows(frame), "sheet", buffer)
    ours = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name="sheet")
    theirs = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [[c.value for c in row] for row in ours.iter_rows()] == [
        [c.value for c in row] for row in theirs.iter_rows()
    ]
    assert all(cell.font.b for cell in ours[1])
