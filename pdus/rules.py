"""Rules about a body's inspections over time, as plain functions on plain values."""

from datetime import date

from ratings.rules import POINTS

IMPROVED, DECLINED, UNCHANGED = "improved", "declined", "unchanged"


def rating_change(previous: str, current: str) -> str:
    """How a rating moved from one inspection to the next: IMPROVED, DECLINED or UNCHANGED;
    "" where either is off HMIP's four-point scale (not inspected, a judgement in prose),
    as no direction can be read between them."""
    if previous not in POINTS or current not in POINTS:
        return ""
    if POINTS[current] == POINTS[previous]:
        return UNCHANGED
    return IMPROVED if POINTS[current] > POINTS[previous] else DECLINED


def percent_change(previous, current) -> str:
    """How a key question's percentage 'yes' moved between two inspections under one
    framework version: IMPROVED (up), DECLINED (down) or UNCHANGED."""
    if current == previous:
        return UNCHANGED
    return IMPROVED if current > previous else DECLINED


def when_inspected(fieldwork_start: date | None, published: date | None) -> date:
    """When an inspection took place, as far as its sources say: fieldwork, else publication.
    One with neither counts as the earliest, so that a dated inspection is always the latest."""
    return fieldwork_start or published or date.min


def joined(names: list[str]) -> str:
    """Names as a sentence lists them: 'A', 'A and B', 'A, B and C'. Where a name has an
    'and' of its own, a comma before the last keeps the names apart: 'Lambeth, and
    Lewisham and Bromley'."""
    if len(names) < 2:
        return "".join(names)
    last = ", and" if any(" and " in name for name in names) else " and"
    return f"{', '.join(names[:-1])}{last} {names[-1]}"


def other_pdus(count: int, region_name: str = "") -> str:
    """'1 other London PDU', '3 other London PDUs': a count of PDUs that reads right at one."""
    where = f"{region_name} " if region_name else ""
    return f"{count} other {where}PDU{'' if count == 1 else 's'}"


def average_name(counts, region_name: str = "") -> str:
    """What an average of a region's other PDUs is called, saying how many PDUs it is over.

    `counts` are the numbers of PDUs behind each figure averaged (one key question may be
    published by fewer PDUs than another): 'Average of 1 other London PDU', or where they
    differ 'Average of 1 to 3 other London PDUs'; "" where there is nothing averaged.
    """
    counts = sorted(set(counts))
    if not counts:
        return ""
    if len(counts) == 1:
        return f"Average of {other_pdus(counts[0], region_name)}"
    where = f"{region_name} " if region_name else ""
    return f"Average of {counts[0]} to {counts[-1]} other {where}PDUs"


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 101st."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
