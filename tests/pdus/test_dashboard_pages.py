"""The dashboard pages answer the questions inspectorate staff ask, from the real data."""

import io

import pandas as pd
import pytest

from inspections.web.exports import download_filename
from pdus import dashboard
from pdus.standing import standing
from ratings.models import Programme


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


# --- A region's overview ---------------------------------------------------------------

LONDON = "/regions/london/"


def test_overview_ranks_newham_highest(client, published_data):
    context = client.get(LONDON).context
    ranking = [(r.body.short_name, r.inspection.score_display) for r in context["ranking"]]
    assert ranking[0] == ("Newham", "6/24")
    assert ranking[-1] == ("HFKCW", "0/27")
    assert [name for name, _ in ranking] == [
        "Newham",
        "Barking, Dagenham and Havering",
        "Lewisham and Bromley",
        "Lambeth",
        "Ealing and Hillingdon",
        "HFKCW",
    ]


def test_overview_heatmap_links_each_rating_to_the_pdus_standard(client, published_data):
    html = page(client, LONDON)
    assert 'href="/pdus/lambeth/#standard-2-2-assessment"' in html
    assert 'href="/pdus/newham/#standard-1-2-staff"' in html
    assert "Ratings by PDU and standard" in html


def test_overview_counts_and_distribution(client, published_data):
    context = client.get(LONDON).context
    assert context["counts"]["pdus"] == 6
    assert context["counts"]["recommendations"] == 88  # every London body's, the CRC's too
    distribution = {str(s): {r.label: n for r, n in row} for s, row, _ in context["distribution"]}
    assert distribution["1.2 Staff"] == {
        "Outstanding": 0,
        "Good": 1,
        "Requires improvement": 2,
        "Inadequate": 3,
        "Not inspected": 0,
    }
    assert distribution["2.2 Assessment"]["Inadequate"] == 6


def test_overview_keeps_other_programmes_out_of_the_rating_columns(client, published_data):
    context = client.get(LONDON).context
    assert "London CRC" not in [r.body.short_name for r in context["results"]]
    assert sorted(i.slug for i in context["other_inspections"]) == [
        "london-crc-2018",
        "london-crc-north-london-2016",
    ]
    assert "would compare unlike things" in page(client, LONDON)


def test_overview_of_an_unknown_region_is_404(client, published_data):
    page(client, "/regions/atlantis/", status=404)


def test_overview_without_data_says_so(client, db):
    assert "No PDU inspections have been published" in page(client, "/")


# --- PDU page ---------------------------------------------------------------------------


def test_pdu_page_explains_lambeths_assessment_rating(client, published_data):
    context = client.get("/pdus/lambeth/").context
    section = next(s for s in context["sections"] if s.name == "2.2 Assessment")
    why = section.result.explanation
    assert why.key_question == "Does assessment focus sufficiently on keeping other people safe?"
    assert str(why.percent_yes) == "12.0"
    assert why.band_description == "below 50%" and why.follows_rule
    assert len(section.improvements) == 4
    html = page(client, "/pdus/lambeth/")
    assert "below 50%" in html and "95% interval" in html


def test_pdu_page_compares_key_questions_with_the_rest_of_the_region(client, published_data):
    context = client.get("/pdus/lambeth/").context
    section = next(s for s in context["sections"] if s.name == "2.2 Assessment")
    kq = section.result.key_questions[2]
    assert kq.text == "Does assessment focus sufficiently on keeping other people safe?"
    # Lewisham and Bromley is the only other PDU with this table.
    assert context["standing"].region_averages()[kq.text] == (21, 1)
    assert 5 < kq.estimate.low < 6 and 25 < kq.estimate.high < 26  # Wilson, 42 cases


def test_pdu_page_records_overrides_and_notes(client, published_data):
    html = page(client, "/pdus/lewisham-and-bromley/")
    assert "Inspectors departed from the usual rule" in html
    assert "Data-quality notes" in html


def test_pdu_page_for_an_annex_only_pdu(client, published_data):
    html = page(client, "/pdus/newham/")
    assert "Key-question percentages are not in the sources" in html
    assert "The source numbers this standard 2.1." in html


def test_pdu_page_of_a_body_that_is_not_a_pdu_is_404(client, published_data):
    page(client, "/pdus/london-crc/", status=404)
    page(client, "/pdus/no-such-pdu/", status=404)


# --- Compare ----------------------------------------------------------------------------


def test_compare_two_pdus_marks_differences(client, published_data):
    context = client.get("/compare/?pdu=lambeth&pdu=newham&standard=2.2").context
    comparison = context["comparison"]
    assert [r.body.short_name for r in comparison.results] == ["Lambeth", "Newham"]
    differs = {str(row.standard): row.differs for row in comparison.rows}
    assert differs["1.2 Staff"] is True  # Inadequate against Good
    assert differs["2.2 Assessment"] is False
    assert comparison.overall_differs
    assert [len(findings) for _, findings in comparison.findings] == [4, 0]


def test_compare_a_region_tells_apart_only_what_the_samples_can(client, published_data):
    comparison = client.get("/compare/?region=london").context["comparison"]
    assert len(comparison.results) == 6
    rows = {row.text: row for row in comparison.key_question_rows}
    engaging = rows["Does planning focus sufficiently on engaging the person on probation?"]
    assert engaging.has_differences and engaging.told_apart == []  # 40% and 38% of 42 cases
    desistance = rows[
        "Does the implementation and delivery of services effectively support desistance?"
    ]
    assert desistance.told_apart == []  # 26% and 26%
    safety = rows["Does reviewing focus sufficiently on keeping other people safe?"]
    assert not safety.told_apart  # 14% and 24% overlap at 42 cases


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("pdu=lambeth", "Choose at least 2 PDUs to compare"),
        ("pdu=nowhere&pdu=lambeth", "nowhere is not an inspected PDU"),
        ("pdu=london-crc&pdu=lambeth", "london-crc is not an inspected PDU"),
        (
            "pdu=lambeth&pdu=newham&pdu=hfkcw&pdu=ealing-and-hillingdon&pdu=lewisham-and-bromley"
            "&pdu=barking-dagenham-and-havering&pdu=lambeth-x",
            "is not an inspected PDU",
        ),
        ("pdu=lambeth&pdu=newham&standard=9.9", "Choose a standard from the list"),
        ("region=atlantis", "Choose a region from the list"),
        ("region=london&pdu=lambeth", "Choose PDUs or a region, not both"),
        ("pdu=%00&pdu=lambeth", "Null characters are not allowed"),
    ],
)
def test_compare_refuses_bad_choices_with_a_message(client, published_data, query, message):
    html = page(client, f"/compare/?{query}", status=400)
    assert "There is a problem" in html
    assert message in html


def test_compare_refuses_more_than_six(client, published_data):
    from tests.factories import multiply_published_data

    multiply_published_data(2)
    slugs = ["lambeth", "newham", "hfkcw", "ealing-and-hillingdon", "lewisham-and-bromley",
             "barking-dagenham-and-havering", "lambeth-copy-1"]  # fmt: skip
    query = "&".join(f"pdu={slug}" for slug in slugs)
    html = page(client, f"/compare/?{query}", status=400)
    assert "Choose no more than 6 PDUs; you chose 7" in html


def test_compare_without_a_choice_shows_the_form(client, published_data):
    html = page(client, "/compare/")
    assert "Choose what to compare" in html and "There is a problem" not in html


def test_compare_downloads_csv_and_excel(client, published_data):
    response = client.get("/compare/?pdu=lambeth&pdu=newham&format=csv")
    assert response["Content-Disposition"] == (
        f'attachment; filename="{download_filename("compare-lambeth-newham", "csv")}"'
    )
    frame = pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig")
    lambeth_safety = frame[
        (frame["PDU"] == "Lambeth PDU")
        & (frame["Measure"] == "Does assessment focus sufficiently on keeping other people safe?")
    ]
    assert lambeth_safety["Value"].tolist() == ["12.0"] or lambeth_safety["Value"].tolist() == [
        12.0
    ]
    assert set(frame["PDU"]) == {"Lambeth PDU", "Newham PDU"}
    excel = client.get("/compare/?pdu=lambeth&pdu=newham&format=xlsx")
    assert excel["Content-Disposition"] == (
        f'attachment; filename="{download_filename("compare-lambeth-newham", "xlsx")}"'
    )
    sheet = pd.read_excel(io.BytesIO(excel.content))
    assert len(sheet) == len(frame)


def test_compare_refuses_an_unknown_format(client, published_data):
    assert client.get("/compare/?pdu=lambeth&pdu=newham&format=pdf").status_code == 400


# --- Standard and finding pages ---------------------------------------------------------


def test_standard_page_lists_every_pdu_and_its_findings(client, published_data):
    context = client.get("/standards/pdu/2-2-assessment/").context
    assert len(context["results"]) == 6
    assert {r.rating.rating for _, r in context["results"]} == {"inadequate"}
    assert context["findings"].count() == 4 + 5  # Lambeth 4, Lewisham and Bromley 5


def test_quality_impact_domain_page_shows_judgements_not_ratings(client, published_data):
    html = page(client, "/standards/quality-impact/protecting-the-public/")
    assert "judged this domain in prose" in html
    assert "The quality of public protection work was variable" in html


def test_unknown_standard_is_404(client, published_data):
    page(client, "/standards/pdu/9-9-nothing/", status=404)
    page(client, "/standards/nowhere/2-2-assessment/", status=404)


def test_finding_page_gives_a_citation(client, published_data):
    from inspections.models import Finding

    finding = Finding.objects.get(
        inspection__slug="lambeth-pdu-2022",
        text__startswith="Domestic abuse and child safeguarding enquiries",
    )
    html = page(client, finding.get_absolute_url())
    assert finding.text in html
    assert "000_dc3a9006563f0344.txt" in html
    assert "Cite this finding" in html
    # The same citation as the API and the downloads give, with its line in the file.
    line = f"line {finding.source_line} of 000_dc3a9006563f0344.txt"
    assert line in html
    assert 'href="/standards/pdu/2-2-assessment/"' in html


def test_finding_of_a_draft_is_404(client, published_data):
    from inspections.models import Finding, Inspection

    finding = Finding.objects.filter(inspection__slug="lambeth-pdu-2022").first()
    Inspection.objects.filter(slug="lambeth-pdu-2022").update(is_published=False)
    page(client, finding.get_absolute_url(), status=404)


# --- Domain functions -------------------------------------------------------------------


def test_region_averages_leave_out_the_pdu_itself(published_data):
    programme = Programme.objects.get(slug="pdu")
    standards = dashboard.rated_standards(programme)
    results = dashboard.latest_results(dashboard.rated_inspections(), standards)
    text = "Does assessment focus sufficiently on keeping other people safe?"
    for slug, other in (("lambeth", 21), ("lewisham-and-bromley", 12)):
        result = next(r for r in results if r.body.slug == slug)
        assert standing(result).region_averages()[text] == (other, 1)


def test_the_ratings_spread_says_how_many_ratings_are_not_in_the_sources(client, published_data):
    """A PDU whose rating of a standard the sources lack is counted, not dropped unsaid."""
    from ratings.models import StandardRating

    StandardRating.objects.filter(
        inspection__slug="lambeth-pdu-2022", standard__code="1.2"
    ).delete()
    response = client.get("/regions/london/")
    rows = {str(standard): unrated for standard, _, unrated in response.context["distribution"]}
    results = response.context["results"]
    for standard in response.context["standards"]:
        missing = sum(r.result_for(standard).rating is None for r in results)
        assert rows[str(standard)] == missing
    assert rows["1.2 Staff"] >= 1
    total = sum(rows.values())
    page = response.content.decode()
    assert "Not in sources</th>" in page
    assert f"{total} time{'s' if total != 1 else ''} a PDU's rating of a standard" in page
