"""Admins enter and import inspections as drafts, checked against HMIP's rules, then publish."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inspections.models import Finding, Inspection, Review, Section, SourceDocument
from pdus.models import Body, Region
from ratings.models import Standard
from tests.factories import SectionFactory, generate_dataset

MANAGE_URLS = ["/manage/", "/manage/new/", "/manage/import/", "/manage/lambeth-pdu-2022/unpublish/"]


@pytest.fixture
def admin(db):
    user = User.objects.create_user("admin-user", password="a-long-test-password")
    user.user_permissions.add(Permission.objects.get(codename="change_inspection"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def lambeth_text(reports_dir):
    return (reports_dir / "000_dc3a9006563f0344.txt").read_text(encoding="utf-8")


@pytest.fixture
def new_report(lambeth_text):
    """A report of a PDU the database does not know yet."""
    return lambeth_text.replace("Lambeth", "Croydon")


def upload(client, text, name="report.txt", region="london"):
    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")
    return client.post("/manage/import/", {"report": file, "region": region})


def outcome(response):
    """The one file's row in the import's outcome table."""
    assert response.status_code == 200
    [row] = response.context["outcomes"]
    return row


# --- Who may ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", MANAGE_URLS)
def test_signed_out_users_are_sent_to_sign_in(client, published_data, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", MANAGE_URLS)
def test_signed_in_users_who_are_not_admins_get_403(client, published_data, url):
    client.force_login(User.objects.create_user("reader", password="a-long-test-password"))
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


@pytest.mark.parametrize("url", MANAGE_URLS)
def test_admins_reach_the_pages(admin, published_data, url):
    assert admin.get(url).status_code == 200


def test_posts_need_the_csrf_token(published_data, new_report):
    user = User.objects.create_superuser("root", password="a-long-test-password")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert upload(client, new_report).status_code == 403
    assert not Inspection.objects.filter(is_published=False).exists()


# --- Import -----------------------------------------------------------------------------


def test_import_makes_a_draft_that_nobody_else_sees(admin, client, published_data, new_report):
    row = outcome(upload(admin, new_report))
    assert (row.outcome, row.refused) == ("New draft", False)
    draft = Inspection.objects.get(body__slug="croydon")
    assert row.inspection == draft
    assert not draft.is_published
    assert (draft.score, draft.max_score, draft.overall_rating) == (3, 24, "inadequate")
    assert draft.findings.count() == 83 and draft.recommendations.count() == 12
    assert draft.body.region.slug == "london"
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/api/inspections/{draft.slug}/").status_code == 404
    assert "Croydon" not in client.get("/").content.decode()
    review = admin.get(f"/manage/{draft.slug}/review/").content.decode()
    assert "What the import could not read" in review


def test_the_same_text_again_changes_nothing(admin, published_data, new_report):
    first = outcome(upload(admin, new_report))
    again = outcome(upload(admin, new_report, name="renamed.txt"))
    assert again.outcome == "Unchanged" and again.inspection == first.inspection
    drafts = Inspection.objects.filter(body__slug="croydon")
    assert drafts.count() == 1
    assert drafts.get().source_document.filename == "report.txt"


def test_another_text_of_a_draft_replaces_it(admin, published_data, new_report):
    upload(admin, new_report)
    row = outcome(upload(admin, new_report.replace("Croydon PDU", "Croydon  PDU", 1)))
    assert row.outcome == "Draft replaced"
    drafts = Inspection.objects.filter(body__slug="croydon")
    assert drafts.count() == 1
    assert drafts.get().findings.count() == 83
    # The replaced text's document went with it.
    assert SourceDocument.objects.filter(filename="report.txt").count() == 1


def test_a_file_named_as_a_published_document_changes_nothing_published(
    admin, published_data, new_report
):
    lambeth = SourceDocument.objects.get(filename="000_dc3a9006563f0344.txt")
    before = (lambeth.title, lambeth.sha256)
    row = outcome(upload(admin, new_report, name=lambeth.filename))
    assert row.outcome == "New draft"
    lambeth.refresh_from_db()
    assert (lambeth.title, lambeth.sha256) == before
    assert row.inspection.source_document != lambeth


def test_the_text_of_a_published_report_is_unchanged(admin, published_data, lambeth_text):
    row = outcome(upload(admin, lambeth_text))
    assert row.outcome == "Unchanged"
    assert row.inspection.slug == "lambeth-pdu-2022" and row.inspection.is_published


def test_another_text_of_a_published_report_is_refused(admin, published_data, lambeth_text):
    row = outcome(upload(admin, lambeth_text + "\n"))
    assert row.refused and "already published" in row.detail


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"Minutes of the committee meeting.", "Not a PDU inspection report"),
        ("report.pdf", b"%PDF-1.7 ...", "The PDF is damaged"),
        ("report.doc", b"Minutes", "Upload the report as a .pdf file or as its text"),
        ("report.txt", b"\xff\xfe\x00binary", "not a binary file"),
        ("report.txt", b"", "The file is empty."),
    ],
)
def test_bad_uploads_are_refused_and_save_nothing(admin, published_data, name, content, message):
    before = (Inspection.objects.count(), Finding.objects.count(), Body.objects.count())
    file = SimpleUploadedFile(name, content, content_type="text/plain")
    row = outcome(admin.post("/manage/import/", {"report": file}))
    assert row.refused and message in row.detail
    assert (Inspection.objects.count(), Finding.objects.count(), Body.objects.count()) == before


def test_several_files_at_once_each_have_their_outcome(admin, published_data, new_report):
    files = [
        SimpleUploadedFile("croydon.txt", new_report.encode(), content_type="text/plain"),
        SimpleUploadedFile("empty.txt", b"", content_type="text/plain"),
        SimpleUploadedFile("sutton.txt", new_report.replace("Croydon", "Sutton").encode()),
    ]
    response = admin.post("/manage/import/", {"report": files})
    rows = {row.file: row for row in response.context["outcomes"]}
    assert [rows[f].outcome for f in ("croydon.txt", "empty.txt", "sutton.txt")] == [
        "New draft",
        "Refused",
        "New draft",
    ]
    assert Inspection.objects.filter(body__slug__in=["croydon", "sutton"]).count() == 2


def test_no_file_chosen_is_an_error(admin, published_data):
    response = admin.post("/manage/import/", {})
    assert response.status_code == 400
    assert "Choose at least one report" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("big.txt", 2 * 1024 * 1024 + 1, "The text file must be smaller than 2 MB"),
        ("big.pdf", 20 * 1024 * 1024 + 1, "The file must be smaller than 20 MB"),
    ],
)
def test_uploads_over_the_size_limit_are_refused(admin, published_data, name, size, message):
    file = SimpleUploadedFile(name, b"x" * size)
    row = outcome(admin.post("/manage/import/", {"report": file}))
    assert row.refused and message in row.detail


def test_a_new_pdu_goes_to_the_region_its_recommendations_address(
    admin, published_data, new_report
):
    row = outcome(upload(admin, new_report, region=""))
    assert row.outcome == "New draft"
    assert row.inspection.body.region.slug == "london"
    assert row.inspection.data_quality_notes.filter(
        description__contains="added to the London region"
    ).exists()


def test_a_new_pdu_of_no_known_region_needs_its_region(admin, published_data, new_report):
    unaddressed = new_report.replace("London region", "The regional office")
    row = outcome(upload(admin, unaddressed, region=""))
    assert row.refused and "choose its region" in row.detail
    assert not Body.objects.filter(slug="croydon").exists()


def test_import_command_dry_run_saves_nothing(published_data, tmp_path, new_report, capsys):
    from django.core.management import call_command

    path = tmp_path / "croydon.txt"
    path.write_text(new_report, encoding="utf-8")
    call_command("import_report", str(path), "--region", "london", "--dry-run")
    assert "Would import" in capsys.readouterr().out
    assert not Body.objects.filter(slug="croydon").exists()


# --- Entering by hand -------------------------------------------------------------------


def details(**overrides):
    return {
        "title": "An inspection of probation services in: Croydon PDU",
        "new_pdu_name": "Croydon PDU",
        "new_pdu_region": Region.objects.get(slug="london").pk,
        "programme": Standard.objects.get(programme__slug="pdu", code="2.2").programme_id,
        "fieldwork_start": "2023-03-06",
        "published": "2023-06-01",
        "lead_inspector": "A Person",
        "cases_inspected": "40",
        "practitioner_interviews": "30",
        **overrides,
    }


def test_details_are_checked(admin, published_data):
    response = admin.post("/manage/new/", details(published="2023-01-01", new_pdu_region=""))
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Choose the new PDU&#x27;s region" in page
    assert not Inspection.objects.filter(title__contains="Croydon").exists()


def test_dates_must_be_in_order(admin, published_data):
    response = admin.post("/manage/new/", details(published="2023-01-01"))
    assert "The publication date must be after fieldwork started" in response.content.decode()


def ratings_data(inspection, **overrides):
    data = {}
    for standard in inspection.programme.standards.prefetch_related("key_questions"):
        if standard.is_rated:
            data[f"rating_{standard.pk}"] = "requires_improvement"
            data[f"override_{standard.pk}"] = ""
        for question in standard.key_questions.all():
            data[f"kq_{question.pk}"] = "55"
    data[f"rating_{Standard.objects.get(programme__slug='pdu', code='2.1').pk}"] = "not_inspected"
    return {**data, **overrides}


@pytest.fixture
def draft(admin, published_data):
    response = admin.post("/manage/new/", details())
    assert response.status_code == 302, response.content.decode()
    return Inspection.objects.get(body__slug="croydon")


def test_ratings_compute_the_score(admin, draft):
    response = admin.post(f"/manage/{draft.slug}/ratings/", ratings_data(draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.score, draft.max_score, draft.overall_rating) == (8, 24, "requires_improvement")


def test_a_rating_must_follow_the_rule_unless_overridden(admin, draft):
    assessment = Standard.objects.get(programme__slug="pdu", code="2.2")
    data = ratings_data(draft, **{f"rating_{assessment.pk}": "good"})
    response = admin.post(f"/manage/{draft.slug}/ratings/", data)
    page = response.content.decode()
    assert "2.2 Assessment is rated Good, but its lowest key question gives Requires" in page
    # The error summary leads to the reason box, where the fix is typed.
    assert f'href="#id_override_{assessment.pk}"' in page
    assert f"rating_{assessment.pk}" not in response.context["form"].errors
    assert not draft.ratings.exists()  # nothing half-saved
    data[f"override_{assessment.pk}"] = "The positives override the guidance in this instance."
    assert admin.post(f"/manage/{draft.slug}/ratings/", data).status_code == 302
    assert draft.ratings.get(standard=assessment).rating == "good"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("101", "Ensure this value is less than or equal to 100"),
        ("-1", "Ensure this value is greater than or equal to 0"),
        ("12.34", "at most one decimal place"),
        ("twelve", "as a number"),
        ("", "Enter the percentage"),
    ],
)
def test_percentages_are_checked(admin, draft, value, message):
    question = Standard.objects.get(programme__slug="pdu", code="2.3").key_questions.first()
    response = admin.post(
        f"/manage/{draft.slug}/ratings/", ratings_data(draft, **{f"kq_{question.pk}": value})
    )
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")


def test_a_field_in_error_is_tied_to_its_message_for_screen_readers(admin, draft):
    question = Standard.objects.get(programme__slug="pdu", code="2.3").key_questions.first()
    response = admin.post(
        f"/manage/{draft.slug}/ratings/", ratings_data(draft, **{f"kq_{question.pk}": "101"})
    )
    field = response.context["form"][f"kq_{question.pk}"]
    attrs = field.field.widget.attrs
    assert attrs["aria-describedby"] == f"id_kq_{question.pk}-error"
    assert attrs["class"].split() == [
        "govuk-input",
        "govuk-input--width-5",
        "govuk-input--error",
    ]
    assert f'id="id_kq_{question.pk}-error"' in response.content.decode()


def test_a_hint_is_tied_to_its_field(admin, published_data):
    page = admin.get("/manage/new/").content.decode()
    assert 'aria-describedby="id_new_pdu_name-hint"' in page
    assert 'id="id_new_pdu_name-hint"' in page


def test_recommendation_numbers_cannot_repeat_for_one_addressee(admin, draft):
    prefix = "recommendations"
    data = {
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i in range(2):
        data |= {
            f"{prefix}-{i}-number": "1",
            f"{prefix}-{i}-addressee": draft.body.pk,
            f"{prefix}-{i}-addressee_label": "Croydon PDU",
            f"{prefix}-{i}-text": f"do thing {i}",
        }
    response = admin.post(f"/manage/{draft.slug}/recommendations/", data)
    assert response.status_code == 400
    assert "numbered twice" in response.content.decode()
    assert not draft.recommendations.exists()


def test_publishing_checks_everything_again(admin, client, draft):
    response = admin.post(f"/manage/{draft.slug}/review/")
    assert response.status_code == 400
    assert "Give a rating for 1.1 Leadership" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published

    admin.post(f"/manage/{draft.slug}/ratings/", ratings_data(draft))
    response = admin.post(f"/manage/{draft.slug}/review/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published
    assert "Croydon" in client.get("/").content.decode()
    assert draft.fieldwork_start == date(2023, 3, 6)


def test_published_inspections_are_not_edited_as_drafts(admin, published_data):
    assert admin.get("/manage/lambeth-pdu-2022/ratings/").status_code == 404


# --- Unpublishing -----------------------------------------------------------------------


def test_unpublishing_needs_a_reason(admin, published_data):
    response = admin.post("/manage/lambeth-pdu-2022/unpublish/", {"reason": "  "})
    assert response.status_code == 400
    assert "Enter why the inspection is being unpublished" in response.content.decode()
    assert Inspection.objects.get(slug="lambeth-pdu-2022").is_published


def test_unpublishing_makes_a_draft_again_and_is_recorded(admin, client, published_data):
    from django.contrib.admin.models import LogEntry

    lambeth = Inspection.objects.get(slug="lambeth-pdu-2022")
    assert "Unpublish this inspection" in admin.get(lambeth.get_absolute_url()).content.decode()
    assert (
        "Unpublish this inspection" not in client.get(lambeth.get_absolute_url()).content.decode()
    )

    response = admin.post(f"/manage/{lambeth.slug}/unpublish/", {"reason": "Wrong rating"})
    assert response["Location"] == f"/manage/{lambeth.slug}/review/"
    lambeth.refresh_from_db()
    assert not lambeth.is_published
    assert client.get(lambeth.get_absolute_url()).status_code == 404
    assert "Lambeth" not in client.get("/").content.decode()
    entry = LogEntry.objects.get(object_id=str(lambeth.pk))
    assert entry.get_change_message() == "Unpublished: Wrong rating"
    assert entry.user.username == "admin-user"
    # A draft is not unpublished again; it is published from its review page.
    assert admin.get(f"/manage/{lambeth.slug}/unpublish/").status_code == 404
    # Published again, it says what was corrected, in a public notice.
    refused = admin.post(f"/manage/{lambeth.slug}/review/")
    assert refused.status_code == 400
    assert "Say what was corrected since it was last published" in refused.content.decode()
    # At the top of the long page too, in the error summary, linking to the field.
    summary = refused.content.decode().split('govuk-error-summary__list">')[1]
    summary = summary.split("</ul>")[0]
    assert '<a href="#id_changes">Say what was corrected since it was last published</a>' in summary
    published = admin.post(f"/manage/{lambeth.slug}/review/", {"changes": "The 2.2 rating."})
    assert published.status_code == 302
    assert LogEntry.objects.filter(object_id=str(lambeth.pk)).count() == 2
    [correction] = lambeth.corrections.all()
    assert correction.changes == ["The 2.2 rating."]
    page = client.get(lambeth.get_absolute_url()).content.decode()
    assert "Corrected on" in page and "The 2.2 rating." in page


@pytest.fixture
def unpublished_lambeth_with_progress(admin, published_data):
    from recommendations.models import Tracking

    admin.post("/manage/lambeth-pdu-2022/unpublish/", {"reason": "To correct it"})
    lambeth = Inspection.objects.get(slug="lambeth-pdu-2022", is_published=False)
    tracked = lambeth.recommendations.order_by("position").first()
    Tracking.objects.create(recommendation=tracked, owner="Head of PDU")
    return lambeth, tracked


def test_reimport_keeps_recommendations_with_recorded_progress(
    admin, lambeth_text, unpublished_lambeth_with_progress
):
    lambeth, tracked = unpublished_lambeth_with_progress
    row = outcome(upload(admin, lambeth_text + "\n"))
    assert row.refused and "Progress has been recorded in the tracker" in row.detail
    assert lambeth.recommendations.filter(pk=tracked.pk).exists()


def test_recommendations_with_recorded_progress_are_not_deleted(
    admin, unpublished_lambeth_with_progress
):
    lambeth, tracked = unpublished_lambeth_with_progress
    page = admin.get(f"/manage/{lambeth.slug}/recommendations/")
    formset = page.context["formset"]
    data = {}
    for key, value in formset.management_form.initial.items():
        data[f"recommendations-{key}"] = value
    for index, form in enumerate(formset.forms):
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            data[f"recommendations-{index}-{name}"] = "" if value is None else value
    position = next(i for i, f in enumerate(formset.forms) if f.instance.pk == tracked.pk)
    data[f"recommendations-{position}-DELETE"] = "on"
    response = admin.post(f"/manage/{lambeth.slug}/recommendations/", data)
    assert response.status_code == 400
    assert "has progress recorded in the tracker, so it cannot be deleted" in (
        response.content.decode()
    )
    assert lambeth.recommendations.filter(pk=tracked.pk).exists()


# --- Findings: a page for each heading ---------------------------------------------------


@pytest.fixture
def imported(admin, published_data, new_report):
    """A draft imported from a report: 83 findings under 12 headings."""
    upload(admin, new_report)
    return Inspection.objects.get(body__slug="croydon")


def findings_url(draft, section=""):
    return f"/manage/{draft.slug}/findings/" + (f"{section}/" if section else "")


def sent_back(response, **changes):
    """What a heading's page sends when saved with `changes` (by field name, as posted)."""
    formset = response.context["formset"]
    data = {f"findings-{key}": value for key, value in formset.management_form.initial.items()}
    for index, form in enumerate(formset.forms):
        data[f"findings-{index}-id"] = form.instance.pk or ""
        for name in ("kind", "text", "section"):
            value = form.initial.get(name)
            data[f"findings-{index}-{name}"] = "" if value is None else value
    return {**data, **changes}


def test_findings_are_listed_by_heading_each_with_its_count_and_page(admin, imported):
    response = admin.get(findings_url(imported))
    headings = response.context["headings"]
    assert [h["section"].name for h in headings][:5] == [
        "1.1 Leadership",
        "1.2 Staff",
        "1.3 Services",
        "1.4 Information and facilities",
        "2.2 Assessment",
    ]
    assert [h["section"].name for h in headings][-3:] == [
        "Resettlement work",
        "Feedback from people on probation",
        "Diversity and inclusion",
    ]
    assert sum(h["total"] for h in headings) == 83
    leadership = headings[0]
    assert leadership["url"] == findings_url(imported, "11-leadership")
    page = response.content.decode()
    assert (
        f'<a class="govuk-link" href="{leadership["url"]}">Change'
        '<span class="govuk-visually-hidden"> the findings under 1.1 Leadership</span></a>'
    ) in page
    assert "<textarea" not in page  # the list is not a form of every finding


def test_a_heading_page_holds_only_that_headings_findings(admin, imported):
    response = admin.get(findings_url(imported, "11-leadership"))
    assert response.status_code == 200
    forms = response.context["formset"].forms
    under = list(imported.findings.filter(section__slug="11-leadership").order_by("position"))
    assert [form.instance for form in forms if form.instance.pk] == under
    assert len(forms) == len(under) + 3
    page = response.content.decode()
    assert "Save and go to 1.2 Staff" in page


def test_saving_a_heading_page_saves_it_alone_and_goes_to_the_next(admin, imported):
    url = findings_url(imported, "11-leadership")
    page = admin.get(url)
    blank = len(page.context["formset"].initial_forms)
    elsewhere = set(imported.findings.exclude(section__slug="11-leadership").values_list())
    last = max(imported.findings.values_list("position", flat=True))
    data = sent_back(
        page,
        **{
            "findings-0-text": "Leaders set a clear direction.",
            f"findings-{blank}-kind": "strength",
            f"findings-{blank}-text": "A strength added by hand.",
            "then": "next",
        },
    )
    response = admin.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == findings_url(imported, "12-staff")
    first = imported.findings.filter(section__slug="11-leadership").order_by("position").first()
    assert first.text == "Leaders set a clear direction."
    added = imported.findings.get(text="A strength added by hand.")
    assert (added.section.slug, added.kind, added.position) == (
        "11-leadership",
        "strength",
        last + 1,
    )
    assert set(imported.findings.exclude(section__slug="11-leadership").values_list()) == elsewhere


def test_the_last_heading_and_the_list_button_return_to_the_list(admin, imported):
    for section, then in (("diversity-and-inclusion", "next"), ("11-leadership", "list")):
        url = findings_url(imported, section)
        response = admin.post(url, sent_back(admin.get(url), then=then))
        assert response["Location"] == findings_url(imported)
    page = admin.get(findings_url(imported, "diversity-and-inclusion")).content.decode()
    assert "Save and go to" not in page and "Save and return to all findings" in page


def test_a_heading_page_with_an_error_saves_nothing_and_keeps_what_was_typed(admin, imported):
    url = findings_url(imported, "12-staff")
    page = admin.get(url)
    before = list(imported.findings.values_list())
    data = sent_back(
        page,
        **{"findings-0-text": "Typed, but not saved.", "findings-1-text": "", "then": "next"},
    )
    response = admin.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Typed, but not saved." in html
    assert '<a href="#id_findings-1-text">Enter the finding&#x27;s text as published</a>' in html
    assert list(imported.findings.values_list()) == before


def test_a_finding_moves_to_the_heading_chosen_for_it(admin, imported):
    url = findings_url(imported, "12-staff")
    staff = admin.get(url)
    moved = staff.context["formset"].forms[0].instance
    services = Section.objects.get(slug="13-services")
    response = admin.post(url, sent_back(staff, **{"findings-0-section": services.pk}))
    assert response.status_code == 302
    moved.refresh_from_db()
    assert moved.section == services


def test_another_heading_is_reached_from_the_list(admin, imported):
    response = admin.get(findings_url(imported), {"section": "unpaid-work"})
    assert response["Location"] == findings_url(imported, "unpaid-work")
    page = admin.get(response["Location"])
    assert page.status_code == 200 and len(page.context["formset"].forms) == 3
    refused = admin.get(findings_url(imported), {"section": "nowhere"})
    assert refused.status_code == 400
    assert admin.get(findings_url(imported, "nowhere")).status_code == 404


def test_the_review_links_each_heading_to_its_findings_page(admin, imported):
    response = admin.get(f"/manage/{imported.slug}/review/")
    page = response.content.decode()
    for name, section in [
        ("1.1 Leadership", "11-leadership"),
        ("Resettlement work", "resettlement-work"),
    ]:
        assert (
            f'<a class="govuk-link" href="{findings_url(imported, section)}">Change'
            f'<span class="govuk-visually-hidden"> the findings under {name}</span></a>'
        ) in page
    # An item about one heading's findings is corrected on that heading's page.
    urls = {i["note"].description[:14]: i["step_url"] for i in response.context["items"]}
    assert urls["2.2 Assessment"] == findings_url(imported, "22-assessment")


# Each step's queries, whatever the number of its rows (the selects of a step's rows are
# filled from one query for them all) and of the headings its findings sit under; the
# admin's user (with whether they may enter inspections) included; the session comes from
# the cache. The review step reads each of the draft's kinds of rows once, for the page and
# for the checks, and whether it was published before with the draft itself.
STEP_QUERIES = {
    "details": 5,
    "ratings": 6,
    "findings": 4,
    "findings-heading": 6,
    "recommendations": 4,
    "figures": 4,
    "review": 9,
}


@pytest.mark.parametrize("size", [1, 10])
def test_entry_steps_query_counts_do_not_grow(admin, django_assert_num_queries, size):
    draft = generate_dataset(inspections=1, records_each=6 * size)[0]
    Inspection.objects.filter(pk=draft.pk).update(is_published=False)
    draft.data_quality_notes.update(review=Review.TO_CHECK)  # each with its form
    sections = SectionFactory.create_batch(2 * size)
    for index, finding in enumerate(draft.findings.order_by("position")):
        finding.section = sections[index % len(sections)]
        finding.save(update_fields=["section"])
    for step, queries in STEP_QUERIES.items():
        path = findings_url(draft, sections[0].slug) if step == "findings-heading" else step
        url = path if path.startswith("/") else f"/manage/{draft.slug}/{path}/"
        with django_assert_num_queries(queries):
            assert admin.get(url).status_code == 200, step


def test_the_review_step_checks_the_rows_it_shows(admin, published_data):
    """The review step's problems, from the rows it reads once to show them, are the
    checks' own, reading everything afresh; as is whether it asks what was corrected."""
    from inspections.ingest.checks import publication_problems
    from inspections.ingest.review import unresolved_problems

    lambeth = Inspection.objects.get(slug="lambeth-pdu-2022")
    review_url = f"/manage/{lambeth.slug}/review/"
    admin.post(f"/manage/{lambeth.slug}/unpublish/", {"reason": "To correct it"})
    lambeth.ratings.filter(standard__is_rated=True).order_by("pk").first().delete()
    lambeth.key_question_scores.order_by("pk").first().delete()
    lambeth.data_quality_notes.update(review=Review.TO_CHECK)
    response = admin.get(review_url)
    draft = Inspection.objects.get(pk=lambeth.pk)
    expected = publication_problems(draft) + unresolved_problems(draft)
    for kind in ("Give a rating for", "Enter the percentage 'Yes'", "Resolve the"):
        assert any(problem.startswith(kind) for problem in expected)
    assert response.context["problems"] == expected
    assert "changes" in response.context["publish_form"].fields
    never_published = generate_dataset(inspections=1, records_each=2)[0]
    Inspection.objects.filter(pk=never_published.pk).update(is_published=False)
    page = admin.get(f"/manage/{never_published.slug}/review/")
    assert "changes" not in page.context["publish_form"].fields


def test_a_heading_not_in_the_list_is_refused(admin, imported):
    url = findings_url(imported, "12-staff")
    response = admin.post(url, sent_back(admin.get(url), **{"findings-0-section": "99999"}))
    assert response.status_code == 400
    assert "Choose a standard or section from the list" in response.content.decode()
