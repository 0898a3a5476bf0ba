"""The DataFrame path of the downloads, as the app had it before its tables were sent as
rows (`table_response`): tests check the rows path writes the same files."""

from collections.abc import Iterator

import numpy as np
import pandas as pd
from django.http import HttpResponse
from pandas.api.types import is_scalar

from inspections.web.exports import table_response


def frame_rows(frame) -> Iterator[list]:
    """`frame`'s rows (not its index) as lists of plain Python values (`plain_value`)."""
    for row in frame.itertuples(index=False, name=None):
        yield [plain_value(value) for value in row]


def plain_value(value):
    """A DataFrame cell as the writers take it: blanks (None, NaN, NaT, NA) as None,
    pandas and numpy scalars as the Python values they stand for."""
    if not is_scalar(value):
        return str(value)
    if value is None or pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def dataframe_response(frame, what: str, file_format: str) -> HttpResponse:
    """`frame` (a pandas DataFrame) as `table_response` sends it; the index is not
    written."""
    header = list(frame.columns)
    rows = [dict(zip(header, row, strict=True)) for row in frame_rows(frame)]
    return table_response(rows, what, file_format, header)
