"""The wording rules of the PDU pages: lists of names and counts of PDUs that read right."""

import pytest

from pdus.rules import average_name, joined, other_pdus


@pytest.mark.parametrize(
    ("names", "expected"),
    [([], ""), (["Lambeth"], "Lambeth"), (["Lambeth", "Newham"], "Lambeth and Newham"),
     (["HFKCW", "Lambeth", "Newham"], "HFKCW, Lambeth and Newham")],
)  # fmt: skip
def test_joined_lists_names_as_a_sentence(names, expected):
    assert joined(names) == expected


def test_a_name_with_an_and_of_its_own_is_kept_apart():
    assert joined(["Lambeth", "Lewisham and Bromley"]) == "Lambeth, and Lewisham and Bromley"


def test_one_other_pdu_is_singular():
    assert other_pdus(1, "London") == "1 other London PDU"
    assert other_pdus(5, "London") == "5 other London PDUs"
    assert other_pdus(0) == "0 other PDUs"


def test_an_average_says_how_many_pdus_it_is_over():
    assert average_name([1, 1, 1], "London") == "Average of 1 other London PDU"
    assert average_name([3], "Wales") == "Average of 3 other Wales PDUs"


def test_an_average_over_differing_numbers_of_pdus_gives_the_range():
    assert average_name([2, 1, 3, 1], "London") == "Average of 1 to 3 other London PDUs"


def test_nothing_averaged_has_no_name():
    assert average_name([], "London") == ""
