"""Plotly charts of ratings and key-question scores, built on the server as HTML fragments.

Each function returns a div and its figure as a JSON data block, which
static/js/charts.js draws: the page includes templates/includes/plotly.html. A data
block is never run, so the Content-Security-Policy can forbid inline script. Nothing
is fetched from outside. The caller passes `div_id`, so the output is the same on
every call.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal

import plotly.graph_objects as go
from django.utils.html import format_html, json_script

from .models import Rating

FONT = "Arial, sans-serif"
TEXT_COLOUR = "#0b0c0c"  # GOV.UK text colour
GRID_COLOUR = "#b1b4b6"  # GOV.UK border colour
# No mode bar: its buttons would sit inside the chart's role="img" wrapper (nested
# interactive controls), and its "share" button uploads the chart to an outside site.
CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}

# (background, text) per rating, as the .app-rating-tag--* rules in static/css/app.css,
# so a chart reads the same as the tags beside it. tests/ratings/test_charts.py checks
# the two stay in step.
RATING_COLOURS: dict[str, tuple[str, str]] = {
    Rating.OUTSTANDING: ("#005a30", "#ffffff"),
    Rating.GOOD: ("#cfe4dc", "#083d29"),
    Rating.REQUIRES_IMPROVEMENT: ("#fff7bf", "#594d00"),
    Rating.INADEQUATE: ("#aa2a16", "#ffffff"),
    Rating.NOT_INSPECTED: ("#eeeeee", "#383f43"),
}

# Series (PDUs, regions) on the key-question chart: GOV.UK blue, orange, purple,
# turquoise, pink, dark grey; each has at least 3:1 contrast with white.
SERIES_COLOURS = ("#1d70b8", "#f47738", "#4c2c92", "#28a197", "#d53880", "#505a5f")

# The lighter rating colours are close to white, so bars get a dark outline to keep
# their edges visible (WCAG asks 3:1 for graphics).
BAR_OUTLINE = {"color": TEXT_COLOUR, "width": 1}


def _rating(rating: str) -> Rating:
    """The Rating for a label ("Requires improvement") or a stored value."""
    for member in Rating:
        if rating in (member.label, member.value):
            return member
    raise ValueError(f"{rating!r} is not a rating.")


def _unique(labels: Sequence[str], what: str) -> None:
    # Plotly merges equal category labels into one bar, hiding data.
    if len(set(labels)) != len(labels):
        raise ValueError(f"Each {what} label must be unique.")


def figure_html(fig: go.Figure, div_id: str) -> str:
    """An empty div for the chart and, beside it, the figure (data, layout, CONFIG) in a
    <script type="application/json"> block named by the div's data-figure; json_script
    escapes <, > and &, so no label can end the block early."""
    if not div_id:
        raise ValueError("A chart needs a div_id.")
    # Through plotly's own encoder: it turns the figure's tuples and numbers into JSON.
    figure = {**json.loads(fig.to_json()), "config": CONFIG}
    figure_id = f"{div_id}-figure"
    return format_html(
        '<div id="{}" class="plotly-graph-div" data-figure="{}"></div>{}',
        div_id,
        figure_id,
        json_script(figure, figure_id),
    )


def _to_html(fig: go.Figure, div_id: str) -> str:
    fig.update_layout(
        # An explicit template keeps the output the same whatever plotly's global default.
        template="none",
        font={"family": FONT, "color": TEXT_COLOUR, "size": 14},
        title={"x": 0, "xref": "paper", "font": {"size": 19}},
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel={"font": {"family": FONT}},
    )
    fig.update_xaxes(automargin=True, gridcolor=GRID_COLOUR, linecolor=TEXT_COLOUR)
    fig.update_yaxes(automargin=True, gridcolor=GRID_COLOUR, linecolor=TEXT_COLOUR)
    return figure_html(fig, div_id)


def score_ranking_chart(
    rows: Sequence[tuple[str, int, int, str]], div_id: str, *, title: str = "Scores"
) -> str:
    """Horizontal bars of score as a share of the maximum, first row at the top.

    rows: (label, score, max_score, rating) sorted best first; rating is the overall
    rating's label or value and colours the bar. The bar length is score / max_score,
    since PDUs with standards not inspected have a lower maximum.
    """
    if not rows:
        raise ValueError("A score ranking needs at least one row.")
    labels = [row[0] for row in rows]
    _unique(labels, "row")
    shares, texts, backgrounds, text_colours = [], [], [], []
    for label, score, max_score, rating in rows:
        if max_score < 1 or not 0 <= score <= max_score:
            raise ValueError(f"{label}: a score of {score}/{max_score} is impossible.")
        member = _rating(rating)
        background, text_colour = RATING_COLOURS[member]
        shares.append(100 * score / max_score)
        texts.append(f"{score}/{max_score} {member.label}")
        backgrounds.append(background)
        text_colours.append(text_colour)
    fig = go.Figure(
        go.Bar(
            x=shares,
            y=labels,
            orientation="h",
            marker={"color": backgrounds, "line": BAR_OUTLINE},
            text=texts,
            # Inside the bar where it fits, in the tag's text colour; beside it otherwise.
            textposition="auto",
            insidetextanchor="start",
            insidetextfont={"color": text_colours},
            outsidetextfont={"color": TEXT_COLOUR},
            cliponaxis=False,
            hovertemplate="%{y}<br>%{text} (%{x:.0f}% of the maximum)<extra></extra>",
        )
    )
    # Plotly draws no text on a zero-length bar, so a score of 0 is written beside the axis.
    for label, share, text in zip(labels, shares, texts, strict=True):
        if share == 0:
            fig.add_annotation(x=0, y=label, text=text, xanchor="left", showarrow=False)
    fig.update_layout(
        title={"text": title},
        height=110 + 32 * len(rows),
        margin={"t": 50, "b": 50, "l": 10, "r": 20},
        showlegend=False,
    )
    fig.update_xaxes(title="Score as a share of the maximum", range=[0, 100], ticksuffix="%")
    fig.update_yaxes(autorange="reversed")  # rows come best first; the best goes on top
    return _to_html(fig, div_id)


def rating_distribution_chart(
    standards: Sequence[str],
    counts: Mapping[str, Sequence[int]],
    div_id: str,
    *,
    title: str = "Ratings by standard",
    unit: str = "PDUs",
) -> str:
    """Stacked horizontal bars: how many of each rating every standard received.

    standards: labels such as "1.1 Leadership", drawn in the order given, first at the top.
    counts: rating label (or value) -> counts aligned with `standards`. Segments stack
    from Outstanding to Not inspected whatever the mapping's order.
    """
    if not standards:
        raise ValueError("A rating distribution needs at least one standard.")
    if not counts:
        raise ValueError("A rating distribution needs counts for at least one rating.")
    _unique(standards, "standard")
    by_rating = {_rating(rating): list(values) for rating, values in counts.items()}
    for member, values in by_rating.items():
        if len(values) != len(standards):
            raise ValueError(
                f"{member.label}: {len(values)} counts for {len(standards)} standards."
            )
    fig = go.Figure()
    for member in Rating:  # the scale's order, best first
        if member not in by_rating:
            continue
        background, text_colour = RATING_COLOURS[member]
        values = by_rating[member]
        fig.add_trace(
            go.Bar(
                name=member.label,
                x=values,
                y=list(standards),
                orientation="h",
                marker={"color": background, "line": BAR_OUTLINE},
                text=[str(value) if value else "" for value in values],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": text_colour},
                hovertemplate=f"%{{y}}<br>{member.label}: %{{x}}<extra></extra>",
            )
        )
    totals = [sum(column) for column in zip(*by_rating.values(), strict=True)]
    fig.update_layout(
        title={"text": title},
        barmode="stack",
        height=150 + 32 * len(standards),
        margin={"t": 90, "b": 50, "l": 10, "r": 20},
        legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom", "traceorder": "normal"},
        # Numbers too small to fit a narrow segment are hidden rather than shrunk; hover has them.
        uniformtext={"minsize": 12, "mode": "hide"},
    )
    # Whole ticks: a count of 0.5 PDUs means nothing; plotly picks whole steps above 10.
    fig.update_xaxes(
        title=f"Number of {unit}", rangemode="tozero", dtick=1 if max(totals) <= 10 else None
    )
    fig.update_yaxes(autorange="reversed")
    return _to_html(fig, div_id)


def _number(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)


def key_question_chart(
    questions: Sequence[str],
    series: Sequence[
        tuple[str, Sequence[float | None], Sequence[float | None], Sequence[float | None]]
    ],
    div_id: str,
    *,
    title: str = "Key questions",
) -> str:
    """Grouped bars of the percentage 'yes' per key question, with 95% intervals.

    questions: short labels along the x-axis. series: (name, values, lows, highs), each
    list aligned with `questions`, in percent (ratings.statistics.estimate gives low
    and high). A None value leaves a gap; a None low or high draws no interval there.
    """
    if not questions:
        raise ValueError("A key-question chart needs at least one question.")
    if not series:
        raise ValueError("A key-question chart needs at least one series.")
    _unique(questions, "question")
    fig = go.Figure()
    for index, (name, values, lows, highs) in enumerate(series):
        if not len(values) == len(lows) == len(highs) == len(questions):
            raise ValueError(f"{name}: values, lows and highs must each match the questions.")
        values, lows, highs = ([_number(v) for v in seq] for seq in (values, lows, highs))
        above, below, hover = [], [], []
        for question, value, low, high in zip(questions, values, lows, highs, strict=True):
            known = value is not None and low is not None and high is not None
            # Plotly wants the interval as distances from the bar's top.
            above.append(high - value if known else None)
            below.append(value - low if known else None)
            if value is None:
                hover.append("")
            elif known:
                hover.append(
                    f"{name}<br>{question}: {value:g}%<br>95% interval {low:.0f}% to {high:.0f}%"
                )
            else:
                hover.append(f"{name}<br>{question}: {value:g}%<br>95% interval not known")
        fig.add_trace(
            go.Bar(
                name=name,
                x=list(questions),
                y=values,
                marker={"color": SERIES_COLOURS[index % len(SERIES_COLOURS)]},
                error_y={
                    # Otherwise a series with no intervals (no sample size) gets flat caps.
                    "visible": any(a is not None for a in above),
                    "type": "data",
                    "symmetric": False,
                    "array": above,
                    "arrayminus": below,
                    "color": TEXT_COLOUR,
                    "thickness": 1.5,
                    "width": 4,
                },
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_layout(
        title={"text": title},
        barmode="group",
        height=450,
        margin={"t": 90, "b": 50, "l": 10, "r": 20},
        showlegend=True,  # even for one series, so the chart says whose figures these are
        legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom"},
    )
    fig.update_xaxes(title="Key question", showgrid=False)
    fig.update_yaxes(title="Cases answered 'yes'", range=[0, 100], ticksuffix="%", dtick=20)
    return _to_html(fig, div_id)
