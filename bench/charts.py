"""Benchmark the chart builders: plotly figures (before issue 15) against plain data (now).

    .venv/bin/python bench/charts.py [--rounds 7]

Issue 15 found that building plotly figures in Python was most of a page's time, and
that the ranking chart grew quadratically (one plotly annotation added at a time, each
re-validating all the others). The builders now make the figure as plain dicts and lists
and serialise it with the json module; this times both ways on the same inputs, for 6,
110 and 600 PDUs, and prints a Markdown table for the README (Performance). Why a script
and not a test: timings depend on the machine; tests/ratings/test_chart_figures.py checks
that the two emit the same figures.

The previous builders are kept below (old_builders(): the same code, using the module's
helpers and constants), for this side by side only: nothing else imports them. Each
round times every (chart, size) with the old builder and the new one in turn, alternating
which goes first, so a slow spell of this shared machine falls on both; the table gives
the median of the rounds. Before timing, each input's two figures are compared (parsed
JSON, and the HTML around it).

Inputs are generated (seeded): PDUs with scores out of 18, 21 or 24, one in ten with a
score of 0 (the ranking writes those beside the axis, as notes), and the worst case, every
score 0, a note per PDU (where plotly was quadratic); 12 standards; 13 key questions (as
the published programme) for a PDU and its region's average, and for 6 PDUs compared
(the most compare takes); a theme's counts for every PDU (the chart draws 25); the
tracker's 24 months over 15 recommendations a PDU. The key-question charts do not grow
with the number of PDUs. Both builders wrap axis labels with ratings.charts.wrap_label,
which remembers each label's wrapping (the same PDUs come back on every request), so
after the first round neither pays for wrapping.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (6, 110, 600)


# --- The previous builders (plotly.graph_objects), for the side by side only -------------


def old_builders():
    """The builders as they were before issue 15, closed over plotly and the app's helpers."""
    import plotly.graph_objects as go
    from django.utils.html import format_html, json_script

    from inspections.explorer.themes import CHART_ROWS, KIND_COLOURS
    from ratings.charts import (
        CONFIG,
        FONT,
        GRID_COLOUR,
        NO_SCRIPT_NOTE,
        RATING_COLOURS,
        RATING_PATTERNS,
        SERIES_COLOURS,
        SERIES_PATTERNS,
        TEXT_COLOUR,
        _number,
        _rating,
        _unique,
        bar_marker,
        wrapped_categories,
    )
    from ratings.models import Rating
    from recommendations.charts import STATUS_COLOURS, STATUS_ORDER, STATUS_PATTERNS, status_label

    def figure_html(fig, div_id, *, title=""):
        if not div_id:
            raise ValueError("A chart needs a div_id.")
        figure = {**json.loads(fig.to_json()), "config": CONFIG}
        figure_id = f"{div_id}-figure"
        heading = (
            format_html(
                '<p class="govuk-body app-chart__title" id="{}-title">{}</p>', div_id, title
            )
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
            json_script(figure, figure_id),
        )

    def chart_html(fig, div_id, *, title=""):
        fig.update_layout(
            template="none",
            font={"family": FONT, "color": TEXT_COLOUR, "size": 14},
            paper_bgcolor="white",
            plot_bgcolor="white",
            hoverlabel={"font": {"family": FONT}},
            legend={
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": 1,
                "yanchor": "bottom",
                "traceorder": "normal",
            },
        )
        if fig.layout.showlegend is None:
            fig.update_layout(showlegend=True)
        fig.update_xaxes(automargin=True, gridcolor=GRID_COLOUR, linecolor=TEXT_COLOUR)
        fig.update_yaxes(automargin=True, gridcolor=GRID_COLOUR, linecolor=TEXT_COLOUR)
        return figure_html(fig, div_id, title=title)

    def score_ranking_chart(rows, div_id, *, title="Scores"):
        if not rows:
            raise ValueError("A score ranking needs at least one row.")
        labels = [row[0] for row in rows]
        _unique(labels, "row")
        by_rating = {}
        for label, score, max_score, rating in rows:
            if max_score < 1 or not 0 <= score <= max_score:
                raise ValueError(f"{label}: a score of {score}/{max_score} is impossible.")
            member = _rating(rating)
            by_rating.setdefault(member, []).append(
                (label, 100 * score / max_score, f"{score}/{max_score}")
            )
        fig = go.Figure()
        for member in Rating:
            if member not in by_rating:
                continue
            background, _ = RATING_COLOURS[member]
            bars = by_rating[member]
            fig.add_trace(
                go.Bar(
                    name=member.label,
                    x=[share for _, share, _ in bars],
                    y=[label for label, _, _ in bars],
                    orientation="h",
                    marker=bar_marker(background, RATING_PATTERNS[member]),
                    text=[score if share else "" for _, share, score in bars],
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
            for label, share, score in bars:
                if share == 0:
                    fig.add_annotation(
                        x=0,
                        y=label,
                        text=f"{score} {member.label}",
                        xanchor="left",
                        showarrow=False,
                    )
        categories, lines = wrapped_categories(labels)
        fig.update_layout(
            barmode="overlay",
            height=130 + (16 + 18 * lines) * len(rows),
            margin={"t": 10, "b": 50, "l": 10, "r": 50},
        )
        fig.update_xaxes(title="% of the maximum score", range=[0, 100], ticksuffix="%")
        fig.update_yaxes(
            autorange="reversed", categoryorder="array", categoryarray=labels, **categories
        )
        return chart_html(fig, div_id, title=title)

    def rating_distribution_chart(
        standards, counts, div_id, *, title="Ratings by standard", unit="PDUs"
    ):
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
        for member in Rating:
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
        fig.update_layout(
            barmode="stack",
            height=130 + (16 + 18 * lines) * len(standards),
            margin={"t": 10, "b": 50, "l": 10, "r": 20},
            uniformtext={"minsize": 12, "mode": "hide"},
        )
        fig.update_xaxes(
            title=f"Number of {unit}", rangemode="tozero", dtick=1 if max(totals) <= 10 else None
        )
        fig.update_yaxes(autorange="reversed", **categories)
        return chart_html(fig, div_id, title=title)

    def key_question_chart(questions, series, div_id, *, title="Key questions"):
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
                above.append(high - value if known else None)
                below.append(value - low if known else None)
                if value is None:
                    hover.append("")
                elif known:
                    hover.append(
                        f"{name}<br>{question}: {value:g}%<br>"
                        f"95% interval {low:.0f}% to {high:.0f}%"
                    )
                else:
                    hover.append(f"{name}<br>{question}: {value:g}%<br>95% interval not known")
            fig.add_trace(
                go.Bar(
                    name=name,
                    x=list(questions),
                    y=values,
                    marker=bar_marker(
                        SERIES_COLOURS[index % len(SERIES_COLOURS)],
                        SERIES_PATTERNS[index % len(SERIES_PATTERNS)],
                    ),
                    error_y={
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
            barmode="group",
            height=400 + 25 * len(series),
            margin={"t": 10, "b": 50, "l": 10, "r": 20},
            showlegend=True,
        )
        fig.update_xaxes(title="Key question", showgrid=False)
        fig.update_yaxes(title="Cases answered 'yes'", range=[0, 100], ticksuffix="%", dtick=20)
        return chart_html(fig, div_id, title=title)

    def theme_chart(rows, div_id, *, title):
        rows = rows[:CHART_ROWS]
        if not rows:
            return ""
        labels = [row.label for row in rows]
        if len(set(labels)) != len(labels):
            raise ValueError("Each row label must be unique.")
        fig = go.Figure()
        for name, attribute, colour, pattern in KIND_COLOURS:
            values = [getattr(row, attribute) for row in rows]
            if not any(values):
                continue
            fig.add_trace(
                go.Bar(
                    name=name,
                    x=values,
                    y=labels,
                    orientation="h",
                    marker=bar_marker(colour, pattern),
                    hovertemplate=f"%{{y}}<br>{name}: %{{x}}<extra></extra>",
                )
            )
        categories, lines = wrapped_categories(labels)
        fig.update_layout(
            barmode="stack",
            height=130 + (16 + 18 * lines) * len(rows),
            margin={"t": 10, "b": 50, "l": 10, "r": 20},
        )
        most = max(row.total for row in rows)
        fig.update_xaxes(
            title="Number of records", rangemode="tozero", dtick=1 if most <= 10 else None
        )
        fig.update_yaxes(autorange="reversed", **categories)
        return chart_html(fig, div_id, title=title)

    def status_over_time_chart(months, counts, div_id="status-over-time"):
        if not months:
            raise ValueError("A status chart needs at least one month.")
        labels = [f"{month:%b %Y}" for month in months]
        fig = go.Figure()
        for status in STATUS_ORDER:
            values = [counter.get(status, 0) for counter in counts]
            if not any(values):
                continue
            fig.add_trace(
                go.Bar(
                    name=status_label(status),
                    x=labels,
                    y=values,
                    marker=bar_marker(STATUS_COLOURS[status], STATUS_PATTERNS[status]),
                    hovertemplate=f"%{{x}}<br>{status_label(status)}: %{{y}}<extra></extra>",
                )
            )
        fig.update_layout(
            barmode="stack",
            height=420,
            showlegend=True,
            margin={"t": 10, "b": 50, "l": 10, "r": 20},
        )
        fig.update_xaxes(type="category", showgrid=False)
        largest = max((sum(counter.values()) for counter in counts), default=0)
        fig.update_yaxes(
            title="Recommendations", rangemode="tozero", dtick=1 if largest <= 10 else None
        )
        return chart_html(fig, div_id, title="Reported status at the end of each month")

    return {
        "score_ranking_chart": score_ranking_chart,
        "rating_distribution_chart": rating_distribution_chart,
        "key_question_chart": key_question_chart,
        "theme_chart": theme_chart,
        "status_over_time_chart": status_over_time_chart,
    }


def new_builders():
    from inspections.explorer.themes import theme_chart
    from ratings.charts import key_question_chart, rating_distribution_chart, score_ranking_chart
    from recommendations.charts import status_over_time_chart

    return {
        "score_ranking_chart": score_ranking_chart,
        "rating_distribution_chart": rating_distribution_chart,
        "key_question_chart": key_question_chart,
        "theme_chart": theme_chart,
        "status_over_time_chart": status_over_time_chart,
    }


# --- Inputs ---------------------------------------------------------------------------------


def inputs(pdus: int) -> list[tuple[str, str, tuple, dict]]:
    """(chart, builder, args, kwargs) for `pdus` PDUs, the same on every run."""
    from inspections.explorer.themes import CountRow
    from ratings.models import Rating
    from ratings.statistics import estimate

    rng = random.Random(pdus)
    names = [f"PDU {i:03d} {rng.choice(['North', 'South', 'East and West'])}" for i in range(pdus)]

    rows = []
    for name in names:
        maximum = rng.choice((18, 21, 24))
        score = 0 if rng.random() < 0.1 else rng.randint(1, maximum)
        share = score / maximum
        rating = (
            Rating.OUTSTANDING
            if share > 0.8
            else Rating.GOOD
            if share > 0.5
            else Rating.REQUIRES_IMPROVEMENT
            if share > 0.25
            else Rating.INADEQUATE
        )
        rows.append((name, score, maximum, rating.label))
    rows.sort(key=lambda row: (-row[1] / row[2], row[0]))

    standards = [f"{a}.{b} Standard {a}.{b} of the framework" for a in (1, 2, 3) for b in range(4)]
    counts = {member.label: [0] * len(standards) for member in Rating}
    for column in range(len(standards)):
        for _ in names:
            counts[rng.choice(list(Rating)).label][column] += 1

    questions = [f"{a}.{b} Q{q}" for a in (2, 3) for b in (1, 2, 3) for q in (1, 2)] + ["3.3 Q3"]

    def series(name, with_intervals=True):
        values = [rng.randint(0, 100) for _ in questions]
        estimates = [estimate(v, 40) if with_intervals else None for v in values]
        return (
            name,
            values,
            [e.low if e else None for e in estimates],
            [e.high if e else None for e in estimates],
        )

    pdu_series = [series(names[0]), series(f"Average of {pdus} PDUs", with_intervals=False)]
    compared = [series(name) for name in names[:6]]

    theme_rows = sorted(
        (
            CountRow(
                name,
                strengths=rng.randint(0, 12),
                improvements=rng.randint(0, 12),
                others=rng.randint(0, 5),
                recommendations=rng.randint(0, 4),
            )
            for name in names
        ),
        key=lambda r: (-r.total, r.label),
    )

    months = [date(2025 + m // 12, m % 12 + 1, 1) for m in range(24)]
    statuses = ["", "not_started", "in_progress", "implemented", "not_implemented", "superseded"]
    timeline = [Counter(rng.choice(statuses) for _ in range(15 * pdus)) for _ in months]

    return [
        ("ranking (overview)", "score_ranking_chart", (rows, "chart-ranking"), {}),
        (
            "ranking, every score 0 (a note per PDU)",
            "score_ranking_chart",
            ([(name, 0, 24, "Inadequate") for name in names], "chart-ranking"),
            {},
        ),
        ("rating distribution", "rating_distribution_chart", (standards, counts, "dist"), {}),
        ("key questions, PDU page", "key_question_chart", (questions, pdu_series, "kq"), {}),
        ("key questions, compare 6", "key_question_chart", (questions, compared, "cmp"), {}),
        ("theme (top 25 bodies)", "theme_chart", (theme_rows, "theme"), {"title": "Theme"}),
        ("tracker timeline", "status_over_time_chart", (months, timeline), {}),
    ]


# --- Running ---------------------------------------------------------------------------------

BLOCK = re.compile(r'(<script id="[^"]+" type="application/json">)(.*?)(</script>)', re.DOTALL)


def same_output(old_html: str, new_html: str) -> bool:
    """The same figure (parsed JSON, types and all) in the same HTML."""
    old, new = BLOCK.search(old_html), BLOCK.search(new_html)
    if old is None or new is None:
        return old_html == new_html

    def canonical(block):
        return json.dumps(json.loads(block.group(2)), sort_keys=True)

    return canonical(old) == canonical(new) and BLOCK.sub("", old_html) == BLOCK.sub("", new_html)


def milliseconds(build, args, kwargs) -> float:
    start = time.perf_counter()
    build(*args, **kwargs)
    return 1000 * (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    options = parser.parse_args()

    sys.path.insert(0, str(ROOT))  # run as a file, the script sees only bench/
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    import django

    django.setup()
    old, new = old_builders(), new_builders()
    cases = [(pdus, *case) for pdus in SIZES for case in inputs(pdus)]
    for pdus, chart, builder, args, kwargs in cases:
        old_html, new_html = old[builder](*args, **kwargs), new[builder](*args, **kwargs)
        if not same_output(old_html, new_html):
            raise SystemExit(f"{chart}, {pdus} PDUs: the two builders disagree.")

    times: dict[tuple[int, str], dict[str, list[float]]] = {}
    for round_ in range(options.rounds):
        for pdus, chart, builder, args, kwargs in cases:
            timed = times.setdefault((pdus, chart), {"old": [], "new": []})
            order = ("old", "new") if round_ % 2 == 0 else ("new", "old")
            for which in order:
                builders = old if which == "old" else new
                timed[which].append(milliseconds(builders[builder], args, kwargs))

    charts = list(dict.fromkeys(chart for _, chart, *_ in cases))
    print(
        f"Chart builders, median of {options.rounds} rounds, ms per chart "
        f"({datetime.now(UTC):%Y-%m-%d}):\n"
    )
    header = " | ".join(f"{pdus} PDUs: plotly / plain" for pdus in SIZES)
    print(f"| chart | {header} |")
    print("|---|" + "---|" * len(SIZES))
    for chart in charts:
        cells = []
        for pdus in SIZES:
            timed = times[(pdus, chart)]
            before, now = statistics.median(timed["old"]), statistics.median(timed["new"])
            cells.append(f"{before:,.1f} / {now:,.2f} (×{before / now:,.0f})")
        print(f"| {chart} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
