"""What the PDU page reads about ratings, in a fixed number of queries.

One query finds the PDU with its published inspections and its region's rated ones, one each
loads the ratings and key-question percentages of both (the region's latest under the
version shown, and every one of the PDU's own, for its history), and one aggregate query
places the PDU in its region and in England and Wales (standing.py). However many PDUs,
inspections or regions there are, the queries are the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from inspections.models import Inspection
from ratings.models import KeyQuestionScore, Programme, StandardRating

from .dashboard import PDUResult, latest_of_each_body, rated_standards, results_for
from .history import RatingsByInspection, latest_first, ratings_by_inspection
from .models import Body
from .standing import Standing, standing


@dataclass
class PDUPage:
    """`body`: the PDU, with its region and district; `history`: its published
    inspections, latest first, with their programmes;
    `region_results`: the latest inspection of each of the region's PDUs under the
    framework version of the PDU's latest rated inspection, the PDU's own (`latest`)
    among them."""

    body: Body
    history: list[Inspection]
    region_results: list[PDUResult]
    latest: PDUResult | None
    ratings_by_inspection: RatingsByInspection | None
    standing: Standing | None


def pdu_page(slug: str) -> PDUPage:
    """The PDU of `slug`, its ratings, its region's, its history and its standing (seven
    queries; three where it has no rated inspection). Body.DoesNotExist where no PDU of
    that slug may be shown (Body.objects.public())."""
    pdus = Body.objects.pdus().public().filter(slug=slug)
    neighbours = Q(
        body__region__in=pdus.values("region"),
        body__kind=Body.Kind.PDU,
        programme__rating_scheme=Programme.Scheme.FOUR_POINT,
    )
    found = list(
        Inspection.objects.published()
        .filter(Q(body__in=pdus) | neighbours)
        .select_related("body__region", "body__district", "programme")
    )
    # The PDU comes with its inspections; one not inspected yet is read on its own.
    body = next((i.body for i in found if i.body.slug == slug), None)
    if body is None:
        body = pdus.select_related("region", "district").get()
    history = latest_first(i for i in found if i.body_id == body.pk)
    version = next((i.programme for i in history if i.programme.has_ratings), None)
    if version is None:
        return PDUPage(body, history, [], None, None, None)
    standards = rated_standards(version)
    under = [i for i in found if i.programme_id == version.pk and i.body.kind == Body.Kind.PDU]
    shown = latest_of_each_body(under)
    own = [i for i in history if i.programme.has_ratings]
    by_id = {i.pk: i for i in [*shown, *own]}
    ratings = list(
        StandardRating.objects.filter(inspection__in=list(by_id)).select_related(
            "standard__programme"
        )
    )
    scores = list(
        KeyQuestionScore.objects.filter(inspection__in=list(by_id)).select_related("key_question")
    )
    # Each already loaded: no query for an inspection per rating or score.
    for record in [*ratings, *scores]:
        record.inspection = by_id[record.inspection_id]
    results = results_for(
        under,
        standards,
        ratings=ratings,
        scores=[(s.inspection_id, s.key_question_id, s.percent_yes) for s in scores],
    )
    latest = next((r for r in results if r.body.pk == body.pk), None)
    mine = {i.pk for i in own}
    return PDUPage(
        body,
        history,
        results,
        latest,
        ratings_by_inspection(
            body,
            history,
            [r for r in ratings if r.inspection_id in mine],
            [s for s in scores if s.inspection_id in mine],
        ),
        # Placed in its region and nationally; a PDU of no region (none published) is not
        # placed, rather than have England and Wales's figures read as its region's.
        standing(latest) if latest and body.region_id else None,
    )
