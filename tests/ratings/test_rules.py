"""HMIP's rating rules, one rule per test, then proved against every published rating."""

from decimal import Decimal

import pytest

from inspections.models import Inspection
from ratings import rules
from ratings.models import Rating, StandardRating


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (0, Rating.INADEQUATE),
        (Decimal("49.9"), Rating.INADEQUATE),
        (50, Rating.REQUIRES_IMPROVEMENT),
        (Decimal("64.9"), Rating.REQUIRES_IMPROVEMENT),
        (65, Rating.GOOD),
        (Decimal("79.9"), Rating.GOOD),
        (80, Rating.OUTSTANDING),
        (100, Rating.OUTSTANDING),
    ],
)
def test_band_for_percentage_at_each_boundary(percent, expected):
    assert rules.band_for_percentage(percent) == expected


@pytest.mark.parametrize("percent", [-1, Decimal("100.1"), 250])
def test_band_for_percentage_refuses_impossible_percentages(percent):
    with pytest.raises(ValueError, match="between 0 and 100"):
        rules.band_for_percentage(percent)


def test_rating_from_key_questions_follows_the_lowest():
    assert rules.rating_from_key_questions([90, 85, 49]) == Rating.INADEQUATE
    assert rules.rating_from_key_questions([90, 66, 81]) == Rating.GOOD


def test_rating_from_key_questions_needs_a_percentage():
    with pytest.raises(ValueError):
        rules.rating_from_key_questions([])


@pytest.mark.parametrize(
    ("rated_from_key_questions", "rating", "expected"),
    [
        (True, Rating.GOOD, True),
        (True, Rating.NOT_INSPECTED, False),
        (True, "", False),
        (True, None, False),
        (False, Rating.GOOD, False),
    ],
)
def test_a_rating_rests_on_key_questions_where_rated_from_them_and_inspected(
    rated_from_key_questions, rating, expected
):
    assert rules.rests_on_key_questions(rated_from_key_questions, rating) is expected


def departure(rating, percentages, reason="", rated_from_key_questions=True):
    return rules.departure_error(
        "2.2 Assessment", rated_from_key_questions, rating, reason, percentages
    )


def test_a_rating_that_follows_the_rule_stands():
    assert departure(Rating.REQUIRES_IMPROVEMENT, [55, 60, Decimal("50")]) is None


def test_a_departure_from_the_rule_is_refused_and_says_what_the_rule_gives():
    assert departure(Rating.GOOD, [55, 60, Decimal("50")]) == (
        "2.2 Assessment is rated Good, but its lowest key question gives Requires improvement: "
        "correct the rating or give the inspectors' reason for departing from the rule"
    )


def test_a_departure_stands_with_the_inspectors_reason():
    assert departure(Rating.GOOD, [55, 60, 50], "The positives override the guidance.") is None


def test_a_reason_of_blanks_is_no_reason():
    assert departure(Rating.GOOD, [55, 60, 50], "  \n ") is not None


@pytest.mark.parametrize(
    ("rating", "percentages", "rated_from_key_questions"),
    [
        (Rating.NOT_INSPECTED, [10, 10, 10], True),  # nothing to follow the rule
        (Rating.GOOD, [10, None, 10], True),  # the missing percentage is asked for instead
        (Rating.GOOD, [], True),
        (Rating.GOOD, [10, 10, 10], False),  # domain one: inspectors' judgement
    ],
)
def test_the_rule_is_not_applied_where_it_cannot_be(rating, percentages, rated_from_key_questions):
    assert departure(rating, percentages, rated_from_key_questions=rated_from_key_questions) is None


def test_points_per_rating():
    assert [rules.points(r) for r in Rating if r != Rating.NOT_INSPECTED] == [3, 2, 1, 0]


def test_not_inspected_carries_no_points():
    with pytest.raises(ValueError):
        rules.points(Rating.NOT_INSPECTED)


def test_score_leaves_out_standards_not_inspected():
    ratings = [Rating.GOOD] * 4 + [Rating.NOT_INSPECTED] + [Rating.INADEQUATE] * 4
    assert rules.score(ratings) == (8, 24)


def test_score_with_court_work_has_maximum_27():
    assert rules.score([Rating.OUTSTANDING] * 9) == (27, 27)


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (0, Rating.INADEQUATE),
        (4, Rating.INADEQUATE),
        (5, Rating.REQUIRES_IMPROVEMENT),
        (12, Rating.REQUIRES_IMPROVEMENT),
        (13, Rating.GOOD),
        (20, Rating.GOOD),
        (21, Rating.OUTSTANDING),
        (27, Rating.OUTSTANDING),
    ],
)
def test_overall_rating_bands(total, expected):
    assert rules.overall_rating(total) == expected


def test_overall_rating_refuses_a_negative_score():
    with pytest.raises(ValueError):
        rules.overall_rating(-1)


# --- Proved against the published data --------------------------------------------


def four_point_inspections():
    return Inspection.objects.filter(programme__rating_scheme="four_point").exclude(score=None)


def test_rules_reproduce_every_published_score_and_overall_rating(published_data):
    inspections = list(four_point_inspections().prefetch_related("ratings"))
    assert len(inspections) == 6, "every PDU of the London letter has a published score"
    for inspection in inspections:
        published = [r.rating for r in inspection.ratings.all() if r.standard.is_rated]
        assert rules.score(published) == (inspection.score, inspection.max_score), inspection
        assert rules.overall_rating(inspection.score) == inspection.overall_rating, inspection


def test_rules_reproduce_every_rating_given_from_key_questions(published_data):
    ratings = StandardRating.objects.filter(
        standard__rated_from_key_questions=True, inspection__key_question_scores__isnull=False
    ).distinct()
    checked = 0
    for rating in ratings.select_related("standard", "inspection"):
        percentages = rating.inspection.key_question_scores.filter(
            key_question__standard=rating.standard
        ).values_list("percent_yes", flat=True)
        assert rules.rating_from_key_questions(percentages) == rating.rating, rating
        checked += 1
    assert checked == 8, "Lambeth and Lewisham and Bromley publish key questions for 2.2-2.5"


def test_every_published_departure_from_guidance_is_an_override(published_data):
    overridden = StandardRating.objects.exclude(override_reason="").values_list(
        "inspection__slug", "standard__code"
    )
    assert sorted(overridden) == [
        ("lewisham-and-bromley-pdu-2022", "1.1"),
        ("lewisham-and-bromley-pdu-2022", "1.3"),
    ]
    for reason in StandardRating.objects.exclude(override_reason="").values_list(
        "override_reason", flat=True
    ):
        assert "override the guidance in this instance" in reason


def test_explain_rating_names_the_deciding_key_question():
    explanation = rules.explain_rating(
        [("Engaging?", Decimal("43")), ("Desistance?", Decimal("38")), ("Safety?", Decimal("12"))],
        Rating.INADEQUATE,
    )
    assert explanation.key_question == "Safety?"
    assert explanation.percent_yes == Decimal("12")
    assert explanation.band == Rating.INADEQUATE
    assert explanation.band_description == "below 50%"
    assert explanation.follows_rule


def test_explain_rating_shows_a_departure_from_the_rule():
    explanation = rules.explain_rating([("Safety?", Decimal("70"))], Rating.INADEQUATE, "Because")
    assert explanation.band == Rating.GOOD
    assert not explanation.follows_rule
    assert explanation.override_reason == "Because"


def test_explain_rating_without_percentages_is_none():
    assert rules.explain_rating([], Rating.INADEQUATE) is None
