"""Each item an import leaves to check is resolved by an admin before publishing."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inspections.models import DataQualityNote, Inspection


@pytest.fixture
def admin(db):
    user = User.objects.create_user("admin-user", password="a-long-test-password")
    user.user_permissions.add(Permission.objects.get(codename="change_inspection"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def draft(admin, published_data, reports_dir):
    """Lambeth's report as a new PDU's, with an addressee the database does not know."""
    text = (reports_dir / "000_dc3a9006563f0344.txt").read_text(encoding="utf-8")
    text = text.replace("Lambeth", "Croydon").replace(
        "Her Majesty's Prison and Probation Service should:", "The Ministry of Justice should:"
    )
    file = SimpleUploadedFile("croydon.txt", text.encode(), content_type="text/plain")
    admin.post("/manage/import/", {"report": file, "region": "london"})
    return Inspection.objects.get(body__slug="croydon")


def review_url(draft):
    return f"/manage/{draft.slug}/review/"


def resolve(admin, draft, note, decision, resolution=""):
    return admin.post(
        f"/manage/{draft.slug}/review/items/{note.pk}/",
        {f"item-{note.pk}-decision": decision, f"item-{note.pk}-resolution": resolution},
    )


def test_the_import_leaves_its_items_to_check(draft):
    items = draft.data_quality_notes.to_check()
    assert any("Ministry of Justice" in note.description for note in items)
    assert all(note.review == "to_check" for note in draft.data_quality_notes.all())


def test_publishing_with_an_item_unresolved_is_refused(admin, draft):
    count = draft.data_quality_notes.to_check().count()
    response = admin.post(review_url(draft))
    assert response.status_code == 400
    page = response.content.decode()
    assert "The inspection was not published" in page
    assert f"Resolve the {count} item" in page
    draft.refresh_from_db()
    assert not draft.is_published


def test_each_item_is_shown_beside_its_source_lines(admin, draft):
    note = draft.data_quality_notes.get(description__startswith="Recommendation 11: the addressee")
    assert note.source_line is not None
    page = admin.get(review_url(draft)).content.decode()
    item = page[page.index(f'id="item-{note.pk}"') :]
    item = item[: item.index("</section>")]
    assert "The Ministry of Justice should:" in item
    assert 'class="app-source-lines__cited"' in item
    # The link to the step that corrects it.
    assert f"/manage/{draft.slug}/recommendations/" in item


def test_a_correction_must_say_what_was_corrected(admin, draft):
    note = draft.data_quality_notes.to_check().first()
    response = resolve(admin, draft, note, "corrected")
    assert response.status_code == 400
    assert "Say what you corrected" in response.content.decode()
    note.refresh_from_db()
    assert note.is_to_check


def test_resolving_every_item_lets_the_draft_be_published_with_a_notice(admin, client, draft):
    corrected = draft.data_quality_notes.get(
        description__startswith="Recommendation 11: the addressee"
    )
    response = resolve(admin, draft, corrected, "corrected", "Addressed to HMPPS, as printed.")
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{corrected.pk}")
    for note in draft.data_quality_notes.to_check():
        assert resolve(admin, draft, note, "confirmed").status_code == 302
    corrected.refresh_from_db()
    assert (corrected.review, corrected.resolved_by.username) == ("corrected", "admin-user")

    response = admin.post(review_url(draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Corrected on" in page and "Addressed to HMPPS, as printed." in page


def test_an_item_already_resolved_is_not_resolved_again(admin, draft):
    note = draft.data_quality_notes.to_check().first()
    resolve(admin, draft, note, "confirmed")
    assert resolve(admin, draft, note, "corrected", "Changed my mind").status_code == 404
    assert DataQualityNote.objects.get(pk=note.pk).review == "confirmed"


def test_only_admins_resolve_items(client, draft):
    note = draft.data_quality_notes.to_check().first()
    client.force_login(User.objects.create_user("reader", password="a-long-test-password"))
    assert resolve(client, draft, note, "confirmed").status_code == 403
    assert DataQualityNote.objects.get(pk=note.pk).is_to_check


def test_each_answer_on_the_review_page_has_a_change_link_to_its_step(admin, draft):
    page = admin.get(review_url(draft)).content.decode()
    for step, what in [
        ("details", "the inspected body"),
        ("details", "when fieldwork started"),
        ("ratings", "the ratings the score comes from"),
        ("findings", "the findings"),
        ("recommendations", "the recommendations"),
    ]:
        link = (
            f'<a class="govuk-link" href="/manage/{draft.slug}/{step}/">'
            f'Change<span class="govuk-visually-hidden"> {what}</span></a>'
        )
        assert link in page, (step, what)
