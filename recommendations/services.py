"""Saving updates to recommendations' tracking: all or nothing, history always written.

Forms check what a user may change and whether the values are valid; these functions
make the change. Each runs in one transaction, so an update either changes the tracking
and writes its ProgressUpdate, or changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from inspections.web.audit import log_update

from .models import TRACKED_FIELDS, ProgressUpdate, Recommendation, Tracking


@dataclass
class Conflict(Exception):
    """Someone saved an update after the page the user edited was drawn.

    newer: the updates saved since `expected_version`, oldest first, to show the user.
    """

    recommendation: Recommendation
    expected_version: int
    current_version: int
    newer: list[ProgressUpdate] = field(default_factory=list)

    def __str__(self):
        return (
            f"{self.recommendation}: version {self.current_version} is saved, "
            f"the update was made from version {self.expected_version}"
        )


@dataclass
class BulkConflict(Exception):
    conflicts: list[Conflict]


@dataclass
class Change:
    """What one update asks for: new values (only the fields it sets), a note, evidence."""

    values: dict
    note: str = ""
    evidence_url: str = ""
    evidence_text: str = ""


def newer_updates(recommendation, version: int) -> list[ProgressUpdate]:
    return list(
        ProgressUpdate.objects.filter(recommendation=recommendation, version__gt=version)
        .select_related("author")
        .order_by("version")
    )


def record_update(
    recommendation: Recommendation,
    user,
    change: Change,
    expected_version: int,
    *,
    batch: uuid.UUID | None = None,
) -> ProgressUpdate:
    """Apply `change` to the recommendation's tracking and write its history.

    Raises Conflict, changing nothing, when the tracking is no longer at
    `expected_version` (the version the user's form was drawn from).
    """
    unknown = set(change.values) - set(TRACKED_FIELDS)
    if unknown:
        raise ValueError(f"Not tracked fields: {sorted(unknown)}")
    with transaction.atomic():
        # The row lock makes a concurrent save wait for this one on PostgreSQL; the
        # conditional UPDATE below is what guarantees it on every database.
        tracking = (
            Tracking.objects.select_for_update().filter(recommendation=recommendation).first()
        )
        current_version = tracking.version if tracking else 0
        if current_version != expected_version:
            raise Conflict(
                recommendation,
                expected_version,
                current_version,
                newer_updates(recommendation, expected_version),
            )
        if tracking is None:
            # "No tracking" is version 0 to the forms, but an admin may have deleted a
            # tracking whose history stays: carry on after its last update, not clash with it.
            current_version = (
                ProgressUpdate.objects.filter(recommendation=recommendation).aggregate(
                    last=Max("version")
                )["last"]
                or 0
            )
            try:
                # A savepoint, so that losing a race to create the row leaves the outer
                # transaction usable for the conflict's query.
                with transaction.atomic():
                    tracking = Tracking.objects.create(
                        recommendation=recommendation, version=current_version
                    )
            except IntegrityError:
                raise Conflict(
                    recommendation,
                    expected_version,
                    current_version + 1,
                    newer_updates(recommendation, current_version),
                ) from None
        before = tracking.snapshot()
        after = {**before, **change.values}
        now = timezone.now()
        written = {**after, "version": current_version + 1, "updated_at": now, "updated_by": user}
        saved = Tracking.objects.filter(pk=tracking.pk, version=current_version).update(**written)
        if not saved:
            raise Conflict(
                recommendation,
                expected_version,
                Tracking.objects.get(pk=tracking.pk).version,
                newer_updates(recommendation, expected_version),
            )
        # A conditional update sends no signal, so the audit log is told of it here.
        log_update(tracking, written, user)
        return ProgressUpdate.objects.create(
            recommendation=recommendation,
            version=current_version + 1,
            author=user,
            created_at=now,
            note=change.note,
            evidence_url=change.evidence_url,
            evidence_text=change.evidence_text,
            batch=batch,
            **{f"{name}_before": value for name, value in before.items()},
            **{f"{name}_after": value for name, value in after.items()},
        )


def record_bulk_update(
    items: list[tuple[Recommendation, int]], user, change: Change
) -> list[ProgressUpdate]:
    """The same change to several recommendations in one step, history written on each.

    items: (recommendation, the version the user's form showed). All or nothing: if any
    recommendation was updated meanwhile, BulkConflict lists every such one and nothing
    is saved.
    """
    batch = uuid.uuid4()
    updates, conflicts = [], []
    with transaction.atomic():
        for recommendation, version in items:
            try:
                # A savepoint each, so one conflict does not poison the others' queries.
                with transaction.atomic():
                    updates.append(
                        record_update(recommendation, user, change, version, batch=batch)
                    )
            except Conflict as conflict:
                conflicts.append(conflict)
        if conflicts:
            # Raising inside the atomic block undoes the updates already made.
            raise BulkConflict(conflicts)
    return updates
