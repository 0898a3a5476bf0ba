"""The tracker's rules, one per test, on plain values."""

from collections import Counter
from datetime import date

import pytest

from recommendations import rules
from recommendations.vocabulary import RAG, ReportedStatus, VerifiedProgress

TODAY = date(2024, 6, 1)


# --- Workflow ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", "not_started"),
        ("", "implemented"),
        ("not_started", "in_progress"),
        ("in_progress", "implemented"),
        ("in_progress", "not_implemented"),
        ("implemented", "in_progress"),
        ("not_implemented", "in_progress"),
        ("in_progress", "superseded"),
        ("superseded", "superseded"),
    ],
)
def test_allowed_transitions(old, new):
    assert rules.transition_error(old, new) is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "in_progress",
            "not_started",
            "can only move to implemented, not implemented or superseded",
        ),
        ("implemented", "not_implemented", "can only move to in progress or superseded"),
        ("superseded", "in_progress", "reported as superseded cannot change status"),
        ("in_progress", "", "a status cannot be removed"),
    ],
)
def test_refused_transitions_say_what_is_allowed(old, new, message):
    assert message in rules.transition_error(old, new)


def test_target_date_may_not_be_before_the_inspection_was_published():
    error = rules.target_date_error(date(2022, 9, 30), date(2022, 8, 15), date(2022, 10, 1))
    assert error == "Target date must be on or after 1 October 2022, when the inspection took place"


def test_target_date_falls_back_to_fieldwork_when_publication_is_unknown():
    assert rules.target_date_error(date(2022, 8, 14), date(2022, 8, 15), None)
    assert rules.target_date_error(date(2022, 8, 15), date(2022, 8, 15), None) is None


def test_target_date_is_unchecked_when_the_inspection_has_no_date():
    assert rules.target_date_error(date(1990, 1, 1), None, None) is None


BEFORE = {
    "response": "agreed",
    "partly_agreed_part": "",
    "owner": "Head of PDU",
    "target_date": date(2024, 3, 31),
    "reported_status": "in_progress",
    "verified_progress": "",
}


@pytest.mark.parametrize(
    "change",
    [
        {"reported_status": "implemented"},
        {"verified_progress": "good"},
        {"response": "not_agreed"},
        {"target_date": date(2024, 6, 30)},
        {"target_date": None},
    ],
)
def test_a_note_is_required_when_status_judgement_response_or_date_changes(change):
    assert rules.note_is_required(BEFORE, {**BEFORE, **change})


def test_no_note_is_required_to_set_a_first_target_date_or_an_owner():
    before = {**BEFORE, "target_date": None}
    assert not rules.note_is_required(before, {**before, "target_date": date(2024, 3, 31)})
    assert not rules.note_is_required(BEFORE, {**BEFORE, "owner": "Deputy head of PDU"})


# --- Overdue and RAG --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "status", "overdue"),
    [
        (date(2024, 5, 31), "in_progress", True),
        (date(2024, 5, 31), "", True),
        (date(2024, 5, 31), "not_implemented", True),
        (date(2024, 5, 31), "implemented", False),
        (date(2024, 5, 31), "superseded", False),
        (date(2024, 6, 1), "in_progress", False),  # due today is not yet late
        (None, "in_progress", False),
    ],
)
def test_overdue_is_past_the_target_date_and_not_implemented(target, status, overdue):
    assert rules.is_overdue(target, status, TODAY) is overdue


@pytest.mark.parametrize(
    ("status", "verified", "overdue", "rag"),
    [
        ("in_progress", "", True, RAG.RED),
        ("implemented", VerifiedProgress.GOOD, True, RAG.RED),
        ("implemented", VerifiedProgress.INSUFFICIENT, False, RAG.RED),
        ("in_progress", VerifiedProgress.REASONABLE, False, RAG.GREEN),
        ("implemented", "", False, RAG.GREEN),
        ("superseded", "", False, RAG.GREEN),
        ("not_implemented", "", False, RAG.RED),
        ("not_started", "", False, RAG.AMBER),
        ("in_progress", "", False, RAG.AMBER),
        ("", "", False, RAG.NO_UPDATE),
    ],
)
def test_rag(status, verified, overdue, rag):
    assert rules.rag_status(status, verified, overdue) == rag


# --- Status over time -------------------------------------------------------------------------


def test_months_between_crosses_the_year():
    assert rules.months_between(date(2023, 11, 20), date(2024, 2, 3)) == [
        date(2023, 11, 1),
        date(2023, 12, 1),
        date(2024, 1, 1),
        date(2024, 2, 1),
    ]


def test_status_counts_by_month_replays_the_history():
    events = [
        (1, date(2024, 1, 5), ReportedStatus.NOT_STARTED),
        (1, date(2024, 1, 20), ReportedStatus.IN_PROGRESS),
        (2, date(2024, 2, 2), ReportedStatus.IN_PROGRESS),
        (1, date(2024, 3, 9), ReportedStatus.IMPLEMENTED),
    ]
    months = rules.months_between(date(2024, 1, 1), date(2024, 3, 1))
    counts = rules.status_counts_by_month(events, 3, months)
    assert counts == [
        Counter({"": 2, "in_progress": 1}),
        Counter({"in_progress": 2, "": 1}),
        Counter({"implemented": 1, "in_progress": 1, "": 1}),
    ]
