"""Updating a recommendation: history on every change, validation that re-displays the
form, optimistic locking, and nothing half-saved."""

from datetime import date
from unittest import mock

import pytest

from recommendations.forms import TrackingForm
from recommendations.models import ProgressUpdate, Tracking
from recommendations.services import Change, Conflict, record_update
from tests.recommendations.helpers import client_for, fresh, update_data


def post(user, recommendation, **values):
    version = fresh(recommendation).current.version
    return client_for(user).post(
        recommendation.get_absolute_url(), update_data(version=version, **values)
    )


# --- History ------------------------------------------------------------------------------------


def test_an_update_writes_who_when_old_new_note_and_evidence(director, lambeth_1):
    post(director, lambeth_1, evidence_url="https://example.org/plan", evidence_text="Plan v2")
    update = ProgressUpdate.objects.get(recommendation=lambeth_1)
    assert update.author == director
    assert update.version == 1
    assert (update.reported_status_before, update.reported_status_after) == ("", "in_progress")
    assert (update.response_before, update.response_after) == ("", "agreed")
    assert update.target_date_after == date(2024, 3, 31)
    assert update.note == "Action plan agreed with the head of PDU."
    assert (update.evidence_url, update.evidence_text) == ("https://example.org/plan", "Plan v2")
    assert fresh(lambeth_1).tracking.version == 1


def test_a_moved_target_date_keeps_when_who_and_why(director, lambeth_1):
    post(director, lambeth_1)
    post(
        director,
        lambeth_1,
        target_date_0="30",
        target_date_1="9",
        note="Recruitment of the quality lead slipped",
    )
    page = client_for(director).get(lambeth_1.get_absolute_url()).content.decode()
    assert "Target date moves" in page
    assert "31 March 2024" in page and "30 September 2024" in page
    assert "Recruitment of the quality lead slipped" in page
    moved = ProgressUpdate.objects.get(recommendation=lambeth_1, version=2)
    assert moved.moved_target_date
    assert moved.changes() == [("Target date", "31 March 2024", "30 September 2024")]


def test_partly_agreed_keeps_which_part(director, lambeth_1):
    post(director, lambeth_1, response="partly_agreed", partly_agreed_part="Oversight, not QA")
    assert fresh(lambeth_1).tracking.partly_agreed_part == "Oversight, not QA"


def test_the_updated_state_shows_on_the_tracker(director, lambeth_1):
    post(director, lambeth_1, owner="Jo Bloggs, head of PDU")
    page = client_for(None).get("/tracker/?pdu=lambeth").content.decode()
    assert "In progress" in page
    assert "31 Mar 2024" in page


# --- Validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"target_date_0": "1", "target_date_1": "1", "target_date_2": "2022"},
            "target_date",
            "Target date must be on or after 1 October 2022, when the inspection took place",
        ),
        (
            {"target_date_0": "31", "target_date_1": "2"},
            "target_date",
            "Target date must be a real date",
        ),
        ({"target_date_2": ""}, "target_date", "Target date must include a year"),
        ({"note": ""}, "note", "Enter a note saying why this changed"),
        (
            {"response": "partly_agreed", "partly_agreed_part": ""},
            "partly_agreed_part",
            "Enter which part of the recommendation is agreed",
        ),
        (
            {"evidence_url": "not a link"},
            "evidence_url",
            "Enter a web address in the correct format",
        ),
    ],
)
def test_invalid_updates_are_shown_again_with_errors_and_nothing_saved(
    director, lambeth_1, values, field, message
):
    response = post(director, lambeth_1, **values)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert message in " ".join(response.context["form"].errors[field])
    # The user's input is kept.
    assert 'value="Head of PDU"' in page
    assert not Tracking.objects.filter(recommendation=lambeth_1).exists()
    assert not ProgressUpdate.objects.exists()


def test_a_status_not_allowed_from_the_current_one_is_refused(director, lambeth_1):
    post(director, lambeth_1, reported_status="superseded", note="Replaced by the regional plan")
    response = post(director, lambeth_1, reported_status="in_progress", note="Reopened")
    assert response.status_code == 400
    assert (
        "A recommendation reported as superseded cannot change status" in response.content.decode()
    )
    assert fresh(lambeth_1).tracking.reported_status == "superseded"
    assert ProgressUpdate.objects.filter(recommendation=lambeth_1).count() == 1


def test_an_update_that_changes_nothing_is_refused(director, lambeth_1):
    post(director, lambeth_1)
    response = post(director, lambeth_1, note="")
    assert response.status_code == 400
    assert "there was nothing to save" in response.content.decode()


def test_a_note_alone_is_an_update(director, lambeth_1):
    post(director, lambeth_1)
    assert post(director, lambeth_1, note="Met the police lead").status_code == 302
    assert ProgressUpdate.objects.filter(recommendation=lambeth_1).count() == 2


def test_the_form_knows_the_fields_each_role_may_change(director, inspector, admin, lambeth_1):
    assert "verified_progress" not in TrackingForm(user=director, recommendation=lambeth_1).fields
    assert set(TrackingForm(user=inspector, recommendation=lambeth_1).fields) == {
        "verified_progress",
        "note",
        "evidence_url",
        "evidence_text",
        "version",
    }
    assert "reported_status" in TrackingForm(user=admin, recommendation=lambeth_1).fields


# --- Optimistic locking -------------------------------------------------------------------------


def test_the_second_of_two_concurrent_saves_is_refused_and_shows_the_newer_update(
    director, admin, lambeth_1
):
    # Both open the page at version 0.
    first = client_for(admin).post(
        lambeth_1.get_absolute_url(), update_data(owner="Deputy director", note="Admin's update")
    )
    assert first.status_code == 302
    second = client_for(director).post(
        lambeth_1.get_absolute_url(),
        update_data(owner="Head of PDU (Jo)", reported_status="not_started", note="Mine"),
    )
    assert second.status_code == 409
    page = second.content.decode()
    assert "Your update was not saved: someone else updated this recommendation first" in page
    assert "ada-admin saved an update" in page
    assert "Admin&#x27;s update" in page  # the newer update, in the history
    # Nothing lost: the user's input is still in the form, now against the newer version.
    assert 'value="Head of PDU (Jo)"' in page
    assert second.context["form"]["version"].value() == "1"
    # And the first update stands.
    tracking = fresh(lambeth_1).tracking
    assert (tracking.owner, tracking.version) == ("Deputy director", 1)
    assert ProgressUpdate.objects.filter(recommendation=lambeth_1).count() == 1


def test_after_a_conflict_saving_again_is_a_deliberate_overwrite(director, admin, lambeth_1):
    client_for(admin).post(lambeth_1.get_absolute_url(), update_data(owner="Deputy director"))
    client = client_for(director)
    refused = client.post(lambeth_1.get_absolute_url(), update_data(owner="Head of PDU (Jo)"))
    data = update_data(owner="Head of PDU (Jo)", version=refused.context["form"]["version"].value())
    assert client.post(lambeth_1.get_absolute_url(), data).status_code == 302
    assert fresh(lambeth_1).tracking.owner == "Head of PDU (Jo)"


def test_record_update_refuses_a_stale_version(director, lambeth_1):
    record_update(lambeth_1, director, Change({"owner": "A"}, note="first"), 0)
    with pytest.raises(Conflict) as refused:
        record_update(fresh(lambeth_1), director, Change({"owner": "B"}, note="second"), 0)
    assert refused.value.current_version == 1
    assert [u.note for u in refused.value.newer] == ["first"]
    assert fresh(lambeth_1).tracking.owner == "A"


def test_record_update_refuses_when_the_row_changed_after_it_was_read(director, lambeth_1):
    """The conditional UPDATE catches a save that slips in between read and write."""
    record_update(lambeth_1, director, Change({"owner": "A"}, note="first"), 0)
    real_filter = Tracking.objects.filter

    def racing_filter(*args, **kwargs):
        if "version" in kwargs:  # the guarded UPDATE: someone saved version 2 meanwhile
            Tracking.objects.all().update(version=2)
        return real_filter(*args, **kwargs)

    racing = mock.patch.object(Tracking.objects, "filter", side_effect=racing_filter)
    with racing, pytest.raises(Conflict):
        record_update(fresh(lambeth_1), director, Change({"owner": "B"}, note="x"), 1)
    assert fresh(lambeth_1).tracking.owner == "A"


# --- Nothing half-saved -------------------------------------------------------------------------


def test_if_the_history_cannot_be_written_the_tracking_is_not_changed(director, lambeth_1):
    failing = mock.patch.object(ProgressUpdate.objects, "create", side_effect=RuntimeError("full"))
    with failing, pytest.raises(RuntimeError):
        record_update(lambeth_1, director, Change({"owner": "A"}, note="x"), 0)
    assert not Tracking.objects.filter(recommendation=lambeth_1).exists()


# --- Bulk ----------------------------------------------------------------------------------------


def qa_group():
    from tests.recommendations.test_permissions import quality_assurance_group

    return quality_assurance_group()


def bulk(user, group, **values):
    from tests.recommendations.test_permissions import bulk_data

    data = bulk_data(group, **values)
    for r in group:
        data[f"version_{r.pk}"] = str(fresh(r).current.version)
    data.update(values)
    return client_for(user).post(f"/tracker/recurring/{group[0].pk}/", data)


def test_bulk_update_writes_history_on_each_with_one_batch(director, published_data):
    group = qa_group()
    assert bulk(director, group, owner="Regional quality lead").status_code == 302
    updates = ProgressUpdate.objects.filter(recommendation__in=group)
    assert updates.count() == 4
    assert len({u.batch for u in updates}) == 1
    assert {fresh(r).tracking.owner for r in group} == {"Regional quality lead"}


def test_bulk_fields_left_blank_keep_each_recommendations_own_value(director, published_data):
    group = qa_group()
    post(director, group[0], owner="Someone specific", target_date_2="2030")
    bulk(director, group)  # status and note only
    assert fresh(group[0]).tracking.owner == "Someone specific"
    assert fresh(group[1]).tracking.owner == ""


def test_bulk_update_is_all_or_nothing_on_a_conflict(director, admin, published_data):
    group = qa_group()
    from tests.recommendations.test_permissions import bulk_data

    stale = bulk_data(group)  # every version 0
    post(admin, group[2], owner="Changed meanwhile", target_date_2="2030")
    response = client_for(director).post(f"/tracker/recurring/{group[0].pk}/", stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Nothing was saved: someone else updated 1 of these recommendations first" in page
    assert "ada-admin saved an update" in page
    assert "Quality assurance leads appointed in each PDU" in page  # the user's note kept
    assert ProgressUpdate.objects.filter(recommendation__in=group).count() == 1  # admin's only


def test_bulk_update_checks_each_transition(director, published_data):
    group = qa_group()
    post(director, group[1], reported_status="superseded", note="Done another way")
    response = bulk(director, group, reported_status="implemented")
    assert response.status_code == 400
    assert "reported as superseded cannot change status" in response.content.decode()
    assert ProgressUpdate.objects.filter(recommendation__in=group).count() == 1


def test_bulk_update_needs_a_note(director, published_data):
    group = qa_group()
    response = bulk(director, group, note="")
    assert response.status_code == 400
    assert "Enter a note saying what this update is" in response.content.decode()


def test_an_invalid_update_does_not_show_as_the_current_state(director, lambeth_1):
    response = post(director, lambeth_1, note="", owner="Not saved owner")
    assert response.status_code == 400
    assert response.context["tracking"].owner == ""
    assert response.context["tracking"].reported_status == ""
