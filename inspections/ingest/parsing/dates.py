"""Month names and the dates HMIP documents print ('15 August 2022', 'March 2018')."""

import calendar
import re
from datetime import date

MONTH_NAMES = list(calendar.month_name)[1:]
MONTH = "(" + "|".join(MONTH_NAMES) + ")"  # a pattern group matching a month name
MONTH_YEAR = re.compile(rf"\b{MONTH}\s+(\d{{4}})\b")


def month_number(name: str) -> int:
    return [m.lower() for m in MONTH_NAMES].index(name.lower()) + 1


def first_of_month(match: re.Match) -> date:
    """The first day of a MONTH_YEAR match."""
    return date(int(match[2]), month_number(match[1]), 1)


MONTH_THEN_YEAR = re.compile(rf"\b{MONTH}\b.*?\b(\d{{4}})\b", re.DOTALL)


def start_of(text: str) -> date | None:
    """The first month named, in the year that follows it: 'October and November 2017' is
    October 2017. None where no month and year are given."""
    match = MONTH_THEN_YEAR.search(text or "")
    return first_of_month(match) if match else None
