"""Spot checks of the loaded data against the documents, transcribed by hand.

These are an independent check on the parsers: each value below was read off
the report texts by a person, not produced by the code under test.
"""

from decimal import Decimal

import pytest

from inspections.models import ContextFigure, Finding, Inspection
from ratings.models import KeyQuestionScore, StandardRating
from recommendations.models import Recommendation

RATING_CODES = {
    "G": "good",
    "RI": "requires_improvement",
    "I": "inadequate",
    "NI": "not_inspected",
}

# Annexe two of the regional letter (and the two full reports): score, overall rating,
# then each standard's rating.
PUBLISHED_RATINGS = {
    "hfkcw-2022": "0/27 I | 1.1 I, 1.2 I, 1.3 I, 1.4 I, 2.1 I, 2.2 I, 2.3 I, 2.4 I, 2.5 I",
    "lambeth-pdu-2022": (
        "3/24 I | 1.1 RI, 1.2 I, 1.3 RI, 1.4 RI, 2.1 NI, 2.2 I, 2.3 I, 2.4 I, 2.5 I"
    ),
    "ealing-and-hillingdon-2022": (
        "3/27 I | 1.1 RI, 1.2 I, 1.3 RI, 1.4 RI, 2.1 I, 2.2 I, 2.3 I, 2.4 I, 2.5 I"
    ),
    "lewisham-and-bromley-pdu-2022": (
        "4/24 I | 1.1 RI, 1.2 RI, 1.3 RI, 1.4 RI, 2.1 NI, 2.2 I, 2.3 I, 2.4 I, 2.5 I"
    ),
    "newham-2022": "6/24 RI | 1.1 RI, 1.2 G, 1.3 RI, 1.4 G, 2.2 I, 2.3 I, 2.4 I, 2.5 I",
    "barking-dagenham-and-havering-2022": (
        "5/24 RI | 1.1 RI, 1.2 RI, 1.3 RI, 1.4 RI, 2.2 I, 2.3 I, 2.4 RI, 2.5 I"
    ),
}


def read_ratings(line: str):
    """'3/24 I | 1.1 RI, ...' -> (3, 24, 'inadequate'), {'1.1': 'requires_improvement', ...}"""
    head, standards = line.split(" | ")
    score, overall = head.split()
    points, maximum = score.split("/")
    ratings = dict(item.split() for item in standards.split(", "))
    return (int(points), int(maximum), RATING_CODES[overall]), {
        code: RATING_CODES[rating] for code, rating in ratings.items()
    }


# Key-question tables, in the order printed: 2.2-2.5 three questions each, then 2.6.
PUBLISHED_KEY_QUESTIONS = {
    "lambeth-pdu-2022": [43, 38, 12, 40, 31, 24, 38, 26, 12, 36, 21, 14, 17],
    "lewisham-and-bromley-pdu-2022": [43, 57, 21, 38, 52, 36, 55, 26, 19, 52, 38, 24, 29],
}

RECOMMENDATION_COUNTS = {
    "hfkcw-2022": 14,
    "lambeth-pdu-2022": 12,
    "ealing-and-hillingdon-2022": 11,
    "lewisham-and-bromley-pdu-2022": 11,
    "newham-2022": 12,
    "barking-dagenham-and-havering-2022": 13,
    "london-crc-2018": 6,
    "london-crc-north-london-2016": 9,
}


@pytest.mark.parametrize("slug", PUBLISHED_RATINGS)
def test_score_overall_rating_and_every_standard(published_data, slug):
    (score, max_score, overall), ratings = read_ratings(PUBLISHED_RATINGS[slug])
    inspection = Inspection.objects.get(slug=slug)
    assert (inspection.score, inspection.max_score, inspection.overall_rating) == (
        score,
        max_score,
        overall,
    )
    loaded = dict(
        StandardRating.objects.filter(inspection=inspection).values_list("standard__code", "rating")
    )
    assert loaded == ratings


@pytest.mark.parametrize("slug", PUBLISHED_KEY_QUESTIONS)
def test_every_key_question_percentage(published_data, slug):
    loaded = KeyQuestionScore.objects.filter(inspection__slug=slug).values_list(
        "percent_yes", flat=True
    )
    assert list(loaded) == [Decimal(p) for p in PUBLISHED_KEY_QUESTIONS[slug]]


@pytest.mark.parametrize(("slug", "count"), RECOMMENDATION_COUNTS.items())
def test_recommendation_counts(published_data, slug, count):
    assert Recommendation.objects.filter(inspection__slug=slug).count() == count


def test_newham_keeps_its_repeated_numbers(published_data):
    numbers = Recommendation.objects.filter(inspection__slug="newham-2022").values_list(
        "number", flat=True
    )
    assert list(numbers) == [1, 2, 3, 4, 5, 6, 7, 6, 7, 8, 9, 10]


def test_recommendations_are_addressed_to_the_right_bodies(published_data):
    lambeth = Recommendation.objects.filter(inspection__slug="lambeth-pdu-2022")
    assert list(lambeth.values_list("addressee__slug", flat=True)) == (
        ["lambeth"] * 6 + ["london-region"] * 4 + ["hmpps"] * 2
    )
    assert (
        lambeth.get(number=7).text == "ensure Lambeth PDU has sufficient staffing resource in place"
    )
    crc = Recommendation.objects.filter(inspection__slug="london-crc-2018")
    assert set(crc.values_list("addressee__slug", flat=True)) == {"london-crc"}
    joint = Recommendation.objects.get(inspection__slug="london-crc-north-london-2016", number=1)
    assert joint.addressee.slug == "london-crc"
    assert [b.slug for b in joint.co_addressees.all()] == ["nps-london"]


def test_lambeth_findings_quote_the_report(published_data):
    texts = Finding.objects.filter(inspection__slug="lambeth-pdu-2022").values_list(
        "text", flat=True
    )
    assert (
        "There was no people on probation survey activity across the PDU to drive improvement "
        "in service delivery." in texts
    )
    # A bullet the PDF split across a page break and a footnote, rejoined.
    assert any(
        t.startswith("Management oversight was absent, insufficient, or ineffective in 75 per")
        and t.endswith("and there was insufficient follow-up by managers.")
        for t in texts
    )


def test_lewisham_and_bromley_override_reasons_are_published_words(published_data):
    reasons = dict(
        StandardRating.objects.filter(inspection__slug="lewisham-and-bromley-pdu-2022")
        .exclude(override_reason="")
        .values_list("standard__code", "override_reason")
    )
    assert reasons["1.1"].startswith(
        "A rating of ‘Inadequate’ for all domain two standards would usually result in a rating"
    )
    assert reasons["1.3"].startswith("A rating of ‘Inadequate’ for standard 2.3 would usually")


def test_context_figures_as_published(published_data):
    def figure(body, label):
        return ContextFigure.objects.get(body__slug=body, label=label)

    assert figure("lambeth", "People on probation managed").value == 1089
    assert figure("lambeth", "PPF status at the point of inspection").value_text == "amber"
    assert figure("lewisham-and-bromley", "Vacancy rate, probation services officers (PSOs), "
                  "when the inspection was announced").value == 67  # fmt: skip
    assert figure("london-region", "Vacancies across London at the time of the regional "
                  "fieldwork").value_text == "in excess of 500"  # fmt: skip
    assert figure("london-crc", "The number of offenders supervised by the London CRC").value == (
        29473
    )


def test_pdu_profile(published_data):
    from pdus.models import Body

    pdu = Body.objects.get(slug="lewisham-and-bromley")
    assert sorted(pdu.sites.values_list("name", flat=True)) == [
        "Lewisham",
        "Orpington",
        "central Bromley",
    ]
    services = list(pdu.commissioned_services.values_list("need", "provider", "is_active"))
    assert services[0] == ("Employment, Education and Training", "Maximus", True)
    assert ("Dependency to Recovery", "Forward Trust", False) in services
    assert len(services) == 6


def test_disagreements_between_documents_are_recorded(published_data):
    from inspections.models import DataQualityNote

    descriptions = list(DataQualityNote.objects.values_list("description", flat=True))
    assert any("approximately 2,500" in d and "2,400" in d for d in descriptions)
    assert any("ten prisons" in d and "9 prison establishments" in d for d in descriptions)
    assert any("Her Majesty's" in d and "His Majesty's" in d for d in descriptions)
    assert any("numbers Assessment as 2.1" in d for d in descriptions)


def test_crc_fieldwork_began_in_october_2017(published_data):
    inspection = Inspection.objects.get(slug="london-crc-2018")
    assert inspection.fieldwork_start_display == "October 2017"
    assert inspection.published_display == "March 2018"
