"""Every reference an entry page makes inside itself leads somewhere: a field's hint and
error (aria-describedby), a label's field (for), a region's name (aria-labelledby), an
error summary's links. A reference to a missing id is silent for a sighted admin and a
dead end for a screen reader's, so each page is read in its valid and its error state."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inspections.models import Inspection, Review
from ratings.models import Standard


class References(HTMLParser):
    """The ids a page gives, each twice-given id, and each reference it makes."""

    def __init__(self):
        super().__init__()
        self.ids, self.repeated, self.references = set(), set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            (self.repeated if attrs["id"] in self.ids else self.ids).add(attrs["id"])
        for name in ("aria-describedby", "aria-labelledby", "aria-controls"):
            for target in (attrs.get(name) or "").split():
                self.references.append((f'<{tag} {name}="{attrs[name]}">', target))
        if tag == "label" and attrs.get("for"):
            self.references.append((f'<label for="{attrs["for"]}">', attrs["for"]))
        if tag == "a" and (attrs.get("href") or "").startswith("#") and len(attrs["href"]) > 1:
            self.references.append((f'<a href="{attrs["href"]}">', attrs["href"][1:]))


def broken_references(html: str) -> list[str]:
    page = References()
    page.feed(html)
    return [
        f"{where} points at no id" for where, target in page.references if target not in page.ids
    ] + [f'id="{repeated}" is given twice' for repeated in sorted(page.repeated)]


@pytest.fixture
def admin(db):
    user = User.objects.create_user("admin-user", password="a-long-test-password")
    user.user_permissions.add(Permission.objects.get(codename="change_inspection"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def draft(admin, reports_dir):
    """A draft imported from a report, with findings, recommendations and items to check."""
    text = (reports_dir / "000_dc3a9006563f0344.txt").read_text(encoding="utf-8")
    upload = SimpleUploadedFile("croydon.txt", text.replace("Lambeth", "Croydon").encode())
    assert admin.post("/manage/import/", {"report": upload, "region": "london"}).status_code == 200
    inspection = Inspection.objects.get(body__slug="croydon")
    assert inspection.data_quality_notes.filter(review=Review.TO_CHECK).exists()
    return inspection


def formset_data(response, prefix, change=None):
    """What the step's formset would send back unchanged, with `change` applied to it."""
    formset = response.context["formset"]
    data = {f"{prefix}-{key}": value for key, value in formset.management_form.initial.items()}
    for index, form in enumerate(formset.forms):
        for name, field in form.fields.items():
            value = form.instance.pk if name == "id" else form.initial.get(name, field.initial)
            if name != "DELETE":
                data[f"{prefix}-{index}-{name}"] = "" if value is None else value
    return {**data, **(change or {})}


def assert_references_resolve(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    assert broken_references(response.content.decode()) == []


def test_the_checker_finds_a_dangling_reference():
    html = '<label for="a">A</label><input id="a" aria-describedby="a-hint"><p id="a"></p>'
    assert broken_references(html) == [
        '<input aria-describedby="a-hint"> points at no id',
        'id="a" is given twice',
    ]


@pytest.mark.parametrize("url", ["/manage/", "/manage/new/", "/manage/import/"])
def test_pages_without_a_draft(admin, published_data, url):
    assert_references_resolve(admin.get(url))


@pytest.mark.parametrize(
    "step", ["details", "ratings", "findings", "recommendations", "figures", "review"]
)
def test_each_step_of_a_draft(admin, published_data, draft, step):
    assert_references_resolve(admin.get(f"/manage/{draft.slug}/{step}/"))


def test_each_findings_page_of_a_draft(admin, published_data, draft):
    listing = admin.get(f"/manage/{draft.slug}/findings/")
    pages = [section["url"] for section in listing.context["headings"]]
    assert len(pages) > 5
    for url in pages:
        assert_references_resolve(admin.get(url))


def test_the_details_in_error(admin, published_data, draft):
    response = admin.post(
        f"/manage/{draft.slug}/details/",
        {
            "title": "",
            "new_pdu_name": "x" * 300,
            "published": "2000-01-01",
            "cases_inspected": "many",
        },
    )
    assert_references_resolve(response)
    assert len(response.context["form"].errors) >= 4


def test_a_new_inspection_in_error(admin, published_data):
    assert_references_resolve(admin.post("/manage/new/", {"new_pdu_name": "Croydon"}))


def test_the_ratings_in_error(admin, published_data, draft):
    assessment = Standard.objects.get(programme__slug="pdu", code="2.2")
    data = {f"rating_{assessment.pk}": "good"}  # its key questions give Requires improvement
    data |= {f"kq_{question.pk}": "55" for question in assessment.key_questions.all()}
    planning = Standard.objects.get(programme__slug="pdu", code="2.3")
    data |= {f"kq_{question.pk}": "101" for question in planning.key_questions.all()}
    response = admin.post(f"/manage/{draft.slug}/ratings/", data)
    assert_references_resolve(response)
    assert f"override_{assessment.pk}" in response.context["form"].errors


def test_a_findings_page_in_error(admin, published_data, draft):
    listing = admin.get(f"/manage/{draft.slug}/findings/")
    url = listing.context["headings"][0]["url"]
    page = admin.get(url)
    blank = len(page.context["formset"].forms) - 1
    data = formset_data(
        page,
        "findings",
        {"findings-0-text": "", "findings-0-kind": "", f"findings-{blank}-kind": "strength"},
    )
    response = admin.post(url, data)
    assert_references_resolve(response, status=400)
    assert response.context["formset"].total_error_count() >= 3


def test_the_recommendations_in_error(admin, published_data, draft):
    page = admin.get(f"/manage/{draft.slug}/recommendations/")
    data = formset_data(
        page,
        "recommendations",
        {
            "recommendations-0-number": "first",
            "recommendations-0-addressee_label": "",
            "recommendations-0-text": "",
            "recommendations-1-number": page.context["formset"].forms[0].initial["number"],
            "recommendations-1-addressee": page.context["formset"].forms[0].initial["addressee"],
        },
    )
    response = admin.post(f"/manage/{draft.slug}/recommendations/", data)
    assert_references_resolve(response, status=400)
    assert response.context["formset"].total_error_count() >= 3


def test_the_figures_in_error(admin, published_data, draft):
    page = admin.get(f"/manage/{draft.slug}/figures/")
    data = formset_data(page, "figures", {"figures-0-label": "Caseload", "figures-0-value": "lots"})
    response = admin.post(f"/manage/{draft.slug}/figures/", data)
    assert_references_resolve(response, status=400)
    assert response.context["formset"].total_error_count() >= 2


def test_the_review_when_publishing_is_refused(admin, published_data, draft):
    assert_references_resolve(admin.post(f"/manage/{draft.slug}/review/"), status=400)


def test_the_review_with_an_item_in_error(admin, published_data, draft):
    note = draft.data_quality_notes.filter(review=Review.TO_CHECK).first()
    response = admin.post(
        f"/manage/{draft.slug}/review/items/{note.pk}/",
        {f"item-{note.pk}-decision": Review.CORRECTED, f"item-{note.pk}-resolution": ""},
    )
    assert_references_resolve(response, status=400)
    assert response.context["items"][0]["form"] is not None


def test_the_import_in_error(admin, published_data):
    response = admin.post("/manage/import/", {"region": "nowhere"})
    assert_references_resolve(response, status=400)
    assert len(response.context["form"].errors) == 2


def test_unpublishing(admin, published_data):
    assert_references_resolve(admin.get("/manage/lambeth-pdu-2022/unpublish/"))
    response = admin.post("/manage/lambeth-pdu-2022/unpublish/", {"reason": ""})
    assert_references_resolve(response, status=400)


def test_an_error_the_formset_adds_is_tied_to_its_field(admin, published_data, draft):
    """A recommendation numbered twice is found by the formset, after each form's own
    checks: its field is marked and described all the same."""
    page = admin.get(f"/manage/{draft.slug}/recommendations/")
    first = page.context["formset"].forms[0].initial
    data = formset_data(
        page,
        "recommendations",
        {
            "recommendations-1-number": first["number"],
            "recommendations-1-addressee": first["addressee"],
        },
    )
    response = admin.post(f"/manage/{draft.slug}/recommendations/", data)
    assert_references_resolve(response, status=400)
    html = response.content.decode()
    assert "is numbered twice" in html
    assert (
        'aria-describedby="id_recommendations-1-number-hint id_recommendations-1-number-error"'
        in html
    )


def test_the_findings_heading_choice_in_error(admin, published_data, draft):
    response = admin.get(f"/manage/{draft.slug}/findings/", {"section": "nowhere"})
    assert_references_resolve(response, status=400)
    assert "Choose a standard or section from the list" in response.content.decode()
