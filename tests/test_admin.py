"""Every model is in the admin, and every list page works with its filters and search."""

import pytest
from django.apps import apps
from django.contrib import admin

OUR_APPS = ["pdus", "ratings", "inspections", "recommendations"]


def our_models():
    return [m for label in OUR_APPS for m in apps.get_app_config(label).get_models()]


def test_every_model_is_registered():
    missing = [m.__name__ for m in our_models() if not admin.site.is_registered(m)]
    assert missing == []


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m._meta.label)
def test_changelist_and_search_load(admin_client, published_data, model):
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert admin_client.get(url).status_code == 200
    model_admin = admin.site._registry[model]
    if model_admin.search_fields:
        assert admin_client.get(url, {"q": "Lambeth"}).status_code == 200


def test_data_quality_notes_are_in_the_admin(admin_client, published_data):
    page = admin_client.get("/admin/inspections/dataqualitynote/").content.decode()
    assert "2.1" in page


def test_anonymous_users_cannot_reach_the_admin(client, published_data):
    response = client.get("/admin/inspections/inspection/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_tagged_finding_can_be_deleted_and_its_tags_go_with_it(admin_client, published_data):
    from inspections.models import Finding, ThemeTag

    finding = Finding.objects.filter(theme_tags__isnull=False).first()
    page = admin_client.get(f"/admin/inspections/finding/{finding.pk}/delete/")
    assert page.context_data["perms_lacking"] == set()
    response = admin_client.post(
        f"/admin/inspections/finding/{finding.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Finding.objects.filter(pk=finding.pk).exists()
    assert not ThemeTag.objects.filter(finding_id=finding.pk).exists()


def test_a_theme_tag_cannot_be_deleted_on_its_own(admin_client, published_data):
    from inspections.models import ThemeTag

    tag = ThemeTag.objects.first()
    assert admin_client.get(f"/admin/inspections/themetag/{tag.pk}/delete/").status_code == 403
    assert ThemeTag.objects.filter(pk=tag.pk).exists()
