"""The checks an inspection must pass before it is published (inspections/ingest/checks.py)."""

from datetime import date

import pytest

from inspections.ingest import checks
from inspections.models import DatePrecision, Inspection
from ratings.models import Standard

FIELDWORK = date(2022, 8, 15)
LATE = "The publication date must be after fieldwork started"


@pytest.mark.parametrize(
    ("published", "precision", "error"),
    [
        (date(2022, 10, 1), DatePrecision.DAY, None),
        (date(2022, 8, 15), DatePrecision.DAY, None),
        (date(2022, 8, 14), DatePrecision.DAY, LATE),  # a day is known: checked to the day
        (date(2022, 8, 1), DatePrecision.DAY, LATE),
        (date(2022, 8, 1), DatePrecision.MONTH, None),  # "August 2022": any day of it
        (date(2022, 7, 1), DatePrecision.MONTH, LATE),
        (date(2022, 1, 1), DatePrecision.YEAR, None),  # "2022"
        (date(2021, 1, 1), DatePrecision.YEAR, LATE),
    ],
)
def test_the_publication_date_is_checked_as_precisely_as_it_is_known(published, precision, error):
    assert checks.publication_date_error(FIELDWORK, published, precision) == error


@pytest.mark.parametrize(("start", "published"), [(None, date(2022, 1, 1)), (FIELDWORK, None)])
def test_an_unknown_date_is_not_out_of_order(start, published):
    assert checks.publication_date_error(start, published, DatePrecision.DAY) is None


@pytest.fixture
def lambeth(published_data):
    return Inspection.objects.get(slug="lambeth-pdu-2022")


def test_lambeth_as_published_passes_every_check(lambeth):
    assert checks.publication_problems(lambeth) == []


def test_a_rating_with_a_reason_of_blanks_is_a_departure(lambeth):
    lambeth.ratings.filter(standard__code="2.2").update(rating="good", override_reason="  ")
    assert checks.publication_problems(lambeth) == [
        "2.2 Assessment is rated Good, but its lowest key question gives Inadequate: correct "
        "the rating or give the inspectors' reason for departing from the rule"
    ]


def test_a_rating_from_key_questions_needs_every_percentage(lambeth):
    lambeth.key_question_scores.filter(key_question__standard__code="2.3").first().delete()
    assert checks.publication_problems(lambeth) == [
        "Enter the percentage 'Yes' for every key question of 2.3 Planning: 1 missing"
    ]


def test_a_standard_not_inspected_needs_no_percentages(lambeth):
    planning = Standard.objects.get(programme__slug="pdu", code="2.3")
    lambeth.key_question_scores.filter(key_question__standard=planning).delete()
    lambeth.ratings.filter(standard=planning).update(rating="not_inspected")
    assert checks.publication_problems(lambeth) == []
