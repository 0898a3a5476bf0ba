"""The findings and key questions shown with a recommendation, by the documented rule: its
themes are the findings explorer's, and themes.toml says where each theme's findings sit."""

from inspections.models import Theme, ThemeOverride
from ratings.models import Programme, Standard
from recommendations.models import Recommendation
from recommendations.related import related_findings, related_key_question_scores
from tests.factories import InspectionFactory, SectionFactory
from tests.recommendations.helpers import client_for, rec


def test_a_risk_recommendation_meets_the_case_supervision_findings_of_its_report(lambeth_1):
    risk = rec("lambeth-pdu-2022", 3)  # improve the quality of work ... risk of harm
    findings = list(related_findings(risk))
    assert findings
    assert {f.inspection.slug for f in findings} == {"lambeth-pdu-2022"}
    # Risk of harm's standards: assessment, planning, delivery and reviewing.
    assert {f.section.standard.code for f in findings} == {"2.2", "2.3", "2.4", "2.5"}
    questions = list(related_key_question_scores(risk))
    assert questions and all("safe" in q.key_question.text for q in questions)


def test_a_staffing_recommendation_meets_the_staff_findings(published_data):
    staffing = rec("lambeth-pdu-2022", 7)  # ensure Lambeth PDU has sufficient staffing
    sections = {f.section.name for f in related_findings(staffing)}
    assert "1.2 Staff" in sections


def test_an_annex_pdu_meets_the_regional_letters_findings(published_data):
    """Newham has no report of its own here: its findings come from the regional letter."""
    newham = rec("newham-2022", 7, addressee="london-region")  # accredited programmes
    findings = list(related_findings(newham))
    assert findings
    assert {f.inspection.slug for f in findings} == {"london-region-2022"}
    assert "Accredited programmes" in {f.section.name for f in findings}


def test_an_admins_theme_brings_its_findings(published_data):
    incentives = rec("lambeth-pdu-2022", 11)  # recruitment and retention: staffing only
    assert "Diversity and inclusion" not in {f.section.name for f in related_findings(incentives)}
    ThemeOverride.objects.create(
        theme=Theme.objects.get(slug="diversity-and-inclusion"),
        action=ThemeOverride.Action.ADD,
        recommendation=incentives,
        reason="Retention of staff from minority ethnic groups.",
    )
    incentives = Recommendation.objects.get(pk=incentives.pk)
    assert "Diversity and inclusion" in {f.section.name for f in related_findings(incentives)}


def test_nearly_every_published_recommendation_has_findings_to_show(published_data):
    without = [
        r.text
        for r in Recommendation.objects.published().with_themes()
        if not related_findings(r).exists()
    ]
    # Five meet none, and their page says so: the regional letter, the only document of
    # Barking, Dagenham and Havering, Newham, Ealing and Hillingdon and HFKCW here, has no
    # heading on diversity (BDH 7, Newham 6) or on engaging people on probation (Ealing
    # and Hillingdon 7, HFKCW 7); and the 2018 report, all the data holds of the 2016
    # North London inspection, has none on management information (its recommendation 4).
    assert len(without) <= 5, without


def test_the_page_shows_why_it_was_made(client, published_data):
    risk = rec("lambeth-pdu-2022", 3)
    page = client.get(risk.get_absolute_url()).content.decode()
    assert "Why it was made" in page
    assert '<a class="govuk-link" href="/tracker/?theme=risk-of-harm">Risk of harm</a>' in page
    assert "2.2 Assessment" in page
    assert "How findings are matched" in page


def test_a_recommendation_on_priorities_meets_the_regional_leadership_findings(published_data):
    """HFKCW has no report of its own here: its findings come from the regional letter."""
    alert = rec("hfkcw-2022", 8)
    assert alert.text.startswith("complete all actions identified as part of the organisational")
    sections = {f.section.name for f in related_findings(alert)}
    assert "Leadership" in sections
    assert any("organisational alert" in f.text for f in related_findings(alert))


def test_a_recommendation_on_no_theme_says_so(client, published_data):
    liaise = rec("newham-2022", 3)  # consult and liaise with all relevant services
    ThemeOverride.objects.create(
        theme=Theme.objects.get(slug="information-sharing"),
        action=ThemeOverride.Action.REMOVE,
        recommendation=liaise,
        reason="About casework, not the exchange of information.",
    )
    assert not Recommendation.objects.with_themes().get(pk=liaise.pk).themes
    page = client.get(liaise.get_absolute_url()).content.decode()
    assert "This recommendation is on none of the" in page


def test_the_recommendation_page_shows_text_inspection_and_addressee(client, hmpps_rec):
    page = client_for(None).get(hmpps_rec.get_absolute_url()).content.decode()
    assert "consider incentives to improve recruitment and retention of staff" in page
    assert "An inspection of probation services in: Lambeth PDU" in page
    assert "HMPPS" in page
    # Ealing and Hillingdon's "recruitment and staff retention" is the same advice.
    assert "Made 6 times, by 6 inspections, in the same or nearly the same words" in page
    assert "“consider incentives to improve recruitment and staff retention”" in page


def test_drafts_are_not_in_the_tracker(client, lambeth_1):
    lambeth_1.inspection.is_published = False
    lambeth_1.inspection.save()
    assert client.get(lambeth_1.get_absolute_url()).status_code == 404
    assert client.get("/tracker/?pdu=lambeth").context["paginator"].count == 0


def test_standards_are_read_in_the_version_of_the_recommendations_inspection(published_data):
    """Each framework version numbers its own standards: a recommendation on risk of harm
    (themes.toml: 2021's 2.2–2.5) from a report under the 2023 standards meets its "2.1
    Assessment" findings, 2021's 2.2 Assessment renumbered, and its 2.2 Planning; never a
    2021 standard's, nor a 2023 standard off the theme."""
    version, _ = Programme.objects.get_or_create(
        slug="pdu-2023",
        defaults={
            "name": "PDU inspection programme (2023 standards)",
            "rating_scheme": "four_point",
        },
    )

    def standard_2023(code, name, position):
        return Standard.objects.get_or_create(
            programme=version,
            code=code,
            defaults={"slug": f"{code}-{name}".lower(), "name": name, "position": position},
        )[0]

    inspection = InspectionFactory(programme=version)
    where = {"source_document": inspection.source_document, "source_section": "Findings"}
    sections = {
        "2023 assessment": SectionFactory(
            name="2.1 Assessment (2024)", standard=standard_2023("2.1", "Assessment", 4)
        ),
        "2023 planning": SectionFactory(
            name="2.2 Planning (2024)", standard=standard_2023("2.2", "Planning", 5)
        ),
        "2023 staffing": SectionFactory(
            name="1.2 Staffing (2024)", standard=standard_2023("1.2", "Staffing", 2)
        ),
        "2021 assessment": SectionFactory(
            name="2.2 Assessment (2024)",
            standard=Standard.objects.get(programme__slug="pdu", code="2.2"),
        ),
    }
    for position, section in enumerate(sections.values(), start=1):
        inspection.findings.create(
            section=section,
            kind="improvement",
            text="Assessments did not consider the risk of harm to others.",
            position=position,
            **where,
        )
    recommendation = Recommendation.objects.create(
        inspection=inspection,
        number=1,
        position=1,
        addressee=inspection.body,
        addressee_label=inspection.body.name,
        text="improve the quality of risk of harm assessments",
        **where,
    )
    ThemeOverride.objects.create(
        theme=Theme.objects.get(slug="risk-of-harm"),
        action=ThemeOverride.Action.ADD,
        recommendation=recommendation,
        reason="Risk of harm.",
    )
    recommendation = Recommendation.objects.with_themes().get(pk=recommendation.pk)
    assert {f.section.name for f in related_findings(recommendation)} == {
        "2.1 Assessment (2024)",
        "2.2 Planning (2024)",
    }
