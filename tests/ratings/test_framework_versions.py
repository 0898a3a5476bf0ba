"""Framework versions: which version a report uses, each version's rules, the 2023
version the migration adds, and adding a version in the admin."""

import datetime
from decimal import Decimal

import pytest

from inspections.ingest import checks
from inspections.ingest.parsing.pdu_report import parse_pdu_report
from inspections.models import Inspection
from ratings import rules
from ratings.models import KeyQuestion, Programme, Rating, Standard, StandardRating
from tests.factories import InspectionFactory, KeyQuestionFactory, StandardFactory

LAMBETH = "000_dc3a9006563f0344"
FIELDWORK_2022 = datetime.date(2022, 8, 15)
FIELDWORK_2024 = datetime.date(2024, 3, 4)
STANDARDS_2023 = [
    ("1.1", "Leadership"),
    ("1.2", "Staffing"),
    ("1.3", "Services"),
    ("2.1", "Assessment"),
    ("2.2", "Planning"),
    ("2.3", "Implementation and delivery"),
    ("2.4", "Reviewing"),
]


@pytest.fixture
def pdu_2021(published_data):
    return Programme.objects.get(slug="pdu")


@pytest.fixture
def pdu_2023(published_data):
    return Programme.objects.get(slug="pdu-2023")


def version_for(standards, fieldwork_start):
    return Programme.objects.version_for(standards, fieldwork_start)


# --- Which version a report uses --------------------------------------------------


def test_a_published_2022_report_is_of_the_2021_standards(pdu_2021, reports_dir):
    report = parse_pdu_report((reports_dir / f"{LAMBETH}.txt").read_text(encoding="utf-8"))
    published = [(rating.code, rating.name) for rating in report.ratings]
    assert version_for(published, report.fieldwork_start) == (pdu_2021, None)


def test_a_report_may_leave_out_a_standard(pdu_2021):
    published = [("1.1", "Leadership"), ("1.2", "Staff"), ("2.2", "Assessment")]
    assert version_for(published, FIELDWORK_2022) == (pdu_2021, None)


def test_standards_are_compared_without_case_or_spacing(pdu_2021):
    published = [("1.4", "Information  and\nFacilities"), ("2.1", "court work")]
    assert version_for(published, FIELDWORK_2022) == (pdu_2021, None)


def test_a_2024_report_is_of_the_2023_standards_whose_start_is_to_be_confirmed(pdu_2023):
    version, note = version_for(STANDARDS_2023, FIELDWORK_2024)
    assert version == pdu_2023
    # The migration records no start date (not in our sources), so the admin is asked.
    assert "outside that version's dates as recorded" in note


def test_a_2024_report_is_of_the_2023_standards_once_their_start_is_entered(pdu_2023):
    Programme.objects.filter(pk=pdu_2023.pk).update(started=datetime.date(2023, 10, 1))
    assert version_for(STANDARDS_2023, FIELDWORK_2024) == (pdu_2023, None)


def test_standards_of_no_version_fall_back_to_the_version_in_force(pdu_2021):
    # The regional annex numbers 2.2 Assessment as 2.1, beside 2021's 1.2 Staff.
    published = [("1.2", "Staff"), ("1.4", "Information and facilities"), ("2.1", "Assessment")]
    version, note = version_for(published, FIELDWORK_2022)
    assert version == pdu_2021
    assert note == (
        "The report's standards (1.2 Staff, 1.4 Information and facilities, 2.1 Assessment) "
        "fit no framework version; taken as PDU inspection programme, in force when "
        "fieldwork started on 15 August 2022. Check the report's standards against it."
    )


def test_standards_shared_by_versions_are_told_apart_by_the_fieldwork_date(pdu_2021, pdu_2023):
    published = [("1.1", "Leadership"), ("1.3", "Services")]
    assert version_for(published, FIELDWORK_2022) == (pdu_2021, None)


def test_versions_the_fieldwork_date_cannot_tell_apart_are_left_to_the_admin(pdu_2021, pdu_2023):
    Programme.objects.filter(pk=pdu_2023.pk).update(started=datetime.date(2023, 10, 1))
    version, note = version_for([("1.1", "Leadership")], FIELDWORK_2024)
    assert version is None
    assert "fit 2 versions" in note and "choose the version" in note


def test_no_fit_and_no_version_in_force_is_none_with_the_reason(published_data):
    version, note = version_for([("3.1", "Unpaid work")], datetime.date(2030, 1, 1))
    assert version is None
    assert note == (
        "The report's standards (3.1 Unpaid work) fit no framework version, and no "
        "version's recorded dates include the fieldwork start (1 January 2030): add the "
        "version, or correct its dates."
    )


def test_a_report_without_standards_or_date_is_none(published_data):
    version, note = version_for([], None)
    assert version is None
    assert "(none)" in note and "(not given)" in note


# --- Each version's rules -----------------------------------------------------------


def test_a_new_version_starts_from_the_2021_bands():
    assert Programme().key_question_bands == rules.KEY_QUESTION_BANDS
    assert Programme().score_bands == rules.SCORE_BANDS


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (3, Rating.INADEQUATE),
        (4, Rating.REQUIRES_IMPROVEMENT),
        (10, Rating.REQUIRES_IMPROVEMENT),
        (11, Rating.GOOD),
        (17, Rating.GOOD),
        (18, Rating.OUTSTANDING),
        (21, Rating.OUTSTANDING),
    ],
)
def test_the_2023_versions_score_bands(pdu_2023, total, expected):
    assert rules.overall_rating(total, pdu_2023.score_bands) == expected


def test_seven_standards_score_at_most_21():
    assert rules.score([Rating.OUTSTANDING] * 7) == (21, 21)


def version_with_standards(count, **bands):
    version = Programme.objects.create(
        slug="test-version", name="Test version", rating_scheme="four_point", **bands
    )
    return version, StandardFactory.create_batch(count, programme=version)


@pytest.mark.django_db
def test_the_score_follows_the_inspections_version():
    version, standards = version_with_standards(
        3, outstanding_score=9, good_score=6, requires_improvement_score=3
    )
    inspection = InspectionFactory(programme=version)
    for standard in standards:
        StandardRating.objects.create(
            inspection=inspection, standard=standard, rating=Rating.GOOD, source_section="Test"
        )
    checks.set_score(inspection)
    inspection.refresh_from_db()
    # 6/9 is Good in this version; in the 2021 bands it would be Requires improvement.
    assert (inspection.score, inspection.max_score, inspection.overall_rating) == (
        6,
        9,
        Rating.GOOD,
    )


@pytest.mark.django_db
def test_a_departure_is_judged_in_the_versions_key_question_bands():
    version, [standard] = version_with_standards(
        1, outstanding_percent=90, good_percent=70, requires_improvement_percent=55
    )
    standard.rated_from_key_questions = True
    standard.save()
    question = KeyQuestionFactory(standard=standard)
    # 85% is Outstanding in the 2021 bands, Good in this version's.
    assert checks.rating_departure(standard, Rating.GOOD, "", {question.pk: Decimal(85)}) is None
    assert "its lowest key question gives Good" in checks.rating_departure(
        standard, Rating.OUTSTANDING, "", {question.pk: Decimal(85)}
    )


def test_a_rating_of_another_versions_standard_is_a_problem(pdu_2023):
    lambeth = Inspection.objects.get(slug="lambeth-pdu-2022")
    StandardRating.objects.create(
        inspection=lambeth,
        standard=pdu_2023.standards.get(code="1.2"),
        rating=Rating.GOOD,
        source_section="Test",
    )
    assert checks.rating_problems(lambeth) == [
        "1.2 Staffing is a standard of PDU inspection programme (2023 standards), not of PDU "
        "inspection programme: rate this inspection's own standards"
    ]


def test_band_descriptions_follow_the_bands():
    bands = Programme(
        outstanding_percent=90, good_percent=70, requires_improvement_percent=55
    ).key_question_bands
    assert [rules.band_description(rating, bands) for _, rating in bands] == [
        "90% or more",
        "70% to 89%",
        "55% to 69%",
        "below 55%",
    ]
    assert rules.explain_rating([("Safety?", Decimal(88))], Rating.GOOD, bands=bands).follows_rule


@pytest.mark.parametrize(
    ("minimums", "highest", "error"),
    [
        ((80, 65, 50), 100, None),
        (
            (80, 80, 50),
            100,
            "Enter a higher lowest value for each rating than for the rating below it",
        ),
        (
            (50, 65, 80),
            100,
            "Enter a higher lowest value for each rating than for the rating below it",
        ),
        ((80, 65, 0), 100, "Enter a lowest value above 0 for Requires improvement"),
        ((101, 65, 50), 100, "Enter a lowest value of 100 or less for Outstanding"),
        ((30, 20, 10), None, None),
    ],
)
def test_bands_must_descend_within_their_range(minimums, highest, error):
    ratings = [Rating.OUTSTANDING, Rating.GOOD, Rating.REQUIRES_IMPROVEMENT, Rating.INADEQUATE]
    bands = list(zip((*minimums, 0), ratings, strict=True))
    assert rules.bands_error(bands, "lowest value", highest) == error


# --- The migration ------------------------------------------------------------------


def test_the_migration_adds_the_2023_standards(pdu_2023):
    standards = pdu_2023.standards.all()
    assert [(s.code, s.name) for s in standards] == STANDARDS_2023
    assert [s.code for s in standards if s.rated_from_key_questions] == ["2.1", "2.2", "2.3", "2.4"]
    assert all(s.is_rated for s in standards)
    # Key questions come from the first report that publishes them, in its words.
    assert not KeyQuestion.objects.filter(standard__programme=pdu_2023).exists()


def test_the_2023_bands_are_recorded_as_an_assumption(pdu_2023):
    assert pdu_2023.key_question_bands == rules.KEY_QUESTION_BANDS
    assert [minimum for minimum, _ in pdu_2023.score_bands] == [18, 11, 4, 0]
    assert "ASSUMED, TO BE CONFIRMED BY AN ADMIN" in pdu_2023.description
    assert pdu_2023.started is None


def test_the_2021_standards_results_are_unchanged(pdu_2021):
    assert pdu_2021.key_question_bands == rules.KEY_QUESTION_BANDS
    assert pdu_2021.score_bands == rules.SCORE_BANDS
    inspections = Inspection.objects.filter(programme=pdu_2021).exclude(score=None)
    published = list(inspections.values_list("pk", "score", "max_score", "overall_rating"))
    assert len(published) == 6
    for inspection in inspections:
        checks.set_score(inspection)
    assert list(inspections.values_list("pk", "score", "max_score", "overall_rating")) == published
    # The two full reports' ratings, overrides aside, follow the 2021 key-question bands.
    for slug in ("lambeth-pdu-2022", "lewisham-and-bromley-pdu-2022"):
        assert checks.rating_problems(Inspection.objects.get(slug=slug)) == []


def test_the_standard_page_names_its_version_and_links_its_namesakes(client, pdu_2023):
    page = client.get("/standards/pdu/2-2-assessment/").content.decode()
    assert "A standard of the PDU inspection programme, in force from 26 June 2021" in page
    assert 'href="/standards/pdu-2023/2-1-assessment/">2.1 Assessment</a>' in page
    assert "not compared in one column with these" in page


# --- The admin ----------------------------------------------------------------------

ADD = "/admin/ratings/programme/add/"


def version_form(**changes):
    data = {
        "name": "PDU inspection programme (2026 standards)",
        "slug": "pdu-2026",
        "rating_scheme": "four_point",
        "started": "2026-04-01",
        "ended": "",
        "description": "Test version.",
        "outstanding_percent": "80",
        "good_percent": "65",
        "requires_improvement_percent": "50",
        "outstanding_score": "5",
        "good_score": "3",
        "requires_improvement_score": "1",
        "standards-TOTAL_FORMS": "2",
        "standards-INITIAL_FORMS": "0",
        "standards-MIN_NUM_FORMS": "0",
        "standards-MAX_NUM_FORMS": "1000",
    }
    for index, (code, name, from_key_questions) in enumerate(
        [("1.1", "Leadership", False), ("2.1", "Public protection", True)]
    ):
        prefix = f"standards-{index}-"
        data |= {
            f"{prefix}position": str(index + 1),
            f"{prefix}code": code,
            f"{prefix}name": name,
            f"{prefix}slug": "",
            f"{prefix}domain": "",
            f"{prefix}is_rated": "on",
        }
        if from_key_questions:
            data[f"{prefix}rated_from_key_questions"] = "on"
    return data | changes


@pytest.mark.django_db
def test_an_admin_adds_a_version_with_its_standards(admin_client):
    response = admin_client.post(ADD, version_form())
    assert response.status_code == 302, response.context["errors"]
    version = Programme.objects.get(slug="pdu-2026")
    assert [(s.code, s.slug, s.rated_from_key_questions) for s in version.standards.all()] == [
        ("1.1", "1-1-leadership", False),
        ("2.1", "2-1-public-protection", True),
    ]
    assert [minimum for minimum, _ in version.score_bands] == [5, 3, 1, 0]


@pytest.mark.django_db
def test_an_admin_adds_a_standards_key_questions_on_its_page(admin_client):
    admin_client.post(ADD, version_form())
    standard = Standard.objects.get(programme__slug="pdu-2026", code="2.1")
    page = f"/admin/ratings/standard/{standard.pk}/change/"
    data = {
        "programme": str(standard.programme_id),
        "code": standard.code,
        "slug": standard.slug,
        "name": standard.name,
        "domain": "",
        "statement": "",
        "is_rated": "on",
        "rated_from_key_questions": "on",
        "position": "2",
        "key_questions-TOTAL_FORMS": "1",
        "key_questions-INITIAL_FORMS": "0",
        "key_questions-MIN_NUM_FORMS": "0",
        "key_questions-MAX_NUM_FORMS": "1000",
        "key_questions-0-text": "Does the test key question hold?",
        "key_questions-0-position": "1",
    }
    response = admin_client.post(page, data)
    assert response.status_code == 302, response.context["errors"]
    assert list(standard.key_questions.values_list("text", flat=True)) == [
        "Does the test key question hold?"
    ]


@pytest.mark.django_db
def test_percentage_bands_must_descend(admin_client):
    response = admin_client.post(ADD, version_form(good_percent="85"))
    assert response.status_code == 200
    assert (
        "Enter a higher lowest percentage for each rating than for the rating below it"
        in response.content.decode()
    )
    assert not Programme.objects.filter(slug="pdu-2026").exists()


@pytest.mark.django_db
def test_outstanding_overall_can_need_no_more_than_the_maximum_score(admin_client):
    response = admin_client.post(ADD, version_form(outstanding_score="7"))
    assert response.status_code == 200
    assert (
        "Enter a lowest score for Outstanding overall of 6 or less: 2 rated standards score "
        "at most 6" in response.content.decode()
    )
    assert not Programme.objects.filter(slug="pdu-2026").exists()
