"""The list of inspected PDUs: sorting, filtering, pagination, CSV download, query budget."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from pdus.models import Region
from ratings.models import Programme, Rating
from tests.factories import InspectionFactory, generate_dataset

URL = reverse("pdus:pdu_list")
LONDON_PDUS = {
    "Newham",
    "BDH",
    "Lewisham and Bromley",
    "Ealing and Hillingdon",
    "Lambeth",
    "HFKCW",
}


def rows(response):
    """(PDU, score) of each row on the page, in order; BDH by its abbreviation."""
    return [
        (row.record.body.abbreviation or row.record.body.short_name, row.record.score_display)
        for row in response.context["table"].paginated_rows
    ]


def names(response):
    return [name for name, _ in rows(response)]


def csv_rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# Listing


def test_lists_the_six_london_pdus_highest_score_first(client, published_data):
    response = client.get(URL)
    assert response.status_code == 200
    assert set(names(response)) == LONDON_PDUS
    assert rows(response)[0] == ("Newham", "6/24")
    # By score as a share of the maximum, then by score, then by name.
    assert rows(response) == [
        ("Newham", "6/24"),
        ("BDH", "5/24"),
        ("Lewisham and Bromley", "4/24"),
        ("Lambeth", "3/24"),  # 3 points of 24 ranks above 3 of 27, as on the overview
        ("Ealing and Hillingdon", "3/27"),
        ("HFKCW", "0/27"),
    ]


def test_shows_count_explanation_and_links(client, published_data):
    page = client.get(URL).content.decode()
    assert "6 inspected PDUs" in page
    assert "as published by HM Inspectorate of Probation" in page
    assert "no key-question data" in page
    assert f'href="{reverse("pdus:pdu_detail", args=["newham"])}"' in page
    assert 'href="/inspections/newham-2022/"' in page
    assert "app-rating-tag--requires_improvement" in page
    assert "September 2022" in page  # Newham's fieldwork, as precisely as published
    assert "15 August 2022" in page  # Lambeth's


def test_bodies_that_are_not_pdus_are_left_out(client, published_data):
    page = client.get(URL).content.decode()
    assert "/inspections/london-crc-2018/" not in page
    assert "/inspections/london-region-2022/" not in page


def test_draft_inspections_are_left_out(client, published_data):
    InspectionFactory(body__short_name="Draft PDU", is_published=False)
    assert "Draft PDU" not in names(client.get(URL))


# Sorting


def test_sorting_by_score_ascending_puts_hfkcw_first(client, published_data):
    assert rows(client.get(URL, {"sort": "score"}))[0] == ("HFKCW", "0/27")


def test_sorting_by_rating_orders_by_rating_not_by_label(client, published_data):
    best_first = names(client.get(URL, {"sort": "-overall_rating"}))
    assert best_first[:2] == ["BDH", "Newham"]
    worst_first = names(client.get(URL, {"sort": "overall_rating"}))
    assert set(worst_first[:4]) == LONDON_PDUS - {"BDH", "Newham"}


def test_sorting_by_fieldwork_start_uses_the_date(client, published_data):
    # Newham and BDH started in September 2022, Lewisham and Bromley on 22 August.
    assert names(client.get(URL, {"sort": "-fieldwork_start"}))[:3] == [
        "BDH",
        "Newham",
        "Lewisham and Bromley",
    ]


def test_sort_headers_link_to_the_other_direction(client, published_data):
    page = client.get(URL).content.decode()
    assert 'aria-sort="descending"' in page
    assert 'href="?sort=score"' in page


# Filters


def test_filter_by_overall_rating(client, published_data):
    response = client.get(URL, {"overall_rating": Rating.REQUIRES_IMPROVEMENT})
    assert names(response) == ["Newham", "BDH"]
    assert "2 inspected PDUs" in response.content.decode()


def test_filter_by_region(client, published_data):
    elsewhere = InspectionFactory(body__short_name="Elsewhere", body__region__slug="wales")
    assert set(names(client.get(URL, {"region": "london"}))) == LONDON_PDUS
    assert names(client.get(URL, {"region": "wales"})) == [elsewhere.body.short_name]


def test_region_choices_are_regions_with_pdus(client, published_data):
    Region.objects.create(name="No PDUs here", slug="no-pdus")
    page = client.get(URL).content.decode()
    assert '<option value="london">London</option>' in page
    assert "no-pdus" not in page


def test_filter_by_year_of_fieldwork(client, published_data):
    InspectionFactory(body__short_name="Later", fieldwork_start=date(2023, 5, 1))
    assert set(names(client.get(URL, {"year": "2022"}))) == LONDON_PDUS
    assert names(client.get(URL, {"year": "2023"})) == ["Later"]


def test_filter_by_programme(client, published_data):
    other = Programme.objects.create(
        slug="other", name="Other programme", rating_scheme=Programme.Scheme.FOUR_POINT
    )
    InspectionFactory(body__short_name="Other", programme=other)
    assert set(names(client.get(URL, {"programme": "pdu"}))) == LONDON_PDUS
    assert names(client.get(URL, {"programme": "other"})) == ["Other"]


def test_filters_combine(client, published_data):
    response = client.get(URL, {"region": "london", "year": "2022", "overall_rating": "inadequate"})
    assert set(names(response)) == LONDON_PDUS - {"Newham", "BDH"}


def test_filter_form_has_labels_apply_and_clear(client, published_data):
    page = client.get(URL, {"overall_rating": "good", "sort": "score"}).content.decode()
    assert '<form method="get" action="/pdus/"' in page
    for label in ("Region", "Overall rating", "Programme", "Year fieldwork started"):
        assert f">{label}</label>" in page
    assert "Apply filters" in page
    assert '<a class="govuk-link" href="/pdus/?sort=score">Clear filters</a>' in page
    assert '<input type="hidden" name="sort" value="score">' in page
    assert "No inspected PDUs match these filters." in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"region": "nowhere"}, "Select a region from the list"),
        ({"year": "abc"}, "Select a year from the list"),
        ({"year": "1999"}, "Select a year from the list"),
        ({"overall_rating": "not_inspected"}, "Select an overall rating from the list"),
        ({"programme": "nothing"}, "Select a programme from the list"),
    ],
)
def test_bad_filter_values_show_an_error_not_a_server_error(
    client, published_data, params, message
):
    response = client.get(URL, params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "There is a problem" in page
    assert message in page
    assert "<title>Error: PDUs" in page
    assert "govuk-select--error" in page
    # The table is empty rather than unfiltered, so nobody mistakes it for the filtered one.
    assert names(response) == []


def test_bad_page_number_shows_the_first_page(client, published_data):
    response = client.get(URL, {"page": "abc"})
    assert response.status_code == 200
    assert len(names(response)) == 6


# Pagination


def test_paginates_25_a_page(client, db):
    generate_dataset(inspections=30, records_each=1)
    first = client.get(URL)
    assert len(names(first)) == 25
    page = first.content.decode()
    assert "30 inspected PDUs" in page
    assert 'class="govuk-pagination"' in page
    assert 'href="?page=2" rel="next"' in page
    second = client.get(URL, {"page": 2})
    assert len(names(second)) == 5
    assert set(names(first)).isdisjoint(names(second))
    assert 'aria-current="page">2</a>' in second.content.decode()


def test_pagination_keeps_filters_and_sort(client, db):
    generate_dataset(inspections=30, records_each=1)
    page = client.get(URL, {"overall_rating": "inadequate", "sort": "pdu"}).content.decode()
    assert 'href="?overall_rating=inadequate&amp;sort=pdu&amp;page=2"' in page


def test_one_page_has_no_pagination(client, published_data):
    assert "govuk-pagination" not in client.get(URL).content.decode()


# CSV


def test_csv_has_plain_columns(client, published_data):
    table = csv_rows(client.get(URL, {"format": "csv"}))
    assert table[0] == [
        "PDU",
        "Region",
        "District",
        "Fieldwork started",
        "Fieldwork date precision",
        "Score",
        "Maximum score",
        "Overall rating",
        "Programme",
        "Inspection URL",
    ]
    assert table[1] == [
        "Newham PDU",
        "London",
        "",
        "2022-09-01",
        "month",
        "6",
        "24",
        "Requires improvement",
        "PDU inspection programme",
        "http://testserver/inspections/newham-2022/",
    ]
    assert len(table) == 7
    lambeth = next(row for row in table if row[0] == "Lambeth PDU")
    assert lambeth[2:5] == ["South and South East London", "2022-08-15", "day"]


def test_csv_keeps_filters_and_sort(client, published_data):
    table = csv_rows(client.get(URL, {"format": "csv", "overall_rating": "requires_improvement"}))
    assert [row[0] for row in table[1:]] == ["Newham PDU", "Barking, Dagenham and Havering PDU"]
    table = csv_rows(client.get(URL, {"format": "csv", "sort": "score"}))
    assert table[1][0].startswith("Hammersmith, Fulham")


def test_csv_holds_every_filtered_row_not_one_page(client, db):
    generate_dataset(inspections=30, records_each=1)
    assert len(csv_rows(client.get(URL, {"format": "csv", "page": "2"}))) == 31


def test_csv_with_a_bad_filter_has_only_the_header(client, published_data):
    assert len(csv_rows(client.get(URL, {"format": "csv", "region": "nowhere"}))) == 1


def test_csv_link_keeps_filters_and_sort(client, published_data):
    page = client.get(URL, {"overall_rating": "good", "sort": "score", "page": "1"})
    assert 'href="?overall_rating=good&amp;sort=score&amp;format=csv">Download as CSV' in (
        page.content.decode()
    )


# Query budget


@pytest.fixture(params=[5, 50])
def generated(request, db):
    return generate_dataset(inspections=request.param, records_each=1)


# The data's version (the page cache's key), year choices, count, page of rows, PDU and
# inspection count, region and programme options.
PAGE_QUERIES = 7


def test_page_query_count_does_not_grow(client, generated, django_assert_num_queries):
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(URL, {"sort": "overall_rating"}).status_code == 200


def test_filtered_page_query_count_does_not_grow(client, generated, django_assert_num_queries):
    params = {"region": generated[0].body.region.slug, "programme": generated[0].programme.slug}
    # Two more: the chosen region and programme are looked up to validate them.
    with django_assert_num_queries(PAGE_QUERIES + 2):
        response = client.get(URL, params)
    assert len(names(response)) == 1


def test_csv_query_count_does_not_grow(client, generated, django_assert_num_queries):
    # The data's version, year choices and every row.
    with django_assert_num_queries(3):
        assert client.get(URL, {"format": "csv"}).status_code == 200
