"""The tracker's rules: who may do what, and what a valid update is.

Plain functions on plain values (or a user and a recommendation), so the views, the forms,
the admin and the management commands share one definition of each rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

from .vocabulary import RAG, ReportedStatus, VerifiedProgress

# Permissions (declared on Tracking.Meta) that the role groups hold.
RECORD_PROGRESS = "recommendations.record_progress"
VERIFY_PROGRESS = "recommendations.verify_progress"
MANAGE_ALL_TRACKING = "recommendations.manage_all_tracking"

# Body kinds (pdus.Body.Kind values) a regional director answers for in their region:
# the region as a whole and its PDUs, not HMPPS, providers or an NPS division.
DIRECTOR_ADDRESSEE_KINDS = ("pdu", "region")


# --- Roles and permissions ---------------------------------------------------------------


def is_admin(user) -> bool:
    """Admins may do everything, including updating any recommendation's tracking."""
    return user.is_authenticated and user.is_active and user.has_perm(MANAGE_ALL_TRACKING)


def is_inspectorate_staff(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(VERIFY_PROGRESS)


def director_region_id(user) -> int | None:
    """The pk of the region a regional director answers for; None for anyone else."""
    if not (user.is_authenticated and user.is_active and user.has_perm(RECORD_PROGRESS)):
        return None
    # A reverse one-to-one that does not exist raises an AttributeError subclass.
    profile = getattr(user, "director_profile", None)
    return profile.region_id if profile is not None else None


def can_view_tracking_notes(user) -> bool:
    """Notes, evidence and who wrote them need sign-in; statuses and dates are public."""
    return user.is_authenticated and user.is_active


def can_update_recommendation(user, recommendation) -> bool:
    """Whether `user` may record the response, owner, target date and reported status.

    Admins may for any recommendation; a regional director only for those addressed to
    their region as a whole or to one of its PDUs. Inspectorate staff may not: they
    verify progress (`can_verify_progress`), they do not report it.
    """
    if is_admin(user):
        return True
    region_id = director_region_id(user)
    addressee = recommendation.addressee
    return (
        region_id is not None
        and addressee.kind in DIRECTOR_ADDRESSEE_KINDS
        and addressee.region_id == region_id
    )


def can_verify_progress(user, recommendation) -> bool:
    """Verified progress is the inspectorate's judgement: its staff and admins set it."""
    return is_admin(user) or is_inspectorate_staff(user)


def can_use_update_form(user, recommendation) -> bool:
    return can_update_recommendation(user, recommendation) or can_verify_progress(
        user, recommendation
    )


def can_update_any(user, recommendations: Iterable) -> bool:
    """Whether `user` may update (or verify) at least one of `recommendations`: what the
    "Update together" page asks, so only then is it offered."""
    return any(can_use_update_form(user, rec) for rec in recommendations)


def update_scope(user) -> str:
    """What decides which recommendations `user` may use the update form on: "all" for
    admins and inspectorate staff, "region-<pk>" for a regional director, "none" for
    anyone else. Users of one scope may update the same ones, so a page showing that is
    the same for them all (and only them)."""
    if is_admin(user) or is_inspectorate_staff(user):
        return "all"
    region_id = director_region_id(user)
    return "none" if region_id is None else f"region-{region_id}"


def can_bulk_update(user) -> bool:
    """Who may open the recurring-recommendations pages; each row is checked again."""
    return is_admin(user) or is_inspectorate_staff(user) or director_region_id(user) is not None


def can_view_digest(user, region) -> bool:
    """A director sees their own region's overdue digest; staff and admins see every region's."""
    if is_admin(user) or is_inspectorate_staff(user):
        return True
    region_id = director_region_id(user)
    return region_id is not None and region_id == region.pk


def can_delete_tracking(user) -> bool:
    """Only admins delete tracking records, and each deletion is recorded."""
    return is_admin(user)


def role_label(user) -> str:
    """How the page names the signed-in user's role."""
    if is_admin(user):
        return "Admin"
    if is_inspectorate_staff(user):
        return "Inspectorate staff"
    if director_region_id(user) is not None:
        return f"Regional director, {user.director_profile.region.name}"
    return "No tracking role"


# --- Updates -------------------------------------------------------------------------------

# Superseded is the end of the road; implemented can be reopened if the work lapses. A
# recommendation nobody has updated yet ("") may start anywhere.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    "": frozenset(ReportedStatus.values),
    ReportedStatus.NOT_STARTED: frozenset(
        {
            ReportedStatus.IN_PROGRESS,
            ReportedStatus.IMPLEMENTED,
            ReportedStatus.NOT_IMPLEMENTED,
            ReportedStatus.SUPERSEDED,
        }
    ),
    ReportedStatus.IN_PROGRESS: frozenset(
        {ReportedStatus.IMPLEMENTED, ReportedStatus.NOT_IMPLEMENTED, ReportedStatus.SUPERSEDED}
    ),
    ReportedStatus.IMPLEMENTED: frozenset({ReportedStatus.IN_PROGRESS, ReportedStatus.SUPERSEDED}),
    ReportedStatus.NOT_IMPLEMENTED: frozenset(
        {ReportedStatus.IN_PROGRESS, ReportedStatus.SUPERSEDED}
    ),
    ReportedStatus.SUPERSEDED: frozenset(),
}


def status_label(value: str) -> str:
    return ReportedStatus(value).label if value else "No status"


def transition_error(old: str, new: str) -> str | None:
    """Why the reported status may not move from `old` to `new`; None when it may."""
    if old == new:
        return None
    if not new:
        return "Select a reported status; a status cannot be removed once reported"
    allowed = ALLOWED_TRANSITIONS[old]
    if new in allowed:
        return None
    if not allowed:
        return f"A recommendation reported as {status_label(old).lower()} cannot change status"
    # In the vocabulary's order, so the message reads the same every time.
    names = [status_label(s).lower() for s in ReportedStatus.values if s in allowed]
    names = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"A recommendation reported as {status_label(old).lower()} can only move to {names}"


def earliest_target_date(fieldwork_start: date | None, published: date | None) -> date | None:
    """A target date may not be before the inspection: its publication, else its fieldwork.

    An action plan answers a published report, so where the publication date is known it
    is the bound (a month-precise date is stored as its first day, which errs on the
    lenient side); otherwise the start of fieldwork. None when the source gives neither.
    """
    return published or fieldwork_start


def target_date_error(target: date | None, fieldwork_start, published) -> str | None:
    earliest = earliest_target_date(fieldwork_start, published)
    if target is None or earliest is None or target >= earliest:
        return None
    return (
        f"Target date must be on or after {earliest.day} {earliest:%B %Y}, "
        "when the inspection took place"
    )


def note_is_required(before: dict, after: dict) -> bool:
    """A note must say why whenever the status or the judgement changes, or a date moves.

    Setting a target date for the first time needs no reason; moving one does.
    """
    return (
        before.get("reported_status") != after.get("reported_status")
        or before.get("verified_progress") != after.get("verified_progress")
        or before.get("response") != after.get("response")
        or (
            before.get("target_date") is not None
            and before["target_date"] != after.get("target_date")
        )
    )


# --- Overdue and RAG ---------------------------------------------------------------------

# A recommendation that is implemented or superseded needs nothing more, so it is never
# overdue; every other status (not implemented included) is still owed.
CLOSED_STATUSES = frozenset({ReportedStatus.IMPLEMENTED, ReportedStatus.SUPERSEDED})
DUE_SOON_DAYS = 28


def is_overdue(target_date: date | None, reported_status: str, today: date) -> bool:
    """Past its target date and not implemented (nor superseded)."""
    return (
        target_date is not None and target_date < today and reported_status not in CLOSED_STATUSES
    )


def rag_status(reported_status: str, verified_progress: str, overdue: bool) -> RAG:
    """Red, amber or green for one recommendation.

    Overdue is red whatever else is said. Otherwise the inspectorate's verified progress,
    where it has judged, outranks what the owner reports: reasonable or good progress is
    green, insufficient or none red. Without a judgement: implemented or superseded is
    green, not implemented red, not started or in progress amber, nothing reported grey.
    """
    if overdue:
        return RAG.RED
    if verified_progress:
        good = verified_progress in (VerifiedProgress.REASONABLE, VerifiedProgress.GOOD)
        return RAG.GREEN if good else RAG.RED
    if reported_status in CLOSED_STATUSES:
        return RAG.GREEN
    if reported_status == ReportedStatus.NOT_IMPLEMENTED:
        return RAG.RED
    if reported_status:
        return RAG.AMBER
    return RAG.NO_UPDATE


# --- Status over time ---------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def months_between(first: date, last: date) -> list[date]:
    """The first day of every month from `first`'s to `last`'s, inclusive."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def status_counts_by_month(
    events: Iterable[tuple[int, date, str]], total: int, months: Sequence[date]
) -> list[Counter]:
    """How many recommendations stood at each reported status at the end of each month.

    events: (recommendation id, day of the update, status after it), oldest first.
    total: how many recommendations there are; those not yet updated count under "".
    Returns one Counter per month in `months` (ascending).
    """
    events = list(events)
    current: dict[int, str] = {}
    counts, index = [], 0
    for month in months:
        while index < len(events) and month_start(events[index][1]) <= month:
            pk, _, status = events[index]
            current[pk] = status
            index += 1
        counter = Counter(current.values())
        counter[""] += total - len(current)
        counts.append(counter)
    return counts
