"""The admin's "View on site" leads to a page for every record that offers it."""

import re

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType

from tests.recommendations.helpers import client_for, make_user


def test_view_on_site_leads_to_a_page_for_every_kind_of_record(published_data):
    client = client_for(make_user("site-admin", is_staff=True, is_superuser=True))
    tried = []
    for model in admin.site._registry:
        if not hasattr(model, "get_absolute_url"):
            continue
        content_type = ContentType.objects.get_for_model(model)
        # A few of each model; bodies of every kind are tried below.
        for pk in model._default_manager.values_list("pk", flat=True)[:3]:
            response = client.get(f"/admin/r/{content_type.pk}/{pk}/")
            assert response.status_code == 302, (model.__name__, pk)
            page = client.get(response["Location"])
            assert page.status_code == 200, (model.__name__, pk, response["Location"])
            tried.append(model)
    assert {model.__name__ for model in tried} >= {"Body", "Inspection", "Finding", "Standard"}


@pytest.mark.parametrize("kind", ["pdu", "region", "provider", "national"])
def test_every_kind_of_body_has_a_page(published_data, client, kind):
    from pdus.models import Body

    body = Body.objects.filter(kind=kind).first()
    assert body is not None
    assert client.get(body.get_absolute_url()).status_code == 200


def test_the_admins_view_on_site_link_works_for_published_and_draft_records(published_data):
    """The link on each change page, as an admin follows it: a published record's public
    page, or for a draft's records the entry step that shows them (the public pages 404)."""
    from inspections.models import Inspection

    Inspection.objects.filter(slug="lambeth-pdu-2022").update(is_published=False)
    client = client_for(make_user("site-admin", is_staff=True, is_superuser=True))
    followed = set()
    for model, model_admin in admin.site._registry.items():
        if not model_admin.view_on_site or not hasattr(model, "get_absolute_url"):
            continue
        records = list(model._default_manager.all()[:2])
        if hasattr(model, "inspection"):
            records += list(model._default_manager.filter(inspection__is_published=False)[:2])
        elif model is Inspection:
            records += list(Inspection.objects.filter(is_published=False)[:1])
        for record in records:
            url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{record.pk}/change/"
            html = client.get(url).content.decode()
            link = re.search(r'<a href="([^"]+)" class="viewsitelink"', html)
            assert link, (model.__name__, record.pk)
            response = client.get(link.group(1))
            if response.status_code == 302:  # the admin's shortcut to get_absolute_url
                response = client.get(response["Location"])
            assert response.status_code == 200, (model.__name__, record.pk, link.group(1))
            followed.add((model.__name__, getattr(record, "is_published", None)))
    names = {name for name, _ in followed}
    assert {"Inspection", "Finding", "Recommendation", "Body", "Standard"} <= names
