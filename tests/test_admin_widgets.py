"""A change form posted with a key that names no record is redrawn with its error, not a 500."""

import pytest
from django.contrib import admin

from inspections.web.admin_widgets import LookupSafeForeignKeyRawIdWidget, LookupSafeMixin
from pdus.models import Site
from tests.factories import InspectionFactory, SourceDocumentFactory

HUGE = "99999999999999999999999"  # beyond 64 bits: OverflowError on SQLite
NOT_A_KEY = "not-a-number"  # ValueError for an integer key
ADD_FINDING = "/admin/inspections/finding/add/"


def test_every_admin_and_inline_draws_its_related_fields_safely():
    unsafe = [
        type(admin_class).__name__
        for model_admin in admin.site._registry.values()
        for admin_class in [model_admin, *model_admin.get_inline_instances(request=None)]
        if not isinstance(admin_class, LookupSafeMixin)
    ]
    # auditlog's own admin shows its log entries read-only, with no related field to post.
    assert unsafe == ["LogEntryAdmin"]


@pytest.mark.parametrize("value", [HUGE, NOT_A_KEY])
@pytest.mark.parametrize(
    "url, field",
    [
        (ADD_FINDING, "inspection"),  # autocomplete, one record
        ("/admin/recommendations/recommendation/add/", "co_addressees"),  # autocomplete, many
        ("/admin/auth/group/add/", "permissions"),  # a list to choose many from
    ],
)
def test_a_key_naming_no_record_is_refused_with_the_form_redrawn(admin_client, url, field, value):
    response = admin_client.post(url, {field: value})
    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["adminform"].form.errors[field])


def test_a_real_record_stays_selected_when_the_form_is_redrawn(admin_client):
    inspection = InspectionFactory()
    response = admin_client.post(ADD_FINDING, {"inspection": inspection.pk, "section": HUGE})
    assert response.status_code == 200
    assert f'<option value="{inspection.pk}" selected>' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", [HUGE, NOT_A_KEY])
def test_a_raw_id_naming_no_record_has_no_label(value):
    widget = LookupSafeForeignKeyRawIdWidget(
        Site._meta.get_field("source_document").remote_field, admin.site
    )
    assert widget.label_and_url_for_value(value) == ("", "")


@pytest.mark.django_db
def test_a_raw_id_naming_a_record_is_labelled_with_a_link_to_it():
    document = SourceDocumentFactory()
    widget = LookupSafeForeignKeyRawIdWidget(
        Site._meta.get_field("source_document").remote_field, admin.site
    )
    label, url = widget.label_and_url_for_value(str(document.pk))
    assert label == str(document)
    assert url == f"/admin/inspections/sourcedocument/{document.pk}/change/"
