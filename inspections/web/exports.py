"""Tables as downloads: CSV and Excel from a pandas DataFrame.

Every text cell is neutralised by OWASP's rule for CSV injection: a cell that starts
with =, +, -, @, a tab or a carriage return is written with a leading apostrophe, so a
spreadsheet shows the text instead of running it as a formula. Such text arrives from
people (a director's "owner", a note) and from reports, and downloads are public.
"""

from io import BytesIO

import pandas as pd
from django.http import HttpResponse
from pandas.api.types import is_datetime64_any_dtype, is_numeric_dtype

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


def dataframe_response(frame: pd.DataFrame, filename: str, file_format: str) -> HttpResponse:
    """`frame` as a download named `filename`.csv or .xlsx; the index is not written."""
    content_type, extension = FORMATS[file_format]
    frame = safe_cells(frame)
    if file_format == "csv":
        # A byte-order mark so that Excel opens UTF-8 text (curly quotes, en dashes) correctly.
        body = frame.to_csv(index=False).encode("utf-8-sig")
    else:
        buffer = BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name=filename[:31])
        body = buffer.getvalue()
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response
