"""The tracker's rows as a table to download (CSV or Excel).

Public like the tracker itself: statuses and dates only, never notes or evidence.
"""

from collections.abc import Iterator

from .rules import is_overdue, rag_status
from .vocabulary import NO_UPDATE_LABEL

COLUMNS = [
    "Inspection",
    "Inspected body",
    "Region",
    "Number",
    "Addressee",
    "Addressee kind",
    "Recommendation",
    "Response",
    "Which part is agreed",
    "Owner",
    "Target date",
    "Reported status",
    "Verified progress",
    "Overdue",
    "RAG",
    "Last updated",
    "URL",
]


# Recommendations read from the database this many at a time for a download.
BATCH = 1000


def tracker_rows(recommendations, absolute_uri, today) -> Iterator[list]:
    """One row per recommendation (a for_tracker() queryset), its cells in COLUMNS' order,
    with ISO dates and labels; read BATCH at a time as the rows are, so a download holds a
    batch, not every recommendation."""
    for rec in recommendations.iterator(chunk_size=BATCH):
        tracking = rec.current
        late = is_overdue(tracking.target_date, tracking.reported_status, today)
        body = rec.inspection.body
        row = {
            "Inspection": rec.inspection.title,
            "Inspected body": body.name,
            "Region": body.region.name if body.region else "",
            "Number": rec.number,
            "Addressee": rec.addressee.name,
            "Addressee kind": rec.addressee_kind.label,
            "Recommendation": rec.text,
            "Response": tracking.get_response_display(),
            "Which part is agreed": tracking.partly_agreed_part,
            "Owner": tracking.owner,
            "Target date": tracking.target_date.isoformat() if tracking.target_date else "",
            "Reported status": tracking.get_reported_status_display() or NO_UPDATE_LABEL,
            "Verified progress": tracking.get_verified_progress_display(),
            "Overdue": "Yes" if late else "No",
            "RAG": rag_status(tracking.reported_status, tracking.verified_progress, late).label,
            "Last updated": (tracking.updated_at.date().isoformat() if tracking.updated_at else ""),
            "URL": absolute_uri(rec.get_absolute_url()),
        }
        yield [row[heading] for heading in COLUMNS]
