"""Tracking in the admin: read-only history, directors' regions on users, recorded deletions."""

from recommendations.models import DeletionRecord, DirectorProfile, ProgressUpdate
from tests.recommendations.helpers import client_for, update_data


def test_an_admin_sets_a_directors_region_on_the_user_page(admin, director):
    page = client_for(admin).get(f"/admin/auth/user/{director.pk}/change/").content.decode()
    assert "Region (regional directors only)" in page
    listing = client_for(admin).get("/admin/auth/user/").content.decode()
    assert "London" in listing


def test_history_cannot_be_edited_in_the_admin(admin, director, lambeth_1):
    client_for(director).post(lambeth_1.get_absolute_url(), update_data())
    update = ProgressUpdate.objects.get()
    client = client_for(admin)
    page = client.get(f"/admin/recommendations/progressupdate/{update.pk}/change/")
    assert page.status_code == 200  # viewable
    assert 'name="_save"' not in page.content.decode()
    response = client.post(
        f"/admin/recommendations/progressupdate/{update.pk}/change/", {"note": "Rewritten"}
    )
    assert response.status_code == 403
    update.refresh_from_db()
    assert update.note == "Action plan agreed with the head of PDU."


def test_removing_a_directors_region_is_recorded(admin, director):
    profile = DirectorProfile.objects.get(user=director)
    response = client_for(admin).post(
        f"/admin/recommendations/directorprofile/{profile.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    record = DeletionRecord.objects.get()
    assert record.model == "recommendations.DirectorProfile"
    assert record.deleted_by == admin
    assert record.data["user"] == director.pk


def test_deletion_records_are_listed_and_cannot_be_deleted(admin, director):
    DirectorProfile.objects.get(user=director).delete()
    record = DeletionRecord.objects.get()
    client = client_for(admin)
    assert (
        "DirectorProfile" in client.get("/admin/recommendations/deletionrecord/").content.decode()
    )
    response = client.post(
        f"/admin/recommendations/deletionrecord/{record.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert DeletionRecord.objects.filter(pk=record.pk).exists()
