"""How ratings moved between rounds of inspection, across England and Wales.

A PDU's move is from the inspection before its latest to its latest, both published and
both under one framework version: a rating is compared only within one version, so a
PDU last inspected under a new version has no move until it is inspected twice under
it. The pairs come from one query (each PDU's latest inspection under each version, with
the one before it found in SQL) and their standards' ratings from another, whatever the
number of PDUs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.db.models import OuterRef, Q, Subquery

from inspections.models import Inspection
from ratings.models import Programme, Rating, Standard, StandardRating
from ratings.rules import POINTS, SCALE

from . import rules
from .dashboard import VersionChoice, rated_inspections
from .history import latest_under_each_version, when_inspected

# Best first, as the tables read.
OVERALL = "overall"
LISTED_PER_PAGE = 50
MOVES = {"up": rules.IMPROVED, "same": rules.UNCHANGED, "down": rules.DECLINED}


def pairs():
    """Each PDU's latest published inspection under each rated framework version that has
    an earlier one under the same version, annotated `previous_id` and `previous_overall`
    (the earlier one's id and overall rating), with its body, region and programme."""
    earlier = (
        Inspection.objects.published()
        .filter(body=OuterRef("body"), programme=OuterRef("programme"))
        .annotate(when=when_inspected())
        .filter(Q(when__lt=OuterRef("when")) | Q(when=OuterRef("when"), pk__lt=OuterRef("pk")))
        .order_by("-when", "-pk")
    )
    return (
        latest_under_each_version(rated_inspections())
        .annotate(
            previous_id=Subquery(earlier.values("pk")[:1]),
            previous_overall=Subquery(earlier.values("overall_rating")[:1]),
        )
        .filter(previous_id__isnull=False)
        .select_related("body__region", "programme")
    )


@dataclass
class Move:
    """One PDU's rating of one standard (or overall) in its two inspections."""

    inspection: Inspection  # the later
    before: str
    after: str

    @property
    def change(self) -> str:
        return rules.rating_change(self.before, self.after)

    @property
    def before_label(self) -> str:
        return Rating(self.before).label

    @property
    def after_label(self) -> str:
        return Rating(self.after).label


@dataclass
class Transitions:
    """A standard's (or the overall rating's) moves: `table` rows are the earlier rating,
    columns the later, best first, each cell (count, from, to)."""

    key: str  # the standard's slug, or OVERALL
    name: str
    moves: list[Move]

    @cached_property
    def counts(self) -> Counter:
        return Counter(m.change for m in self.moves)

    @property
    def up(self) -> int:
        return self.counts[rules.IMPROVED]

    @property
    def same(self) -> int:
        return self.counts[rules.UNCHANGED]

    @property
    def down(self) -> int:
        return self.counts[rules.DECLINED]

    @property
    def compared(self) -> int:
        return self.up + self.same + self.down

    @property
    def summary_cells(self) -> list[tuple[str, int, str]]:
        """(move, count, what it says) for up, same and down."""
        return [
            ("up", self.up, "went up"),
            ("same", self.same, "stayed the same"),
            ("down", self.down, "went down"),
        ]

    @property
    def table(self) -> list[tuple[Rating, list[tuple[int, Rating, Rating]]]]:
        cells = Counter((m.before, m.after) for m in self.moves)
        return [
            (before, [(cells[before, after], before, after) for after in SCALE]) for before in SCALE
        ]

    def chosen(self, move="", before="", after="") -> list[Move]:
        """The moves of one kind ("up", "same", "down") or from one rating to another,
        by region and PDU."""
        found = [
            m
            for m in self.moves
            if (not move or m.change == MOVES.get(move))
            and (not before or m.before == before)
            and (not after or m.after == after)
        ]
        return sorted(
            found,
            key=lambda m: (
                m.inspection.body.region.name if m.inspection.body.region else "",
                m.inspection.body.name,
            ),
        )


@dataclass
class NationalChanges:
    version: Programme | None
    versions: list[VersionChoice]  # each with its number of PDUs inspected twice
    transitions: list[Transitions]  # overall first, then each rated standard in order

    def find(self, key: str) -> Transitions | None:
        return next((t for t in self.transitions if t.key == key), None)


def national_changes(asked: str = "") -> NationalChanges | None:
    """The moves under the version of slug `asked`, else under the version with the most
    PDUs inspected twice (three queries; one where none was); None where `asked` names no
    version with a PDU inspected twice under it."""
    found = list(pairs())
    by_version = defaultdict(list)
    for inspection in found:
        by_version[inspection.programme].append(inspection)
    versions = sorted(by_version.items(), key=lambda pair: (-len(pair[1]), pair[0].name))
    if asked:
        version = next((v for v, _ in versions if v.slug == asked), None)
        if version is None:
            return None
    else:
        version = versions[0][0] if versions else None
    choices = [VersionChoice(v, len(inspections), v == version) for v, inspections in versions]
    if version is None:
        return NationalChanges(None, choices, [])
    latest = by_version[version]
    overall = Transitions(
        OVERALL,
        "Overall rating",
        [
            Move(i, i.previous_overall, i.overall_rating)
            for i in latest
            if i.previous_overall in POINTS and i.overall_rating in POINTS
        ],
    )
    standards = list(Standard.objects.filter(programme=version, is_rated=True).order_by("position"))
    ids = [i.pk for i in latest] + [i.previous_id for i in latest]
    ratings = {}
    for inspection_id, standard_id, rating in StandardRating.objects.filter(
        inspection__in=ids, rating__in=list(POINTS)
    ).values_list("inspection_id", "standard_id", "rating"):
        ratings[inspection_id, standard_id] = rating
    transitions = [overall]
    for standard in standards:
        moves = [
            Move(i, ratings[i.previous_id, standard.pk], ratings[i.pk, standard.pk])
            for i in latest
            if (i.previous_id, standard.pk) in ratings and (i.pk, standard.pk) in ratings
        ]
        transitions.append(Transitions(standard.slug, str(standard), moves))
    return NationalChanges(version, choices, transitions)
