"""The explorer's facet index in memory follows every write to the data it is read from.

The counts and order it gives are checked against the ORM in test_search_counts.py; these
tests are of its staying up to date, whatever makes the change.
"""

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
