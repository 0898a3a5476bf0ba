"""The published data's version: it moves on every write a public page can show, and on
no write a public page cannot (a draft's), so every cache keyed by it is never stale."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.models import Finding, Inspection
from inspections.web import data_version
from inspections.web.data_version import NOT_WATCHED, PAGES, PER_INSPECTION, WATCHED_TABLES
from ratings.models import KeyQuestionScore, StandardRating
from tests.inspections.test_facet_index import state_row_writes

APPS = ("pdus", "ratings", "inspections", "recommendations")


def tables_of_the_apps() -> set[str]:
    return {
        model._meta.db_table
        for label in APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def test_every_table_of_the_data_is_watched_or_said_why_not():
    # A new model is not watched until it is listed: this fails until someone decides.
    assert set(WATCHED_TABLES) | set(NOT_WATCHED) == tables_of_the_apps()
    assert not set(WATCHED_TABLES) & set(NOT_WATCHED)


def test_the_tables_of_an_inspection_are_checked_row_by_row():
    with_inspection = {
        model._meta.db_table
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if "inspection" in {field.name for field in model._meta.concrete_fields}
    }
    assert set(PER_INSPECTION) == with_inspection - set(NOT_WATCHED)


def public_row(table: str) -> int | None:
    """The id of a row of `table` that the public sees, if the published data has one."""
    with connection.cursor() as cursor:
        if table in PER_INSPECTION:
            cursor.execute(
                f"SELECT t.id FROM {table} t JOIN inspections_inspection i "
                "ON i.id = t.inspection_id WHERE i.is_published ORDER BY t.id LIMIT 1"
            )
        elif table == "inspections_inspection":
            cursor.execute(f"SELECT id FROM {table} WHERE is_published ORDER BY id LIMIT 1")
        else:
            cursor.execute(f"SELECT id FROM {table} ORDER BY id LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row else None


def test_a_write_to_any_watched_table_moves_the_version(published_data):
    moved = set()
    for table in WATCHED_TABLES:
        row = public_row(table)
        if row is None:
            continue
        version = data_version.current()
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET id = id WHERE id = %s", [row])
        assert data_version.current() != version, table
        moved.add(table)
    # The published data has rows in all but a few (sites, services, tracking...).
    assert {
        "inspections_inspection",
        "inspections_finding",
        "inspections_section",
        "ratings_standardrating",
        "ratings_keyquestionscore",
        "recommendations_recommendation",
        "pdus_body",
        "pdus_region",
        "ratings_keyquestion",
    } <= moved


def test_a_drafts_rows_move_nothing_until_it_is_published(published_data):
    Inspection.objects.filter(slug="lambeth-pdu-2022").update(is_published=False)
    version = data_version.current()
    Finding.objects.filter(inspection__slug="lambeth-pdu-2022").update(text="Rewritten.")
    StandardRating.objects.filter(inspection__slug="lambeth-pdu-2022").delete()
    KeyQuestionScore.objects.filter(inspection__slug="lambeth-pdu-2022").update(percent_yes=1)
    Inspection.objects.filter(slug="lambeth-pdu-2022").update(lead_inspector="A draft's inspector")
    assert data_version.current() == version
    Inspection.objects.filter(slug="lambeth-pdu-2022").update(is_published=True)
    assert data_version.current() != version


def test_a_published_findings_text_moves_the_version_though_not_the_facets(published_data):
    from inspections.explorer import facet_index

    version, facets = data_version.current(), facet_index.read_token(connection)
    Finding.objects.filter(pk=public_row("inspections_finding")).update(text="Reworded.")
    assert data_version.current() != version
    assert facet_index.read_token(connection) == facets


def test_cached_works_out_once_a_version(published_data):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert data_version.cached("test-count", compute) == 1
    assert data_version.cached("test-count", compute) == 1
    Finding.objects.filter(pk=public_row("inspections_finding")).update(text="Reworded.")
    assert data_version.cached("test-count", compute) == 2
    assert data_version.cached("another-name", compute) == 3
    assert len(calls) == 3


def test_cached_keeps_a_result_of_none(published_data):
    calls = []
    assert data_version.cached("test-none", lambda: calls.append(1)) is None
    assert data_version.cached("test-none", lambda: calls.append(1)) is None
    assert calls == [1]


def test_a_request_reads_the_version_once(published_data):
    handle = data_version.hold_for_request()
    try:
        with CaptureQueriesContext(connection) as queries:
            data_version.cached("a", lambda: 1)
            data_version.cached("b", lambda: 2)
            data_version.current()
        assert len(queries) == 1
    finally:
        data_version.release(handle)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's triggers only")
def test_a_transaction_of_many_writes_renews_the_version_once(published_data):
    data_version.current()  # read: the next public write moves it
    before = state_row_writes()
    for score in KeyQuestionScore.objects.filter(inspection__is_published=True)[:40]:
        KeyQuestionScore.objects.filter(pk=score.pk).update(percent_yes=score.percent_yes)
    assert state_row_writes() - before == 1


@pytest.mark.parametrize("table", ["ratings_keyquestionscore", "pdus_body"])
def test_the_triggers_repair_themselves(published_data, table):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {table}_pages_update")
        else:
            cursor.execute(f"DROP TRIGGER {table}_pages ON {table}")
    assert PAGES.ensure_triggers(connection) == [table]
    assert PAGES.ensure_triggers(connection) == []
    version = data_version.current()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET id = id WHERE id = %s", [public_row(table)])
    assert data_version.current() != version


def test_migration_0012_undone_and_done_again(published_data):
    migration = import_module("inspections.migrations.0012_data_version")
    schema_editor = connection.schema_editor()
    migration.uninstall_page_triggers(None, schema_editor)
    assert data_version.current() is None
    assert not any("_pages" in name for name in _trigger_names())
    migration.install_page_triggers(None, schema_editor)
    assert PAGES.ensure_triggers(connection) == []
    version = data_version.current()
    assert version is not None
    Finding.objects.filter(pk=public_row("inspections_finding")).update(text="Reworded.")
    assert data_version.current() != version


def _trigger_names():
    from inspections.web.tokens import present_triggers

    return present_triggers(connection)
