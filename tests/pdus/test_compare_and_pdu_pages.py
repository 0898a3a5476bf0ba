"""The compare page leads with what differs and downloads it; the PDU page starts with
every rating, says what its averages are over, and shows each recommendation's status."""

import io
import re

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from ratings.models import KeyQuestionScore
from recommendations.models import Recommendation, Tracking

SAFETY = "Does assessment focus sufficiently on keeping other people safe?"


def words(html: str) -> str:
    """The page's text, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def between(html: str, start: str, end: str) -> str:
    first = html.index(start)
    return html[first : html.index(end, first)]


def download(client, url) -> pd.DataFrame:
    response = client.get(url)
    assert response.status_code == 200
    return pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig", dtype=str)


# --- Compare ----------------------------------------------------------------------------


def test_compare_leads_with_what_differs(client, published_data):
    html = client.get("/compare/?region=london").content.decode()
    summary = words(between(html, 'id="differences-summary"', "</p>"))
    assert "rated differently on 6 of 9 standards and overall" in summary
    assert "on none of the 13 key questions more than one of them published" in summary
    assert html.index('id="differences"') < html.index('id="ratings"')
    # Differences the samples cannot tell apart are folded away, never listed as findings.
    assert "No difference" not in html
    assert "All 13 key questions, where the samples cannot tell the PDUs apart" in words(html)


def test_compare_names_a_difference_the_samples_can_tell_apart(client, published_data):
    KeyQuestionScore.objects.filter(
        inspection__body__slug="lewisham-and-bromley", key_question__text=SAFETY
    ).update(percent_yes=90)
    response = client.get("/compare/?pdu=lambeth&pdu=lewisham-and-bromley")
    comparison = response.context["comparison"]
    assert [row.text for row in comparison.told_apart_rows] == [SAFETY]
    assert SAFETY not in [row.text for row in comparison.other_key_question_rows]
    text = words(response.content.decode())
    compared = len(comparison.comparable_key_question_rows)
    assert f"the samples can tell them apart on 1 of the {compared} key questions" in text
    assert "Lambeth (12%) and Lewisham and Bromley (90%)" in text
    assert "Key questions the samples can tell apart" in text


def test_the_compare_download_says_which_pdus_can_be_told_apart(client, published_data):
    KeyQuestionScore.objects.filter(
        inspection__body__slug="lewisham-and-bromley", key_question__text=SAFETY
    ).update(percent_yes=90)
    frame = download(client, "/compare/?pdu=lambeth&pdu=lewisham-and-bromley&format=csv")
    apart = frame.set_index(["PDU", "Measure"])["Can be told apart from"].fillna("")
    assert apart["Lambeth PDU", SAFETY] == "Lewisham and Bromley PDU"
    assert apart["Lewisham and Bromley PDU", SAFETY] == "Lambeth PDU"
    others = frame[(frame["Measure"] != SAFETY)]["Can be told apart from"].fillna("")
    assert set(others) == {""}


def test_the_compare_download_carries_the_chosen_standards_findings(client, published_data):
    frame = download(client, "/compare/?pdu=lambeth&pdu=newham&standard=2.2&format=csv")
    findings = frame[frame["Measure"].isin(["Strength", "Area for improvement"])]
    assert len(findings) == 4
    assert set(findings["PDU"]) == {"Lambeth PDU"}
    assert set(findings["Standard"]) == {"2.2 Assessment"}
    assert findings["Source"].str.contains(r"/findings/\d+/$").all()
    without = download(client, "/compare/?pdu=lambeth&pdu=newham&format=csv")
    assert not without["Measure"].isin(["Strength", "Area for improvement"]).any()


def test_compare_links_to_each_standards_findings_side_by_side(client, published_data):
    html = client.get("/compare/?pdu=lambeth&pdu=newham&standard=2.2&format=").content.decode()
    assert 'href="?pdu=lambeth&amp;pdu=newham&amp;standard=1.2#findings"' in html
    # The standard shown is named, not linked.
    assert "standard=2.2#findings" not in html


def test_compare_puts_the_ratings_in_a_labelled_scroll_region_with_a_hint(client, published_data):
    html = client.get("/compare/?region=london").content.decode()
    region = between(html, 'aria-label="Ratings side by side"', ">")
    assert 'tabindex="0"' in region and 'aria-describedby="ratings-scroll-hint"' in region
    assert 'id="ratings-scroll-hint"' in html


# --- PDU page ---------------------------------------------------------------------------


def test_pdu_page_starts_with_every_standards_rating_linked_to_its_section(client, published_data):
    response = client.get("/pdus/lambeth/")
    html = response.content.decode()
    summary = between(html, 'id="ratings-summary"', "</dl>")
    assert "Overall rating" in summary and "score 3/24" in summary
    standards = [s for s in response.context["sections"] if s.result]
    assert len(standards) == 10  # 1.1 to 2.6
    for section in standards:
        assert f'href="#{section.anchor}"' in summary
        assert f'id="{section.anchor}"' in html
    assert "Not rated: reported for information only" in summary
    # The ratings come first; the profile and context figures on a page of their own.
    assert html.index('id="ratings-summary"') < html.index('id="ratings"')
    assert html.index('id="ratings"') < html.index('href="/pdus/lambeth/profile/"')
    assert 'id="context-figures"' not in html


def test_a_pdus_profile_page_holds_its_area_services_and_context_figures(client, published_data):
    response = client.get("/pdus/lewisham-and-bromley/profile/")
    html = response.content.decode()
    assert "Profile and context figures" in html
    assert "Commissioned rehabilitative services" in html and "Forward Trust" in html
    figures = list(response.context["figures"])
    assert figures
    # Each figure as published, with its source document and section beside it.
    row = between(html, 'id="context-figures"', "</table>")
    for figure in figures:
        assert escape(figure.label) in row
        assert escape(f"{figure.source_document.title}, {figure.source_section}") in row
    assert 'href="/pdus/lewisham-and-bromley/"' in html
    assert client.get("/pdus/london-crc/profile/").status_code == 404
    assert client.get("/pdus/no-such-pdu/profile/").status_code == 404


def test_pdu_page_says_how_many_pdus_its_average_is_over(client, published_data):
    response = client.get("/pdus/lambeth/")
    assert "Average of 1 other London PDU" in response.context["key_question_chart"]
    text = words(response.content.decode())
    assert "the average of 1 other London PDU inspected under the same standards" in text
    assert "(Lewisham and Bromley)" in text
    assert "1 other London PDUs" not in text and "of 1 PDUs" not in text


def test_pdu_page_explains_why_outcomes_are_not_rated(client, published_data):
    response = client.get("/pdus/lambeth/")
    outcomes = next(s for s in response.context["sections"] if s.name == "2.6 Outcomes")
    assert not outcomes.result.standard.is_rated
    text = words(response.content.decode())
    assert "does not rate it: its reports give these figures “for information and" in text


def test_pdu_page_shows_each_recommendations_status(client, published_data):
    first = Recommendation.objects.filter(inspection__body__slug="lambeth").first()
    Tracking.objects.create(recommendation=first, reported_status="implemented")
    html = client.get("/pdus/lambeth/").content.decode()
    recommendations = between(html, 'id="recommendations"', 'id="history"')
    assert '<strong class="govuk-tag govuk-tag--green">Implemented</strong>' in recommendations
    assert "No update yet" in recommendations
    assert ">Progress<" not in recommendations


def test_recommendation_statuses_cost_no_query_each(client, published_data):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/pdus/lambeth/").status_code == 200
        return len(context.captured_queries)

    before = queries()
    Tracking.objects.bulk_create(
        Tracking(recommendation=r, reported_status="in_progress")
        for r in Recommendation.objects.filter(inspection__body__slug="lambeth")
    )
    assert queries() == before


@pytest.mark.parametrize("slug", ["newham", "hfkcw"])
def test_pdu_page_of_an_annex_only_pdu_still_starts_with_its_ratings(client, published_data, slug):
    html = client.get(f"/pdus/{slug}/").content.decode()
    assert 'id="ratings-summary"' in html
