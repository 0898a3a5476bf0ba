"""Text longer than its column is refused with a message saying the limit, by every form
and by the import, never stored cut short or failed on (PostgreSQL refuses it; SQLite
would keep it whole, so these tests assert the refusal, which holds on both)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inspections.models import ContextFigure, Inspection
from pdus.models import Body, Region
from recommendations.models import ProgressUpdate, Recommendation
from recommendations.roles import REGIONAL_DIRECTORS
from tests.factories import InspectionFactory
from tests.recommendations.helpers import client_for, make_user, rec, update_data


def too_long(limit):
    return "x" * (limit + 1)


@pytest.fixture
def director(published_data):
    return make_user("london-director", REGIONAL_DIRECTORS, Region.objects.get(slug="london"))


@pytest.fixture
def lambeth_1(published_data):
    return rec("lambeth-pdu-2022", 1)


@pytest.fixture
def admin(published_data):
    user = get_user_model().objects.create_superuser("root", password="a-long-test-password")
    return client_for(user)


@pytest.fixture
def draft(published_data):
    return InspectionFactory(is_published=False, programme__slug="pdu")


def assert_refused(response, message, status=400):
    assert response.status_code == status
    assert message in response.content.decode()


# --- The tracker ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "limit", "message"),
    [
        ("owner", 200, "Owner must be 200 characters or fewer"),
        ("evidence_text", 500, "Evidence must be 500 characters or fewer"),
        ("note", 4000, "Note must be 4000 characters or fewer"),
    ],
)
def test_the_update_form_refuses_overlong_text(director, lambeth_1, field, limit, message):
    response = client_for(director).post(
        lambeth_1.get_absolute_url(), update_data(**{field: too_long(limit)})
    )
    assert_refused(response, message)
    assert not ProgressUpdate.objects.filter(recommendation=lambeth_1).exists()


def test_the_update_form_refuses_an_overlong_evidence_link(director, lambeth_1):
    link = "https://example.org/" + "a" * 490
    response = client_for(director).post(
        lambeth_1.get_absolute_url(), update_data(evidence_url=link)
    )
    assert_refused(response, "Evidence link must be 500 characters or fewer")


def test_the_bulk_update_form_refuses_an_overlong_owner(director, lambeth_1):
    url = f"/tracker/recurring/{lambeth_1.pk}/"
    data = {
        "recommendations": [lambeth_1.pk],
        "owner": too_long(200),
        "note": "Together",
        f"version_{lambeth_1.pk}": "0",
    }
    assert_refused(client_for(director).post(url, data), "Owner must be 200 characters or fewer")
    assert not ProgressUpdate.objects.exists()


def test_sign_in_with_an_overlong_username_is_a_wrong_username(db):
    # Django's sign-in compares the username without checking its length (nothing is
    # stored), so it is refused as any unknown username is.
    response = Client().post(
        "/accounts/login/", {"username": too_long(150), "password": "anything"}
    )
    assert response.status_code == 200  # the sign-in page again, with the error
    assert "Enter a correct username and password" in response.content.decode()


# --- Entering an inspection step by step ---------------------------------------------------


def details(**values):
    return {
        "title": "An inspection of probation services: Croydon PDU",
        "programme": "1",
        "fieldwork_start": "2023-01-09",
        "new_pdu_name": "Croydon",
        "new_pdu_region": str(Region.objects.get(slug="london").pk),
        **values,
    }


@pytest.mark.parametrize(
    ("field", "limit", "message"),
    [
        ("title", 300, "Title must be 300 characters or fewer"),
        ("lead_inspector", 100, "Lead inspector must be 100 characters or fewer"),
        ("new_pdu_name", 100, "A new PDU&#x27;s name must be 100 characters or fewer"),
    ],
)
def test_the_details_step_refuses_overlong_text(admin, field, limit, message):
    data = details(programme=str(_pdu_programme_pk()), **{field: too_long(limit)})
    # The create view answers an invalid form with the page again, as Django's do.
    assert_refused(admin.post("/manage/new/", data), message, status=200)
    assert not Inspection.objects.filter(is_published=False).exists()


def test_a_new_pdu_with_a_long_name_gets_a_web_address_that_fits(admin):
    name = "Kingston upon Thames, Richmond upon Thames, Hounslow and Spelthorne"
    data = details(programme=str(_pdu_programme_pk()), new_pdu_name=name)
    assert admin.post("/manage/new/", data).status_code == 302
    body = Body.objects.get(name=f"{name} PDU")
    assert body.slug == "kingston-upon-thames-richmond-upon-thames-hounslow"


def _pdu_programme_pk():
    from ratings.models import Programme

    return Programme.objects.get(slug="pdu").pk


def formset_data(prefix, **row):
    return {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        **{f"{prefix}-0-{name}": value for name, value in row.items()},
    }


def test_the_recommendations_step_refuses_an_overlong_addressee_label(admin, draft):
    data = formset_data(
        "recommendations",
        number="1",
        addressee=str(Body.objects.get(slug="lambeth").pk),
        addressee_label=too_long(200),
        text="improve the quality of risk assessments",
    )
    response = admin.post(f"/manage/{draft.slug}/recommendations/", data)
    assert_refused(response, "Addressee as published must be 200 characters or fewer")
    assert not Recommendation.objects.filter(inspection=draft).exists()


@pytest.mark.parametrize(
    ("field", "limit", "message"),
    [
        ("label", 300, "Label must be 300 characters or fewer"),
        ("value_text", 100, "Value as published must be 100 characters or fewer"),
    ],
)
def test_the_figures_step_refuses_overlong_text(admin, draft, field, limit, message):
    row = {
        "body": str(draft.body.pk),
        "category": ContextFigure.Category.choices[0][0],
        "label": "Caseload",
        "value": "1200",
        "value_text": "1,200",
        "unit": ContextFigure.Unit.choices[0][0],
        "as_at": "2023-01-01",
        field: too_long(limit),
    }
    response = admin.post(f"/manage/{draft.slug}/figures/", formset_data("figures", **row))
    assert_refused(response, message)
    assert not ContextFigure.objects.filter(inspection=draft).exists()


def test_unpublishing_refuses_an_overlong_reason(admin):
    response = admin.post("/manage/lambeth-pdu-2022/unpublish/", {"reason": too_long(500)})
    assert_refused(response, "The reason must be 500 characters or fewer")
    assert Inspection.objects.get(slug="lambeth-pdu-2022").is_published


# --- Importing a report ----------------------------------------------------------------------


@pytest.fixture
def lambeth_text(reports_dir):
    return (reports_dir / "000_dc3a9006563f0344.txt").read_text(encoding="utf-8")


def import_refused(admin, text, message, name="report.txt"):
    counts = (Inspection.objects.count(), Body.objects.count())
    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")
    response = admin.post("/manage/import/", {"report": file, "region": "london"})
    [row] = response.context["outcomes"]
    assert row.refused and message in row.detail, row.detail
    assert (Inspection.objects.count(), Body.objects.count()) == counts


def test_an_import_refuses_an_overlong_pdu_name(admin, lambeth_text):
    import_refused(
        admin,
        lambeth_text.replace("Lambeth", "L" * 150),
        "The PDU's name must be 100 characters or fewer; it is 150",
    )


def test_an_import_refuses_an_overlong_section_heading(admin, lambeth_text):
    heading = "Diversity and inclusion " + "x" * 200
    import_refused(
        admin,
        lambeth_text.replace("Lambeth", "Croydon").replace(
            "\nResettlement work\n", f"\n{heading}\n"
        ),
        "A section heading must be 200 characters or fewer; it is 224",
    )


def test_an_import_refuses_an_overlong_file_name(admin, lambeth_text):
    import_refused(
        admin,
        lambeth_text.replace("Lambeth", "Croydon"),
        "The file's name must be 200 characters or fewer",
        name="r" * 230 + ".txt",
    )


def test_an_import_of_a_pdu_with_a_long_name_gets_a_web_address_that_fits(admin, lambeth_text):
    name = "Kingston upon Thames, Richmond upon Thames, Hounslow and Spelthorne"
    file = SimpleUploadedFile("report.txt", lambeth_text.replace("Lambeth", name).encode())
    response = admin.post("/manage/import/", {"report": file, "region": "london"})
    assert response.context["outcomes"][0].outcome == "New draft"
    assert Body.objects.get(name=f"{name} PDU").slug == (
        "kingston-upon-thames-richmond-upon-thames-hounslow"
    )


# --- The explorer's address ------------------------------------------------------------------


@pytest.mark.parametrize("param", ["q", "region", "theme", "body", "programme", "addressee"])
def test_the_explorer_refuses_overlong_parameters(published_data, client, param):
    response = client.get("/explore/", {param: "x" * 5000})
    assert response.status_code == 400
