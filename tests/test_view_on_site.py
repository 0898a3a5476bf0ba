"""The admin's "View on site" leads to a page for every record that offers it."""

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
