"""The review gate: each item an import left to check is resolved by an admin (confirmed
as read, or corrected in a step) before the draft can be published, and publishing a
corrected inspection leaves a public notice of what changed."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, QuerySet
from django.db.models.functions import Cast

from inspections.models import Correction, DataQualityNote, Inspection, Review

# Lines shown before and after the line an item is about.
CONTEXT_LINES = 3

# The entry step where what an item is about is corrected, by the words it uses.
STEPS_BY_WORDS = (
    ("recommendations", ("recommendation", "addressee")),
    ("ratings", ("rating", "rated", "key question", "key-question", "score", "standard")),
    ("findings", ("finding", "strength", "improvement", "heading")),
    ("figures", ("figure", "caseload", "vacanc")),
)


def step_for(note: DataQualityNote) -> str:
    """The step ("details", "ratings", ...) in which an admin corrects what `note` is about."""
    words = f"{note.description} {note.source_section}".casefold()
    for step, markers in STEPS_BY_WORDS:
        if any(marker in words for marker in markers):
            return step
    return "details"


@dataclass
class SourceLine:
    number: int
    text: str
    is_cited: bool  # the line the item is about


def source_lines(note: DataQualityNote, lines: list[str]) -> list[SourceLine]:
    """The `lines` of the document's text the item came from: around its line where the
    import knew it, else around the first line of its section's heading."""
    line = note.source_line or _heading_line(lines, note.source_section)
    if line is None or not 1 <= line <= len(lines):
        return []
    first, last = max(1, line - CONTEXT_LINES), min(len(lines), line + CONTEXT_LINES)
    return [
        SourceLine(number, lines[number - 1], number == line) for number in range(first, last + 1)
    ]


def _heading_line(lines: list[str], heading: str) -> int | None:
    if not heading:
        return None
    wanted = _words(heading)
    return next((n for n, line in enumerate(lines, 1) if _words(line) == wanted), None)


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def unresolved_problems(
    inspection: Inspection, notes: Iterable[DataQualityNote] | None = None
) -> list[str]:
    """The publication problem while any item to check is unresolved; `notes`: all the
    inspection's items, if already read (counted here, not read again)."""
    if notes is None:
        count = inspection.data_quality_notes.to_check().count()
    else:
        count = sum(1 for note in notes if note.is_to_check)
    if not count:
        return []
    items = "item" if count == 1 else "items"
    return [
        f"Resolve the {count} {items} to check below: confirm each as read, or correct it "
        "and say what you corrected"
    ]


def _unpublishings():
    """The admin history's entries of inspections being unpublished."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Inspection),
        change_message__startswith="Unpublished",
    )


def with_publication_history(inspections: QuerySet[Inspection]) -> QuerySet[Inspection]:
    """`inspections`, each read with whether the public has seen an earlier version of it
    (see was_published_before), in the same query."""
    return inspections.annotate(
        was_unpublished=Exists(_unpublishings().filter(object_id=Cast(OuterRef("pk"), CharField())))
    )


def was_published_before(inspection: Inspection) -> bool:
    """Whether the public has seen an earlier version of this draft (it was unpublished):
    as read with it by with_publication_history, else read now."""
    if hasattr(inspection, "was_unpublished"):
        return inspection.was_unpublished
    return _unpublishings().filter(object_id=str(inspection.pk)).exists()


def record_corrections(
    inspection: Inspection, changes: list[str], today: datetime.date
) -> Correction | None:
    """On publishing: a public notice of what was corrected, from `changes` the admin
    describes and the items corrected since the last notice; none if nothing was."""
    corrected = inspection.data_quality_notes.filter(review=Review.CORRECTED)
    noticed = {change for c in inspection.corrections.all() for change in c.changes}
    changes = [
        *changes,
        *(
            f"{note.description} Corrected: {note.resolution}"
            for note in corrected.order_by("resolved_at", "pk")
        ),
    ]
    changes = [change for change in dict.fromkeys(changes) if change not in noticed]
    if not changes:
        return None
    return Correction.objects.create(inspection=inspection, corrected_on=today, changes=changes)
