"""The words HMPPS action plans and HMIP follow-ups use to say where a recommendation stands.

Kept apart from models.py so that rules.py can use them without importing any model.
"""

from django.db import models


class Response(models.TextChoices):
    """The region's or HMPPS's response to a recommendation in its action plan."""

    AGREED = "agreed", "Agreed"
    PARTLY_AGREED = "partly_agreed", "Partly agreed"
    NOT_AGREED = "not_agreed", "Not agreed"


class ReportedStatus(models.TextChoices):
    """What the recommendation's owner reports."""

    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    IMPLEMENTED = "implemented", "Implemented"
    NOT_IMPLEMENTED = "not_implemented", "Not implemented"
    SUPERSEDED = "superseded", "Superseded"


class VerifiedProgress(models.TextChoices):
    """The inspectorate's own judgement at follow-up, as in HMI Prisons' reviews of progress."""

    NO_MEANINGFUL = "no_meaningful", "No meaningful progress"
    INSUFFICIENT = "insufficient", "Insufficient progress"
    REASONABLE = "reasonable", "Reasonable progress"
    GOOD = "good", "Good progress"


class RAG(models.TextChoices):
    """Red, amber, green: a one-word summary of a recommendation, for the tracker's tables."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    NO_UPDATE = "no_update", "No update yet"


# What a blank value reads as: a recommendation nobody has updated yet.
NO_UPDATE_LABEL = "No update yet"
