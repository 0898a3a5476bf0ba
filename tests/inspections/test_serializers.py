"""A record reads the same in the JSON API and in every download: one serializer each."""

import csv
import io
import json

import pytest

from inspections import serializers
from inspections.models import ContextFigure, Finding, Theme
from recommendations.models import Recommendation

SLUG = "lambeth-pdu-2022"
# The API's list of each type of record, and the explorer's name for the type.
TYPES = {"findings": "finding", "recommendations": "recommendation", "context_figures": "figure"}


def as_in_api(result: dict, api_record: dict) -> str:
    """A download's `result` cut to the fields the API gives a record like `api_record`, as
    JSON text to compare."""
    shared = {key: result[key] for key in api_record}
    if result["type"] == "figure":
        # A search result gives every record's body as an object; the API, a figure's by name.
        shared["body"] = result["body"]["name"]
    return json.dumps(shared, sort_keys=True)


def in_api(api_records: list[dict]) -> list[str]:
    return sorted(json.dumps(record, sort_keys=True) for record in api_records)


@pytest.fixture
def api(client, published_data):
    return client.get(f"/api/inspections/{SLUG}/").json()


@pytest.mark.parametrize("records", TYPES)
def test_the_explorers_json_gives_a_record_the_apis_fields(client, api, records):
    results = json.loads(client.get("/explore/", {"format": "json"}).getvalue())["results"]
    downloaded = [
        r
        for r in results
        if r["type"] == TYPES[records] and r["inspection"] and r["inspection"]["slug"] == SLUG
    ]
    assert api[records]
    assert sorted(as_in_api(r, api[records][0]) for r in downloaded) == in_api(api[records])


def test_the_recurring_download_gives_a_recommendation_the_apis_fields(client, api):
    groups = json.loads(client.get("/explore/recurring/", {"format": "json"}).getvalue())["groups"]
    downloaded = [
        r for g in groups for r in g["recommendations"] if r["inspection"]["slug"] == SLUG
    ]
    assert downloaded
    shown = in_api(api["recommendations"])
    assert all(as_in_api(r, api["recommendations"][0]) in shown for r in downloaded)


def test_spreadsheet_rows_are_the_json_results(client, published_data):
    query = {"q": "staff"}
    results = json.loads(client.get("/explore/", query | {"format": "json"}).getvalue())["results"]
    response = client.get("/explore/", query | {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows and len(rows) == len(results)
    for row, result in zip(rows, results, strict=True):
        assert row["Text"] == result["text"]
        assert row["Inspected body"] == result["body"]["name"]
        assert row["Source file"] == result["source"]["document"]
        assert row["Source line"] == str(result["source"]["line"] or "")
        assert row["Citation"] == result["source"]["citation"]
        assert row["URL"] == result["url"]
        # People read the spreadsheet: themes by name, as the pages show them.
        assert row["Themes"] == "; ".join(result["theme_names"])
    names = dict(Theme.objects.values_list("slug", "name"))
    assert any(
        row["Themes"] and row["Themes"] == "; ".join(names[s] for s in result["themes"])
        for row, result in zip(rows, results, strict=True)
    )


def test_serializing_loaded_records_runs_no_query(published_data, django_assert_num_queries):
    finding = Finding.objects.select_related("section__standard", "source_document").first()
    recommendation = Recommendation.objects.select_related("addressee", "source_document").first()
    figure = ContextFigure.objects.select_related("body", "source_document").first()
    with django_assert_num_queries(0):
        serializers.finding(finding)
        serializers.recommendation(recommendation)
        serializers.context_figure(figure)


def test_the_citation_says_where_in_which_document(published_data):
    finding = Finding.objects.filter(source_line__isnull=False).first()
    source = serializers.source(finding)
    assert source["document"] == finding.source_document.filename
    assert f"“{finding.source_section}”, line {finding.source_line} of " in source["citation"]
