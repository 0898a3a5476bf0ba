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


def when_inspected(fieldwork_start: date | None, published: date | None) -> date:
    """When an inspection took place, as far as its sources say: fieldwork, else publication.
    One with neither counts as the earliest, so that a dated inspection is always the latest."""
    return fieldwork_start or published or date.min
