"""The tracker's chart: how many recommendations stood at each reported status, month by month.

Drawn like ratings/charts.py: a div and its figure as JSON, so the page includes
templates/includes/plotly.html; the same figures are in a table beside it.
"""

from ratings.charts import bar, bar_marker, chart_html

from .vocabulary import NO_UPDATE_LABEL, ReportedStatus

# Okabe and Ito's colour-blind-safe colours, with a light grey for "no update" and a dark
# one for "superseded": any two stay apart under simulated protanopia, deuteranopia and
# tritanopia (tests/ratings/test_charts_colour_vision.py). Each status has a pattern as well,
# for greyscale, and every bar a dark outline, as some colours are light.
STATUS_COLOURS = {
    "": "#dddddd",
    ReportedStatus.NOT_STARTED: "#e69f00",
    ReportedStatus.IN_PROGRESS: "#0072b2",
    ReportedStatus.IMPLEMENTED: "#009e73",
    ReportedStatus.NOT_IMPLEMENTED: "#d55e00",
    ReportedStatus.SUPERSEDED: "#555555",
}
STATUS_PATTERNS = {
    "": "",
    ReportedStatus.NOT_STARTED: "/",
    ReportedStatus.IN_PROGRESS: ".",
    ReportedStatus.IMPLEMENTED: "\\",
    ReportedStatus.NOT_IMPLEMENTED: "x",
    ReportedStatus.SUPERSEDED: "-",
}
STATUS_ORDER = ["", *ReportedStatus.values]


def status_label(value):
    return ReportedStatus(value).label if value else NO_UPDATE_LABEL


def status_over_time_chart(months, counts, div_id="status-over-time"):
    """Stacked bars, one per month: the reported status of every recommendation then.

    months: dates (first of the month); counts: a Counter per month, keyed by status.
    """
    if not months:
        raise ValueError("A status chart needs at least one month.")
    labels = [f"{month:%b %Y}" for month in months]
    traces = []
    for status in STATUS_ORDER:
        values = [counter.get(status, 0) for counter in counts]
        if not any(values):
            continue
        traces.append(
            bar(
                name=status_label(status),
                x=labels,
                y=values,
                marker=bar_marker(STATUS_COLOURS[status], STATUS_PATTERNS[status]),
                hovertemplate=f"%{{x}}<br>{status_label(status)}: %{{y}}<extra></extra>",
            )
        )
    yaxis = {"title": {"text": "Recommendations"}, "rangemode": "tozero"}
    if max((sum(counter.values()) for counter in counts), default=0) <= 10:
        # Whole ticks: half a recommendation means nothing; plotly picks whole steps above 10.
        yaxis["dtick"] = 1
    layout = {
        "barmode": "stack",
        "height": 420,
        "showlegend": True,  # even for one status, so the chart says what the bars count
        "margin": {"t": 10, "b": 50, "l": 10, "r": 20},
        "xaxis": {"type": "category", "showgrid": False},
        "yaxis": yaxis,
    }
    return chart_html(
        {"data": traces, "layout": layout},
        div_id,
        title="Reported status at the end of each month",
    )
