"""The explorer's downloads are read from the database and written a batch at a time.

Memory stays flat whatever the number of rows (bench/downloads.py measures it): a CSV or
JSON file is written as it is sent, an Excel file row by row in write-only mode. What
they hold is what the whole-table path (a DataFrame, `dataframe_response`) gives for the
same records, byte for byte (CSV, JSON) or cell for cell (Excel).
"""

import csv
import datetime
import io
import json
from unittest import mock

import openpyxl
import pandas as pd
import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from pandas.api.types import is_datetime64_any_dtype, is_numeric_dtype

from inspections.explorer import search
from inspections.explorer.search import EXPORT_COLUMNS, Search, export_json, export_row
from inspections.models import Finding, Inspection
from inspections.web.exports import (
    FORMULA_STARTS,
    csv_chunks,
    download_filename,
    neutralise,
    streamed_response,
)
from tests.dataframes import dataframe_response

ABSOLUTE_URL = RequestFactory().get("/").build_absolute_uri  # as the test client's requests
# A batch of the recurring download's recommendations, loaded with their citations.
LOADED = '"recommendations_recommendation"."id" IN ('
DOWNLOADS = ["/explore/?format=csv", "/explore/?q=staff&format=csv", "/explore/?format=xlsx"]


def whole_table(url: str):
    """`url`'s download as the explorer made it before it streamed: every record read at
    once into a DataFrame (or, for JSON, one list), then written whole."""
    form = search.ExploreForm(dict(pair.split("=") for pair in url.split("?")[1].split("&")))
    assert form.is_valid()
    finder = Search(form.parsed, form.filters())
    counts, keys = finder.results(search.EXPORT_LIMIT)
    hits = finder.hydrate(keys, highlight_matches=False)
    results = [export_json(hit, ABSOLUTE_URL) for hit in hits]
    file_format = form.cleaned_data["format"]
    if file_format == "json":
        total = sum(count for _, _, count in counts["type"])
        data = {
            "query": {"q": form.cleaned_data["q"], **dict(form.filters().chosen())},
            "count": total,
            "truncated": total > len(hits),
            "licence": "Contains public sector information licensed under the Open "
            "Government Licence v3.0.",
            "results": results,
        }
        return search.json_download(data, "inspection-findings-explorer")
    frame = pd.DataFrame([export_row(result) for result in results], columns=EXPORT_COLUMNS)
    return dataframe_response(frame, "inspection-findings-explorer", file_format)


def sheet_values(body: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize(
    "url", ["/explore/?format=csv", "/explore/?q=staff&format=csv", "/explore/?format=json"]
)
def test_a_streamed_file_is_the_whole_table_files_byte_for_byte(client, published_data, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.streaming
    before = whole_table(url)
    assert response.getvalue() == before.content
    assert response["Content-Type"] == before["Content-Type"]
    assert response["Content-Disposition"] == before["Content-Disposition"]


def test_a_streamed_workbook_has_the_whole_table_workbooks_cells(client, published_data):
    url = "/explore/?format=xlsx"
    response = client.get(url)
    assert response.streaming
    ours, theirs = response.getvalue(), whole_table(url).content
    assert len(sheet_values(ours)) > 400
    assert sheet_values(ours) == sheet_values(theirs)
    assert response["Content-Length"] == str(len(ours))  # sent from a finished file


def test_batches_change_nothing(client, published_data, monkeypatch):
    whole = client.get("/explore/?format=csv").getvalue()
    monkeypatch.setattr(search, "EXPORT_BATCH", 7)
    assert client.get("/explore/?format=csv").getvalue() == whole


@pytest.mark.parametrize("file_format", ["csv", "json", "xlsx"])
def test_the_recurring_download_reads_its_recommendations_a_batch_at_a_time(
    client, published_data, monkeypatch, file_format
):
    url = f"/explore/recurring/?format={file_format}"
    whole = client.get(url)
    assert whole.streaming
    expected = whole.getvalue()
    monkeypatch.setattr(search, "EXPORT_BATCH", 3)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if file_format != "xlsx":
            assert not [q for q in queries if LOADED in q["sql"]]  # none until the file is
        body = response.getvalue()
    batches = [q for q in queries if LOADED in q["sql"]]
    assert len(batches) > 3
    if file_format == "xlsx":
        assert sheet_values(body) == sheet_values(expected)
    else:
        assert body == expected


@pytest.mark.parametrize("url", DOWNLOADS)
def test_records_are_read_a_batch_at_a_time_and_no_dataframe_is_built(
    client, published_data, monkeypatch, url
):
    monkeypatch.setattr(search, "EXPORT_BATCH", 20)
    batches = []
    hydrate = Search.hydrate

    def counted(self, keys, **kwargs):
        batches.append(len(keys))
        return hydrate(self, keys, **kwargs)

    with (
        mock.patch.object(Search, "hydrate", counted),
        mock.patch.object(pd.DataFrame, "__init__", side_effect=AssertionError("a DataFrame")),
    ):
        response = client.get(url)
        if url.endswith("csv"):
            assert batches == []  # nothing is read until the file is
            next(iter(response.streaming_content))
            read_for_the_first_piece = len(batches)
        body = response.getvalue()
    assert len(batches) > 3
    assert max(batches) == 20
    if url.endswith("csv"):
        assert 0 < read_for_the_first_piece < len(batches)
    else:
        assert len(sheet_values(body)) - 1 == sum(batches)


def test_a_record_unpublished_during_a_download_is_left_out(published_data):
    finder = Search()
    counts, keys = finder.results(search.EXPORT_LIMIT)
    hits = search.export_hits(finder, keys, batch=10)
    first = next(hits)
    # The inspection of the last finding, in a later batch than the first record's.
    finding = Finding.objects.get(pk=[pk for kind, pk in keys if kind == "finding"][-1])
    inspection = finding.inspection
    assert inspection.is_published and inspection != first.inspection
    Inspection.objects.filter(pk=inspection.pk).update(is_published=False)
    rest = list(hits)
    assert rest
    assert all(hit.inspection is None or hit.inspection.is_published for hit in rest)
    assert inspection.pk not in {hit.inspection.pk for hit in rest if hit.inspection}


def test_head_of_a_download_has_its_headers_and_no_body(client, published_data):
    for url in ("/explore/?format=csv", "/explore/?format=xlsx", "/explore/?format=json"):
        got, head = client.get(url), client.head(url)
        assert head.status_code == 200
        assert b"".join(head.streaming_content) == b""
        for header in ("Content-Type", "Content-Disposition"):
            assert head[header] == got[header]


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_a_streamed_download_is_named_for_what_it_holds(client, published_data, file_format):
    response = client.get("/explore/", {"q": "staff", "format": file_format})
    name = download_filename("inspection-findings-explorer", file_format)
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


# --- The writers: one for CSV, one for Excel, whether rows come streamed or from a frame ----

HOSTILE = ["=SUM(A1)", "+cmd", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


def test_every_streamed_cell_is_neutralised():
    header = ["=Heading", "Count"]
    rows = ([text, number] for number, text in enumerate(HOSTILE))
    body = b"".join(csv_chunks(header, rows)).decode("utf-8-sig")
    # As pandas' to_csv did, a carriage return inside a cell is not quoted: a reader may
    # take it for the end of a line (and the rest of the cell as a cell), so look for it
    # before reading.
    assert "\n'\r=1,5\n" in body
    table = list(csv.reader(io.StringIO(body.replace("\r", " "), newline="")))
    assert table[0] == ["'=Heading", "Count"]
    assert [row[0] for row in table[1:]] == ["'" + text.replace("\r", " ") for text in HOSTILE]
    assert not [cell for row in table for cell in row if cell.startswith(FORMULA_STARTS)]

    rows = ([text, number] for number, text in enumerate(HOSTILE))
    response = streamed_response(header, rows, "hostile", "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    # The file's XML holds a carriage return as a line feed, as it did before.
    expected = ["'=Heading", *("'" + t.replace("\r", "\n") for t in HOSTILE)]
    assert [cell.value for cell in cells[::2]] == expected


@pytest.mark.parametrize("rows", [0, 1, 2500])
def test_a_streamed_sheet_has_a_bold_frozen_header_and_a_filter_over_its_rows(rows):
    header = ["Text", "Count", "URL"]
    data = ([f"row {n}", n, f"https://example.org/{n}"] for n in range(rows))
    response = streamed_response(header, data, "explorer", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:C{rows + 1}"
    assert [cell.value for cell in sheet[1]] == header
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.max_row == rows + 1


def test_a_csv_goes_out_in_pieces_as_it_is_written():
    rows = ([f"finding {n}", "x" * 200] for n in range(2000))
    chunks = list(csv_chunks(["Text", "Padding"], rows))
    assert len(chunks) > 3
    assert chunks[0].startswith(b"\xef\xbb\xbfText,Padding\n")


def old_safe_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """As exports.py neutralised a DataFrame before pandas wrote it, column by column."""
    safe = frame.rename(columns=neutralise)
    for position, dtype in enumerate(safe.dtypes):
        if not (is_numeric_dtype(dtype) or is_datetime64_any_dtype(dtype)):
            safe.isetitem(position, safe.iloc[:, position].map(neutralise))
    return safe


def test_a_frames_csv_is_what_pandas_wrote():
    # The small downloads (PDUs, compare, tracker, recurring) pass a DataFrame; its cells
    # go through the one CSV writer, which must write them as to_csv did.
    frame = pd.DataFrame(
        {
            "=Text": ["Strength", "=SUM(A1)", None, 'He said "no", twice\nthen left'],
            "Count": [3, 0, 12, -4],
            "Share": [0.5, float("nan"), 1.25, 1e-05],
            "Published": [datetime.date(2023, 5, 12), None, datetime.date(2021, 1, 4), None],
            "Updated": pd.to_datetime(["2026-12-03 10:15", None, "2025-01-02 08:00", None]),
            "Met": [True, False, None, True],
            "Nullable": pd.array([1, None, 3, 4], dtype="Int64"),
            "Themes": [["a", "b"], [], None, ["c"]],
        }
    )
    expected = old_safe_cells(frame).to_csv(index=False).encode("utf-8-sig")
    assert dataframe_response(frame, "table", "csv").content == expected


def test_json_pieces_are_what_jsonresponse_wrote():
    head = {"query": {"q": "staff"}, "count": 2, "truncated": False}
    results = [{"text": "Staff – “curly”", "year": 2023, "when": datetime.date(2023, 5, 1)}] * 3
    streamed = b"".join(search.json_chunks(head, iter(results)))
    whole = search.json_download(head | {"results": results}, "x").content
    assert streamed == whole
    assert json.loads(streamed)["results"][0]["when"] == "2023-05-01"
    assert (
        b"".join(search.json_chunks(head, iter([])))
        == search.json_download(head | {"results": []}, "x").content
    )
