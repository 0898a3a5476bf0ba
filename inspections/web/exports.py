"""Tables as downloads: CSV and Excel, sent whole or streamed row by row.

Every text cell is neutralised by OWASP's rule for CSV injection: a cell that starts
with =, +, -, @, a tab or a carriage return is written with a leading apostrophe, so a
spreadsheet shows the text instead of running it as a formula. Such text arrives from
people (a director's "owner", a note) and from reports, and downloads are public.

A download's file name says what it holds and when it was made:
`compare-lambeth-newham-2026-12-03.csv` (`download_filename`). Excel sheets keep their
header row in view and have a filter on every column.

One writer of each kind, fed rows one at a time: `csv_chunks` and `excel_workbook`. A
small table (rows as dicts) is sent whole (`table_response`); a large one, such as the
explorer's, is read and written as it goes (`streamed_response`), so the serving process
holds a few hundred rows at a time whatever the number of rows. A CSV file goes out as it
is written; an Excel file (a zip) is complete only at the end, so it is written to a
temporary file, spilling to disk once it is large, and sent from there.
"""

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from io import BytesIO, StringIO
from tempfile import SpooledTemporaryFile
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from inspections.web.memory import give_back_freed_memory

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The day in a file name is the day in the UK, whatever the server's clock says.
LONDON = ZoneInfo("Europe/London")
# Longest "what" part of a file name, before the date; Excel's limit for a sheet name.
NAME_LENGTH = 60
SHEET_NAME_LENGTH = 31
# A streamed file goes out in pieces of about this many bytes: few enough writes to the
# socket, little enough held at once.
CHUNK_BYTES = 64 * 1024
# An Excel file is kept in memory up to this size, then moved to a file on disk: a small
# table's file never touches the disk; at 4 MiB, a 20,000-row download's 5 MiB file added
# 6 MiB more to the process's peak memory than at 1 (bench/downloads.py).
EXCEL_IN_MEMORY = 2**20


def download_slug(what: str) -> str:
    """`what` as the first part of a file name: lower-case letters, digits and hyphens
    only (so it is safe inside Content-Disposition), at most NAME_LENGTH characters."""
    slug = slugify(what)[:NAME_LENGTH].strip("-_")
    return slug or "download"


def download_filename(what: str, extension: str, *, day: date | None = None) -> str:
    """`<what>-<yyyy-mm-dd>.<extension>`: what was downloaded and on which day (London)."""
    day = day or timezone.localdate(timezone=LONDON)
    return f"{download_slug(what)}-{day:%Y-%m-%d}.{extension}"


def attach(response: HttpResponse, what: str, extension: str) -> HttpResponse:
    """`response` as a download of `what` made today (`download_filename`)."""
    filename = download_filename(what, extension)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def neutralise(value):
    """`value` safe to put in a spreadsheet cell; numbers, dates and blanks unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable) -> list:
    """`row` with every text cell neutralised."""
    return [neutralise(value) for value in row]


def csv_chunks(header: Sequence, rows: Iterable[Sequence]) -> Iterator[bytes]:
    """`header` and `rows`, neutralised, as a CSV file in UTF-8, about CHUNK_BYTES at a
    time, the rows read only as the file is. It starts with a byte-order mark, so that
    Excel opens UTF-8 text (curly quotes, en dashes) correctly; None is a blank cell."""
    buffer = StringIO()
    # As pandas' to_csv writes: minimal quoting, a newline after each row.
    writer = csv.writer(buffer, lineterminator="\n")
    buffer.write("\ufeff")
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def excel_workbook(
    header: Sequence, rows: Iterable[Sequence], sheet_name: str, file: BinaryIO
) -> None:
    """`header` and `rows`, neutralised, as an .xlsx file written to `file`: a bold header
    row, frozen, with a filter over the data; None is an empty cell.

    Written row by row in openpyxl's write-only mode, which keeps no cell once its row is
    written (pandas' to_excel kept every one: a 20,000-row explorer download peaked at
    464 MB). The filter's range is written after the rows, so their number need not be
    known before."""
    # Imported on the first Excel file, not with the views: openpyxl (and the XML
    # libraries it brings) is 6 MiB of every serving process, most of which never
    # writes one (bench/downloads.py).
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for name in safe_row(header):
        cell = WriteOnlyCell(sheet, value=str(name))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    written = 0
    for row in rows:
        sheet.append(safe_row(row))
        written += 1
    last_column = get_column_letter(max(len(cells), 1))
    sheet.auto_filter.ref = f"A1:{last_column}{written + 1}"
    workbook.save(file)


def sheet_title(what: str) -> str:
    """`what` as the name of a sheet: its slug, within Excel's limit."""
    return download_slug(what)[:SHEET_NAME_LENGTH]


def table_response(
    rows: Sequence[Mapping], what: str, file_format: str, header: Sequence | None = None
) -> HttpResponse:
    """`rows` (dicts of plain values by heading) as a CSV or Excel download of `what`
    (`download_filename`), sent whole, under `header`: by default the first row's
    headings. A heading that a row lacks is a blank cell. For small tables: the response
    has a Content-Length."""
    content_type, extension = FORMATS[file_format]
    if header is None:
        header = list(rows[0]) if rows else []
    cells = ([row.get(heading) for heading in header] for row in rows)
    if file_format == "csv":
        body = b"".join(csv_chunks(header, cells))
    else:
        buffer = BytesIO()
        excel_workbook(header, cells, sheet_title(what), buffer)
        body = buffer.getvalue()
    return attach(HttpResponse(body, content_type=content_type), what, extension)


def streamed_response(
    header: Sequence, rows: Iterable[Sequence], what: str, file_format: str
) -> StreamingHttpResponse:
    """`rows` (plain values) under `header` as a CSV or Excel download of `what`, read
    from `rows` as they are written, so that memory does not grow with their number.

    A CSV file is written as it is sent: the rows are read while the response is, after
    the view has returned. An Excel file is written here, to a temporary file (in memory
    up to EXCEL_IN_MEMORY, then on disk), and sent from it."""
    content_type, extension = FORMATS[file_format]
    # What earlier requests freed goes back to the system first, so that the download's
    # peak is what it holds, not that plus the allocator's leftovers (bench/downloads.py).
    give_back_freed_memory()
    if file_format == "csv":
        response = StreamingHttpResponse(csv_chunks(header, rows), content_type=content_type)
    else:
        # Closed by the response once sent (or here, if it cannot be written).
        file = SpooledTemporaryFile(max_size=EXCEL_IN_MEMORY)  # noqa: SIM115
        try:
            excel_workbook(header, rows, sheet_title(what), file)
        except BaseException:
            file.close()
            raise
        file.seek(0)
        response = FileResponse(file, content_type=content_type)
        response.block_size = CHUNK_BYTES
    return attach(response, what, extension)
