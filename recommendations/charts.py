"""The tracker's chart: how many recommendations stood at each reported status, month by month.

Drawn like ratings/charts.py: a div and its figure as JSON, so the page includes
templates/includes/plotly.html; the same figures are in a table beside it.
"""

import plotly.graph_objects as go

from ratings.charts import FONT, GRID_COLOUR, TEXT_COLOUR, figure_html

from .vocabulary import NO_UPDATE_LABEL, ReportedStatus

# GOV.UK colours, each at least 3:1 against white except the grey of "no update", which
# has a dark outline; the table beside the chart carries every figure anyway.
STATUS_COLOURS = {
    "": "#b1b4b6",
    ReportedStatus.NOT_STARTED: "#6f72af",
    ReportedStatus.IN_PROGRESS: "#1d70b8",
    ReportedStatus.IMPLEMENTED: "#00703c",
    ReportedStatus.NOT_IMPLEMENTED: "#d4351c",
    ReportedStatus.SUPERSEDED: "#505a5f",
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
                marker={
                    "color": STATUS_COLOURS[status],
                    "line": {"color": TEXT_COLOUR, "width": 1},
                },
                hovertemplate=f"%{{x}}<br>{status_label(status)}: %{{y}}<extra></extra>",
            )
        )
    fig.update_layout(
        title={"text": "Reported status at the end of each month", "x": 0, "xref": "paper"},
        barmode="stack",
        height=420,
        showlegend=True,  # even for one status, so the chart says what the bars count
        margin={"t": 90, "b": 50, "l": 10, "r": 20},
        legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom", "traceorder": "normal"},
        template="none",
        font={"family": FONT, "color": TEXT_COLOUR, "size": 14},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    fig.update_xaxes(type="category", automargin=True, linecolor=TEXT_COLOUR)
    largest = max((sum(counter.values()) for counter in counts), default=0)
    # Whole ticks: half a recommendation means nothing; plotly picks whole steps above 10.
    fig.update_yaxes(
        title="Recommendations",
        rangemode="tozero",
        automargin=True,
        gridcolor=GRID_COLOUR,
        dtick=1 if largest <= 10 else None,
    )
    return figure_html(fig, div_id)
