"""Tables as downloads: CSV and Excel from a pandas DataFrame.

Every text cell is neutralised by OWASP's rule for CSV injection: a cell that starts
with =, +, -, @, a tab or a carriage return is written with a leading apostrophe, so a
spreadsheet shows the text instead of running it as a formula. Such text arrives from
people (a director's "owner", a note) and from reports, and downloads are public.

A download's file name says what it holds and when it was made:
`compare-lambeth-newham-2026-12-03.csv` (`download_filename`). Excel sheets keep their
header row in view and have a filter on every column.
"""

from datetime import date
from io import BytesIO
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from pandas.api.types import is_datetime64_any_dtype, is_numeric_dtype, is_scalar

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


def safe_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell neutralised (column names too)."""
    safe = frame.rename(columns=neutralise)
    for position, dtype in enumerate(safe.dtypes):
        # Numeric and date columns cannot hold text; any other may, mixed with other values.
        if not (is_numeric_dtype(dtype) or is_datetime64_any_dtype(dtype)):
            safe.isetitem(position, safe.iloc[:, position].map(neutralise))
    return safe


def dataframe_response(frame: pd.DataFrame, what: str, file_format: str) -> HttpResponse:
    """`frame` as a CSV or Excel download of `what` (`download_filename`); the index is not
    written. An Excel sheet's header row is frozen and has a filter over the data."""
    content_type, extension = FORMATS[file_format]
    frame = safe_cells(frame)
    if file_format == "csv":
        # A byte-order mark so that Excel opens UTF-8 text (curly quotes, en dashes) correctly.
        body = frame.to_csv(index=False).encode("utf-8-sig")
    else:
        body = excel_workbook(frame, download_slug(what)[:SHEET_NAME_LENGTH])
    return attach(HttpResponse(body, content_type=content_type), what, extension)


def excel_workbook(frame: pd.DataFrame, sheet_name: str) -> bytes:
    """`frame` as an .xlsx file: a bold header row, frozen, with a filter over the data.

    Written row by row in openpyxl's write-only mode: pandas' to_excel keeps a cell object
    for every value until it saves (a 20,000-row explorer download peaked at 464 MB)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    sheet.freeze_panes = "A2"
    last_column = get_column_letter(max(len(frame.columns), 1))
    sheet.auto_filter.ref = f"A1:{last_column}{len(frame) + 1}"
    bold = Font(bold=True)
    header = []
    for name in frame.columns:
        cell = WriteOnlyCell(sheet, value=str(name))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in frame.itertuples(index=False, name=None):
        sheet.append([excel_value(value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def excel_value(value):
    """A DataFrame cell as openpyxl writes it: blanks (None, NaN, NaT, NA) as empty
    cells, pandas and numpy scalars as the Python values they stand for."""
    if not is_scalar(value):
        return str(value)
    if value is None or pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value
