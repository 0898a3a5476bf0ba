"""Every change is in its record's audit log (django-auditlog): who made it (a user or a
command), when, and what, old → new, however it was made; admins read it on the record's
History page in the admin, and no one else does."""

import json

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.forms import MultiWidget
from django.utils import timezone

from inspections.models import Finding, Inspection, Theme, ThemeOverride
from inspections.web.audit import who
from pdus.models import Region
from ratings.models import Rating, StandardRating
from recommendations.models import Tracking
from recommendations.roles import ADMINS, INSPECTORATE_STAFF, REGIONAL_DIRECTORS
from tests.inspections.test_entry import details, ratings_data
from tests.recommendations.helpers import client_for, make_user, rec, update_data

CREATE, UPDATE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE


@pytest.fixture
def admin(db):
    return make_user("ada-admin", ADMINS, is_staff=True, first_name="Ada", last_name="Admin")


@pytest.fixture(autouse=True)
def started():
    """When the test began, before any change it makes."""
    return timezone.now()


def entries(record, action=None):
    """The record's audit entries, oldest first."""
    found = LogEntry.objects.get_for_object(record).select_related("actor")
    if action is not None:
        found = found.filter(action=action)
    return list(found.order_by("timestamp", "pk"))


def assert_made(entry, started, action, by):
    """`entry` is an `action` made since `started` by `by`: a user, or a command's name."""
    assert entry.action == action
    assert started <= entry.timestamp <= timezone.now()
    if isinstance(by, str):
        assert entry.actor is None
        assert who(entry) == f"command {by}"
    else:
        assert entry.actor == by


def admin_form_data(page) -> dict:
    """POST data that submits an admin change page's forms as they were drawn."""
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name, field in form.fields.items():
            bound, value = form[name], form[name].value()
            if field.disabled or value is None or value is False:
                continue
            if isinstance(field.widget, MultiWidget):
                for i, part in enumerate(field.widget.decompress(value)):
                    data[f"{bound.html_name}_{i}"] = "" if part is None else str(part)
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = "on" if value is True else str(value)
    return data


def edit_in_admin(client, url, **changes):
    data = {**admin_form_data(client.get(url)), **changes}
    response = client.post(url, data, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


# --- The admin ----------------------------------------------------------------------------


@pytest.fixture
def rating(published_data):
    return StandardRating.objects.filter(
        inspection__slug="lambeth-pdu-2022", rating=Rating.INADEQUATE
    ).first()


@pytest.fixture
def edited_rating(admin, rating, started):
    url = f"/admin/ratings/standardrating/{rating.pk}/change/"
    edit_in_admin(client_for(admin), url, rating=Rating.GOOD)
    return rating


def test_an_admin_edit_of_a_rating_is_logged_old_to_new(admin, edited_rating, started):
    entry = entries(edited_rating)[-1]
    assert_made(entry, started, UPDATE, admin)
    assert entry.changes_dict["rating"] == ["inadequate", "good"]
    # The connection's address, not one a client claims in X-Forwarded-For.
    assert entry.remote_addr == "127.0.0.1"


def test_admins_read_a_records_audit_log_on_its_history_page(admin, edited_rating):
    page = client_for(admin).get(f"/admin/ratings/standardrating/{edited_rating.pk}/history/")
    assert page.status_code == 200
    html = page.content.decode()
    audit_log = html[html.index('id="audit-log"') :]
    assert "ada-admin (Ada Admin)" in audit_log
    assert "<td>inadequate</td><td>good</td>" in audit_log
    assert [e.changes_dict.get("rating") for e in page.context["audit_entries"]][0] == [
        "inadequate",
        "good",
    ]


def test_staff_without_admin_rights_do_not_see_the_audit_log(edited_rating, lambeth_1):
    director = make_user("london-director", REGIONAL_DIRECTORS, Region.objects.get(slug="london"))
    client_for(director).post(lambeth_1.get_absolute_url(), update_data())
    staff = make_user("ines-inspector", INSPECTORATE_STAFF, is_staff=True)
    client = client_for(staff)
    # They may read the tracking in the admin, but not its audit log.
    page = client.get(f"/admin/recommendations/tracking/{lambeth_1.tracking.pk}/history/")
    assert page.status_code == 200
    assert "audit_entries" not in page.context and 'id="audit-log"' not in page.content.decode()
    assert entries(lambeth_1.tracking)  # there is a log they do not see
    rating_history = f"/admin/ratings/standardrating/{edited_rating.pk}/history/"
    assert client.get(rating_history).status_code == 403
    assert client.get("/admin/auditlog/logentry/").status_code == 403


def test_the_audit_log_cannot_be_edited_or_deleted_in_the_admin(admin, edited_rating):
    entry = entries(edited_rating)[-1]
    client = client_for(admin)
    assert client.get("/admin/auditlog/logentry/").status_code == 200
    url = f"/admin/auditlog/logentry/{entry.pk}/"
    assert client.post(f"{url}change/", {"changes_text": "nothing"}).status_code == 403
    assert client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk, changes_text="").exists()


def test_a_theme_override_made_in_the_admin_is_logged(admin, published_data, started):
    finding = Finding.objects.filter(inspection__slug="lambeth-pdu-2022").first()
    theme = Theme.objects.first()
    response = client_for(admin).post(
        "/admin/inspections/themeoverride/add/",
        {"theme": theme.pk, "action": "add", "finding": finding.pk, "reason": "About staffing."},
    )
    assert response.status_code == 302
    override = ThemeOverride.objects.get(finding=finding)
    (entry,) = entries(override)
    assert_made(entry, started, CREATE, admin)
    assert entry.changes_dict["reason"] == ["None", "About staffing."]
    assert entry.changes_dict["theme"][1] == str(theme.pk)


# --- Users: groups and passwords ----------------------------------------------------------


@pytest.fixture
def someone(db):
    return make_user("sam-someone")


def test_a_group_change_in_the_admin_is_logged(admin, someone, started):
    directors = Group.objects.get(name=REGIONAL_DIRECTORS)
    edit_in_admin(
        client_for(admin), f"/admin/auth/user/{someone.pk}/change/", groups=[str(directors.pk)]
    )
    entry = entries(someone)[-1]
    assert_made(entry, started, UPDATE, admin)
    assert entry.changes_dict["groups"] == {
        "type": "m2m",
        "operation": "add",
        "objects": [REGIONAL_DIRECTORS],
    }


def test_a_password_change_is_logged_without_the_password_hash(admin, someone, started):
    old_hash = someone.password
    response = client_for(admin).post(
        f"/admin/auth/user/{someone.pk}/password/",
        {"password1": "a-new-long-password-2", "password2": "a-new-long-password-2"},
    )
    assert response.status_code == 302
    someone.refresh_from_db()
    assert someone.password != old_hash
    entry = entries(someone)[-1]
    assert_made(entry, started, UPDATE, admin)
    assert entry.changes_dict["password"] == ["(hidden)", "(hidden)"]
    everything = json.dumps([e.changes for e in LogEntry.objects.all()])
    assert old_hash not in everything and someone.password not in everything


def test_signing_in_is_not_a_change(someone):
    before = len(entries(someone))
    client_for(someone)  # signs in, which sets last_login
    someone.refresh_from_db()
    assert someone.last_login is not None
    assert len(entries(someone)) == before


# --- Entering a draft step by step --------------------------------------------------------


@pytest.fixture
def draft(admin, published_data):
    response = client_for(admin).post("/manage/new/", details())
    assert response.status_code == 302
    return Inspection.objects.get(body__slug="croydon")


def test_creating_a_draft_is_logged(admin, draft, started):
    (entry,) = entries(draft)
    assert_made(entry, started, CREATE, admin)
    assert entry.changes_dict["title"] == ["None", draft.title]


def test_a_draft_edited_step_by_step_is_logged_old_to_new(admin, draft, started):
    client = client_for(admin)
    data = details(new_pdu_name="", new_pdu_region="", body=draft.body_id, lead_inspector="B Lee")
    assert client.post(f"/manage/{draft.slug}/details/", data).status_code == 302
    entry = entries(draft)[-1]
    assert_made(entry, started, UPDATE, admin)
    assert entry.changes_dict == {"lead_inspector": ["A Person", "B Lee"]}

    assert client.post(f"/manage/{draft.slug}/ratings/", ratings_data(draft)).status_code == 302
    score = entries(draft)[-1]
    assert_made(score, started, UPDATE, admin)
    assert score.changes_dict["score"] == ["None", "8"]
    # One whose rating does not follow from its key questions, so any rating is valid.
    rating = draft.ratings.filter(standard__rated_from_key_questions=False).first()
    assert_made(entries(rating)[-1], started, CREATE, admin)

    # Correcting one rating later: its entry says from what to what.
    data = ratings_data(draft, **{f"rating_{rating.standard_id}": Rating.INADEQUATE})
    assert client.post(f"/manage/{draft.slug}/ratings/", data).status_code == 302
    correction = entries(rating)[-1]
    assert_made(correction, started, UPDATE, admin)
    assert correction.changes_dict == {"rating": ["requires_improvement", "inadequate"]}


# --- Imports ------------------------------------------------------------------------------


@pytest.fixture
def new_report(reports_dir):
    text = (reports_dir / "000_dc3a9006563f0344.txt").read_text(encoding="utf-8")
    return text.replace("Lambeth", "Croydon")


def test_an_import_by_the_command_is_logged_as_the_command(
    published_data, new_report, tmp_path, started
):
    path = tmp_path / "croydon.txt"
    path.write_text(new_report, encoding="utf-8")
    call_command("import_report", str(path), "--region", "london")
    draft = Inspection.objects.get(body__slug="croydon")
    (entry,) = entries(draft, CREATE)
    assert_made(entry, started, CREATE, "import_report")
    assert entry.changes_dict["title"] == ["None", draft.title]
    finding = draft.findings.first()
    assert_made(entries(finding)[0], started, CREATE, "import_report")


def test_an_import_by_the_upload_page_is_logged_as_the_admin(
    admin, published_data, new_report, started
):
    upload = SimpleUploadedFile("report.txt", new_report.encode("utf-8"), "text/plain")
    response = client_for(admin).post("/manage/import/", {"report": upload, "region": "london"})
    assert response.status_code == 200 and response.context["outcomes"][0].outcome == "New draft"
    draft = Inspection.objects.get(body__slug="croydon")
    assert_made(entries(draft, CREATE)[0], started, CREATE, admin)
    assert_made(entries(draft.recommendations.first())[0], started, CREATE, admin)


# --- Commands -----------------------------------------------------------------------------


def test_loading_the_published_data_writes_one_entry_not_one_a_record(db, started):
    before = LogEntry.objects.count()
    call_command("load_published_data", verbosity=0)
    assert LogEntry.objects.count() == before + 1
    entry = LogEntry.objects.latest("pk")
    assert_made(entry, started, CREATE, "load_published_data")
    assert entry.changes_dict == {"inspections": ["0", str(Inspection.objects.count())]}


def test_a_command_changing_a_theme_is_logged_as_the_command(published_data, started):
    theme = Theme.objects.first()
    Theme.objects.filter(pk=theme.pk).update(name="Renamed by hand")
    call_command("tag_themes")
    entry = entries(theme)[-1]
    assert_made(entry, started, UPDATE, "tag_themes")
    assert entry.changes_dict == {"name": ["Renamed by hand", theme.name]}


def test_demo_accounts_are_logged_as_the_command_without_passwords(db, settings, started):
    settings.DEBUG = True  # the command refuses to run otherwise
    call_command("create_demo_accounts")
    user = get_user_model().objects.get(username="admin")
    created, password_set, joined = entries(user)
    for entry in (created, password_set, joined):
        assert_made(entry, started, entry.action, "create_demo_accounts")
    assert created.action == CREATE
    assert password_set.changes_dict == {"password": ["(none)", "(hidden)"]}
    assert joined.changes_dict["groups"]["objects"] == [ADMINS]
    assert user.password not in json.dumps([e.changes for e in entries(user)])


# --- The tracker --------------------------------------------------------------------------


@pytest.fixture
def lambeth_1(published_data):
    return rec("lambeth-pdu-2022", 1)


@pytest.fixture
def director(published_data):
    return make_user("london-director", REGIONAL_DIRECTORS, Region.objects.get(slug="london"))


def test_a_tracker_update_by_a_director_is_logged_old_to_new(director, lambeth_1, started):
    response = client_for(director).post(lambeth_1.get_absolute_url(), update_data())
    assert response.status_code == 302
    tracking = Tracking.objects.get(recommendation=lambeth_1)
    created, updated = entries(tracking)
    assert_made(created, started, CREATE, director)
    assert_made(updated, started, UPDATE, director)
    assert updated.changes_dict["reported_status"] == ["", "in_progress"]
    assert updated.changes_dict["owner"] == ["", "Head of PDU"]
    assert updated.changes_dict["version"] == ["0", "1"]

    # A second update is logged from the first's values; one refused as stale is not.
    client = client_for(director)
    client.post(lambeth_1.get_absolute_url(), update_data(version=1, owner="Deputy head"))
    client.post(lambeth_1.get_absolute_url(), update_data(version=1, owner="Someone else"))
    assert [e.changes_dict for e in entries(tracking)[2:]] == [
        {"owner": ["Head of PDU", "Deputy head"], "version": ["1", "2"]}
    ]
