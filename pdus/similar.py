"""Similar PDUs to compare a PDU with: those in its region, or those rated the same overall.

Compare puts at most MAX_PDUS side by side, so where more PDUs match, the ones closest to
the PDU in score (as a share of its maximum, as the rankings order them) are offered, and
the choice says how many matched. One query, whatever the number of PDUs."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.http import urlencode

from inspections.models import Inspection
from ratings.models import Programme

from .dashboard import latest_of_each_body, rated_inspections
from .forms import MAX_PDUS
from .models import Body


@dataclass
class SimilarChoice:
    """A comparison of `pdu` with `others` (at most MAX_PDUS - 1), `matched` being how many
    PDUs other than `pdu` were like it."""

    pdu: Body
    like: str  # "region" or "rating"
    what: str  # the region's name, or the overall rating's label
    others: list[Body]
    matched: int
    url: str

    @property
    def is_capped(self) -> bool:
        return self.matched > len(self.others)


def _share(inspection: Inspection) -> float:
    if not inspection.max_score or inspection.score is None:
        return -1.0
    return inspection.score / inspection.max_score


def closest(inspection: Inspection, candidates: list[Inspection]) -> list[Inspection]:
    """`candidates` nearest `inspection` in score share, then score, then name."""
    share = _share(inspection)
    return sorted(
        candidates,
        key=lambda i: (
            abs(_share(i) - share),
            abs((i.score or 0) - (inspection.score or 0)),
            i.body.name,
        ),
    )


def _latest(version: Programme) -> list[Inspection]:
    return latest_of_each_body(
        rated_inspections(version).select_related("body__region", "programme")
    )


def similar_to_pdu(pdu: Body, version: Programme, inspections=None) -> list[SimilarChoice]:
    """similar_choices() for one PDU, on its latest inspection under `version` (one query,
    none where `inspections` are given, as for similar_choices())."""
    latest = _latest(version) if inspections is None else latest_of_each_body(inspections)
    return _choices([i for i in latest if i.body_id == pdu.pk], latest, version)


def similar_choices(shown: list[Inspection], version: Programme, inspections=None):
    """For each of `shown` (the inspections being compared), the comparisons of its PDU
    with the other PDUs of its region and with those rated the same overall, each PDU on
    its latest inspection under `version`: [SimilarChoice]. `inspections` are every rated
    PDU inspection under `version` with its body and region, where already loaded (else
    one query)."""
    latest = _latest(version) if inspections is None else latest_of_each_body(inspections)
    return _choices(shown, latest, version)


def _choices(shown, latest, version) -> list[SimilarChoice]:
    choices = []
    for inspection in shown:
        pdu = inspection.body
        others = [i for i in latest if i.body_id != pdu.pk]
        groups = [
            (
                "region",
                pdu.region.name if pdu.region else "",
                [i for i in others if pdu.region_id and i.body.region_id == pdu.region_id],
            ),
            (
                "rating",
                inspection.get_overall_rating_display(),
                [i for i in others if i.overall_rating == inspection.overall_rating],
            ),
        ]
        for like, what, matched in groups:
            if not matched or not what:
                continue
            picked = [i.body for i in closest(inspection, matched)[: MAX_PDUS - 1]]
            query = urlencode(
                [("pdu", pdu.slug), *(("pdu", b.slug) for b in picked), ("version", version.slug)]
            )
            choices.append(SimilarChoice(pdu, like, what, picked, len(matched), f"?{query}"))
    return choices
