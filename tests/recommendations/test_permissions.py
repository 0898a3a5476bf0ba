"""Each role × each action, on the server: a refused request changes nothing.

Roles: signed out, admin, inspectorate staff, London's regional director, and Wales's
director trying London's recommendations by direct URL and forged POST.
"""

import pytest

from recommendations.models import DeletionRecord, ProgressUpdate, Tracking
from tests.recommendations.helpers import client_for, fresh, rec, update_data

ROLES = ["anonymous", "admin", "inspector", "director", "other_director"]


def assert_refused(response, role):
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403


def assert_untouched(*recommendations):
    for recommendation in recommendations:
        assert not Tracking.objects.filter(recommendation=recommendation).exists()
        assert not ProgressUpdate.objects.filter(recommendation=recommendation).exists()


# --- Reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_the_tracker_and_its_downloads(role, roles, published_data):
    client = client_for(roles[role])
    for url in ("/tracker/", "/tracker/?format=csv", "/tracker/?format=xlsx"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("role", "sees_form"),
    [
        ("anonymous", False),
        ("admin", True),
        ("inspector", True),
        ("director", True),
        ("other_director", False),
    ],
)
def test_the_update_form_is_shown_only_to_those_who_may_use_it(role, sees_form, roles, lambeth_1):
    page = client_for(roles[role]).get(lambeth_1.get_absolute_url())
    assert page.status_code == 200
    assert ("Save update" in page.content.decode()) is sees_form


@pytest.mark.parametrize(("role", "sees_notes"), [(r, r != "anonymous") for r in ROLES])
def test_notes_and_evidence_need_sign_in(role, sees_notes, roles, director, lambeth_1):
    client_for(director).post(
        lambeth_1.get_absolute_url(),
        update_data(note="Discussed with the police liaison", evidence_text="Minutes 4 May"),
    )
    page = client_for(roles[role]).get(lambeth_1.get_absolute_url()).content.decode()
    assert "In progress" in page  # the status itself is public
    assert ("Discussed with the police liaison" in page) is sees_notes
    assert ("Minutes 4 May" in page) is sees_notes


# --- Reporting progress: response, owner, target date, status ---------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("admin", True),
        ("director", True),
        ("other_director", False),
    ],
)
@pytest.mark.parametrize("which", ["lambeth_1", "london_region_rec"])
def test_reporting_progress_on_the_regions_recommendations(role, allowed, which, roles, request):
    recommendation = request.getfixturevalue(which)
    response = client_for(roles[role]).post(recommendation.get_absolute_url(), update_data())
    if allowed:
        assert response.status_code == 302
        assert fresh(recommendation).tracking.reported_status == "in_progress"
    else:
        assert_refused(response, role)
        assert_untouched(recommendation)


def test_inspectorate_staff_cannot_report_progress(inspector, lambeth_1):
    """Their form has no reporting fields: a posted status is ignored, only the note kept."""
    client_for(inspector).post(lambeth_1.get_absolute_url(), update_data())
    tracking = fresh(lambeth_1).current
    assert tracking.reported_status == ""
    assert tracking.response == ""
    assert tracking.target_date is None


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("admin", True),
        ("director", False),
        ("other_director", False),
    ],
)
def test_only_admins_report_on_hmppss_recommendations(role, allowed, roles, hmpps_rec):
    response = client_for(roles[role]).post(hmpps_rec.get_absolute_url(), update_data())
    if allowed:
        assert response.status_code == 302
        assert fresh(hmpps_rec).tracking.reported_status == "in_progress"
    else:
        assert_refused(response, role)
        assert_untouched(hmpps_rec)


def test_another_regions_director_is_refused_on_get_too(other_director, lambeth_1):
    page = client_for(other_director).get(lambeth_1.get_absolute_url()).content.decode()
    assert "Save update" not in page
    assert "You can read this recommendation but not update it" in page


def test_a_director_updates_their_own_regions_recommendations(other_director, wales_recommendation):
    response = client_for(other_director).post(
        wales_recommendation.get_absolute_url(), update_data(target_date_2=2030)
    )
    assert response.status_code == 302
    assert fresh(wales_recommendation).tracking.owner == "Head of PDU"


# --- Verifying progress -----------------------------------------------------------------------

VERIFY = {"verified_progress": "good", "note": "Seen at follow-up", "version": "0"}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("anonymous", False), ("admin", True), ("inspector", True), ("other_director", False)],
)
def test_verifying_progress(role, allowed, roles, lambeth_1):
    response = client_for(roles[role]).post(lambeth_1.get_absolute_url(), VERIFY)
    if allowed:
        assert response.status_code == 302
        assert fresh(lambeth_1).tracking.verified_progress == "good"
    else:
        assert_refused(response, role)
        assert_untouched(lambeth_1)


def test_a_director_cannot_set_verified_progress(director, lambeth_1):
    client_for(director).post(lambeth_1.get_absolute_url(), VERIFY)
    assert fresh(lambeth_1).current.verified_progress == ""


# --- Bulk update of recurring recommendations -------------------------------------------------


def quality_assurance_group():
    """London region's "increase quality assurance activity at a PDU level", 4 reports, in
    slightly different words ("at PDU level.")."""
    from recommendations.models import Recommendation

    group = list(
        Recommendation.objects.filter(
            text__istartswith="increase quality assurance activity at"
        ).order_by("pk")
    )
    assert len(group) == 4
    return group


def bulk_data(group, **values):
    data = {
        "recommendations": [str(r.pk) for r in group],
        "reported_status": "in_progress",
        "note": "Quality assurance leads appointed in each PDU",
    }
    data.update({f"version_{r.pk}": "0" for r in group})
    data.update(values)
    return data


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("anonymous", False), ("admin", True), ("director", True), ("other_director", False)],
)
def test_bulk_update(role, allowed, roles, published_data):
    group = quality_assurance_group()
    url = f"/tracker/recurring/{group[0].pk}/"
    response = client_for(roles[role]).post(url, bulk_data(group))
    if allowed:
        assert response.status_code == 302
        assert all(fresh(r).tracking.reported_status == "in_progress" for r in group)
        assert ProgressUpdate.objects.filter(recommendation__in=group).count() == 4
    else:
        assert_refused(response, role)
        assert_untouched(*group)


def test_bulk_update_by_inspectorate_staff_leaves_status_alone(inspector, published_data):
    group = quality_assurance_group()
    client_for(inspector).post(f"/tracker/recurring/{group[0].pk}/", bulk_data(group))
    assert all(fresh(r).current.reported_status == "" for r in group)


def test_a_forged_bulk_post_naming_another_recommendation_is_refused(director, hmpps_rec):
    group = quality_assurance_group()
    data = bulk_data(group)
    data["recommendations"].append(str(hmpps_rec.pk))
    data[f"version_{hmpps_rec.pk}"] = "0"
    response = client_for(director).post(f"/tracker/recurring/{group[0].pk}/", data)
    assert response.status_code == 403
    assert_untouched(*group, hmpps_rec)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("admin", 200),
        ("inspector", 200),
        ("director", 200),
        ("other_director", 200),
    ],
)
def test_recurring_list(role, status, roles, published_data):
    assert client_for(roles[role]).get("/tracker/recurring/").status_code == status


def test_the_recurring_page_of_another_region_is_refused(other_director, published_data):
    group = quality_assurance_group()
    response = client_for(other_director).get(f"/tracker/recurring/{group[0].pk}/")
    assert response.status_code == 403


# --- Digest -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("admin", True),
        ("inspector", True),
        ("director", True),
        ("other_director", False),
    ],
)
def test_londons_digest(role, allowed, roles, published_data):
    response = client_for(roles[role]).get("/tracker/overdue/london/")
    if allowed:
        assert response.status_code == 200
    else:
        assert_refused(response, role)


@pytest.mark.parametrize(
    ("role", "status", "location"),
    [
        ("anonymous", 302, "/accounts/login/?next=/tracker/overdue/"),
        ("admin", 200, None),
        ("inspector", 200, None),
        ("director", 302, "/tracker/overdue/london/"),
        ("other_director", 302, "/tracker/overdue/wales/"),
    ],
)
def test_digest_index_sends_directors_to_their_region(role, status, location, roles):
    response = client_for(roles[role]).get("/tracker/overdue/")
    assert response.status_code == status
    if location:
        assert response["Location"] == location


def test_a_signed_in_user_without_a_role_sees_no_digest(db, london):
    from tests.recommendations.helpers import make_user

    response = client_for(make_user("reader")).get("/tracker/overdue/")
    assert response.status_code == 403


# --- Accounts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_password_change_needs_sign_in(role, roles):
    response = client_for(roles[role]).get("/accounts/password/")
    if role == "anonymous":
        assert_refused(response, role)
    else:
        assert response.status_code == 200


# --- Deleting -----------------------------------------------------------------------------------


@pytest.fixture
def tracked(director, lambeth_1):
    client_for(director).post(lambeth_1.get_absolute_url(), update_data())
    return fresh(lambeth_1).tracking


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("anonymous", False), ("admin", True), ("inspector", False), ("director", False)],
)
def test_only_admins_delete_tracking_and_it_is_recorded(role, allowed, roles, tracked):
    update = ProgressUpdate.objects.get(recommendation=tracked.recommendation)
    url = f"/admin/recommendations/progressupdate/{update.pk}/delete/"
    response = client_for(roles[role]).post(url, {"post": "yes"})
    if allowed:
        assert response.status_code == 302
        assert not ProgressUpdate.objects.filter(pk=update.pk).exists()
        record = DeletionRecord.objects.get()
        assert record.model == "recommendations.ProgressUpdate"
        assert record.deleted_by == roles[role]
        assert record.data["note"] == "Action plan agreed with the head of PDU."
    else:
        # Not admin staff: sent to the admin's own sign-in.
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
        assert ProgressUpdate.objects.filter(pk=update.pk).exists()
        assert not DeletionRecord.objects.exists()


def test_staff_without_the_admin_role_cannot_delete(db, tracked):
    from django.contrib.auth.models import Permission

    from tests.recommendations.helpers import make_user

    staff = make_user("staff-member", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="delete_progressupdate"))
    update = ProgressUpdate.objects.get(recommendation=tracked.recommendation)
    response = client_for(staff).post(
        f"/admin/recommendations/progressupdate/{update.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert ProgressUpdate.objects.filter(pk=update.pk).exists()


def test_tracked_recommendations_cannot_be_deleted_with_their_history(admin, tracked):
    recommendation = tracked.recommendation
    response = client_for(admin).post(
        f"/admin/recommendations/recommendation/{recommendation.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 200  # the admin explains what protects it
    assert "protected" in response.content.decode().lower()
    assert rec("lambeth-pdu-2022", 1).pk == recommendation.pk
