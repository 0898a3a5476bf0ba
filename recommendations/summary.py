"""The tracker's summaries of a set of recommendations: counts by status and addressee,
red-amber-green per PDU, and the reported status month by month.

Each is computed from one query whatever the number of recommendations, so the
tracker's query count stays the same as the data grows; and once per data version
(inspections/web/data_version: any public write, a progress update too, moves it), day
(what is overdue) and set of recommendations (the filters), so while the data is unchanged
a page reads them from the default cache.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from inspections.explorer.themes import query_key
from inspections.web.data_version import cached

from .charts import STATUS_ORDER, status_label, status_over_time_chart
from .models import ADDRESSEE_KIND_BY_BODY_KIND, AddresseeKind, ProgressUpdate
from .rules import is_overdue, months_between, rag_status, status_counts_by_month
from .vocabulary import RAG


@dataclass
class CountRow:
    label: str
    cells: list[int]
    overdue: int
    total: int


@dataclass
class RagRow:
    body_name: str
    body_slug: str
    is_pdu: bool
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def cells(self):
        return [self.counts.get(rag, 0) for rag in RAG]

    @property
    def overall(self) -> RAG:
        """The PDU's worst: any red makes it red, else any amber amber, else green."""
        for rag in (RAG.RED, RAG.AMBER, RAG.GREEN):
            if self.counts.get(rag):
                return rag
        return RAG.NO_UPDATE


@dataclass
class Timeline:
    months: list[date]
    counts: list[Counter]
    chart: str

    @property
    def statuses(self):
        present = [s for s in STATUS_ORDER if any(c.get(s) for c in self.counts)]
        return [(s, status_label(s)) for s in present]

    @property
    def rows(self):
        statuses = [s for s, _ in self.statuses]
        return [
            (month, [counter.get(s, 0) for s in statuses], sum(counter.values()))
            for month, counter in zip(self.months, self.counts, strict=True)
        ]


@dataclass
class Summary:
    total: int
    overdue: int
    status_columns: list[str]
    by_addressee: list[CountRow]
    totals_row: CountRow
    rag_rows: list[RagRow]
    rag_labels: list[str]
    timeline: Timeline | None


def summarise(recommendations, today: date) -> Summary:
    """Counts, RAG and timeline of a filtered RecommendationQuerySet (not paginated),
    cached per data version, `today` and the recommendations it selects (its SQL, in any
    order: a sort shares the summary of the same filters)."""
    key = query_key(recommendations)
    if key is None:
        return _summarise(recommendations, today)
    return cached(
        f"tracker-summary:{today:%Y%m%d}:{key}",
        lambda: _summarise(recommendations, today),
    )


def _summarise(recommendations, today: date) -> Summary:
    rows = list(
        recommendations.order_by().values_list(
            "pk",
            "addressee__kind",
            "inspection__body__name",
            "inspection__body__slug",
            "inspection__body__kind",
            "tracking__reported_status",
            "tracking__verified_progress",
            "tracking__target_date",
        )
    )
    statuses = STATUS_ORDER
    by_kind: dict[str, Counter] = defaultdict(Counter)
    overdue_by_kind: Counter = Counter()
    rag_by_body: dict[str, RagRow] = {}
    for _, body_kind, body_name, body_slug, inspected_kind, status, verified, target in rows:
        status, verified = status or "", verified or ""
        kind = ADDRESSEE_KIND_BY_BODY_KIND[body_kind]
        late = is_overdue(target, status, today)
        by_kind[kind][status] += 1
        overdue_by_kind[kind] += late
        row = rag_by_body.setdefault(
            body_name, RagRow(body_name, body_slug, inspected_kind == "pdu")
        )
        row.counts[rag_status(status, verified, late)] += 1

    count_rows = [
        CountRow(
            label,
            [by_kind[kind].get(s, 0) for s in statuses],
            overdue_by_kind[kind],
            sum(by_kind[kind].values()),
        )
        for kind, label in AddresseeKind.choices
        if kind in by_kind
    ]
    totals = CountRow(
        "All addressees",
        [sum(r.cells[i] for r in count_rows) for i in range(len(statuses))],
        sum(r.overdue for r in count_rows),
        len(rows),
    )
    return Summary(
        total=len(rows),
        overdue=totals.overdue,
        status_columns=[status_label(s) for s in statuses],
        by_addressee=count_rows,
        totals_row=totals,
        rag_rows=sorted(rag_by_body.values(), key=lambda r: (not r.is_pdu, r.body_name)),
        rag_labels=[rag.label for rag in RAG],
        timeline=timeline(recommendations, len(rows), today),
    )


def timeline(recommendations, total: int, today: date) -> Timeline | None:
    """Reported status month by month, from the first update to this month; None if none."""
    events = [
        (pk, timezone.localtime(created).date(), status)
        for pk, created, status in ProgressUpdate.objects.filter(
            recommendation__in=recommendations.order_by().values("pk")
        )
        .order_by("created_at", "pk")
        .values_list("recommendation_id", "created_at", "reported_status_after")
    ]
    if not events:
        return None
    months = months_between(events[0][1], today)
    counts = status_counts_by_month(events, total, months)
    return Timeline(months, counts, status_over_time_chart(months, counts))
