"""Small tables (PDUs, compare, recurring recommendations) are downloaded from their rows
as dicts (`table_response`), the tracker's streamed from its rows, with no DataFrame: the
files are what pandas wrote from the same rows, byte for byte (CSV) and cell for cell
(Excel)."""

import datetime
import io
from unittest import mock

import openpyxl
import pandas as pd
import pytest

from inspections.web.exports import table_response
from tests.dataframes import dataframe_response

# Each kind of value the small downloads hold: whole numbers, decimals with gaps, text a
# spreadsheet would run, dates, blanks, and a heading that one row lacks.
ROWS = [
    {"Group": 1, "Text": "=SUM(A1)", "Value": 75.0, "Low": None, "Line": 12, "Day": None},
    {"Group": 1, "Text": "Staff", "Value": "Good", "Low": 61.5, "Line": "", "Day": ""},
    {"Group": 2, "Text": "", "Value": 12.25, "Low": 3.0, "Line": 4},
    {
        "Group": 3,
        "Text": 'He said "no", twice\nthen left',
        "Value": None,
        "Low": None,
        "Line": 7,
        "Day": datetime.date(2024, 2, 29),
    },
]
HEADER = ["Group", "Text", "Value", "Low", "Line", "Day"]

SMALL_DOWNLOADS = [
    "/pdus/?format=csv",
    "/compare/?pdu=lambeth&pdu=newham&standard=2.2&format=csv",
    "/compare/?pdu=lambeth&pdu=newham&standard=2.2&format=xlsx",
    "/tracker/?format=csv",
    "/tracker/?format=xlsx",
    "/explore/recurring/?format=csv",
    "/explore/recurring/?format=xlsx",
]


def cells(body: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize(
    ("rows", "header", "frame"),
    [
        (ROWS, None, pd.DataFrame(ROWS)),
        (ROWS, HEADER[::-1], pd.DataFrame(ROWS, columns=HEADER[::-1])),
        ([], HEADER, pd.DataFrame([], columns=HEADER)),
        ([], None, pd.DataFrame([])),
    ],
)
def test_rows_are_written_as_their_dataframe_was(rows, header, frame):
    csv = table_response(rows, "table", "csv", header)
    assert csv.content == dataframe_response(frame, "table", "csv").content
    excel = table_response(rows, "table", "xlsx", header).content
    assert cells(excel) == cells(dataframe_response(frame, "table", "xlsx").content)


@pytest.mark.parametrize("url", SMALL_DOWNLOADS)
def test_a_small_download_builds_no_dataframe(client, published_data, url):
    with mock.patch.object(pd.DataFrame, "__init__", side_effect=AssertionError("a DataFrame")):
        response = client.get(url)
        body = response.getvalue()  # a streamed one writes its rows as it is read
    assert response.status_code == 200
    assert len(body) > 100
