"""Themes: the rules file, tagging kept in step with the data, admin overrides that survive
a rebuild, the theme pages and the recurring recommendations."""

import csv
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from inspections.explorer import themes
from inspections.models import Finding, Theme, ThemeOverride, ThemeTag, UntaggedRecord
from recommendations.models import Recommendation
from tests.factories import InspectionFactory, SectionFactory

STAFF_INCENTIVES = "consider incentives to improve recruitment and retention of staff"

# The taxonomy the findings explorer issue asks for, with the two the recommendation
# tracker needs (its recommendations on priorities, the PPF, organisational alerts and
# management information met no findings without them).
ISSUE_THEMES = [
    "Staffing and workloads",
    "Management oversight and quality assurance",
    "Leadership, priorities and partnerships",
    "Management information",
    "Risk of harm",
    "Domestic abuse and safeguarding enquiries",
    "Information sharing with police and children's services",
    "Interventions and commissioned services",
    "Accredited programmes and RAR",
    "Unpaid work",
    "Resettlement",
    "Accommodation",
    "Engagement with people on probation",
    "Diversity and inclusion",
    "Premises",
]


def slugs_for(text, section=None):
    return themes.rule_themes(text, section)


# --- The rules file ---------------------------------------------------------------------------


def test_the_rules_file_has_the_curated_taxonomy():
    rules = themes.load_rules()
    assert [rule.name for rule in rules] == ISSUE_THEMES
    assert all(rule.match and rule.description for rule in rules)


def test_migrate_created_a_theme_for_each_rule(db):
    assert list(Theme.objects.values_list("name", flat=True)) == ISSUE_THEMES


def test_a_broken_rules_file_is_reported(tmp_path):
    path = tmp_path / "themes.toml"
    path.write_text('[[theme]]\nslug = "a"\nname = "A"\n')
    with pytest.raises(themes.RulesError, match="has no match"):
        themes.load_rules(path)
    path.write_text('[[theme]]\nslug = "a"\nname = "A"\nmatch = ["x"]\n' * 2)
    with pytest.raises(themes.RulesError, match="appears twice"):
        themes.load_rules(path)


def test_an_unknown_key_in_a_themes_related_findings_is_reported(tmp_path):
    path = tmp_path / "themes.toml"
    path.write_text(
        '[[theme]]\nslug = "a"\nname = "A"\nmatch = ["x"]\n[theme.related]\ncodes = []\n'
    )
    with pytest.raises(themes.RulesError, match="unknown related codes"):
        themes.load_rules(path)


def test_each_theme_says_where_its_findings_sit():
    related = themes.related_by_theme()
    assert set(related) == {rule.slug for rule in themes.load_rules()}
    assert related["risk-of-harm"] == themes.Related(
        standards=("2.2", "2.3", "2.4", "2.5"),
        sections=(
            "Protecting the public",
            "Statutory victim work",
            "Learning from serious further offence investigations",
        ),
        key_questions=("safe",),
    )


def test_where_findings_sit_names_standards_and_headings_of_the_reports(published_data):
    """A mistyped code or heading would quietly show a recommendation no findings."""
    from inspections.models import Section
    from ratings.models import Standard

    codes = set(Standard.objects.filter(programme__slug="pdu").values_list("code", flat=True))
    headings = set(Section.objects.values_list("name", flat=True))
    for slug, places in themes.related_by_theme().items():
        assert set(places.standards) <= codes, slug
        assert set(places.sections) <= headings, slug


def test_words_match_whole():
    assert "premises" in slugs_for("The office was in a poor state.")
    assert "premises" not in slugs_for("Probation officers were experienced.")


def test_a_star_matches_any_ending():
    assert "staffing-and-workloads" in slugs_for("There were many vacancies.")
    assert "staffing-and-workloads" in slugs_for("The vacancy rate was 11 per cent.")


def test_case_punctuation_and_apostrophes_do_not_matter():
    for text in ("Children’s services were not contacted.", "CHILDREN'S SERVICES, too."):
        assert "information-sharing" in slugs_for(text)


def test_unless_keeps_a_record_off():
    assert "premises" not in slugs_for("He moved to approved premises.")
    assert "accommodation" in slugs_for("He moved to approved premises.")


def test_findings_under_a_section_are_on_its_theme():
    assert "unpaid-work" in slugs_for("Placements catered for needs.", section="Unpaid work")
    assert "unpaid-work" not in slugs_for("Placements catered for needs.", section="Leadership")


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        (STAFF_INCENTIVES, "staffing-and-workloads"),
        ("improve the effectiveness of quality assurance and management oversight of all "
         "casework", "management-oversight-and-quality-assurance"),
        ("ensure that domestic abuse and safeguarding checks are completed",
         "domestic-abuse-and-safeguarding"),
        ("ensure rehabilitation activity requirements (RAR) are started promptly",
         "accredited-programmes-and-rar"),
        ("review the location of delivery sites for unpaid work", "unpaid-work"),
        ("Housing support was weak.", "accommodation"),
        ("Pre-release work was poor in too many cases.", "resettlement"),
        ("engage with people on probation to inform service delivery",
         "engagement-with-people-on-probation"),
        ("Protected characteristics were not analysed.", "diversity-and-inclusion"),
        ("improve the quality of work to assess, plan for, manage and review risk of harm",
         "risk-of-harm"),
        ("Relationships with the police were not effective.", "information-sharing"),
        ("Referrals to CRS providers were low.", "interventions-and-commissioned-services"),
        ("ensure priorities are clearly communicated and understood by probation "
         "practitioners", "leadership-priorities-and-partnerships"),
        ("complete all actions identified in the organisational alert",
         "leadership-priorities-and-partnerships"),
        ("improve the support provided to sites assessed as 'red' under the Prioritising "
         "Probation Framework (PPF)", "leadership-priorities-and-partnerships"),
        ("require all staff to work together to solve individual problems",
         "leadership-priorities-and-partnerships"),
        ("obtain and regularly scrutinise relevant management information",
         "management-information"),
        ("There was no routine analysis of the data for CRS provisions.",
         "management-information"),
    ],
)  # fmt: skip
def test_each_theme_catches_its_topic(text, slug):
    assert slug in slugs_for(text)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        # A person's partners, the police and a casework priority are not the PDU's.
        ("He had a history of violence against his partners.",
         "leadership-priorities-and-partnerships"),
        ("Checks had not been made with the police.", "leadership-priorities-and-partnerships"),
        ("Planning failed to prioritise the most critical factors.",
         "leadership-priorities-and-partnerships"),
        # Information about a case is not management information.
        ("Risk-related information was not shared.", "management-information"),
        ("He did not willingly share information.", "management-information"),
    ],
)  # fmt: skip
def test_general_words_do_not_put_a_record_on_a_theme(text, slug):
    assert slug not in slugs_for(text)


def test_findings_under_the_leadership_headings_are_on_leadership():
    slug = "leadership-priorities-and-partnerships"
    assert slug in slugs_for("The head of service had a clear vision.", section="1.1 Leadership")
    assert slug in slugs_for("The head of service had a clear vision.", section="Leadership")


def test_a_record_can_be_on_several_themes():
    text = "improve the arrangements for information sharing to ensure that domestic abuse "
    assert {"domestic-abuse-and-safeguarding", "information-sharing"} <= set(slugs_for(text))


# --- Tags kept in step with the data ------------------------------------------------------


def tagged(record):
    field = "finding" if isinstance(record, Finding) else "recommendation"
    return set(ThemeTag.objects.filter(**{field: record}).values_list("theme__slug", flat=True))


def test_loaded_fixtures_are_tagged_as_they_load(published_data):
    assert not UntaggedRecord.objects.exists()
    recommendation = Recommendation.objects.filter(text=STAFF_INCENTIVES).first()
    assert "staffing-and-workloads" in tagged(recommendation)
    for finding in Finding.objects.filter(text__icontains="domestic abuse"):
        assert "domestic-abuse-and-safeguarding" in tagged(finding)


@pytest.fixture
def inspection(db):
    return InspectionFactory()


def make_finding(inspection, text, position=1, section=None):
    return Finding.objects.create(
        inspection=inspection,
        section=section or SectionFactory(),
        kind=Finding.Kind.IMPROVEMENT,
        text=text,
        position=position,
        source_document=inspection.source_document,
        source_section="Generated",
    )


def test_a_changed_record_is_retagged(inspection):
    finding = make_finding(inspection, "Housing support was weak.")
    themes.tag_pending()
    assert tagged(finding) == {"accommodation"}
    Finding.objects.filter(pk=finding.pk).update(text="The office was in a poor state.")
    assert themes.tag_pending() == 1
    assert tagged(finding) == {"premises"}


def test_tag_pending_costs_one_query_when_nothing_is_queued(inspection, django_assert_num_queries):
    themes.tag_pending()
    with django_assert_num_queries(1):
        assert themes.tag_pending() == 0


def test_many_queued_records_are_retagged_all_at_once(inspection, monkeypatch):
    monkeypatch.setattr(themes, "RETAG_ALL_ABOVE", 2)
    made = [make_finding(inspection, f"Housing case {i}.", position=i) for i in range(1, 5)]
    assert themes.tag_pending() == 4
    assert all(tagged(f) == {"accommodation"} for f in made)


@pytest.mark.parametrize(
    ("sqlite_trigger", "postgres_trigger", "table"),
    [
        (
            "inspections_finding_untagged_insert",
            "inspections_finding_untagged",
            "inspections_finding",
        ),
        ("inspections_themetag_bits_insert", "inspections_themetag_bits", "inspections_themetag"),
    ],
)
def test_the_triggers_repair_themselves(inspection, sqlite_trigger, postgres_trigger, table):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {sqlite_trigger}")
        else:
            cursor.execute(f"DROP TRIGGER {postgres_trigger} ON {table}")
    assert themes.ensure_triggers(connection) == [table]
    finding = make_finding(inspection, "Housing support was weak.")
    themes.tag_pending()
    assert tagged(finding) == bits_of(finding) == {"accommodation"}


def test_tags_deleted_after_their_themes_leave_the_bits_alone(published_data):
    # A flush empties tables in no set order: the themes may go before their tags.
    themes.tag_pending()
    tagged_records = Finding.objects.exclude(theme_bits=0).count()
    assert tagged_records > 0
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM inspections_theme")
        cursor.execute("DELETE FROM inspections_themetag")
    assert Finding.objects.exclude(theme_bits=0).count() == tagged_records


def bits_of(record) -> set[str]:
    """The themes a record's theme_bits say it is on."""
    record.refresh_from_db()
    return {t.slug for t in Theme.objects.all() if record.theme_bits & (1 << t.bit)}


def bits_from_tags(record) -> set[str]:
    return {tag.theme.slug for tag in record.theme_tags.select_related("theme")}


def test_each_theme_has_its_own_bit(db):
    bits = list(Theme.objects.values_list("bit", flat=True))
    assert len(bits) == len(set(bits)) == len(ISSUE_THEMES)
    assert all(0 <= bit < 63 for bit in bits)
    added = Theme.objects.create(slug="courts", name="Courts")
    assert added.bit == max(bits) + 1


def test_a_64th_theme_is_refused_with_a_message(db):
    from django.core.exceptions import ValidationError

    for number in range(Theme.objects.count(), 63):
        Theme.objects.create(slug=f"theme-{number}", name=f"Theme {number}")
    with pytest.raises(ValidationError, match="at most 63 themes"):
        Theme(slug="one-too-many", name="One too many").full_clean()


def test_theme_bits_follow_the_tags_however_they_change(inspection):
    finding = make_finding(inspection, "Housing support was weak.")
    themes.tag_pending()
    assert bits_of(finding) == bits_from_tags(finding) == {"accommodation"}
    override(finding, "premises", ThemeOverride.Action.ADD)
    assert bits_of(finding) == {"accommodation", "premises"}
    Finding.objects.filter(pk=finding.pk).update(text="Staff vacancies were high.")
    themes.tag_pending()
    assert bits_of(finding) == bits_from_tags(finding) == {"staffing-and-workloads"}
    Theme.objects.get(slug="staffing-and-workloads").delete()
    assert bits_of(finding) == set() and finding.theme_bits == 0


def test_retagging_everything_keeps_the_bits_exact(published_data):
    themes.tag_all()
    themes.tag_all()
    records = [*Finding.objects.all(), *Recommendation.objects.all()]
    assert any(record.theme_bits for record in records)
    assert all(bits_of(record) == bits_from_tags(record) for record in records)


# --- Admin overrides -----------------------------------------------------------------------


def override(record, slug, action):
    field = "finding" if isinstance(record, Finding) else "recommendation"
    return ThemeOverride.objects.create(
        theme=Theme.objects.get(slug=slug), action=action, **{field: record}
    )


def test_an_override_puts_a_record_on_a_theme_or_takes_it_off(inspection):
    finding = make_finding(inspection, "Housing support was weak.")
    themes.tag_pending()
    override(finding, "premises", ThemeOverride.Action.ADD)
    assert tagged(finding) == {"accommodation", "premises"}
    assert ThemeTag.objects.get(finding=finding, theme__slug="premises").source == "admin"
    removal = override(finding, "accommodation", ThemeOverride.Action.REMOVE)
    assert tagged(finding) == {"premises"}
    removal.delete()
    assert tagged(finding) == {"accommodation", "premises"}


def test_overrides_survive_retagging_everything(inspection):
    finding = make_finding(inspection, "Housing support was weak.")
    override(finding, "accommodation", ThemeOverride.Action.REMOVE)
    call_command("tag_themes", stdout=StringIO())
    assert tagged(finding) == set()


def test_overrides_survive_a_rebuild_that_renumbers_records(inspection):
    section = SectionFactory()
    finding = make_finding(inspection, "Housing support was weak.", section=section)
    themes.tag_pending()
    made = override(finding, "premises", ThemeOverride.Action.ADD)
    # A rebuilt fixture gives the same finding another id, and the old id another finding.
    text = finding.text
    finding.delete()
    other = make_finding(inspection, "Unrelated text.", position=1, section=section)
    rebuilt = make_finding(inspection, text, position=2, section=section)
    themes.tag_pending()
    assert tagged(rebuilt) == {"accommodation", "premises"}
    assert tagged(other) == set()
    made.refresh_from_db()
    assert made.finding == rebuilt


def test_overrides_survive_reloading_the_fixtures(published_data):
    themes.tag_pending()
    recommendation = Recommendation.objects.filter(text=STAFF_INCENTIVES).first()
    override(recommendation, "premises", ThemeOverride.Action.ADD)
    call_command("load_published_data", "--reload", verbosity=0)
    themes.tag_pending()
    assert "premises" in tagged(Recommendation.objects.get(pk=recommendation.pk))


def test_an_override_made_in_the_admin_applies_at_once(admin_client, inspection):
    finding = make_finding(inspection, "Housing support was weak.")
    themes.tag_pending()
    response = admin_client.post(
        "/admin/inspections/themeoverride/add/",
        {
            "theme": Theme.objects.get(slug="resettlement").pk,
            "action": "add",
            "finding": finding.pk,
            "reason": "It is about housing on release.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "resettlement" in tagged(finding)
    made = ThemeOverride.objects.get()
    assert (made.record_type, made.inspection_slug, made.text) == (
        "finding",
        inspection.slug,
        finding.text,
    )


def test_the_admin_asks_for_a_record(admin_client, db):
    response = admin_client.post(
        "/admin/inspections/themeoverride/add/",
        {"theme": Theme.objects.first().pk, "action": "add"},
    )
    assert "Choose a finding or a recommendation" in response.content.decode()


def test_tag_themes_reports_and_dry_run_changes_nothing(published_data):
    ThemeTag.objects.all().delete()  # loading tagged the records
    out = StringIO()
    call_command("tag_themes", "--dry-run", stdout=out)
    assert "Would tag" in out.getvalue()
    assert not ThemeTag.objects.exists()
    call_command("tag_themes", stdout=out)
    assert ThemeTag.objects.exists()
    assert not UntaggedRecord.objects.exists()


# --- Theme pages -----------------------------------------------------------------------------


def test_theme_list_counts_each_theme(client, published_data):
    response = client.get("/explore/themes/")
    page = response.content.decode()
    for name in ISSUE_THEMES:
        assert name.replace("'", "&#x27;") in page
    staffing = next(t for t in response.context["themes"] if t.slug == "staffing-and-workloads")
    assert (
        staffing.findings == ThemeTag.objects.filter(theme=staffing, finding__isnull=False).count()
    )


def test_theme_page_counts_by_body_and_standard(client, published_data):
    response = client.get("/explore/themes/staffing-and-workloads/")
    assert response.status_code == 200
    context = response.context
    tags = ThemeTag.objects.filter(theme__slug="staffing-and-workloads")
    assert context["counts"]["findings"] == tags.filter(finding__isnull=False).count()
    assert context["counts"]["recommendations"] == tags.filter(recommendation__isnull=False).count()
    lambeth = next(row for row in context["by_body"] if row.label == "Lambeth PDU")
    assert lambeth.findings == tags.filter(finding__inspection__body__slug="lambeth").count()
    assert sum(row.findings for row in context["by_standard"]) == context["counts"]["findings"]
    page = response.content.decode()
    assert 'id="chart-theme-bodies"' in page
    assert "Records on this theme by inspected body" in page
    assert "1.2 Staff" in page
    assert len(context["page"].hits) == min(20, context["counts"]["findings"])


def test_theme_page_lists_the_bodies_with_most_until_all_are_asked_for(
    client, published_data, monkeypatch
):
    """The table of bodies is as long as the chart at any size of data; ?bodies=all has
    every body."""
    monkeypatch.setattr(themes, "CHART_ROWS", 2)
    url = "/explore/themes/staffing-and-workloads/"
    response = client.get(url)
    every = response.context["by_body"]
    assert len(every) > 2
    assert response.context["bodies_shown"] == every[:2]
    page = response.content.decode()
    assert "by inspected body: the 2 with the most" in page
    assert f'href="?bodies=all#by-body">Show all {len(every)} inspected bodies' in page
    assert every[2].label not in page.split('id="by-standard"')[0].split('id="by-body"')[1]
    response = client.get(url, {"bodies": "all"})
    assert response.context["bodies_shown"] == every
    page = response.content.decode()
    assert all(row.label in page for row in every)
    assert 'href="?#by-body">Show only the 2 with the most' in page


def test_theme_page_shows_its_rules(client, published_data):
    page = client.get("/explore/themes/premises/").content.decode()
    assert "<q>approved premises</q>" in page


def test_unknown_theme_is_404(client, db):
    assert client.get("/explore/themes/nothing/").status_code == 404


# --- Recurring recommendations ----------------------------------------------------------------


def test_recurring_words_ignore_small_differences():
    assert themes.recurring_words(
        "ensure rehabilitation activity requirements (RAR) are started promptly."
    ) == themes.recurring_words("Ensure rehabilitation activity requirements are started promptly")
    assert themes.recurring_words("increase QA at a PDU level") == themes.recurring_words(
        "increase QA at PDU level."
    )


def test_the_same_advice_to_different_pdus_is_one_group(published_data):
    recommendations = Recommendation.objects.select_related("inspection__body", "addressee")
    groups = themes.recurring_groups(recommendations)
    staffing = next(g for g in groups if "sufficient staffing resource" in g.text)
    assert staffing.inspection_count >= 3


def test_the_group_of_one_recommendation_is_its_group_among_all(
    published_data, django_assert_max_num_queries
):
    published = Recommendation.objects.published().select_related("inspection__body", "addressee")
    every = themes.recurring_groups(published)
    for recommendation in Recommendation.objects.all():
        # The version, the grouping's index (its rows and the body names) and the group's
        # rows, whatever the size of the data; only the version once they are cached.
        with django_assert_max_num_queries(4):
            group = themes.recurring_group(recommendation, published)
        holding = [g for g in every if recommendation in g.recommendations]
        if holding:
            assert group.recommendations == holding[0].recommendations
            assert group.text == holding[0].text
        else:
            assert group is None


def test_recurring_page_groups_the_staff_incentives_recommendation(client, published_data):
    response = client.get("/explore/recurring/")
    group = next(g for g in response.context["groups"] if g.text == STAFF_INCENTIVES)
    assert group.inspection_count >= 5
    assert group.addressees == ["HM Prison and Probation Service"]
    assert any(t.slug == "staffing-and-workloads" for t in group.themes)
    page = response.content.decode()
    assert "Consider incentives to improve recruitment and retention of staff" in page
    for recommendation in group.recommendations:
        assert recommendation.inspection.get_absolute_url() in page


def test_recurring_downloads_cite_each_recommendation(client, published_data):
    response = client.get("/explore/recurring/", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows and all(row["Citation"] and row["Source file"] for row in rows)
    data = json.loads(client.get("/explore/recurring/", {"format": "json"}).getvalue())
    assert data["count"] == len({row["Group"] for row in rows})
    assert client.get("/explore/recurring/", {"format": "pdf"}).status_code == 400


def test_a_release_that_changes_a_themes_rules_retags_every_record_at_migrate(published_data):
    theme = Theme.objects.get(slug="staffing-and-workloads")
    tagged = set(ThemeTag.objects.filter(theme=theme).values_list("finding", "recommendation"))
    assert tagged
    # As a database tagged by the rules of an earlier release stands.
    ThemeTag.objects.filter(theme=theme).delete()
    Theme.objects.filter(pk=theme.pk).update(rules_fingerprint="the rules of an older release")

    emit_post_migrate_signal(0, False, "default")
    assert set(ThemeTag.objects.filter(theme=theme).values_list("finding", "recommendation")) == (
        tagged
    )
    assert Theme.objects.get(pk=theme.pk).rules_fingerprint == next(
        rule.fingerprint for rule in themes.load_rules() if rule.slug == theme.slug
    )

    # Rules as they were: a migrate tags only what is queued, and leaves the rest alone.
    ThemeTag.objects.filter(theme=theme).delete()
    emit_post_migrate_signal(0, False, "default")
    assert not ThemeTag.objects.filter(theme=theme).exists()
