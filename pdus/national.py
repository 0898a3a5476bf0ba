"""England and Wales at a glance: every region's ratings and figures, from a fixed number
of queries.

The national overview and each region's "against England and Wales" figures are read
from every PDU's latest inspection under one framework version (ratings are compared
only within one), as `dashboard.region_ratings()` gives them; everything here is plain
arithmetic on those results, so the queries do not grow with the PDUs or regions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator

from ratings.models import Rating, Standard
from ratings.rules import SCALE
from ratings.statistics import Mean, mean_interval, wilson_interval

from .dashboard import (
    PDUResult,
    RegionRatings,
    StandardResult,
    region_ratings,
    version_shown,
)
from .models import Region

# The four-point scale, best first: the columns of every count of ratings.
GOOD_OR_BETTER = {Rating.OUTSTANDING, Rating.GOOD}
# The national ranking is paged: a page never grows with the data.
RANKING_PAGE_SIZE = 20


@dataclass
class Share:
    """How many of `total` PDUs were rated Good or better, with the 95% Wilson interval of
    the share (the PDUs rated are few: 6 in a region, say, so the share is rough)."""

    count: int
    total: int
    percent: float = field(init=False)
    low: float = field(init=False)
    high: float = field(init=False)

    def __post_init__(self):
        self.percent = 100 * self.count / self.total
        self.low, self.high = wilson_interval(self.percent, self.total)

    @property
    def text(self) -> str:
        return f"{self.percent:.0f}%"

    @property
    def detail(self) -> str:
        return f"{self.low:.0f}–{self.high:.0f}%, {self.count} of {self.total} {pdus(self.total)}"


def pdus(count: int) -> str:
    return "PDU" if count == 1 else "PDUs"


@dataclass(frozen=True)
class MeanFigure:
    """A mean percentage 'yes' as a table shows it: "62%", "55–70%, 9 PDUs"."""

    mean: Mean

    @property
    def text(self) -> str:
        return f"{self.mean.mean:.0f}%"

    @property
    def detail(self) -> str:
        n = f"{self.mean.n} {pdus(self.mean.n)}"
        if self.mean.low is None:
            return n
        return f"{self.mean.low:.0f}–{self.mean.high:.0f}%, {n}"


@dataclass
class StandardFigures:
    """One area's (England and Wales', or a region's) figures for one standard: how many
    PDUs got each rating, how many have none in the sources, the share rated Good or better,
    and each key question's mean percentage 'yes' (None where no PDU published it)."""

    counts: list[tuple[Rating, int]]
    not_in_sources: int
    good_or_better: Share | None
    key_questions: list[MeanFigure | None]


@dataclass
class Area:
    """England and Wales (region None) or one region, with its PDUs' results."""

    name: str
    region: Region | None
    results: list[PDUResult]
    standards: list[StandardFigures]

    @property
    def pdus(self) -> int:
        return len(self.results)

    @property
    def overall(self) -> list[tuple[Rating, int]]:
        """How many PDUs were rated each overall rating, best first."""
        counts = Counter(r.inspection.overall_rating for r in self.results)
        return [(rating, counts.get(rating, 0)) for rating in SCALE]


@dataclass
class StandardTable:
    """A standard's figures in England and Wales and in each region, for one table."""

    standard: Standard
    questions: list[str]  # its key questions' texts, as the figures' columns
    national: StandardFigures
    regions: list[tuple[Area, StandardFigures]]

    @property
    def rows(self) -> list[tuple[str, StandardFigures]]:
        """England and Wales, then each region: one region alone would repeat the nation."""
        regions = [(area.name, figures) for area, figures in self.regions]
        return [("England and Wales", self.national), *(regions if len(regions) > 1 else [])]


def figures_for(cells: list[StandardResult], standard: Standard) -> StandardFigures:
    """The figures of the PDUs' `cells` for `standard` (no query: its key questions are
    loaded)."""
    ratings = [c.rating.rating for c in cells if c.rating is not None]
    counts = Counter(ratings)
    on_scale = [r for r in ratings if r in SCALE]
    good = sum(r in GOOD_OR_BETTER for r in on_scale)
    percentages = defaultdict(list)
    for cell in cells:
        for question in cell.key_questions:
            percentages[question.text].append(question.percent)
    return StandardFigures(
        counts=[(rating, counts.get(rating, 0)) for rating in SCALE],
        not_in_sources=sum(c.rating is None for c in cells),
        good_or_better=Share(good, len(on_scale)) if on_scale else None,
        key_questions=[
            MeanFigure(mean_interval(percentages[q.text])) if percentages[q.text] else None
            for q in standard.key_questions.all()
        ],
    )


def area(name: str, region: Region | None, results, standards) -> Area:
    """The figures of `results` (PDUResults) for each of `standards`."""
    by_standard = [{cell.standard.pk: cell for cell in r.standards} for r in results]
    return Area(
        name,
        region,
        results,
        [figures_for([cells[s.pk] for cells in by_standard], s) for s in standards],
    )


def by_region(results: list[PDUResult], standards: list[Standard]) -> list[Area]:
    """Each region with results, by name (no query: bodies come with their regions)."""
    grouped = defaultdict(list)
    for result in results:
        if result.body.region is not None:
            grouped[result.body.region].append(result)
    return [
        area(region.name, region, found, standards)
        for region, found in sorted(grouped.items(), key=lambda item: item[0].name)
    ]


def standard_tables(
    national: Area, regions: list[Area], standards: list[Standard]
) -> list[StandardTable]:
    """Each rated standard's figures nationally and by region."""
    return [
        StandardTable(
            standard,
            [q.text for q in standard.key_questions.all()],
            national.standards[index],
            [(region, region.standards[index]) for region in regions],
        )
        for index, standard in enumerate(standards)
    ]


def most_inadequate(regions: list[Area]) -> list[Area]:
    """The regions with the most PDUs rated Inadequate overall (ties: all of them); none
    where no PDU was."""
    counts = {region.name: dict(region.overall)[Rating.INADEQUATE] for region in regions}
    top = max(counts.values(), default=0)
    return [region for region in regions if top and counts[region.name] == top]


def ranked_page(ranking: list[PDUResult], number) -> Page:
    """One page of the national ranking (the page asked for, else the first or last)."""
    return Paginator(ranking, RANKING_PAGE_SIZE).get_page(number)


def region_in_nation(inspections, region: Region, versions, asked=None):
    """(the region's RegionRatings, as region_ratings() gives them from its own inspections;
    every PDU's result under the same version), from `inspections`, every rated PDU
    inspection with its body and programme (two queries, as for the region alone: its
    results are among the nation's)."""
    mine = [i for i in inspections if i.body.region_id == region.pk]
    version, choices, latest = version_shown(mine, versions, asked)
    if version is None:
        return RegionRatings(None, [], [], choices, len(latest)), []
    nation = region_ratings(inspections, versions, version)
    results = [r for r in nation.results if r.body.region_id == region.pk]
    return RegionRatings(version, nation.standards, results, choices, len(latest)), nation.results


@dataclass
class AgainstRow:
    """A standard's share rated Good or better, or a key question's mean, in the region and
    in England and Wales."""

    standard: Standard
    label: str
    region: Share | MeanFigure | None
    nation: Share | MeanFigure | None
    is_standard: bool

    @property
    def figures(self) -> tuple:
        return self.region, self.nation


def against_nation(region: Area, nation: Area, standards: list[Standard]) -> list[AgainstRow]:
    """Each standard, then its key questions: the region's figure beside the nation's."""
    rows = []
    for index, standard in enumerate(standards):
        mine, all_ = region.standards[index], nation.standards[index]
        rows.append(
            AgainstRow(
                standard,
                f"{standard}: rated Good or better",
                mine.good_or_better,
                all_.good_or_better,
                True,
            )
        )
        for position, question in enumerate(standard.key_questions.all()):
            rows.append(
                AgainstRow(
                    standard,
                    question.text,
                    mine.key_questions[position],
                    all_.key_questions[position],
                    False,
                )
            )
    return rows
