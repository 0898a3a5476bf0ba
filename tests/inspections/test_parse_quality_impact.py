"""Tests for the Quality & Impact report parser.

The real-file tests assert values published in HMIP's March 2018 London CRC report; the
variant tests use a small synthetic report of the same format family, so they run anywhere.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from inspections.ingest.parsing.quality_impact import parse_quality_impact_report
from inspections.ingest.parsing.types import IMPROVEMENT, OTHER, STRENGTH, ParseError

REPORTS = Path(__file__).resolve().parents[3] / "shared" / "reports"
LONDON_CRC = REPORTS / "003_3b30441cf8f80ea4.txt"
LAMBETH_PDU = REPORTS / "000_dc3a9006563f0344.txt"

needs_reports = pytest.mark.skipif(
    not LONDON_CRC.exists(), reason=f"shared source reports not found at {REPORTS}"
)

CRC = "The London Community Rehabilitation Company"
CRC_NPS_2016 = "The Community Rehabilitation Company and National Probation Service"
CRC_2016 = "The Community Rehabilitation Company"
T1 = "Protecting the public"
T2 = "Reducing reoffending"
T3 = "Abiding by the sentence"
T4 = "The CRC and NPS working together"


@pytest.fixture(scope="module")
def london_text():
    if not LONDON_CRC.exists():
        pytest.skip(f"shared source reports not found at {REPORTS}")
    return LONDON_CRC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def london(london_text):
    return parse_quality_impact_report(london_text)


# ---------------------------------------------------------------------------
# The London CRC report (March 2018)


@needs_reports
def test_cover_and_methodology(london):
    assert london.title == (
        "Quality & Impact inspection: The effectiveness of probation work by the "
        "London Community Rehabilitation Company"
    )
    assert london.inspected_body == "London Community Rehabilitation Company"
    assert london.published == date(2018, 3, 1)
    assert london.lead_inspector == "Joe Simpson"
    assert london.fieldwork == "five full weeks in October and November 2017"
    assert london.cases_inspected == 148
    assert (london.staff_focus_groups, london.focus_group_staff) == (8, 46)


@needs_reports
def test_nothing_unread(london):
    assert london.problems == []


@needs_reports
def test_all_seven_key_facts(london):
    facts = [(f.value_text, f.value, f.unit, f.note, f.footnote) for f in london.key_facts]
    assert facts == [
        ("262,347", Decimal("262347"), "count", "", 1),
        ("29,473", Decimal("29473"), "count", "", 1),
        ("41%", Decimal("41"), "%", "", 1),
        ("80%", Decimal("80"), "%", "", 2),
        ("78%", Decimal("78"), "%", "", 3),
        ("73%", Decimal("73"), "%", "", 4),
        ("2 (of 21)", Decimal("2"), "count", "of 21", None),
    ]
    assert [f.label for f in london.key_facts] == [
        "The total number of offenders subject to probation supervision across England and Wales",
        "The number of offenders supervised by the London CRC",
        "The proportion of the CRC cases that relate to a custodial sentence (pre- or "
        "post-release supervision). The proportion for all England and Wales CRCs was 40%",
        "The proportion of offenders who were recorded as having successfully completed their "
        "period of licence or post-sentence supervision with the CRC following a release from "
        "custody. The performance figure for all England and Wales was 77%, against a target "
        "of 65%",
        "The proportion of offenders who were recorded as having successfully completed their "
        "community sentence with the CRC. The performance figure for all England and Wales "
        "was 79%, against a target of 75%",
        "The proportion of offenders managed by London CRC reporting satisfaction with key "
        "aspects of their supervision. The figure for England and Wales was 78%",
        "The number of CRCs owned by MTCnovo",
    ]


@needs_reports
def test_key_fact_sources(london):
    supervised = london.key_facts[1]
    assert supervised.source == (
        "Offender Management Caseload Statistics as at 30 June 2017, Ministry of Justice."
    )
    assert london.key_facts[3].source == (
        "CRC Service Level 9a, Community Performance Quarterly Statistics April - June 2017, "
        "Q1, Ministry of Justice"
    )
    assert london.key_facts[6].source is None


@needs_reports
def test_four_judgement_headlines(london):
    assert [(j.domain, j.headline) for j in london.judgements] == [
        (
            "Protecting the public",
            "The quality of public protection work was variable and not of an acceptable "
            "standard overall.",
        ),
        (
            "Reducing reoffending",
            "The quality of work is not acceptable. We found significant improvements in "
            "several aspects of practice but, overall, services did not sufficiently support "
            "rehabilitation.",
        ),
        (
            "Abiding by the sentence",
            "The quality of work was acceptable overall. Most individuals abided by the "
            "conditions of their sentence. The CRC took appropriate action in response to "
            "non-compliance, and undertook enforcement when appropriate in most cases.",
        ),
        (
            "The Community Rehabilitation Company and National Probation Service working together",
            "Working relationships and formal reporting systems had improved since our last "
            "inspection. An interface agreement between the London CRC and NPS promoted "
            "effective work between the two organisations. Risk escalation arrangements had "
            "improved.",
        ),
    ]
    assert [len(j.paragraphs) for j in london.judgements] == [5, 4, 3, 2]


@needs_reports
def test_judgement_paragraph_rejoined_across_page_break(london):
    reducing = london.judgements[1]
    assert reducing.paragraphs[2] == (
        "Most assessments of individuals were of sufficient quality, but they did not always "
        "feed into plans of work. Individuals were not involved sufficiently in planning or "
        "reviewing the work being done."
    )
    everything = " ".join(p for j in london.judgements for p in j.paragraphs)
    assert "HMIP (January 2018)" not in everything  # footnotes 5 and 6 dropped
    assert "<sup>" not in everything and "---" not in everything
    assert london.judgements[3].paragraphs[-1].endswith("quality of CRC services on offer.")


@needs_reports
def test_six_recommendations(london):
    recs = london.recommendations
    assert [r.number for r in recs] == [1, 2, 3, 4, 5, 6]
    assert {r.addressee for r in recs} == {CRC}
    assert recs[0].text == (
        "ensure, in all cases, that responsible officers identify the risk of harm posed by "
        "individuals and deliver plans of work that protect the public sufficiently"
    )
    assert recs[2].text == "deliver unpaid work effectively"
    assert recs[5].text == (
        "use management information to better understand and manage the workloads of staff, "
        "staff engagement and the tensions inherent in delivering a large-scale performance "
        "improvement project."
    )
    assert recs[1].ref.section == "Recommendations"


@needs_reports
def test_nine_previous_recommendations(london):
    assert london.previous_inspection == "North London (September 2016)"
    recs = london.previous_recommendations
    assert [r.number for r in recs] == list(range(1, 10))
    assert [r.addressee for r in recs] == [CRC_NPS_2016] * 2 + [CRC_2016] * 7
    assert recs[0].text == (
        "produce easily accessible information to enable all staff to make swift contact "
        "with relevant colleagues in each organisation"
    )
    assert recs[5].text == "manage the impact of sickness absence effectively"
    assert recs[8].text == "provide the rate card to the NPS without further delay."


@needs_reports
def test_previous_inspection_summary(london):
    summary = london.previous_summary
    assert len(summary) == 3
    assert summary[0].startswith("In our 2016 inspection in North London, we found the quality")
    assert summary[2].endswith("consistently or sufficiently well.")


@needs_reports
def test_enablers_and_barriers_per_table(london):
    counted = Counter((f.section, f.kind) for f in london.findings if f.kind != OTHER)
    # Counted by hand: tables 1-4 hold 2/2, 2/2, 3/3 and 3/2 enablers/barriers.
    assert counted == {
        (T1, STRENGTH): 2,
        (T1, IMPROVEMENT): 2,
        (T2, STRENGTH): 2,
        (T2, IMPROVEMENT): 2,
        (T3, STRENGTH): 3,
        (T3, IMPROVEMENT): 3,
        (T4, STRENGTH): 3,
        (T4, IMPROVEMENT): 2,
    }


@needs_reports
def test_table_cells_verbatim(london):
    texts = {(f.section, f.kind): [] for f in london.findings}
    for finding in london.findings:
        texts[(finding.section, finding.kind)].append(finding.text)
    assert texts[(T1, IMPROVEMENT)][0].endswith("left the public vulnerable..")  # as published
    assert texts[(T2, IMPROVEMENT)][1] == "Too much of the contact with individuals lacked focus."
    # Table 4's third row has an enabler and an empty barrier cell.
    assert texts[(T4, STRENGTH)][2] == "The risk escalation process had improved."
    table_4 = [f for f in london.findings if f.section == T4]
    assert table_4[0].ref.section.startswith("Table 4: Enablers and barriers for the CRC and NPS")


@needs_reports
def test_practice_examples(london):
    examples = [f for f in london.findings if f.kind == OTHER]
    assert len(examples) == 15
    assert Counter(f.text.split(":")[0] for f in examples) == {
        "Poor practice example": 9,
        "Good practice example": 6,
    }
    by_name = {f.text.split(": ", 1)[1].split(" ", 1)[0]: f for f in examples}
    assert by_name["Mike"].section == "Assessment and planning"
    assert by_name["Eric"].section == "Unpaid work (UPW)"
    assert by_name["George"].text.count("\n\n") == 3
    assert by_name["Alan"].text.endswith(
        "This learning has also been used to tailor future sentence planning objectives "
        "effectively."
    )
    assert by_name["Don"].text.count("\n\n") == 0  # the quotation after it is not the example
    assert by_name["Paul"].text == (
        "Good practice example: Paul received a suspended sentence order for assault and "
        "harassment of a female colleague. A further offence against the same victim saw the "
        "prison sentence being activated. He served six weeks and was released on a period of "
        "post-sentence supervision (PSS).\n\nThe responsible officer set additional licence "
        "conditions for him to continue with offending behaviour work. She extended the "
        "restraining order from two to four years, to promote long-term management of the "
        "risk of harm that he posed to the victim."
    )


@needs_reports
def test_findings_numbered_in_document_order(london):
    assert [f.order for f in london.findings] == list(range(1, 35))
    lines = [f.ref.line for f in london.findings]
    assert lines == sorted(lines)


@needs_reports
def test_case_percentages(london):
    found = [(p.percent, p.domain, p.section) for p in london.case_percentages]
    assert found == [
        (Decimal(56), T1, "Delivery and reviewing progress"),
        (Decimal(90), T1, "Delivery and reviewing progress"),
        (Decimal(37), T2, "Assessment, planning and delivery"),
        (Decimal(40), T2, "Assessment, planning and delivery"),
        (Decimal(70), T2, "Reviewing progress"),
        (Decimal(31), T2, "Impact and potential impact"),
        (Decimal(56), T2, "Impact and potential impact"),
        (Decimal(67), T2, "Impact and potential impact"),
        (Decimal(51), T2, "Impact and potential impact"),
        (Decimal(47), T2, "Impact and potential impact"),
        (Decimal(64), T2, "Impact and potential impact"),
        (Decimal(59), T3, "Delivery"),
    ]
    labels = [p.label for p in london.case_percentages]
    assert labels[4] == "In 70% of cases, responsible officers had reviewed progress in the case."
    assert labels[0] == (
        "We judged that all reasonable action had been taken by the responsible officer to "
        "keep to a minimum the service user's risk of harm to others in only 56% of the "
        "relevant cases."
    )
    # A sentence split by a page break is read whole.
    assert labels[7].startswith("This ranged from responsible officers contributing")


@needs_reports
def test_non_sample_percentages_skipped(london):
    labels = " ".join(p.label for p in london.case_percentages)
    assert "(of 48%)" not in labels  # the national figure
    assert "around 60%" not in labels  # staff estimate
    assert "80% of the information" not in labels  # the CRC's own finding
    assert "100%" not in labels  # a quotation


@needs_reports
def test_crlf_gives_same_result(london_text, london):
    assert parse_quality_impact_report(london_text.replace("\n", "\r\n")) == london


@needs_reports
def test_pdu_report_is_rejected():
    if not LAMBETH_PDU.exists():
        pytest.skip(f"{LAMBETH_PDU.name} not found")
    with pytest.raises(ParseError, match="expected a Quality & Impact"):
        parse_quality_impact_report(LAMBETH_PDU.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------
# Variants on a small synthetic report of the same family

BR = "  "  # the converter's markdown hard line break

COVER = f"""\
---

Quality & Impact inspection:{BR}
The effectiveness of probation work in{BR}
**Gwent**

---

An inspection by HM Inspectorate of Probation{BR}
June 2017

This inspection was led by HM Inspector Ann Example, supported by a team of inspectors.
"""

KEY_FACTS = """\
## Key facts

4,321

The number of offenders supervised by the Example CRC<sup>1</sup>

55%

The proportion of cases that relate to a custodial sentence

1 Offender Management Caseload Statistics, Ministry of Justice.
"""

JUDGEMENTS = """\
# 1. Overall judgements and recommendations

The findings are summarised here.

### Protecting the public

Public protection work was good<sup>2</sup>.

Most plans were sound, but reviews were not always

<sup>2</sup> A footnote at the foot of the page.

---

completed on time.

### **Reducing reoffending**

Work to reduce reoffending was not good enough.
"""

RECOMMENDATIONS = """\
# Recommendations

## **The Example CRC should:**

1. improve reviews
2. deliver more interventions.

*The National Probation Service should:*

3. share information promptly.
"""

CAPTION = (
    "**Table 1: Enablers and barriers for the CRC relating to the inspection domain of "
    "protecting the public.**"
)

EVALUATION = f"""\
# **3. An evaluation of the quality of probation work**

## Protecting the public

### Reviewing

In 62% of cases, plans were reviewed. The national average was 50%.

**Good practice example:** Sam was on licence. The officer saw Sam weekly.

He completed his programme.

That shows what can be done.

{CAPTION}

Enablers\t\tBarriers\t
1.\tGood reviews.\t1.\tLate reviews.
2.\tStable staff.\t\t
"""

APPENDICES = """\
# Appendices

## Appendix 1: Inspection methodology

An inspection team visited the area for two weeks in March 2017.

## Appendix 3: Previous Quality & Impact inspection outcomes from Gwent (May 2016)

In 2016 we found poor work.

In 2016, we made the following recommendations:

*The Community Rehabilitation Company should:*

1. reduce caseloads.
"""

SECTIONS = [COVER, KEY_FACTS, JUDGEMENTS, RECOMMENDATIONS, EVALUATION, APPENDICES]


def synthetic(*sections: str) -> str:
    return "\n".join(sections or SECTIONS)


def summary(report) -> tuple:
    return (
        report.title,
        [(j.domain, j.paragraphs) for j in report.judgements],
        [(r.number, r.addressee, r.text) for r in report.recommendations],
        [(f.section, f.kind, f.text) for f in report.findings],
        [(p.percent, p.label) for p in report.case_percentages],
        [(r.addressee, r.text) for r in report.previous_recommendations],
    )


def test_synthetic_report():
    report = parse_quality_impact_report(synthetic())
    assert report.problems == []
    assert report.inspected_body == "Gwent"
    assert report.published == date(2017, 6, 1)
    assert report.lead_inspector == "Ann Example"
    assert report.fieldwork == "two weeks in March 2017"
    assert [(f.value, f.unit, f.source) for f in report.key_facts] == [
        (Decimal(4321), "count", "Offender Management Caseload Statistics, Ministry of Justice."),
        (Decimal(55), "%", None),
    ]
    assert report.judgements[0].paragraphs == [
        "Public protection work was good.",
        "Most plans were sound, but reviews were not always completed on time.",
    ]
    assert [(r.number, r.addressee) for r in report.recommendations] == [
        (1, "The Example CRC"),
        (2, "The Example CRC"),
        (3, "The National Probation Service"),
    ]
    assert [(f.kind, f.text) for f in report.findings] == [
        (
            OTHER,
            "Good practice example: Sam was on licence. The officer saw Sam weekly.\n\n"
            "He completed his programme.",
        ),
        (STRENGTH, "Good reviews."),
        (IMPROVEMENT, "Late reviews."),
        (STRENGTH, "Stable staff."),
    ]
    assert [(p.percent, p.domain) for p in report.case_percentages] == [
        (Decimal(62), "Protecting the public")
    ]
    assert report.previous_inspection == "Gwent (May 2016)"
    assert report.previous_summary == ["In 2016 we found poor work."]


def test_crlf_and_cr_line_endings():
    text = synthetic()
    expected = parse_quality_impact_report(text)
    assert parse_quality_impact_report(text.replace("\n", "\r\n")) == expected
    assert parse_quality_impact_report(text.replace("\n", "\r")) == expected


def test_sections_reordered():
    reordered = synthetic(COVER, APPENDICES, EVALUATION, RECOMMENDATIONS, JUDGEMENTS, KEY_FACTS)
    assert summary(parse_quality_impact_report(reordered)) == summary(
        parse_quality_impact_report(synthetic())
    )


def test_missing_recommendations_is_a_problem():
    report = parse_quality_impact_report(
        synthetic(COVER, KEY_FACTS, JUDGEMENTS, EVALUATION, APPENDICES)
    )
    assert report.recommendations == []
    assert report.problems == ["no 'Recommendations' section found"]
    assert len(report.judgements) == 2


def test_unnumbered_recommendations_are_reported():
    text = synthetic().replace("3. share information promptly.", "1. share information.")
    report = parse_quality_impact_report(text)
    assert any("numbered [1, 2, 1]" in problem for problem in report.problems)


@pytest.mark.parametrize(
    "text",
    [
        "Minutes of the Safer Stronger Select Committee\n\n# Agenda\n\n1. Apologies\n",
        "# An inspection of probation services: Lambeth PDU\n\nQuality & Impact inspection: x\n",
    ],
)
def test_unrelated_text_is_rejected(text):
    with pytest.raises(ParseError, match="expected a Quality & Impact inspection report"):
        parse_quality_impact_report(text)


@pytest.mark.parametrize("text", ["", "  \n\r\n\t"])
def test_empty_text_is_rejected(text):
    with pytest.raises(ParseError, match="expected a Quality & Impact inspection report"):
        parse_quality_impact_report(text)
