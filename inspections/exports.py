"""Tables as downloads: CSV and Excel from a pandas DataFrame."""

from io import BytesIO

import pandas as pd
from django.http import HttpResponse

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def dataframe_response(frame: pd.DataFrame, filename: str, file_format: str) -> HttpResponse:
    """`frame` as a download named `filename`.csv or .xlsx; the index is not written."""
    content_type, extension = FORMATS[file_format]
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
