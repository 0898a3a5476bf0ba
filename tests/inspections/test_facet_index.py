"""The explorer's facet index in memory follows every write to the data it is read from.

The counts and order it gives are checked against the ORM in test_search_counts.py; these
tests are of its staying up to date, whatever makes the change.
"""

from importlib import import_module

import numpy as np
import pytest
from django.db import connection, transaction

from inspections.explorer import facet_index
from inspections.explorer.search import Filters, ParsedQuery, Search, parse_query
from inspections.models import Finding, Inspection
from pdus.models import Body


def counts(filters=None, q=""):
    search = Search(parse_query(q) if q else ParsedQuery(), filters or Filters())
    return {
        name: {value: n for value, _, n in rows} for name, rows in search.facet_counts().items()
    }


def test_a_search_rebuilds_the_index_only_when_the_data_changed(published_data):
    first = facet_index.current(connection)
    assert facet_index.current(connection) is first
    Body.objects.filter(slug="lambeth").update(name="Lambeth (renamed)")
    rebuilt = facet_index.current(connection)
    assert rebuilt is not first
    assert "Lambeth (renamed)" in [value.label for value in rebuilt.bodies]


def test_a_raw_update_behind_the_orm_is_counted(published_data):
    before = counts()["kind"]
    finding = Finding.objects.filter(kind="strength", inspection__is_published=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inspections_finding SET kind = 'improvement' WHERE id = %s", [finding.pk]
        )
    after = counts()["kind"]
    assert after["strength"] == before["strength"] - 1
    assert after["improvement"] == before["improvement"] + 1


def test_unpublishing_takes_an_inspections_records_out_of_every_count(published_data):
    lambeth = Inspection.objects.get(slug="lambeth-pdu-2022")
    assert counts(Filters(body="lambeth"))["type"]["finding"] > 0
    assert counts(q="staff")["body"]["lambeth"] > 0
    Inspection.objects.filter(pk=lambeth.pk).update(is_published=False)
    assert "finding" not in counts(Filters(body="lambeth")).get("type", {})
    assert "lambeth" not in counts(q="staff").get("body", {})


def test_a_rolled_back_change_leaves_the_index_as_the_data(published_data):
    before = counts()
    with pytest.raises(RuntimeError), transaction.atomic():
        Finding.objects.filter(inspection__body__slug="lambeth").delete()
        assert counts()["type"]["finding"] < before["type"]["finding"]
        raise RuntimeError("roll back")
    assert counts() == before


@pytest.mark.parametrize(
    "table, column",
    [
        ("inspections_finding", "kind"),
        ("pdus_body", "name"),
        ("inspections_inspection", "is_published"),
        ("inspections_theme", "name"),
    ],
)
def test_the_triggers_repair_themselves(published_data, table, column):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {table}_facets_update")
        else:
            cursor.execute(f"DROP TRIGGER {table}_facets ON {table}")
    assert facet_index.ensure_triggers(connection) == [table]
    assert facet_index.ensure_triggers(connection) == []
    token = facet_index.read_token(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = {column}")
    assert facet_index.read_token(connection) != token


def test_a_drafts_records_move_nothing_until_it_is_published(published_data):
    # An admin saving a draft once a second made every process rebuild its arrays.
    Inspection.objects.filter(slug="lambeth-pdu-2022").update(is_published=False)
    index = facet_index.current(connection)
    draft_findings = Finding.objects.filter(inspection__slug="lambeth-pdu-2022")
    draft_findings.filter(kind="strength").update(kind="improvement")
    draft_findings.first().delete()
    Finding.objects.create(
        **{
            field: getattr(draft_findings.first(), field)
            for field in ("inspection_id", "section_id", "source_document_id", "source_section")
        },
        kind="strength",
        text="A new strength of the draft.",
        position=999,
    )
    assert facet_index.current(connection) is index
    Inspection.objects.filter(slug="lambeth-pdu-2022").update(is_published=True)
    published = facet_index.current(connection)
    assert published is not index
    assert counts(Filters(body="lambeth"))["type"]["finding"] == draft_findings.count()


def test_a_finding_moved_out_of_a_published_inspection_moves_the_index(published_data):
    draft = Inspection.objects.get(slug="newham-2022")
    Inspection.objects.filter(pk=draft.pk).update(is_published=False)
    index = facet_index.current(connection)
    Finding.objects.filter(inspection__slug="lambeth-pdu-2022").update(inspection=draft)
    assert facet_index.current(connection) is not index


def state_row_writes() -> int:
    """Rows this transaction has written to the tokens' table (PostgreSQL's statistics)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_ins + n_tup_upd FROM pg_stat_xact_user_tables "
            "WHERE relname = 'inspections_facetstate'"
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's triggers only")
def test_a_transaction_of_many_writes_renews_the_token_once(published_data):
    # Tagging sets theme bits with an UPDATE per tag: renewing on each made it quadratic.
    token = facet_index.read_token(connection)
    before = state_row_writes()
    for finding in Finding.objects.filter(inspection__is_published=True)[:40]:
        Finding.objects.filter(pk=finding.pk).update(position=finding.position + 1000)
    assert state_row_writes() - before == 1
    assert facet_index.read_token(connection) != token
    # Read, then written again: the token moves again.
    token = facet_index.read_token(connection)
    Finding.objects.filter(inspection__is_published=True).update(kind="improvement")
    assert facet_index.read_token(connection) != token


def test_migration_0011_makes_the_earlier_triggers_again(published_data):
    # The triggers 0006 made renewed the token on every write, a draft's too.
    table = "inspections_finding"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {table}_facets_insert")
            cursor.execute(
                f"CREATE TRIGGER {table}_facets_insert AFTER INSERT ON {table} BEGIN INSERT OR "
                "REPLACE INTO inspections_facetstate (id, token) VALUES (1, random()); END"
            )
        else:
            cursor.execute(f"DROP TRIGGER {table}_facets ON {table}")
            cursor.execute(
                f"CREATE TRIGGER {table}_facets AFTER INSERT ON {table} FOR EACH STATEMENT "
                "EXECUTE FUNCTION inspections_facets_changed()"
            )
    draft = Inspection.objects.get(slug="lambeth-pdu-2022")
    Inspection.objects.filter(pk=draft.pk).update(is_published=False)
    finding = Finding.objects.filter(inspection=draft).first()

    def a_draft_finding_moves_the_token():
        token = facet_index.read_token(connection)
        finding.pk, finding.position = None, finding.position + 1000
        finding.save()
        return facet_index.read_token(connection) != token

    assert a_draft_finding_moves_the_token()
    schema_editor = connection.schema_editor()
    import_module(
        "inspections.migrations.0011_facet_triggers_skip_drafts"
    ).reinstall_facet_triggers(None, schema_editor)
    assert not a_draft_finding_moves_the_token()
    assert facet_index.ensure_triggers(connection) == []


@pytest.mark.django_db(transaction=True)
def test_a_theme_change_renews_the_arrays_in_the_background():
    # A theme override made every process rebuild its arrays before its next search.
    import time

    from django.core.management import call_command

    from inspections.web import data_version

    call_command("load_published_data", verbosity=0)
    first = facet_index.current(connection)
    tagged = Finding.objects.filter(inspection__is_published=True, theme_bits__gt=0).first()
    before = counts()["theme"]
    Finding.objects.filter(pk=tagged.pk).update(theme_bits=0)

    handle = data_version.hold_for_request()
    try:
        assert facet_index.current(connection) is first  # this search: the arrays it had
        assert not data_version.storable()  # so no cache keeps what it shows
    finally:
        data_version.release(handle)
    deadline = time.monotonic() + 30
    while facet_index.current(connection) is first and time.monotonic() < deadline:
        time.sleep(0.05)
    renewed = facet_index.current(connection)
    assert renewed is not first
    assert renewed.tokens == facet_index.read_token(connection)
    after = counts()["theme"]
    assert sum(after.values()) < sum(before.values())

    # Anything but themes (here, who may see a record) is never searched with old arrays.
    Inspection.objects.filter(slug="lambeth-pdu-2022").update(is_published=False)
    assert facet_index.current(connection) is not renewed
    assert "lambeth" not in counts(q="staff").get("body", {})


def test_record_keys_are_made_as_they_are_asked_for():
    keys = facet_index.RecordKeys(np.array([1, 2, 3], np.int8), np.array([7, 5, 9], np.int64))
    assert len(keys) == 3
    assert list(keys) == [("finding", 7), ("recommendation", 5), ("figure", 9)]
    assert keys[1:] == [("recommendation", 5), ("figure", 9)]
    assert keys[-1] == ("figure", 9)
    assert all(type(pk) is int for _, pk in keys)  # not numpy's: the ORM is given them
    assert not facet_index.RecordKeys(np.zeros(0, np.int8), np.zeros(0, np.int64))
