"""The tracker's rows as a table to download (CSV or Excel).

Public like the tracker itself: statuses and dates only, never notes or evidence.
"""

import pandas as pd

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


def tracker_frame(recommendations, absolute_uri, today) -> pd.DataFrame:
    """One row per recommendation (a for_tracker() queryset), with ISO dates and labels."""
    rows = []
    for rec in recommendations:
        tracking = rec.current
        late = is_overdue(tracking.target_date, tracking.reported_status, today)
        body = rec.inspection.body
        rows.append(
            {
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
                "Last updated": (
                    tracking.updated_at.date().isoformat() if tracking.updated_at else ""
                ),
                "URL": absolute_uri(rec.get_absolute_url()),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
