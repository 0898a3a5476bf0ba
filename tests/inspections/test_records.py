"""One mapping from a parsed report to its records, for the fixture builder and the importer."""

from decimal import Decimal

import pytest

from inspections.ingest.parsing.pdu_report import parse_pdu_report
from inspections.ingest.parsing.types import (
    IMPROVEMENT,
    STRENGTH,
    ParsedFinding,
    ParsedKeyQuestion,
    ParsedRating,
    ParsedRecommendation,
    SourceRef,
)
from inspections.ingest.records import (
    Finding,
    ProgrammeStandard,
    RecordedKeyQuestion,
    ReportRecords,
    Section,
    Standards,
    Statement,
    Unmatched,
    Wording,
    find_pdu,
    pdu_report_records,
)
from pdus.names import BodyNames
from tests.conftest import LAMBETH

REF = SourceRef("Ratings", 12)
STATEMENT = "Assessment is well-informed, analytical and personalised."


@pytest.fixture
def assessment():
    return ProgrammeStandard(6, "2.2", "Assessment")


@pytest.fixture
def leadership():
    return ProgrammeStandard(1, "1.1", "Leadership")


@pytest.fixture
def names():
    names = BodyNames()
    names.add("croydon", "Croydon PDU")
    names.add("london-region", "London region")
    names.add("hmpps", "HMPPS")
    return names


@pytest.fixture
def records(assessment, leadership, names):
    """A lenient mapping, as the importer's."""
    return ReportRecords(
        "The report", Standards([assessment, leadership]), names, body="croydon", strict=False
    )


def recommendation(number: int, addressee: str) -> ParsedRecommendation:
    return ParsedRecommendation(number, addressee, "Improve it.", SourceRef("Recommendations", 80))


def key_question(code: str, text: str) -> ParsedKeyQuestion:
    return ParsedKeyQuestion(code, text, Decimal("43"), SourceRef("2.2 Assessment", 200))


# --- Ratings and statements ------------------------------------------------------------


def test_a_rating_is_matched_by_name_keeping_the_number_printed(records, assessment):
    records.add_ratings([ParsedRating("2.1", "Assessment", "Requires improvement", REF)])
    (rating,) = records.ratings
    assert (rating.standard, rating.rating, rating.published_code) == (
        assessment,
        "requires_improvement",
        "2.1",
    )
    (note,) = records.notes
    assert (note.kind, note.description) == (
        "numbering",
        "The report numbers Assessment as 2.1; the PDU programme's standard is 2.2 Assessment.",
    )


def test_an_override_is_recorded_on_its_standards_rating(records):
    records.add_ratings([ParsedRating("2.2", "Assessment", "Good", REF)], {"2.2": "Sampling"})
    assert records.ratings[0].override_reason == "Sampling"


def test_a_rating_of_a_name_not_on_record_is_matched_by_its_number_and_noted(records, assessment):
    records.add_ratings([ParsedRating("2.2", "Asessment", "Good", REF)])
    assert records.ratings[0].standard is assessment
    assert records.notes[0].description == (
        "2.2 Asessment: not a standard of the programme; it is rated as 2.2 Assessment, "
        "by its number."
    )


def test_the_first_statement_of_a_standard_is_kept(records, assessment):
    records.add_ratings([ParsedRating("2.2", "Assessment", "Good", REF, STATEMENT)])
    assert records.statements == [Statement(assessment, STATEMENT)]
    assert records.notes == []


def test_a_statement_worded_otherwise_is_noted_and_the_one_on_record_kept(records, assessment):
    assessment.statement = Wording("Assessment is thorough.", "Lambeth's report", 1)
    records.add_ratings([ParsedRating("2.2", "Assessment", "Good", REF, STATEMENT)])
    assert records.statements == []
    (note,) = records.notes
    assert (note.kind, note.source_section, note.compared_document) == ("wording", "Ratings", 1)
    assert note.description == (
        f"The report words standard 2.2 as {STATEMENT!r}; Lambeth's report words it "
        "'Assessment is thorough.', which is kept as the standard's statement."
    )


def test_wording_that_differs_only_in_case_spacing_or_ampersands_is_not_noted(records, assessment):
    assessment.statement = Wording("Planning & delivery  are Good.", "the database")
    records.add_ratings(
        [ParsedRating("2.2", "Assessment", "Good", REF, "planning and delivery are good.")]
    )
    assert records.notes == []


def test_a_statement_of_a_standard_not_rated_is_kept_too(records, leadership):
    records.add_statements({"1.1": "Leadership is good.", "2.2": STATEMENT}, rated={"2.2"})
    assert records.statements == [Statement(leadership, "Leadership is good.")]


# --- Key questions ---------------------------------------------------------------------


def test_key_questions_are_numbered_within_their_standard(records):
    records.add_key_questions([key_question("2.2", "First?"), key_question("2.2", "Second?")])
    questions = [score.key_question for score in records.key_question_scores]
    assert [(q.position, q.text, q.pk) for q in questions] == [
        (1, "First?", None),
        (2, "Second?", None),
    ]


def test_a_key_question_on_record_keeps_its_wording_and_notes_the_reports(records, assessment):
    assessment.key_questions[1] = RecordedKeyQuestion(40, Wording("Is it right?", "the database"))
    records.add_key_questions([key_question("2.2", "Is it correct?")])
    question = records.key_question_scores[0].key_question
    assert (question.pk, question.text) == (40, "Is it right?")
    assert records.notes[0].description == (
        "The report words key question 1 of standard 2.2 as 'Is it correct?'; the database "
        "words it 'Is it right?', which is kept as the question's text."
    )


def test_a_key_question_of_no_standard_on_record_is_left_out_with_a_note(records):
    records.add_key_questions([key_question("2.9", "Is it right?")])
    assert records.key_question_scores == []
    assert records.notes[0].description == (
        "Key question 'Is it right?': no standard 2.9; it is left out."
    )


# --- Findings ------------------------------------------------------------------------------


def finding(section: str, code: str | None, kind: str = STRENGTH) -> ParsedFinding:
    return ParsedFinding(section, code, kind, "Staff are skilled.", 1, SourceRef(section, 50))


def test_findings_under_a_standard_go_to_its_section_by_code_or_by_name(records, leadership):
    records.add_findings([finding("1.1 Leadership", "1.1"), finding("Leadership", None)])
    assert [f.section for f in records.findings] == [Section.of(leadership)] * 2
    assert records.findings[0].section.slug == "11-leadership"


def test_findings_under_other_headings_go_to_sections_of_their_own(records):
    records.add_findings([finding("Resettlement work", None), finding("Staff", None, IMPROVEMENT)])
    assert [(f.section, f.kind, f.position) for f in records.findings] == [
        (Section("Resettlement work"), STRENGTH, 1),
        (Section("Staff"), IMPROVEMENT, 2),
    ]


def test_a_findings_fields_place_the_references_a_sink_gives_in_its_rows_order():
    filed = Finding(Section("Staff"), STRENGTH, "Staff are skilled.", 1, "Staff", 50)
    assert list(filed.fields(inspection=7, section=3, source_document=2).items()) == [
        ("inspection", 7),
        ("section", 3),
        ("kind", STRENGTH),
        ("text", "Staff are skilled."),
        ("position", 1),
        ("source_document", 2),
        ("source_section", "Staff"),
        ("source_line", 50),
    ]


# --- Recommendations -----------------------------------------------------------------------


def test_a_recommendation_to_bodies_jointly_is_filed_under_the_first_named(records):
    records.add_recommendations([recommendation(1, "London region and HMPPS")])
    (filed,) = records.recommendations
    assert (filed.addressee, filed.co_addressees, filed.addressee_label) == (
        "london-region",
        ["hmpps"],
        "London region and HMPPS",
    )
    assert records.notes[0].kind == "other"


def test_repeated_recommendation_numbers_are_noted_and_kept(records):
    records.add_recommendations([recommendation(1, "HMPPS"), recommendation(1, "HMPPS")])
    assert [r.number for r in records.recommendations] == [1, 1]
    assert [r.position for r in records.recommendations] == [1, 2]
    assert records.notes[0].kind == "repeated_number"


def test_a_recommendation_to_a_body_not_on_record_is_filed_under_the_pdu(records):
    records.add_recommendations([recommendation(3, "Croydon Council")])
    assert records.recommendations[0].addressee == "croydon"
    assert records.notes[0].description == (
        "Recommendation 3: the addressee 'Croydon Council' is not known; it is filed under "
        "the PDU, to be corrected in review."
    )


def test_a_name_not_on_record_is_an_error_where_every_name_must_be_known(assessment, names):
    strict = ReportRecords(
        "The report", Standards([assessment]), names, body="croydon", strict=True
    )
    with pytest.raises(Unmatched, match="the addressee 'Croydon Council' is not known"):
        strict.add_recommendations([recommendation(3, "Croydon Council")])


# --- A whole report ------------------------------------------------------------------------


def test_a_pdu_is_found_with_or_without_pdu_after_its_name(names):
    assert find_pdu(names, "Croydon PDU") == find_pdu(names, "Croydon") == "croydon"


@pytest.fixture
def lambeth(reports_dir):
    return parse_pdu_report((reports_dir / f"{LAMBETH}.txt").read_text(encoding="utf-8"))


@pytest.fixture
def pdu_standards():
    rows = [
        ("1.1", "Leadership"), ("1.2", "Staff"), ("1.3", "Services"),
        ("1.4", "Information and facilities"), ("2.1", "Court work"), ("2.2", "Assessment"),
        ("2.3", "Planning"), ("2.4", "Implementation and delivery"), ("2.5", "Reviewing"),
        ("2.6", "Outcomes"),
    ]  # fmt: skip
    return Standards(ProgrammeStandard(pk, *row) for pk, row in enumerate(rows, start=1))


def lambeth_records(report, standards, names):
    names.add("lambeth", "Lambeth PDU")
    names.add("hmpps", "Her Majesty's Prison and Probation Service")
    return pdu_report_records(
        report,
        label=report.title,
        body="lambeth",
        body_name="Lambeth PDU",
        standards=standards,
        names=names,
        strict=True,
    )


def test_a_pdu_report_makes_the_records_of_its_inspection(lambeth, pdu_standards, names):
    records = lambeth_records(lambeth, pdu_standards, names)
    assert records.inspection["title"] == "An inspection of probation services in: Lambeth PDU"
    assert (records.inspection["score"], records.inspection["overall_rating"]) == (3, "inadequate")
    assert len(records.ratings) == 9 and len(records.key_question_scores) == 13
    assert len(records.findings) == 83 and len(records.recommendations) == 12
    assert [note.description for note in records.notes] == lambeth.problems


def test_a_report_without_a_title_is_titled_after_its_pdu(lambeth, pdu_standards, names):
    lambeth.title = ""
    records = lambeth_records(lambeth, pdu_standards, names)
    assert records.inspection["title"] == "An inspection of probation services: Lambeth PDU"
