"""Plotly chart fragments: self-contained, stable, and drawn in the rating tags' colours."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from ratings import charts
from ratings.models import Rating
from ratings.statistics import estimate

APP_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"

RANKING = [
    ("North Yorkshire", 22, 24, "Outstanding"),
    ("Hull", 13, 21, "Good"),
    ("Leeds", 6, 24, "Requires improvement"),
    ("Bradford", 0, 24, "Inadequate"),
]
STANDARDS = ["1.1 Leadership", "1.2 Staffing", "2.6 Reviewing"]
COUNTS = {
    "Not inspected": [0, 0, 12],
    "Good": [5, 3, 0],
    "Outstanding": [1, 0, 0],
    "Inadequate": [2, 4, 0],
    "Requires improvement": [4, 5, 0],
}
QUESTIONS = ["Engaging", "Diversity", "Risk of harm"]


def plot_args(html, div_id):
    """The data, layout and config that static/js/charts.js hands to Plotly.newPlot: the
    JSON data block the chart's div names."""
    figure_id = re.search(rf'<div id="{div_id}" [^>]*data-figure="([^"]+)"', html).group(1)
    block = re.search(
        rf'<script id="{figure_id}" type="application/json">(.*?)</script>', html, re.DOTALL
    ).group(1)
    figure = json.loads(block)
    return figure["data"], figure["layout"], figure["config"]


def series_for(name, values, n=42):
    estimates = [None if value is None else estimate(value, n) for value in values]
    lows = [e and e.low for e in estimates]
    highs = [e and e.high for e in estimates]
    return (name, values, lows, highs)


@pytest.fixture
def ranking_html():
    return charts.score_ranking_chart(RANKING, "score-ranking")


@pytest.fixture
def distribution_html():
    return charts.rating_distribution_chart(STANDARDS, COUNTS, "rating-distribution")


@pytest.fixture
def key_question_html():
    series = [
        series_for("Leeds", [88, Decimal("61.9"), None]),
        series_for("Bradford", [70, 50, 12]),
    ]
    return charts.key_question_chart(QUESTIONS, series, "key-questions")


@pytest.fixture(params=["ranking_html", "distribution_html", "key_question_html"])
def any_chart(request):
    return request.getfixturevalue(request.param)


# All charts


def test_charts_draw_into_the_given_div(any_chart):
    assert re.search(r'<div id="[a-z-]+" class="plotly-graph-div"', any_chart)


def test_charts_fetch_nothing_from_outside(any_chart):
    assert "cdn" not in any_chart.lower()
    assert "<script src" not in any_chart
    assert "http" not in any_chart


def test_charts_carry_data_but_no_script_to_run(any_chart):
    # A JSON data block is never run, so the Content-Security-Policy can forbid inline script.
    assert re.findall(r"<script\b[^>]*>", any_chart) == [
        re.search(r'<script id="[a-z-]+-figure" type="application/json">', any_chart).group()
    ]
    assert "newPlot" not in any_chart


def test_charts_are_the_same_on_every_call():
    assert charts.score_ranking_chart(RANKING, "a") == charts.score_ranking_chart(RANKING, "a")
    series = [series_for("Leeds", [88, 62, 45])]
    assert charts.key_question_chart(QUESTIONS, series, "b") == charts.key_question_chart(
        QUESTIONS, series, "b"
    )


def test_charts_use_the_site_font_and_config(ranking_html):
    _, layout, config = plot_args(ranking_html, "score-ranking")
    assert layout["font"]["family"] == "Arial, sans-serif"
    # No mode bar: no buttons inside the role="img" wrapper, no upload to an outside site.
    assert config == {"displaylogo": False, "responsive": True, "displayModeBar": False}


def test_chart_colours_match_the_rating_tags_in_app_css():
    css = APP_CSS.read_text()
    for rating, (background, text) in charts.RATING_COLOURS.items():
        rule = re.search(rf"\.app-rating-tag--{rating.value}\s*\{{([^}}]*)\}}", css).group(1)
        assert re.search(rf"(?<!-)color:\s*{text};", rule), rating
        assert re.search(rf"background-color:\s*{background};", rule), rating


def test_labels_cannot_break_out_of_the_data_block():
    label = "</script><script>alert(1)"
    html = charts.score_ranking_chart([(label, 1, 3, "Good")], "x")
    assert label not in html
    data, _, _ = plot_args(html, "x")
    assert data[0]["y"] == [label]  # escaped, not altered


def test_charts_put_their_title_in_the_html_where_it_can_wrap(any_chart):
    div_id = re.search(r'<div id="([a-z-]+)" class="plotly-graph-div"', any_chart).group(1)
    _, layout, _ = plot_args(any_chart, div_id)
    assert "title" not in layout  # plotly's title would not wrap on a narrow screen
    assert re.search(rf'<p class="govuk-body app-chart__title" id="{div_id}-title">\w', any_chart)


def test_chart_titles_are_escaped():
    html = charts.score_ranking_chart(RANKING, "x", title="Ranks <b>& scores</b>")
    assert "Ranks &lt;b&gt;&amp; scores&lt;/b&gt;</p>" in html


def test_charts_say_they_need_javascript_where_they_would_be(any_chart):
    # Shown only without JavaScript (static/css/app.css), as the table stands in.
    assert re.search(
        r'class="plotly-graph-div"[^>]*></div><p class="govuk-body app-chart__no-js">'
        r"This chart needs JavaScript to show; every figure in it is also in a table below.</p>",
        any_chart,
    )


def test_charts_put_the_legend_in_a_row_above_the_plot(any_chart):
    div_id = re.search(r'<div id="([a-z-]+)" class="plotly-graph-div"', any_chart).group(1)
    _, layout, _ = plot_args(any_chart, div_id)
    assert layout["showlegend"] is True
    assert layout["legend"]["orientation"] == "h"
    assert (layout["legend"]["y"], layout["legend"]["yanchor"]) == (1, "bottom")


def test_long_category_labels_wrap_but_the_data_keeps_them():
    standards = ["2.4 Implementation and delivery", "1.1 Leadership"]
    html = charts.rating_distribution_chart(standards, {"Good": [1, 2]}, "x")
    (trace,), layout, _ = plot_args(html, "x")
    assert trace["y"] == standards
    assert layout["yaxis"]["tickvals"] == standards
    assert layout["yaxis"]["ticktext"] == ["2.4 Implementation and<br>delivery", "1.1 Leadership"]


def test_a_chart_needs_a_div_id():
    with pytest.raises(ValueError, match="div_id"):
        charts.score_ranking_chart(RANKING, "")


# Score ranking


def test_score_ranking_puts_the_first_row_on_top(ranking_html):
    data, layout, _ = plot_args(ranking_html, "score-ranking")
    assert all(bar["orientation"] == "h" for bar in data)
    assert layout["yaxis"]["categoryorder"] == "array"
    assert layout["yaxis"]["categoryarray"] == ["North Yorkshire", "Hull", "Leeds", "Bradford"]
    assert layout["yaxis"]["autorange"] == "reversed"


def test_score_ranking_draws_a_series_for_each_rating_in_the_scales_order(ranking_html):
    data, layout, _ = plot_args(ranking_html, "score-ranking")
    assert [bar["name"] for bar in data] == [
        "Outstanding",
        "Good",
        "Requires improvement",
        "Inadequate",
    ]
    assert [bar["y"] for bar in data] == [["North Yorkshire"], ["Hull"], ["Leeds"], ["Bradford"]]
    assert layout["showlegend"] is True  # the legend names each colour and pattern


def test_score_ranking_bars_are_score_over_maximum(ranking_html):
    data, layout, _ = plot_args(ranking_html, "score-ranking")
    assert [bar["x"][0] for bar in data] == pytest.approx([100 * 22 / 24, 100 * 13 / 21, 25, 0])
    assert layout["xaxis"]["range"] == [0, 100]
    assert layout["xaxis"]["title"]["text"]


def test_score_ranking_writes_the_score_on_the_bar(ranking_html):
    data, _, _ = plot_args(ranking_html, "score-ranking")
    assert data[2]["text"] == ["6/24"]
    assert "Requires improvement" in data[2]["hovertemplate"]


def test_score_ranking_colours_bars_by_rating(ranking_html):
    data, _, _ = plot_args(ranking_html, "score-ranking")
    assert [bar["marker"]["color"] for bar in data] == ["#005a30", "#cfe4dc", "#fff7bf", "#aa2a16"]


def test_score_ranking_writes_the_score_beside_the_bar_unshrunk(ranking_html):
    data, layout, _ = plot_args(ranking_html, "score-ranking")
    for bar in data:
        assert (bar["textposition"], bar["constraintext"]) == ("outside", "none")
        assert bar["textfont"]["color"] == charts.TEXT_COLOUR
    assert layout["margin"]["r"] >= 40  # room for "24/24" beside a full bar


def test_score_ranking_writes_a_zero_score_beside_the_axis(ranking_html):
    _, layout, _ = plot_args(ranking_html, "score-ranking")
    assert [a["text"] for a in layout["annotations"]] == ["0/24 Inadequate"]
    data, _, _ = plot_args(ranking_html, "score-ranking")
    assert data[3]["text"] == [""]  # not written twice


def test_score_ranking_takes_stored_rating_values():
    html = charts.score_ranking_chart([("Leeds", 6, 24, Rating.REQUIRES_IMPROVEMENT)], "x")
    (bar,), _, _ = plot_args(html, "x")
    assert bar["name"] == "Requires improvement"
    assert bar["text"] == ["6/24"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "at least one row"),
        ([("Leeds", 6, 24, "Fair")], "not a rating"),
        ([("Leeds", 25, 24, "Good")], "impossible"),
        ([("Leeds", 0, 0, "Good")], "impossible"),
        ([("Leeds", 6, 24, "Good"), ("Leeds", 7, 24, "Good")], "unique"),
    ],
)
def test_score_ranking_refuses_bad_rows(rows, message):
    with pytest.raises(ValueError, match=message):
        charts.score_ranking_chart(rows, "x")


# Rating distribution


def test_rating_distribution_stacks_one_bar_per_standard_in_order(distribution_html):
    data, layout, _ = plot_args(distribution_html, "rating-distribution")
    assert layout["barmode"] == "stack"
    assert layout["yaxis"]["autorange"] == "reversed"
    assert all(trace["y"] == STANDARDS and trace["orientation"] == "h" for trace in data)


def test_rating_distribution_follows_the_scale_not_the_mapping(distribution_html):
    data, _, _ = plot_args(distribution_html, "rating-distribution")
    assert [trace["name"] for trace in data] == [rating.label for rating in Rating]
    assert data[0]["x"] == [1, 0, 0]


def test_rating_distribution_uses_the_tag_colours(distribution_html):
    data, _, _ = plot_args(distribution_html, "rating-distribution")
    by_name = {trace["name"]: trace for trace in data}
    assert by_name["Inadequate"]["marker"]["color"] == "#aa2a16"
    assert by_name["Not inspected"]["marker"]["color"] == "#eeeeee"
    assert by_name["Good"]["textfont"]["color"] == "#083d29"


def test_rating_distribution_writes_counts_but_not_zeros(distribution_html):
    data, _, _ = plot_args(distribution_html, "rating-distribution")
    assert data[0]["text"] == ["1", "", ""]


def test_rating_distribution_leaves_out_ratings_not_given():
    html = charts.rating_distribution_chart(["1.1 Leadership"], {"Good": [3]}, "x")
    data, _, _ = plot_args(html, "x")
    assert [trace["name"] for trace in data] == ["Good"]


@pytest.mark.parametrize(
    ("standards", "counts", "message"),
    [
        ([], COUNTS, "at least one standard"),
        (STANDARDS, {}, "at least one rating"),
        (STANDARDS, {"Good": [1, 2]}, "2 counts for 3 standards"),
        (STANDARDS, {"Fair": [1, 2, 3]}, "not a rating"),
        (["1.1 Leadership", "1.1 Leadership"], {"Good": [1, 2]}, "unique"),
    ],
)
def test_rating_distribution_refuses_bad_input(standards, counts, message):
    with pytest.raises(ValueError, match=message):
        charts.rating_distribution_chart(standards, counts, "x")


# Key questions


def test_key_question_chart_groups_one_series_per_trace(key_question_html):
    data, layout, _ = plot_args(key_question_html, "key-questions")
    assert layout["barmode"] == "group"
    assert [trace["name"] for trace in data] == ["Leeds", "Bradford"]
    assert all(trace["x"] == QUESTIONS for trace in data)
    assert data[0]["y"] == [88, 61.9, None]


def test_key_question_chart_draws_95_percent_intervals(key_question_html):
    data, _, _ = plot_args(key_question_html, "key-questions")
    leeds = estimate(88, 42)
    error = data[0]["error_y"]
    assert error["type"] == "data"
    assert error["symmetric"] is False
    assert error["visible"] is True
    assert error["array"][0] == pytest.approx(leeds.high - 88)
    assert error["arrayminus"][0] == pytest.approx(88 - leeds.low)


def test_key_question_chart_leaves_gaps_for_missing_values(key_question_html):
    data, _, _ = plot_args(key_question_html, "key-questions")
    assert data[0]["y"][2] is None
    assert data[0]["error_y"]["array"][2] is None
    assert data[0]["hovertext"][2] == ""


def test_key_question_chart_hover_gives_value_and_interval(key_question_html):
    data, _, _ = plot_args(key_question_html, "key-questions")
    assert data[1]["hovertext"][2] == "Bradford<br>Risk of harm: 12%<br>95% interval 5% to 25%"


def test_key_question_chart_hides_intervals_a_series_does_not_have():
    html = charts.key_question_chart(["Engaging"], [("England", [80], [None], [None])], "x")
    (trace,), _, _ = plot_args(html, "x")
    assert trace["error_y"]["visible"] is False
    assert trace["hovertext"] == ["England<br>Engaging: 80%<br>95% interval not known"]


def test_key_question_chart_runs_from_0_to_100_percent(key_question_html):
    _, layout, _ = plot_args(key_question_html, "key-questions")
    assert layout["yaxis"]["range"] == [0, 100]
    assert layout["yaxis"]["ticksuffix"] == "%"
    assert layout["showlegend"] is True


@pytest.mark.parametrize(
    ("questions", "series", "message"),
    [
        ([], [("Leeds", [], [], [])], "at least one question"),
        (QUESTIONS, [], "at least one series"),
        (QUESTIONS, [("Leeds", [1, 2], [0, 1], [2, 3])], "must each match"),
        (["Engaging", "Engaging"], [("Leeds", [1, 2], [0, 1], [2, 3])], "unique"),
    ],
)
def test_key_question_chart_refuses_bad_input(questions, series, message):
    with pytest.raises(ValueError, match=message):
        charts.key_question_chart(questions, series, "x")
