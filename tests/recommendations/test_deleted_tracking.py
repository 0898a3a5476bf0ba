"""After an admin deletes a recommendation's tracking, it can be updated again: the
history stays, and the next update carries on from its last version."""

from django.test import Client

from recommendations.deletions import deletions_by
from recommendations.models import ProgressUpdate
from recommendations.services import Change, record_update
from tests.recommendations.helpers import client_for, fresh, update_data


def track_twice(user, recommendation):
    record_update(recommendation, user, Change({"owner": "A"}, note="first"), 0)
    record_update(fresh(recommendation), user, Change({"owner": "B"}, note="second"), 1)


def delete_tracking(admin, recommendation):
    with deletions_by(admin):
        fresh(recommendation).tracking.delete()


def test_an_update_after_the_tracking_was_deleted_is_saved_after_the_history(
    admin, director, lambeth_1
):
    track_twice(director, lambeth_1)
    delete_tracking(admin, lambeth_1)
    page = client_for(director).get(lambeth_1.get_absolute_url())
    assert page.status_code == 200
    version = page.context["form"]["version"].value()

    response = client_for(director).post(
        lambeth_1.get_absolute_url(), update_data(version=version, owner="C")
    )

    assert response.status_code == 302
    tracking = fresh(lambeth_1).tracking
    assert (tracking.owner, tracking.version) == ("C", 3)
    updates = ProgressUpdate.objects.filter(recommendation=lambeth_1).order_by("version")
    assert [(u.version, u.note) for u in updates] == [
        (1, "first"),
        (2, "second"),
        (3, "Action plan agreed with the head of PDU."),
    ]
    # The update starts from the state the deletion left: nothing tracked.
    assert (updates[2].owner_before, updates[2].owner_after) == ("", "C")


def test_later_updates_carry_on_from_there(admin, director, lambeth_1):
    track_twice(director, lambeth_1)
    delete_tracking(admin, lambeth_1)
    record_update(fresh(lambeth_1), director, Change({"owner": "C"}, note="third"), 0)
    record_update(fresh(lambeth_1), director, Change({"owner": "D"}, note="fourth"), 3)
    assert fresh(lambeth_1).tracking.version == 4
    assert ProgressUpdate.objects.filter(recommendation=lambeth_1).count() == 4


def test_a_bulk_update_after_the_tracking_was_deleted_is_saved(admin, director, lambeth_1):
    track_twice(director, lambeth_1)
    delete_tracking(admin, lambeth_1)
    client = Client()
    client.force_login(director)
    url = f"/tracker/recurring/{lambeth_1.pk}/"
    form = client.get(url).context["form"]
    data = {
        "recommendations": [lambeth_1.pk],
        "owner": "Bulk owner",
        "note": "Together",
        **{f.html_name: f.value() for f in form.version_fields},
    }
    assert client.post(url, data).status_code == 302
    assert fresh(lambeth_1).tracking.owner == "Bulk owner"
    assert ProgressUpdate.objects.filter(recommendation=lambeth_1).count() == 3
