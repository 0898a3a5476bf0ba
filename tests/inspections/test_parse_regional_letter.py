"""The regional letter parser, on the published London letter and on variants of its shape."""

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from inspections.ingest.parsing.regional_letter import parse_regional_letter
from inspections.ingest.parsing.types import IMPROVEMENT, OTHER, STRENGTH, ParseError, SourceRef

REPORTS = Path(__file__).resolve().parents[3] / "shared" / "reports"
LETTER = REPORTS / "001_7d8760d02cfc723b.txt"

needs_letter = pytest.mark.skipif(
    not LETTER.exists(), reason=f"source documents not available: {LETTER} is missing"
)


@pytest.fixture(scope="module")
def letter():
    return parse_regional_letter(LETTER.read_text(encoding="utf-8"))


def block(letter, pdu):
    return next(b for b in letter.recommendations if b.pdu == pdu)


def annex(letter, name):
    return next(a for a in letter.annex_ratings if a.pdu_name == name)


def finding_at(letter, line):
    return next(f for f in letter.findings if f.ref.line == line)


# --- the published London letter -----------------------------------------------------------


@needs_letter
def test_header_and_signatory(letter):
    assert letter.letter_date == date(2022, 11, 24)
    assert letter.region == "London"
    assert letter.recipient == "Kilvinder Vigurs, Regional Probation Director"
    assert letter.lead_inspector == "Keith McInnis"
    assert letter.signatory == "Justin Russell"
    assert letter.signatory_role == "Chief Inspector of Probation"
    assert letter.problems == []


@needs_letter
def test_inspected_pdus_from_the_opening(letter):
    assert letter.inspected_pdus == [
        "Hammersmith, Fulham, Kensington, Chelsea, and Westminster (HFKCW)",
        "Lambeth",
        "Ealing and Hillingdon",
        "Lewisham and Bromley",
        "Newham",
        "Barking, Dagenham and Havering",
    ]


@needs_letter
def test_annex_scores_overall_ratings_and_fieldwork(letter):
    published = [
        (a.pdu_name, a.score, a.max_score, a.overall_rating, a.fieldwork_start)
        for a in letter.annex_ratings
    ]
    assert published == [
        (
            "Hammersmith, Fulham, Kensington, Chelsea, and Westminster",
            0,
            27,
            "Inadequate",
            date(2022, 8, 1),
        ),
        ("Lambeth PDU", 3, 24, "Inadequate", date(2022, 8, 1)),
        ("Ealing and Hillingdon PDU", 3, 27, "Inadequate", date(2022, 8, 1)),
        ("Lewisham and Bromley", 4, 24, "Inadequate", date(2022, 8, 1)),
        ("Newham PDU", 6, 24, "Requires improvement", date(2022, 9, 1)),
        ("Barking, Dagenham and Havering PDU", 5, 24, "Requires improvement", date(2022, 9, 1)),
    ]


@needs_letter
def test_every_newham_and_bdh_rating(letter):
    def ratings(name):
        return [(r.code, r.name, r.rating) for r in annex(letter, name).ratings]

    assert ratings("Newham PDU") == [
        ("1.1", "Leadership", "Requires improvement"),
        ("1.2", "Staff", "Good"),
        ("1.3", "Services", "Requires improvement"),
        ("1.4", "Information and facilities", "Good"),
        ("2.1", "Assessment", "Inadequate"),
        ("2.2", "Planning", "Inadequate"),
        ("2.3", "Implementation and delivery", "Inadequate"),
        ("2.4", "Reviewing", "Inadequate"),
    ]
    assert ratings("Barking, Dagenham and Havering PDU") == [
        ("1.1", "Leadership", "Requires improvement"),
        ("1.2", "Staff", "Requires improvement"),
        ("1.3", "Services", "Requires improvement"),
        ("1.4", "Information and facilities", "Requires improvement"),
        ("2.1", "Assessment", "Inadequate"),
        ("2.2", "Planning", "Inadequate"),
        ("2.3", "Implementation and delivery", "Requires improvement"),
        ("2.4", "Reviewing", "Inadequate"),
    ]


@needs_letter
def test_annex_codes_kept_as_published(letter):
    # Lambeth has no court: its own report says 2.2-2.5, the annexe numbers them 2.1-2.4.
    lambeth = annex(letter, "Lambeth PDU").ratings
    assert [(r.code, r.name) for r in lambeth[4:]] == [
        ("2.1", "Assessment"),
        ("2.2", "Planning"),
        ("2.3", "Implementation and delivery"),
        ("2.4", "Reviewing"),
    ]
    hfkcw = annex(letter, "Hammersmith, Fulham, Kensington, Chelsea, and Westminster").ratings
    assert [(r.code, r.name) for r in hfkcw[4:6]] == [("2.1", "Court work"), ("2.2", "Assessment")]
    assert {r.rating for r in hfkcw} == {"Inadequate"}
    assert len(hfkcw) == 9


@needs_letter
def test_rating_refs_point_at_the_standard(letter):
    newham = annex(letter, "Newham PDU")
    assert newham.ref == SourceRef("Annexe two – PDU ratings", 615)
    assert newham.ratings[0].ref == SourceRef("Annexe two – PDU ratings", 621)


@needs_letter
def test_recommendation_blocks_and_counts(letter):
    counts = [(b.pdu, len(b.recommendations)) for b in letter.recommendations]
    assert counts == [
        ("HFKCW", 14),
        ("Lambeth PDU", 12),
        ("Ealing and Hillingdon PDU", 11),
        ("Lewisham and Bromley PDU", 11),
        ("Newham PDU", 12),
        ("Barking, Dagenham and Havering", 13),
    ]
    # Newham's numbering ends at 10 but repeats 6 and 7: twelve recommendations, all kept.
    newham = block(letter, "Newham PDU")
    assert [r.number for r in newham.recommendations] == [1, 2, 3, 4, 5, 6, 7, 6, 7, 8, 9, 10]


@needs_letter
def test_recommendation_addressees_as_published(letter):
    def addressees(pdu):
        return list(dict.fromkeys(r.addressee for r in block(letter, pdu).recommendations))

    assert addressees("HFKCW") == [
        "HFKCW",
        "London region",
        "His Majesty's Prison and Probation Service",
    ]
    # "London region should" has no colon in Ealing's block.
    assert addressees("Ealing and Hillingdon PDU") == [
        "Ealing and Hillingdon PDU",
        "London region",
        "His Majesty's Prison and Probation Service (HMPPS)",
    ]
    assert addressees("Barking, Dagenham and Havering")[0] == "Barking, Dagenham and Havering"


@needs_letter
def test_recommendation_texts_verbatim(letter):
    lambeth = {r.number: r for r in block(letter, "Lambeth PDU").recommendations}
    # The annexe drops "(RAR)" that Lambeth's own report has.
    assert lambeth[5].text == (
        "ensure rehabilitation activity requirements are started promptly and recorded correctly"
    )
    assert lambeth[6].text == "engage with people on probation to inform service delivery."
    hfkcw = {r.number: r for r in block(letter, "HFKCW").recommendations}
    # Published without the closing bracket after "(CRS".
    assert hfkcw[12].text == (
        "ensure that management information in relation to Commissioned Rehabilitative "
        "Services (CRS referrals is available for PDU managers and analysed effectively to "
        "increase the use of available services."
    )
    assert hfkcw[12].addressee == "London region"
    newham = block(letter, "Newham PDU").recommendations
    assert (newham[7].number, newham[7].addressee, newham[7].text) == (
        6,
        "London region",
        "increase quality assurance activity at a PDU level",
    )
    assert newham[-1].text.endswith("is disseminated nationally.")
    lewisham = block(letter, "Lewisham and Bromley PDU").recommendations
    assert lewisham[-1].text == "consider incentives to improve recruitment and retention of staff."
    assert lewisham[-1].ref == SourceRef("Annexe one – Recommendations", 316)


@needs_letter
def test_finding_counts_per_section_and_kind(letter):
    counted = Counter((f.section, f.kind) for f in letter.findings)
    assert counted == {
        ("Leadership", OTHER): 3,
        ("Leadership", STRENGTH): 5,
        ("Leadership", IMPROVEMENT): 6,
        ("Staff", OTHER): 4,
        ("Staff", STRENGTH): 4,
        ("Staff", IMPROVEMENT): 6,
        ("Services and interventions", OTHER): 6,
        ("Services and interventions", STRENGTH): 3,
        ("Services and interventions", IMPROVEMENT): 6,
        ("Unpaid work", STRENGTH): 5,
        ("Unpaid work", IMPROVEMENT): 2,
        ("Accredited programmes", STRENGTH): 4,
        ("Accredited programmes", IMPROVEMENT): 3,
        ("Information and facilities", OTHER): 1,
        ("Information and facilities", STRENGTH): 4,
        ("Information and facilities", IMPROVEMENT): 3,
        ("Statutory victim work", OTHER): 1,
        ("Statutory victim work", STRENGTH): 4,
        ("Statutory victim work", IMPROVEMENT): 2,
        ("Learning from serious further offence investigations", OTHER): 5,
        ("Summary", OTHER): 2,
    }
    assert [f.order for f in letter.findings] == list(range(1, 80))
    assert all(f.standard_code is None for f in letter.findings)


@needs_letter
def test_finding_refs(letter):
    first = letter.findings[0]
    assert first.ref == SourceRef("Leadership", 41)
    assert first.text.startswith("In June 2021, with the national unification")
    assert finding_at(letter, 205).section == "Learning from serious further offence investigations"


@needs_letter
def test_bullet_split_by_a_footnote_is_reunited(letter):
    assert finding_at(letter, 63).text == (
        "The extent to which staff across London understand what to prioritise, how and when "
        "remains unclear. In our survey of staff, only 56 per cent of those across the six PDUs "
        "and 59 per cent undertaking regional roles said that change was communicated and "
        "implemented effectively 'always' or 'most of the time'. A better understanding as to "
        "why this is the case would help the region ensure that messages are better understood "
        "and built into practice by operational staff."
    )
    recruitment = finding_at(letter, 127).text
    assert "It is encouraging to note that recent negotiations with the MET have produced" in (
        recruitment
    )
    assert recruitment.endswith("remains a key objective for senior leaders.")
    assert not any(f.text.startswith("to note that") for f in letter.findings)


@needs_letter
def test_bullets_split_across_a_blank_line_are_reunited(letter):
    partnerships = finding_at(letter, 53)
    assert partnerships.kind == STRENGTH
    assert "violence, including serious group offending. These initiatives" in partnerships.text
    assert finding_at(letter, 157).text == (
        "All cases across the region were reviewed in June 2022 in order to determine the "
        "management of each. Where it was unlikely that completion could be undertaken prior to "
        "an order ending, individuals were directed to one of the five newly agreed structured "
        "interventions which are aligned to need and broadly correspond to addressing similar "
        "issues as accredited programmes. Where compliance was an issue or where there were "
        "specific individual needs, toolkits were offered as an alternative, delivered by the "
        "responsible probation practitioner. This has worked reasonably well, with approximately "
        "120 people on probation who do not have time to complete a programme being offered one "
        "of the alternative options. There are approximately 600 cases on the current waiting "
        "lists. It is estimated that with projected delivery levels, and so long as the person on "
        "probation is compliant, all those currently awaiting a programme will complete a "
        "programme prior to their order ending."
    )


@needs_letter
def test_footnotes_are_removed(letter):
    texts = [f.text for f in letter.findings]
    assert finding_at(letter, 59).text.startswith(
        "Under the prioritising probation framework (PPF) London had 12 of its 18 PDUs"
    )
    assert "(of London division NPS and London CRC) – both in 2019–" in finding_at(letter, 75).text
    assert "the Oldfield Report which identified" in finding_at(letter, 119).text
    assert not any("¹" in t or "²" in t or "³" in t or "⁴" in t for t in texts)
    assert not any("justiceinspectorates.gov.uk" in t for t in texts)
    assert not any("probation prioritising framework was introduced" in t for t in texts)


@needs_letter
def test_kinds_follow_headings_not_blank_lines(letter):
    # Unpaid work's strengths continue after a blank line; the Services list keeps its stray quote.
    after_blank = finding_at(letter, 143)
    assert (after_blank.section, after_blank.kind) == ("Unpaid work", STRENGTH)
    assert finding_at(letter, 149).kind == IMPROVEMENT  # "Key areas for development"
    stray_quote = finding_at(letter, 134)
    assert stray_quote.text.startswith("'Senior regional and prison managers attend")
    assert stray_quote.kind == IMPROVEMENT


@needs_letter
def test_closing_formality_is_not_a_finding(letter):
    summary = [f.text for f in letter.findings if f.section == "Summary"]
    assert summary[0].startswith("In our PDU inspections we rated HFKCW")
    assert not any("annexe one" in t for t in summary)


@needs_letter
def test_crlf_gives_the_same_result(letter):
    text = LETTER.read_text(encoding="utf-8").replace("\n", "\r\n")
    assert parse_regional_letter(text) == letter


@pytest.mark.skipif(
    not (REPORTS / "000_dc3a9006563f0344.txt").exists(), reason="Lambeth report not available"
)
def test_a_pdu_report_is_not_a_regional_letter():
    with pytest.raises(ParseError, match="expected"):
        parse_regional_letter((REPORTS / "000_dc3a9006563f0344.txt").read_text(encoding="utf-8"))


# --- variants of the format, independent of the source files --------------------------------

SAMPLE = """\
HM Inspectorate of Probation

3rd March 2023

To:
Jane Doe, Regional Probation Director

cc:
John Smith, Lead Inspector

Dear Jane,

We have now completed the inspection of: Alpha; Beta and Gamma; and Delta Probation Delivery \
Units (PDUs) in your region.

Regional observations:

Staff

Staffing remains the main risk.

Key areas for development

- Vacancies are high in
every team.
- Sickness is high.

Leadership

Key strengths:

- The plan is clear.

- Partnerships are strong.

Areas for improvement

- Oversight is weak across the
¹ A footnote.
PDUs we inspected.

Yours faithfully,

Ann Other
Chief Inspector of Probation

Annexe one – Recommendations

Alpha PDU should:

1. improve the quality of work to assess, plan for,
manage and review risk of harm
2. engage with people on probation.

North region should

3. increase quality assurance activity.

Beta PDU should:

1. ensure staff are trained.

Annexe two – PDU ratings

Alpha PDU
Score\t2/24
Fieldwork started\tJanuary 2023
Overall rating\tInadequate
1.\tOrganisational delivery
1.1\tLeadership\tRequires improvement
1.2 Staff Requires improvement
2.2 Assessment
Inadequate

Beta PDUScore **1/27**Fieldwork started February 2023
Overall rating**Inadequate**
1.1 Leadership
Requires improvement
2.1 Court work
Not inspected
"""


def test_sample_header_and_opening():
    sample = parse_regional_letter(SAMPLE)
    assert sample.letter_date == date(2023, 3, 3)
    assert sample.recipient == "Jane Doe, Regional Probation Director"
    assert sample.lead_inspector == "John Smith"
    assert (sample.signatory, sample.signatory_role) == (
        "Ann Other",
        "Chief Inspector of Probation",
    )
    assert sample.inspected_pdus == ["Alpha", "Beta and Gamma", "Delta"]
    assert sample.region is None


def test_sections_in_another_order_with_wrapped_bullets():
    findings = parse_regional_letter(SAMPLE).findings
    assert [(f.section, f.kind, f.text) for f in findings] == [
        ("Staff", OTHER, "Staffing remains the main risk."),
        ("Staff", IMPROVEMENT, "Vacancies are high in every team."),
        ("Staff", IMPROVEMENT, "Sickness is high."),
        ("Leadership", STRENGTH, "The plan is clear."),
        ("Leadership", STRENGTH, "Partnerships are strong."),
        ("Leadership", IMPROVEMENT, "Oversight is weak across the PDUs we inspected."),
    ]


def test_sample_recommendations_wrap_and_addressees():
    blocks = parse_regional_letter(SAMPLE).recommendations
    assert [(b.pdu, [r.number for r in b.recommendations]) for b in blocks] == [
        ("Alpha PDU", [1, 2, 3]),
        ("Beta PDU", [1]),
    ]
    first, _, regional = blocks[0].recommendations
    assert first.text == (
        "improve the quality of work to assess, plan for, manage and review risk of harm"
    )
    assert regional.addressee == "North region"


def test_tab_separated_and_single_cell_ratings():
    alpha, beta = parse_regional_letter(SAMPLE).annex_ratings
    assert (alpha.pdu_name, alpha.score, alpha.max_score, alpha.fieldwork_start) == (
        "Alpha PDU",
        2,
        24,
        date(2023, 1, 1),
    )
    assert [(r.code, r.name, r.rating) for r in alpha.ratings] == [
        ("1.1", "Leadership", "Requires improvement"),
        ("1.2", "Staff", "Requires improvement"),
        ("2.2", "Assessment", "Inadequate"),
    ]
    assert [(r.code, r.rating) for r in beta.ratings] == [
        ("1.1", "Requires improvement"),
        ("2.1", "Not inspected"),
    ]


def test_inconsistent_scores_are_reported_not_corrected():
    problems = parse_regional_letter(SAMPLE).problems
    # Alpha's three ratings give 2 of a possible 9; Beta's one rated standard gives 1 of 3.
    assert "annexe two, Alpha PDU: maximum 24 does not match 3 rated standards" in problems
    assert "annexe two, Beta PDU: maximum 27 does not match 1 rated standards" in problems
    assert not any("score" in p and "differs" in p for p in problems)


def test_crlf_sample():
    assert parse_regional_letter(SAMPLE.replace("\n", "\r\n")) == parse_regional_letter(SAMPLE)


def test_omitted_annexes_and_header_fields_are_problems():
    text = SAMPLE.split("Annexe one")[0].replace("John Smith, Lead Inspector\n", "")
    text = text.replace("3rd March 2023\n", "")
    letter = parse_regional_letter(text)
    assert letter.recommendations == []
    assert letter.annex_ratings == []
    assert letter.findings  # the regional findings still read
    assert letter.problems == [
        "letter date not found in the header",
        "lead inspector not found in the cc list",
        "annexe one (recommendations) not found",
        "annexe two (PDU ratings) not found",
    ]


def test_annex_two_before_annex_one():
    head, annexes = SAMPLE.split("Annexe one")
    one, two = annexes.split("Annexe two")
    letter = parse_regional_letter(head + "Annexe two" + two + "\nAnnexe one" + one)
    assert [b.pdu for b in letter.recommendations] == ["Alpha PDU", "Beta PDU"]
    assert [a.pdu_name for a in letter.annex_ratings] == ["Alpha PDU", "Beta PDU"]


def test_unreadable_annex_value_is_a_problem():
    text = SAMPLE.replace("Score\t2/24", "Score\tnot given")
    problems = parse_regional_letter(text).problems
    assert "annexe two, Alpha PDU, line 65: unreadable score 'not given'" in problems
    assert "annexe two, Alpha PDU: score not found" in problems


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n",
        "Minutes of the parish council meeting.\nDear residents,\nThe bins are collected weekly.",
        "To:\nRegional Probation Director\n\nNo salutation follows.",
    ],
)
def test_unrelated_text_is_refused(text):
    with pytest.raises(ParseError, match="expected an HM Inspectorate of Probation letter"):
        parse_regional_letter(text)
