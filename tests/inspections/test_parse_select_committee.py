"""The PDU profile parser, on the Lewisham select committee report and on reworded variants."""

from pathlib import Path

import pytest

from inspections.ingest.parsing.select_committee import parse_pdu_profile
from inspections.ingest.parsing.types import ParseError, SourceRef

REPORTS = Path(__file__).resolve().parents[3] / "shared" / "reports"
PROFILE = REPORTS / "004_9c5eb2f13fcb4e8c.txt"

needs_profile = pytest.mark.skipif(
    not PROFILE.exists(), reason=f"source documents not available: {PROFILE} is missing"
)


@pytest.fixture(scope="module")
def profile():
    return parse_pdu_profile(PROFILE.read_text(encoding="utf-8"))


# --- the published Lewisham and Bromley profile ---------------------------------------------


@needs_profile
def test_title_and_pdu(profile):
    assert profile.title == "Lewisham Safer Stronger Select Committee Report"
    assert profile.pdu_name == "Bromley & Lewisham Probation Delivery Unit"
    assert profile.pdu_abbreviation == "LAB"
    assert profile.problems == []


@needs_profile
def test_sites(profile):
    assert profile.site_count == 3
    assert [(s.name, s.borough) for s in profile.sites] == [
        ("central Bromley", "Bromley"),
        ("Orpington", "Bromley"),
        ("Lewisham", "Lewisham"),
    ]
    assert profile.sites[0].ref == SourceRef("PDU Structure", 15)


@needs_profile
def test_teams(profile):
    assert profile.teams.total == 6
    assert profile.teams.by_borough == {"Lewisham": 4, "Bromley": 2}
    assert profile.teams.ref == SourceRef("PDU Structure", 17)


@needs_profile
def test_caseload(profile):
    # The first "people on probation" count, not the 2,400 London staff further on.
    assert (profile.caseload.people, profile.caseload.approximate) == (2400, True)
    assert profile.caseload.ref == SourceRef("Caseload information", 25)


@needs_profile
def test_commissioned_services_table(profile):
    rows = [(s.need, s.provider, s.status, s.active) for s in profile.commissioned_services]
    rolling_out = "Contract awarded, roll-out from September 2022"
    assert rows == [
        ("Employment, Education and Training", "Maximus", "Yes", True),
        ("Personal Well-being", "Catch 22", "Yes", True),
        ("Women (Female Service Users)", "Women in Prison / Pecan", "Yes", True),
        ("Housing", "SHP / St Mungos", "Yes", True),
        ("Dependency to Recovery", "Forward Trust", rolling_out, False),
        ("Finance, Benefit and Debt", "Catch 22", rolling_out, False),
    ]
    assert profile.commissioned_services[0].ref == SourceRef("Interventions", 75)


@needs_profile
def test_co_located_services(profile):
    services = profile.co_located_services
    assert [s.name for s in services] == [
        "Accredited Programmes",
        "Commissioned Rehabilitation Services (CRS)",
        "Offender Personality Disorder (OPD) Pathway",
    ]
    assert services[2].description == (
        "clinical colleagues from the Oxleas NHS foundation Trust are co-located in Lewisham "
        "to support the delivery of the OPD pathway programme"
    )


@needs_profile
def test_crlf_gives_the_same_result(profile):
    text = PROFILE.read_text(encoding="utf-8").replace("\n", "\r\n")
    assert parse_pdu_profile(text) == profile


@pytest.mark.skipif(
    not (REPORTS / "001_7d8760d02cfc723b.txt").exists(), reason="regional letter not available"
)
def test_an_hmip_letter_is_not_a_profile():
    with pytest.raises(ParseError, match="expected a select committee report"):
        parse_pdu_profile((REPORTS / "001_7d8760d02cfc723b.txt").read_text(encoding="utf-8"))


# --- reworded variants, independent of the source files -------------------------------------

REWORDED = """\
Safer Communities Scrutiny Committee

Croydon and Sutton Probation Delivery Unit

Structure

The PDU works from four sites, three in Croydon (Central, North and Thornton Heath) and one \
in Sutton.

Practitioners sit in 5 teams (3 in Croydon and 2 in Sutton).

Caseload

The PDU supervises around 1,850 people on probation.

Services

Need  Provider  Status
Housing  Shelter  Yes
Finance  Catch 22  No
Wellbeing  Mind  yes

The office also hosts co-located partners:
- Health – a nurse attends weekly
- Employment - advisers from the job centre
"""


def test_reworded_profile():
    profile = parse_pdu_profile(REWORDED)
    assert profile.title == "Safer Communities Scrutiny Committee"
    assert profile.pdu_name == "Croydon and Sutton Probation Delivery Unit"
    assert profile.pdu_abbreviation is None
    assert profile.site_count == 4
    assert [(s.name, s.borough) for s in profile.sites] == [
        ("Central", "Croydon"),
        ("North", "Croydon"),
        ("Thornton Heath", "Croydon"),
        ("Sutton", "Sutton"),
    ]
    assert (profile.teams.total, profile.teams.by_borough) == (5, {"Croydon": 3, "Sutton": 2})
    assert (profile.caseload.people, profile.caseload.approximate) == (1850, True)
    assert profile.caseload.ref == SourceRef("Caseload", 13)
    assert [(s.need, s.provider, s.active) for s in profile.commissioned_services] == [
        ("Housing", "Shelter", True),
        ("Finance", "Catch 22", False),
        ("Wellbeing", "Mind", True),
    ]
    assert [(s.name, s.description) for s in profile.co_located_services] == [
        ("Health", "a nurse attends weekly"),
        ("Employment", "advisers from the job centre"),
    ]
    assert profile.problems == []


def test_crlf_variant():
    assert parse_pdu_profile(REWORDED.replace("\n", "\r\n")) == parse_pdu_profile(REWORDED)


def test_exact_caseload_is_not_approximate():
    profile = parse_pdu_profile(REWORDED.replace("around 1,850", "1,850"))
    assert (profile.caseload.people, profile.caseload.approximate) == (1850, False)


def test_counts_that_disagree_are_reported():
    text = REWORDED.replace("four sites", "five sites").replace("5 teams", "6 teams")
    profile = parse_pdu_profile(text)
    assert profile.site_count == 5
    assert len(profile.sites) == 4
    assert profile.problems == [
        "5 sites published but 4 named (line 7)",
        "6 teams published but the boroughs' add up to 5",
    ]


def test_omitted_facts_are_problems():
    text = "\n".join(
        line
        for line in REWORDED.splitlines()
        if not line.startswith(("Practitioners sit", "Housing", "Finance", "Wellbeing", "Need"))
    )
    profile = parse_pdu_profile(text)
    assert profile.teams is None
    assert profile.commissioned_services == []
    assert profile.problems == [
        "operational teams not found (expected '<n> operational teams (...)')",
        "commissioned services table not found (expected provider and active columns)",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  \n \n",
        "Planning Committee minutes\n\nThe application for a garage was approved.",
        "Probation Delivery Unit annual report\n\nWritten for the board, not for scrutiny.",
    ],
)
def test_unrelated_text_is_refused(text):
    with pytest.raises(ParseError, match="expected a select committee report"):
        parse_pdu_profile(text)
