"""The PDU report parser, on the two published London reports and on variants of their shape."""

import re
import textwrap
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from inspections.ingest.parsing.pdu_report import parse_pdu_report
from inspections.ingest.parsing.types import IMPROVEMENT, OTHER, STRENGTH, ParseError

REPORTS = Path(__file__).resolve().parents[3] / "shared" / "reports"
LAMBETH = REPORTS / "000_dc3a9006563f0344.txt"
LEWISHAM = REPORTS / "002_dfa0cb83f9a93719.txt"
OTHER_DOCUMENTS = [
    REPORTS / "001_7d8760d02cfc723b.txt",  # the regional letter
    REPORTS / "003_3b30441cf8f80ea4.txt",  # a Quality & Impact report
    REPORTS / "004_9c5eb2f13fcb4e8c.txt",  # a select committee report
]

needs_reports = pytest.mark.skipif(
    not (LAMBETH.exists() and LEWISHAM.exists()),
    reason=f"source documents not available: {REPORTS} is missing the PDU reports",
)


@pytest.fixture(scope="module")
def lambeth_text():
    return LAMBETH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def lewisham_text():
    return LEWISHAM.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def lambeth(lambeth_text):
    return parse_pdu_report(lambeth_text)


@pytest.fixture(scope="module")
def lewisham(lewisham_text):
    return parse_pdu_report(lewisham_text)


def counts(report):
    return Counter((f.section, f.kind) for f in report.findings)


def finding(report, start):
    return next(f for f in report.findings if f.text.startswith(start))


def recommendation(report, number):
    return next(r for r in report.recommendations if r.number == number)


def essentials(report):
    """The report's content without source line numbers, to compare variants of one text."""
    return {
        "ratings": [(r.code, r.name, r.rating, r.statement) for r in report.ratings],
        "overrides": [(o.code, o.reason) for o in report.overrides],
        "key_questions": [(q.standard_code, q.text, q.percent_yes) for q in report.key_questions],
        "findings": [(f.section, f.standard_code, f.kind, f.text) for f in report.findings],
        "recommendations": [(r.number, r.addressee, r.text) for r in report.recommendations],
        "score": (report.score, report.max_score, report.overall_rating),
    }


# --- Lambeth PDU, October 2022 ---------------------------------------------------------------


@needs_reports
def test_lambeth_cover_and_background(lambeth):
    assert lambeth.title == "An inspection of probation services in: Lambeth PDU"
    assert lambeth.pdu_name == "Lambeth PDU"
    assert lambeth.published == date(2022, 10, 1)
    assert lambeth.lead_inspector == "Shellie Adams"
    assert lambeth.fieldwork_start == date(2022, 8, 15)
    assert lambeth.cases_inspected == 42
    assert lambeth.practitioner_interviews == 38


@needs_reports
def test_lambeth_ratings(lambeth):
    assert (lambeth.score, lambeth.max_score, lambeth.overall_rating) == (3, 24, "Inadequate")
    assert [(r.code, r.name, r.rating) for r in lambeth.ratings] == [
        ("1.1", "Leadership", "Requires improvement"),
        ("1.2", "Staff", "Inadequate"),
        ("1.3", "Services", "Requires improvement"),
        ("1.4", "Information and facilities", "Requires improvement"),
        ("2.1", "Court work", "Not inspected"),
        ("2.2", "Assessment", "Inadequate"),
        ("2.3", "Planning", "Inadequate"),
        ("2.4", "Implementation and delivery", "Inadequate"),
        ("2.5", "Reviewing", "Inadequate"),
    ]
    assert lambeth.ratings[0].ref.line == 70  # the table row, not the section
    assert lambeth.overrides == []


@needs_reports
def test_lambeth_statements(lambeth):
    statements = {r.code: r.statement for r in lambeth.ratings}
    assert statements["1.1"] == (
        "The leadership of the PDU enables delivery of a high quality, personalised and "
        "responsive service for all people on probation."
    )
    # 2.1 has no heading of its own: its statement sits under the domain heading.
    assert statements["2.1"] == (
        "The pre-sentence information and advice provided to court supports its decision-making."
    )
    assert statements["2.5"] == (
        "Reviewing of progress is well-informed, analytical and personalised, actively "
        "involving the person on probation."
    )
    assert all(statements.values())


@needs_reports
def test_lambeth_key_questions(lambeth):
    assert [(q.standard_code, q.percent_yes) for q in lambeth.key_questions] == [
        ("2.2", Decimal(43)),
        ("2.2", Decimal(38)),
        ("2.2", Decimal(12)),
        ("2.3", Decimal(40)),
        ("2.3", Decimal(31)),
        ("2.3", Decimal(24)),
        ("2.4", Decimal(38)),
        ("2.4", Decimal(26)),
        ("2.4", Decimal(12)),
        ("2.5", Decimal(36)),
        ("2.5", Decimal(21)),
        ("2.5", Decimal(14)),
        ("2.6", Decimal(17)),
    ]
    safe = lambeth.key_questions[2]
    assert safe.text == "Does assessment focus sufficiently on keeping other people safe?"
    assert safe.ref.line == 330
    assert lambeth.key_questions[6].text == (
        "Is the sentence or post-custody period implemented effectively with a focus on "
        "engaging the person on probation?"
    )
    assert lambeth.key_questions[-1].text == (
        "Do early outcomes demonstrate that reasonable progress has been made, in line with the "
        "personalised needs of the person on probation?"
    )


@needs_reports
def test_lambeth_recommendations(lambeth):
    assert len(lambeth.recommendations) == 12
    assert [r.number for r in lambeth.recommendations] == list(range(1, 13))
    assert Counter(r.addressee for r in lambeth.recommendations) == {
        "Lambeth PDU": 6,
        "London region": 4,
        "Her Majesty's Prison and Probation Service": 2,
    }
    assert recommendation(lambeth, 1).text == (
        "improve the effectiveness of quality assurance and management oversight of all casework"
    )
    assert recommendation(lambeth, 6).text == (
        "engage with people on probation to inform service delivery."
    )
    assert recommendation(lambeth, 10).text == (
        "ensure that management information in relation to Commissioned Rehabilitative "
        "Services (CRS) referrals is available for PDU managers and analysed effectively to "
        "increase the use of available services."
    )
    assert recommendation(lambeth, 11).text == (
        "consider incentives to improve recruitment and retention of staff"
    )
    assert recommendation(lambeth, 11).ref.line == 102


@needs_reports
def test_lambeth_finding_counts(lambeth):
    assert counts(lambeth) == {
        ("1.1 Leadership", STRENGTH): 3,
        ("1.1 Leadership", IMPROVEMENT): 4,
        ("1.2 Staff", STRENGTH): 2,
        ("1.2 Staff", IMPROVEMENT): 5,
        ("1.3 Services", STRENGTH): 4,
        ("1.3 Services", IMPROVEMENT): 4,
        ("1.3 Services", OTHER): 1,
        ("Resettlement work", STRENGTH): 3,
        ("Resettlement work", IMPROVEMENT): 7,
        ("1.4 Information and facilities", STRENGTH): 5,
        ("1.4 Information and facilities", IMPROVEMENT): 5,
        ("Feedback from people on probation", STRENGTH): 3,
        ("Feedback from people on probation", IMPROVEMENT): 4,
        ("Feedback from people on probation", OTHER): 2,
        ("Diversity and inclusion", STRENGTH): 3,
        ("Diversity and inclusion", IMPROVEMENT): 7,
        ("2.2 Assessment", IMPROVEMENT): 4,
        ("2.3 Planning", IMPROVEMENT): 3,
        ("2.4 Implementation and delivery", IMPROVEMENT): 4,
        ("2.5 Reviewing", IMPROVEMENT): 4,
        ("2.6 Outcomes", STRENGTH): 2,
        ("2.6 Outcomes", IMPROVEMENT): 4,
    }
    assert [f.order for f in lambeth.findings] == list(range(1, 84))
    codes = {f.section: f.standard_code for f in lambeth.findings}
    assert codes["1.3 Services"] == "1.3"
    assert codes["Resettlement work"] is None


@needs_reports
def test_lambeth_bullet_reunited_across_a_footnote(lambeth):
    oversight = finding(lambeth, "Management oversight was absent")
    assert oversight.text == (
        "Management oversight was absent, insufficient, or ineffective in 75 per cent of cases "
        "inspected. Whilst probation practitioners told us that SPOs were available and "
        "approachable for case discussions and oversight in cases, this was not reflected in "
        "case records. This included instances where very clear directions were given by SPOs "
        "and these actions, at times relating to risk management, were not completed, and "
        "there was insufficient follow-up by managers."
    )
    assert (oversight.section, oversight.kind, oversight.ref.line) == (
        "1.2 Staff",
        IMPROVEMENT,
        176,
    )
    reduction = finding(lambeth, "Reduction in factors")
    assert reduction.text.endswith(
        "thinking and behaviour was identified as a relevant factor in 36 cases. However, "
        "sufficient improvement was only seen in six cases."
    )


@needs_reports
def test_lambeth_footnote_marks_removed_numbers_kept(lambeth):
    staffing = finding(lambeth, "Staffing levels across the PDU were insufficient.")
    assert staffing.text.endswith("and 36 per cent for PSOs; a total of 27 per cent overall.")
    referrals = finding(lambeth, "Referrals into CRS provision")
    assert "actioned by duty officers, so people on probation" in referrals.text
    wellbeing = finding(lambeth, "The CRS personal wellbeing service")
    assert wellbeing.text.endswith("and 21 per cent of whom are under the age of 25.")


@needs_reports
def test_lambeth_lost_headings(lambeth):
    # No "Areas for improvement" heading survived in 1.1: the blank line ends the strengths.
    assert finding(lambeth, "The senior management team were visible").kind == STRENGTH
    assert finding(lambeth, "The head of service was clear about expectations").kind == IMPROVEMENT
    # 2.3: the paragraph right after the heading lost its bullet marker.
    diversity = finding(lambeth, "Diversity and personal characteristics were insufficiently")
    assert (diversity.section, diversity.kind) == ("2.3 Planning", IMPROVEMENT)
    # 1.3: prose after the bullets is kept, as other.
    practitioners = finding(lambeth, "Whilst probation practitioners indicated")
    assert (practitioners.section, practitioners.kind) == ("1.3 Services", OTHER)
    # 2.2, 2.4, 2.5 have bullets and no heading at all: inferred, and said so.
    for section in ("2.2 Assessment", "2.4 Implementation and delivery", "2.5 Reviewing"):
        assert any(p.startswith(section) and "heading" in p for p in lambeth.problems), section
    assert any("1.1 Leadership" in p and "Areas for improvement" in p for p in lambeth.problems)


@needs_reports
def test_lambeth_feedback_quotes_and_lost_marker(lambeth):
    quotes = [
        f.text
        for f in lambeth.findings
        if f.section == "Feedback from people on probation" and f.kind == OTHER
    ]
    assert quotes[1] == '"They are just letting me down".'
    assert quotes[0].startswith('"can they please start following through')
    further = finding(lambeth, "Further to this, only five out of 41")
    assert (further.kind, further.ref.line) == (IMPROVEMENT, 291)
    # The overview paragraph introduces the section: not a finding.
    assert not any(f.text.startswith("User Voice") for f in lambeth.findings)


@needs_reports
def test_lambeth_excluded_paragraphs(lambeth):
    texts = [f.text for f in lambeth.findings]
    assert not any("is rated as 'Inadequate'" in t for t in texts)
    assert not any(t.startswith(("Our rating", "We do not currently rate")) for t in texts)
    assert not any("standard was not inspected" in t for t in texts)
    assert not any(t.startswith("The rating for the standard is driven") for t in texts)
    assert not any(t in {"Inadequate", "Requires improvement"} for t in texts)


@needs_reports
def test_lambeth_problems(lambeth):
    assert any(p.startswith("No PDU name readable in a ratings table") for p in lambeth.problems)
    assert not any("statement" in p or "key-question" in p for p in lambeth.problems)
    assert len(lambeth.problems) == 5


# --- Lewisham and Bromley PDU, 2022 ----------------------------------------------------------


@needs_reports
def test_lewisham_cover_and_background(lewisham):
    assert lewisham.title == "Inspection of probation services: Lewisham & Bromley"
    assert lewisham.pdu_name == "Lewisham & Bromley"
    assert lewisham.published is None
    assert lewisham.lead_inspector is None
    assert lewisham.fieldwork_start == date(2022, 8, 22)
    assert lewisham.cases_inspected == 42
    assert lewisham.practitioner_interviews == 31
    assert any(p.startswith("No cover page") for p in lewisham.problems)
    assert any(p.startswith("No publication date") for p in lewisham.problems)
    assert any(p.startswith("No lead inspector") for p in lewisham.problems)
    assert len(lewisham.problems) == 3


@needs_reports
def test_lewisham_ratings(lewisham):
    assert (lewisham.score, lewisham.max_score, lewisham.overall_rating) == (4, 24, "Inadequate")
    assert [(r.code, r.name, r.rating) for r in lewisham.ratings] == [
        ("1.1", "Leadership", "Requires improvement"),
        ("1.2", "Staff", "Requires improvement"),
        ("1.3", "Services", "Requires improvement"),
        ("1.4", "Information and facilities", "Requires improvement"),
        ("2.1", "Court work", "Not inspected"),
        ("2.2", "Assessment", "Inadequate"),
        ("2.3", "Planning", "Inadequate"),
        ("2.4", "Implementation and delivery", "Inadequate"),
        ("2.5", "Reviewing", "Inadequate"),
    ]
    statements = {r.code: r.statement for r in lewisham.ratings}
    assert statements["1.1"] == (
        "The leadership of the PDU enables delivery of a high-quality, personalised and "
        "responsive service for all people on probation."
    )
    # 2.4's heading box is printed after its content; its statement is still found.
    assert statements["2.4"] == (
        "High-quality well-focused, personalised and coordinated services are delivered, "
        "engaging the person on probation."
    )
    assert all(statements.values())


@needs_reports
def test_lewisham_overrides(lewisham):
    assert [(o.code, o.reason) for o in lewisham.overrides] == [
        (
            "1.1",
            "A rating of ‘Inadequate’ for all domain two standards would usually result in a "
            "rating of ‘Inadequate’ under HM Inspectorate of Probation guidance. However, the "
            "positives identified during the inspection override the guidance in this instance.",
        ),
        (
            "1.3",
            "A rating of ‘Inadequate’ for standard 2.3 would usually result in a rating of "
            "‘Inadequate’ for this standard. However, the positives identified during inspection "
            "override the guidance in this instance",
        ),
    ]
    assert lewisham.overrides[0].ref.section == "1.1 Leadership"


@needs_reports
def test_lewisham_key_questions(lewisham):
    assert [(q.standard_code, q.percent_yes) for q in lewisham.key_questions] == [
        ("2.2", Decimal(43)),
        ("2.2", Decimal(57)),
        ("2.2", Decimal(21)),
        ("2.3", Decimal(38)),
        ("2.3", Decimal(52)),
        ("2.3", Decimal(36)),
        ("2.4", Decimal(55)),
        ("2.4", Decimal(26)),
        ("2.4", Decimal(19)),
        ("2.5", Decimal(52)),
        ("2.5", Decimal(38)),
        ("2.5", Decimal(24)),
        ("2.6", Decimal(29)),
    ]
    # Question and percentage split over two paragraphs.
    engaging = lewisham.key_questions[6]
    assert engaging.text == (
        "Is the sentence or post-custody period implemented effectively with a focus on "
        "engaging the person on probation?"
    )
    assert lewisham.key_questions[11].text == (
        "Does reviewing focus sufficiently on keeping other people safe?"
    )


@needs_reports
def test_lewisham_recommendations(lewisham):
    assert len(lewisham.recommendations) == 11
    assert Counter(r.addressee for r in lewisham.recommendations) == {
        "Lewisham and Bromley PDU": 6,
        "London region": 4,
        "HM Prison and Probation Service (HMPPS)": 1,
    }
    # Wrapped over a blank line in the text.
    assert recommendation(lewisham, 1).text == (
        "improve the quality of work to assess, plan for, manage and review risk of harm"
    )
    assert recommendation(lewisham, 2).text == (
        "ensure risk-related information is obtained from and shared with other agencies in all "
        "relevant cases to support the assessment and management of risk of harm"
    )
    assert (
        recommendation(lewisham, 10).text == "increase quality assurance activity at a PDU level."
    )
    assert recommendation(lewisham, 11).text == (
        "consider incentives to improve recruitment and retention of staff."
    )


@needs_reports
def test_lewisham_finding_counts(lewisham):
    assert counts(lewisham) == {
        ("1.1 Leadership", STRENGTH): 4,
        ("1.1 Leadership", IMPROVEMENT): 5,
        ("1.2 Staff", STRENGTH): 6,
        ("1.2 Staff", IMPROVEMENT): 4,
        ("1.3 Services", STRENGTH): 6,
        ("1.3 Services", IMPROVEMENT): 5,
        ("Resettlement work", IMPROVEMENT): 4,
        ("1.4 Information and facilities", STRENGTH): 6,
        ("1.4 Information and facilities", IMPROVEMENT): 3,
        ("Feedback from people on probation", STRENGTH): 4,
        ("Feedback from people on probation", IMPROVEMENT): 2,
        ("Feedback from people on probation", OTHER): 3,
        ("Diversity and inclusion", STRENGTH): 4,
        ("Diversity and inclusion", IMPROVEMENT): 6,
        ("2.2 Assessment", STRENGTH): 2,
        ("2.2 Assessment", IMPROVEMENT): 3,
        ("2.3 Planning", IMPROVEMENT): 5,
        ("2.4 Implementation and delivery", STRENGTH): 2,
        ("2.4 Implementation and delivery", IMPROVEMENT): 4,
        ("2.5 Reviewing", STRENGTH): 2,
        ("2.5 Reviewing", IMPROVEMENT): 4,
        ("2.6 Outcomes", STRENGTH): 2,
        ("2.6 Outcomes", IMPROVEMENT): 4,
    }
    assert [f.order for f in lewisham.findings] == list(range(1, 91))


@needs_reports
def test_lewisham_wrapped_bullets(lewisham):
    plan = finding(lewisham, "A clear plan")
    assert plan.text == (
        "A clear plan, which sets the vision and priorities for the PDU, was aligned with the "
        "regional strategy. Staff praised the leadership team, welcoming their approachable "
        "style and tangible efforts to make improvements and support staff. Staff and partners "
        "had been consulted and contributed to the analysis of the needs of people on probation."
    )
    assert (plan.section, plan.kind, plan.ref.line) == ("1.1 Leadership", STRENGTH, 197)
    edib = finding(lewisham, "Diversity was managed at a regional level")
    assert "Equality, Diversity, Inclusion & Belonging (EDIB) roadmap" in edib.text
    contingency = finding(lewisham, "Only 15 out of 40 relevant cases")
    assert contingency.text.endswith(
        "Plans were often too generic and failed to identify actions to mitigate risks that were "
        "specific to the individual, for example a return to drug use or the commencement of a "
        "new relationship."
    )
    # Content printed before its standard's heading box belongs to that standard.
    assert finding(lewisham, "In 60 per cent of cases, the person").section == "2.2 Assessment"
    assert finding(lewisham, "Where IOM or MAPPA were present").section == "2.5 Reviewing"


@needs_reports
def test_lewisham_feedback_quotes(lewisham):
    feedback = [f for f in lewisham.findings if f.section == "Feedback from people on probation"]
    assert [f.kind for f in feedback] == [
        STRENGTH,
        OTHER,
        STRENGTH,
        STRENGTH,
        STRENGTH,
        IMPROVEMENT,
        OTHER,
        IMPROVEMENT,
        OTHER,
    ]
    assert feedback[1].text == (
        '"They always answered my questions and see what help and support I needed. I always '
        "feel like they try and understand me and ascertain what I need and what I need help "
        "and support with.”"
    )
    assert feedback[5].text.endswith("were a “tick box exercise” which they did not benefit from.")
    assert feedback[6].text == (
        "“No. Wasting my time, just a tick box exercise. They could do it from my hostel.”"
    )


@needs_reports
def test_lewisham_page_furniture_dropped(lewisham):
    texts = [f.text for f in lewisham.findings] + [r.text for r in lewisham.recommendations]
    assert not any("Lewisham & Bromley v2.1" in t or "https://" in t for t in texts)
    assert not any(t.startswith("The rating for the standard") for t in texts)
    # "29 out of 36 relevant caseslacked" is as published.
    assert (
        "29 out of 36 relevant caseslacked the input"
        in finding(lewisham, "Relationships with").text
    )


# --- Variants of the published texts ---------------------------------------------------------


@needs_reports
@pytest.mark.parametrize("path", [LAMBETH, LEWISHAM], ids=["lambeth", "lewisham"])
def test_crlf_line_endings(path):
    text = path.read_text(encoding="utf-8")
    assert parse_pdu_report(text.replace("\n", "\r\n")) == parse_pdu_report(text)


def rewrap(text, indent):
    """Hard-wrap every long line, as other converters do, keeping bullet markers in front."""
    lines = []
    for line in text.split("\n"):
        if len(line) <= 80 or line.lstrip().startswith(("Key question", "Does", "Is the", "Do ")):
            lines.append(line)
        else:
            lines.extend(textwrap.wrap(line, 70, subsequent_indent=indent, break_long_words=False))
    return "\n".join(lines)


@needs_reports
@pytest.mark.parametrize("indent", ["", " "], ids=["flush", "indented"])
def test_different_wrapping(lambeth_text, lambeth, indent):
    assert essentials(parse_pdu_report(rewrap(lambeth_text, indent))) == essentials(lambeth)


def move_block(text, start, end, before):
    """Move the lines from heading ``start`` up to heading ``end`` in front of ``before``."""
    lines = text.split("\n")
    i, j = lines.index(start), lines.index(end)
    block, rest = lines[i:j], lines[:i] + lines[j:]
    k = rest.index(before)
    return "\n".join(rest[:k] + block + rest[k:])


@needs_reports
def test_sections_reordered(lambeth_text, lambeth):
    text = move_block(
        lambeth_text,
        "Resettlement work",
        "1.4. Information and facilities",
        "Diversity and inclusion",
    )
    text = move_block(text, "Recommendations", "Background", "Annexe one – Web links")
    moved = parse_pdu_report(text)
    assert Counter(essentials(moved)["findings"]) == Counter(essentials(lambeth)["findings"])
    assert essentials(moved)["recommendations"] == essentials(lambeth)["recommendations"]
    assert essentials(moved)["ratings"] == essentials(lambeth)["ratings"]
    assert essentials(moved)["key_questions"] == essentials(lambeth)["key_questions"]


@needs_reports
def test_missing_key_question_table(lambeth_text, lambeth):
    lines = lambeth_text.split("\n")
    start = lines.index(
        "Does planning focus sufficiently on engaging the person on probation?\t40%"
    )
    del lines[start - 1 : start + 3]  # the 2.3 table: header and three rows
    parsed = parse_pdu_report("\n".join(lines))
    assert "2.3 Planning: no key-question table found." in parsed.problems
    assert [q for q in parsed.key_questions if q.standard_code == "2.3"] == []
    kept = [q for q in lambeth.key_questions if q.standard_code != "2.3"]
    assert essentials(parsed)["key_questions"] == [
        (q.standard_code, q.text, q.percent_yes) for q in kept
    ]
    assert essentials(parsed)["findings"] == essentials(lambeth)["findings"]


@needs_reports
def test_regional_letter_and_other_documents_rejected():
    for path in OTHER_DOCUMENTS:
        if path.exists():
            with pytest.raises(ParseError, match="PDU inspection report"):
                parse_pdu_report(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text", ["", "   \n\n \t\n"], ids=["empty", "whitespace"])
def test_empty_text(text):
    with pytest.raises(ParseError, match="empty"):
        parse_pdu_report(text)


def test_unrelated_text():
    text = "Victoria sponge\n\nIngredients\n\n- 200g butter\n- 200g sugar\n\nBake for 20 minutes."
    with pytest.raises(ParseError, match=r"expected a 'Ratings' table .* or standard sections"):
        parse_pdu_report(text)


# --- A small synthetic report: rules the published texts do not exercise --------------------

TABLE = """Ratings

Testshire PDU
Fieldwork started January 2024
Score {score}
Overall rating Requires improvement
1. Organisational delivery
1.1 Leadership Good
1.2 Staff Good
1.3 Services Requires improvement
1.4 Information and facilities Requires improvement
2. Court work and case supervision
2.1 Court work Good
2.2 Assessment Inadequate
2.3 Planning Requires improvement
2.4 Implementation and delivery Requires improvement
2.5 Reviewing Inadequate
"""

BODY = """Recommendations

Testshire PDU should:

1. improve the quality of risk assessment
2. review planning in all cases.

Background

We conducted fieldwork in the week beginning 8 January 2024. We inspected 30 cases and
held 25 interviews with probation practitioners.

1. Organisational delivery

1.1. Leadership

The leadership of the PDU enables delivery of a high-quality service.

Good

Strengths:

- Leaders were visible and accessible.¹
- Partnerships were strong across the borough.2

¹ Data provided by Testshire PDU.

2 Data provided by the Probation Service.

Areas for improvement:

- Staff turnover reached 77.4 per cent in one team.

Victim liaison

Strengths:

- Victims were contacted promptly.

2. Court work and case supervision

2.1. Court work

The pre-sentence information and advice provided to court supports its decision-making.

Requires improvement

- Reports were delivered on time.

Strengths:

- Court staff were skilled.

2.2. Assessment

Assessment is well-informed.

Inadequate

Our rating for assessment is based on the percentage of cases we inspected being judged
satisfactory against three key questions:

Key question\tPercentage 'Yes'
Does assessment focus sufficiently on engaging the person on probation?\t55.5%
Does assessment focus sufficiently on the factors linked to offending and desistance?\t40%
Does assessment focus sufficiently on keeping other people safe?\t20%
"""


def synthetic(score="10/27", table=True):
    cover = "An inspection of probation services in:\n\nTestshire PDU\n\n"
    cover += "HM Inspectorate of Probation, March 2024\n\n"
    cover += "This inspection was led by HM Inspector Jo Bloggs, supported by a team.\n\n"
    return cover + (TABLE.format(score=score) + "\n" if table else "") + BODY


def test_synthetic_cover_table_and_court_row():
    report = parse_pdu_report(synthetic())
    assert report.title == "An inspection of probation services in: Testshire PDU"
    assert (report.pdu_name, report.published) == ("Testshire PDU", date(2024, 3, 1))
    assert (report.lead_inspector, report.fieldwork_start) == ("Jo Bloggs", date(2024, 1, 8))
    assert (report.cases_inspected, report.practitioner_interviews) == (30, 25)
    assert (report.score, report.max_score) == (10, 27)
    assert [r.code for r in report.ratings] == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "2.5",
    ]
    court = report.ratings[4]
    assert (court.name, court.rating) == ("Court work", "Good")
    # The section says otherwise: the table's rating stays, and the difference is reported.
    assert any("2.1 Court work" in p and "Requires improvement" in p for p in report.problems)
    assert [(q.percent_yes, q.standard_code) for q in report.key_questions] == [
        (Decimal("55.5"), "2.2"),
        (Decimal(40), "2.2"),
        (Decimal(20), "2.2"),
    ]
    assert [(r.number, r.addressee) for r in report.recommendations] == [
        (1, "Testshire PDU"),
        (2, "Testshire PDU"),
    ]


def test_synthetic_findings():
    report = parse_pdu_report(synthetic())
    texts = {f.text: (f.section, f.standard_code, f.kind) for f in report.findings}
    assert texts == {
        "Leaders were visible and accessible.": ("1.1 Leadership", "1.1", STRENGTH),
        "Partnerships were strong across the borough.": ("1.1 Leadership", "1.1", STRENGTH),
        "Staff turnover reached 77.4 per cent in one team.": ("1.1 Leadership", "1.1", IMPROVEMENT),
        "Victims were contacted promptly.": ("Victim liaison", None, STRENGTH),
        # Before the Strengths heading of a section that has one: not guessed as improvement.
        "Reports were delivered on time.": ("2.1 Court work", "2.1", OTHER),
        "Court staff were skilled.": ("2.1 Court work", "2.1", STRENGTH),
    }
    assert any(p.startswith("2.1 Court work: 1 bullet(s)") for p in report.problems)


def test_synthetic_missing_statements_and_tables_are_problems():
    problems = parse_pdu_report(synthetic()).problems
    assert "1.2 Staff: the standard's statement was not found." in problems
    assert "2.3 Planning: no key-question table found." in problems
    assert "2.2 Assessment: no key-question table found." not in problems


def test_synthetic_score_that_does_not_add_up():
    problems = parse_pdu_report(synthetic(score="12/27")).problems
    assert any(p.startswith("Score 12/27 does not match the ratings") for p in problems)
    assert not any(
        p.startswith("Score") for p in parse_pdu_report(synthetic(score="10/27")).problems
    )


def test_synthetic_without_ratings_table():
    report = parse_pdu_report(synthetic(table=False))
    assert any(p.startswith("No ratings table found") for p in report.problems)
    assert [(r.code, r.rating) for r in report.ratings] == [
        ("1.1", "Good"),
        ("2.1", "Requires improvement"),
        ("2.2", "Inadequate"),
    ]
    assert report.score is None
    assert report.pdu_name == "Testshire PDU"
    assert re.search(r"PDU name .* taken from the title", " ".join(report.problems))
