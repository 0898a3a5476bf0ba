"""Plotly charts of ratings and key-question scores, built on the server as HTML fragments.

Each function returns a div and its figure as a JSON data block, which
static/js/charts.js draws: the page includes templates/includes/plotly.html. A data
block is never run, so the Content-Security-Policy can forbid inline script. Nothing
is fetched from outside. The caller passes `div_id`, so the output is the same on
every call.

Figures are plain dicts and lists in plotly.js's schema (a figure is {"data": [traces],
"layout": {...}}), serialised with the json module: plotly's Python objects validated
every property on every request, and re-validated every note on the ranking chart each
time one was added, which made most of a page's time (issue 15; bench/charts.py). So
nothing here checks property names: tests/ratings/test_chart_figures.py runs every
figure through plotly's own validator, and checks the JSON is what plotly emitted.
"""

from __future__ import annotations

import functools
import json
import math
import textwrap
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import mark_safe

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

# Series (PDUs, averages) on the key-question chart: Okabe and Ito's colour-blind-safe
# palette (blue, orange, bluish green, vermillion, reddish purple, sky blue; its yellow and
# black left out). Any two stay apart under simulated protanopia, deuteranopia and
# tritanopia (tests/ratings/test_charts_colour_vision.py); in greyscale several are alike,
# so each series also has its own fill pattern.
SERIES_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9")
SERIES_PATTERNS = ("", "/", ".", "x", "\\", "-")

# The rating colours are the tags' (GOV.UK), and some pairs look alike to colour-blind
# readers (Outstanding and Inadequate under protanopia; Good and Not inspected under
# deuteranopia), so each rating has a pattern too, shown in the legend.
RATING_PATTERNS: dict[str, str] = {
    Rating.OUTSTANDING: "",
    Rating.GOOD: "/",
    Rating.REQUIRES_IMPROVEMENT: ".",
    Rating.INADEQUATE: "x",
    Rating.NOT_INSPECTED: "-",
}

# Some bar colours are light (the lighter ratings, orange, sky blue), so every bar gets a
# dark outline to keep its edges visible (WCAG 1.4.11 asks 3:1 for graphics).
BAR_OUTLINE = {"color": TEXT_COLOUR, "width": 1}

# Category labels longer than this wrap onto more lines, so the axis leaves room for
# the bars on a narrow screen.
LABEL_WIDTH = 22

NO_SCRIPT_NOTE = "This chart needs JavaScript to show; every figure in it is also in a table below."

# A figure: {"data": [trace, ...], "layout": {...}}, each trace and the layout as plotly.js
# takes them.
Figure = dict[str, Any]

# What plotly wrote for template="none" (no theme), so the layout is the same as ever.
NO_TEMPLATE = {"data": {"scatter": [{"type": "scatter"}]}}


# Each rating by its label and by its stored value, looked up once a row.
_RATINGS = {name: member for member in Rating for name in (member.label, member.value)}


def _rating(rating: str) -> Rating:
    """The Rating for a label ("Requires improvement") or a stored value."""
    try:
        return _RATINGS[rating]
    except (KeyError, TypeError):
        raise ValueError(f"{rating!r} is not a rating.") from None


def _unique(labels: Sequence[str], what: str) -> None:
    # Plotly merges equal category labels into one bar, hiding data.
    if len(set(labels)) != len(labels):
        raise ValueError(f"Each {what} label must be unique.")


def _relative_luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ink(background: str) -> str:
    """White or the text colour, whichever stands out more on `background` (a #rrggbb)."""
    luminance = _relative_luminance(background)
    on_white = 1.05 / (luminance + 0.05)
    on_text = (luminance + 0.05) / (_relative_luminance(TEXT_COLOUR) + 0.05)
    return "#ffffff" if on_white >= on_text else TEXT_COLOUR


def bar_marker(colour: str, pattern: str = "") -> dict:
    """A bar's fill, dark outline and pattern: the pattern is drawn over the colour in
    white or black, whichever shows more, so series differ in greyscale too."""
    marker = {"color": colour, "line": BAR_OUTLINE}
    if pattern:
        marker["pattern"] = {
            "shape": pattern,
            "fillmode": "overlay",
            "fgcolor": ink(colour),
            # Sparse and a little see-through, so numbers written on a bar stay readable;
            # still 3:1 against the bar (WCAG 1.4.11).
            "fgopacity": 0.7,
            "size": 10,
            "solidity": 0.2,
        }
    return marker


# The same labels (PDUs, standards) come back on every request; wrapping is most of the
# cost of a long ranking's figure, so each is wrapped once a process.
@functools.lru_cache(maxsize=4096)
def wrap_label(label: str, width: int = LABEL_WIDTH) -> str:
    """`label` broken at spaces onto lines of about `width` characters, for an axis."""
    lines = textwrap.wrap(label, width, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(lines) or label


def wrapped_categories(labels: Sequence[str]) -> tuple[dict, int]:
    """Axis settings that show `labels` wrapped (the data keeps them whole, so hover and
    the figure's JSON read as given), and the most lines any label takes."""
    texts = [wrap_label(label) for label in labels]
    axis = {"tickmode": "array", "tickvals": list(labels), "ticktext": texts}
    return axis, max(text.count("<br>") + 1 for text in texts)


class FigureEncoder(json.JSONEncoder):
    """JSON as plotly's encoder writes it: a Decimal as a number, a date in ISO 8601. NaN
    and infinity are refused (they are not JSON), so figure_html can write them as null,
    a gap, as plotly did."""

    def __init__(self, **kwargs):
        super().__init__(**{**kwargs, "allow_nan": False})

    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)
        if isinstance(o, date | datetime):
            return o.isoformat()
        return super().default(o)


def _finite(value):
    """`value` with every NaN or infinite number (float or Decimal) made None."""
    if isinstance(value, float | Decimal):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def _json_block(figure: Figure, figure_id: str) -> str:
    """Django's json_script(figure, figure_id), <, > and & escaped as it does, with
    str.replace: its str.translate was most of the time a long figure took."""
    try:
        text = json.dumps(figure, cls=FigureEncoder)
    except ValueError:  # a NaN or infinity: null, as plotly's encoder wrote it
        text = json.dumps(_finite(figure), cls=FigureEncoder)
    text = text.replace(">", "\\u003E").replace("<", "\\u003C").replace("&", "\\u0026")
    return format_html(
        '<script id="{}" type="application/json">{}</script>', figure_id, mark_safe(text)
    )


def _merged(base: Mapping, updates: Mapping) -> dict:
    """`base` updated by `updates`, nested dicts merged key by key (plotly's update_layout);
    neither is changed."""
    merged = dict(base)
    for key, value in updates.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def figure_html(fig: Figure, div_id: str, *, title: str = "") -> str:
    """The chart's title, an empty div for the chart and, beside it, the figure (data,
    layout, CONFIG) in a <script type="application/json"> block named by the div's
    data-figure; <, > and & are escaped, so no label can end the block early.

    The title is HTML, not plotly's: HTML wraps on a narrow screen where plotly's would be
    cut off. A note that the chart needs JavaScript shows only without it (the CSS hides it
    once static/js/js-enabled.js has marked the body), as the chart's table stands in.
    """
    if not div_id:
        raise ValueError("A chart needs a div_id.")
    figure = {"data": fig.get("data", []), "layout": fig.get("layout", {}), "config": CONFIG}
    figure_id = f"{div_id}-figure"
    heading = (
        format_html('<p class="govuk-body app-chart__title" id="{}-title">{}</p>', div_id, title)
        if title
        else ""
    )
    return format_html(
        '{}<div id="{}" class="plotly-graph-div" data-figure="{}"></div>'
        '<p class="govuk-body app-chart__no-js">{}</p>{}',
        heading,
        div_id,
        figure_id,
        NO_SCRIPT_NOTE,
        _json_block(figure, figure_id),
    )


def chart_html(fig: Figure, div_id: str, *, title: str = "") -> str:
    """figure_html with the site's look: font, colours, white ground, a legend in a row
    above the plot (plotly widens the top margin to fit it, however many lines it takes)."""
    layout = _merged(
        fig.get("layout", {}),
        {
            # An explicit (empty) template: the chart looks the same whatever plotly's default.
            "template": NO_TEMPLATE,
            "font": {"family": FONT, "color": TEXT_COLOUR, "size": 14},
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "hoverlabel": {"font": {"family": FONT}},
            "legend": {
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": 1,
                "yanchor": "bottom",
                "traceorder": "normal",
            },
        },
    )
    # Even for one series: the legend names its colour and pattern.
    layout.setdefault("showlegend", True)
    axis_look = {"automargin": True, "gridcolor": GRID_COLOUR, "linecolor": TEXT_COLOUR}
    # Every axis, as update_xaxes and update_yaxes did: xaxis, xaxis2, ... and yaxis, ...
    # (in a fixed order, so the JSON is the same in every process).
    axes = [key for key in layout if key.startswith(("xaxis", "yaxis"))]
    for axis in [*axes, *(a for a in ("xaxis", "yaxis") if a not in axes)]:
        layout[axis] = _merged(layout.get(axis, {}), axis_look)
    return figure_html({"data": fig.get("data", []), "layout": layout}, div_id, title=title)


def bar(**properties) -> dict:
    """A bar trace with `properties` (plotly.js's names: x, y, marker, hovertemplate...)."""
    return {"type": "bar", **properties}


def score_ranking_chart(
    rows: Sequence[tuple[str, int, int, str]], div_id: str, *, title: str = "Scores"
) -> str:
    """Horizontal bars of score as a share of the maximum, first row at the top.

    rows: (label, score, max_score, rating) sorted best first; rating is the overall
    rating's label or value and gives the bar its colour and pattern, which the legend
    names. The bar length is score / max_score, since PDUs with standards not inspected
    have a lower maximum.
    """
    if not rows:
        raise ValueError("A score ranking needs at least one row.")
    labels = [row[0] for row in rows]
    _unique(labels, "row")
    by_rating: dict[Rating, list[tuple[str, float, str]]] = {}
    for label, score, max_score, rating in rows:
        if max_score < 1 or not 0 <= score <= max_score:
            raise ValueError(f"{label}: a score of {score}/{max_score} is impossible.")
        member = _rating(rating)
        by_rating.setdefault(member, []).append(
            (label, 100 * score / max_score, f"{score}/{max_score}")
        )
    traces, notes = [], []
    # A trace for each rating, in the scale's order, so the legend names each colour and
    # pattern; the bar itself carries only the score, short enough to fit on a phone.
    for member in Rating:
        if member not in by_rating:
            continue
        background, _ = RATING_COLOURS[member]
        bars = by_rating[member]
        traces.append(
            bar(
                name=member.label,
                x=[share for _, share, _ in bars],
                y=[label for label, _, _ in bars],
                orientation="h",
                marker=bar_marker(background, RATING_PATTERNS[member]),
                # A zero-length bar's score is the note below, with its rating.
                text=[score if share else "" for _, share, score in bars],
                # Beside the bar, off the pattern and never shrunk to fit a short bar; the
                # right margin leaves room beside a full one.
                textposition="outside",
                textangle=0,
                textfont={"color": TEXT_COLOUR},
                constraintext="none",
                cliponaxis=False,
                hovertemplate=(
                    f"%{{y}}<br>%{{text}} {member.label} (%{{x:.0f}}% of the maximum)"
                    "<extra></extra>"
                ),
            )
        )
        # A zero-length bar shows no colour or pattern, so a score of 0 is written beside
        # the axis with its rating.
        notes.extend(
            {
                "x": 0,
                "y": label,
                "text": f"{score} {member.label}",
                "xanchor": "left",
                "showarrow": False,
            }
            for label, share, score in bars
            if share == 0
        )
    categories, lines = wrapped_categories(labels)
    layout = {
        "barmode": "overlay",  # one bar a row
        "height": 130 + (16 + 18 * lines) * len(rows),
        "margin": {"t": 10, "b": 50, "l": 10, "r": 50},
        "xaxis": {
            "title": {"text": "% of the maximum score"},
            "range": [0, 100],
            "ticksuffix": "%",
        },
        # Rows in the order given, best first, the best on top.
        "yaxis": {
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": labels,
            **categories,
        },
    }
    if notes:
        layout["annotations"] = notes
    return chart_html({"data": traces, "layout": layout}, div_id, title=title)


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
    traces = []
    for member in Rating:  # the scale's order, best first
        if member not in by_rating:
            continue
        background, text_colour = RATING_COLOURS[member]
        values = by_rating[member]
        traces.append(
            bar(
                name=member.label,
                x=values,
                y=list(standards),
                orientation="h",
                marker=bar_marker(background, RATING_PATTERNS[member]),
                text=[str(value) if value else "" for value in values],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": text_colour},
                hovertemplate=f"%{{y}}<br>{member.label}: %{{x}}<extra></extra>",
            )
        )
    totals = [sum(column) for column in zip(*by_rating.values(), strict=True)]
    categories, lines = wrapped_categories(standards)
    xaxis = {"title": {"text": f"Number of {unit}"}, "rangemode": "tozero"}
    if max(totals) <= 10:
        # Whole ticks: a count of 0.5 PDUs means nothing; plotly picks whole steps above 10.
        xaxis["dtick"] = 1
    layout = {
        "barmode": "stack",
        "height": 130 + (16 + 18 * lines) * len(standards),
        "margin": {"t": 10, "b": 50, "l": 10, "r": 20},
        # Numbers too small to fit a narrow segment are hidden rather than shrunk; hover has them.
        "uniformtext": {"minsize": 12, "mode": "hide"},
        "xaxis": xaxis,
        "yaxis": {"autorange": "reversed", **categories},
    }
    return chart_html({"data": traces, "layout": layout}, div_id, title=title)


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
    traces = []
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
        traces.append(
            bar(
                name=name,
                x=list(questions),
                y=values,
                marker=bar_marker(
                    SERIES_COLOURS[index % len(SERIES_COLOURS)],
                    SERIES_PATTERNS[index % len(SERIES_PATTERNS)],
                ),
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
    layout = {
        "barmode": "group",
        # Room for the legend too, a line for each series on a phone.
        "height": 400 + 25 * len(series),
        "margin": {"t": 10, "b": 50, "l": 10, "r": 20},
        "showlegend": True,  # even for one series, so the chart says whose figures these are
        "xaxis": {"title": {"text": "Key question"}, "showgrid": False},
        "yaxis": {
            "title": {"text": "Cases answered 'yes'"},
            "range": [0, 100],
            "ticksuffix": "%",
            "dtick": 20,
        },
    }
    return chart_html({"data": traces, "layout": layout}, div_id, title=title)
