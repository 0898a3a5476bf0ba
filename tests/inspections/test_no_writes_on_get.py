"""Pages only read; whatever writes findings or recommendations tags them as it finishes.

Tagging on GET made readers take SQLite's write lock, so explorer pages failed beside a
publish. Now every write path drains the tagging queue (themes.py), and no explorer page
writes, even with records waiting in the queue. (load_published_data's tagging is tested
in test_themes.py.)
"""

import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from inspections.explorer import tagging
from inspections.models import Finding, Inspection, ThemeTag, UntaggedRecord
from recommendations.models import Recommendation
from tests.inspections.test_entry import admin, draft, lambeth_text, new_report  # noqa: F401

EXPLORER_PAGES = [
    "/explore/",
    "/explore/?q=staff",
    "/explore/?q=staff&kind=improvement&region=london",
    "/explore/?theme=staffing-and-workloads&more=body",
    "/explore/?q=accommodation&format=csv",
    "/explore/?q=accommodation&format=xlsx",
    "/explore/?q=accommodation&format=json",
    "/explore/?q=%22",  # a search that cannot be run: the 400 page
    "/explore/themes/",
    "/explore/themes/staffing-and-workloads/",
    "/explore/themes/staffing-and-workloads/?page=2",
    "/explore/recurring/",
    "/explore/recurring/?format=csv",
    "/explore/recurring/?format=xlsx",
    "/explore/recurring/?format=json",
]
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
HOUSING = "Housing support for people leaving prison was weak."


def writes_in(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


@pytest.fixture
def queued(published_data):
    """A published finding changed behind the app's back, so it waits in the tagging queue."""
    finding = Finding.objects.filter(inspection__is_published=True).first()
    Finding.objects.filter(pk=finding.pk).update(text=HOUSING)
    assert UntaggedRecord.objects.filter(record_type="finding", record_id=finding.pk).exists()
    return finding


@pytest.mark.parametrize("url", EXPLORER_PAGES)
def test_explorer_pages_write_nothing_even_with_records_queued(client, queued, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        response.getvalue()  # a streamed download reads as it is sent
    assert response.status_code in (200, 400), (url, response.status_code)
    assert writes_in(context.captured_queries) == []
    assert UntaggedRecord.objects.filter(record_id=queued.pk).exists()  # left for a write


def test_head_writes_nothing_either(client, queued):
    with CaptureQueriesContext(connection) as context:
        client.head("/explore/themes/")
    assert writes_in(context.captured_queries) == []


# --- Every write path leaves what it wrote tagged ------------------------------------------


def themes_of(record) -> set[str]:
    field = "finding" if isinstance(record, Finding) else "recommendation"
    return set(ThemeTag.objects.filter(**{field: record}).values_list("theme__slug", flat=True))


def admin_form_data(admin_client, url) -> dict:
    """The admin change form's fields as the page fills them, ready to post back."""
    form = admin_client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif value is not None and value is not False:
            data[name] = value
    return data


@pytest.mark.parametrize("model", [Finding, Recommendation], ids=["finding", "recommendation"])
def test_saving_in_the_admin_tags_the_record(admin_client, published_data, model):
    record = model.objects.filter(inspection__is_published=True).first()
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{record.pk}/change/"
    data = {**admin_form_data(admin_client, url), "text": HOUSING}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    record.refresh_from_db()
    assert record.text == HOUSING
    assert not UntaggedRecord.objects.exists()
    assert "accommodation" in themes_of(record)


def test_an_entry_step_tags_the_records_it_saves(admin, draft):  # noqa: F811
    prefix = "recommendations"
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-number": "1",
        f"{prefix}-0-addressee": draft.body.pk,
        f"{prefix}-0-addressee_label": "Croydon PDU",
        f"{prefix}-0-text": "Improve housing support for people on probation.",
    }
    response = admin.post(f"/manage/{draft.slug}/recommendations/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not UntaggedRecord.objects.exists()
    assert "accommodation" in themes_of(draft.recommendations.get())


def test_the_import_command_tags_what_it_imports(published_data, tmp_path, new_report):  # noqa: F811
    report = tmp_path / "croydon.txt"
    report.write_text(new_report, encoding="utf-8")
    call_command("import_report", str(report), "--region", "london", stdout=StringIO())
    imported = Inspection.objects.get(body__slug="croydon")
    assert not UntaggedRecord.objects.exists()
    assert ThemeTag.objects.filter(finding__inspection=imported).exists()
    assert ThemeTag.objects.filter(recommendation__inspection=imported).exists()


def test_a_failure_to_tag_leaves_the_save_done_and_the_record_queued(
    admin_client, published_data, monkeypatch, caplog
):
    def unreachable():
        raise DatabaseError("the database went away")

    monkeypatch.setattr(tagging.themes, "tag_pending", unreachable)
    finding = Finding.objects.filter(inspection__is_published=True).first()
    url = f"/admin/inspections/finding/{finding.pk}/change/"
    data = {**admin_form_data(admin_client, url), "text": HOUSING}
    with caplog.at_level(logging.ERROR, logger="inspections.explorer.tagging"):
        response = admin_client.post(url, data)
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.text == HOUSING
    assert UntaggedRecord.objects.filter(record_id=finding.pk).exists()
    assert "Tagging the records queued by POST" in caplog.text
