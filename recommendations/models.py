"""Recommendations, each addressed to a body and quoted exactly, and their tracking.

The published recommendation never changes. Where it stands (the action plan's response,
owner and target date, the reported status and the inspectorate's verified progress) is
in Tracking, and every change to that is a ProgressUpdate, so the history is complete.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from inspections.models import SourcedRecord, ThemeTag
from pdus.models import Body, Region
from pdus.rules import when_inspected

from . import rules
from .vocabulary import NO_UPDATE_LABEL, ReportedStatus, Response, VerifiedProgress


class AddresseeKind(models.TextChoices):
    PDU = "pdu", "PDU"
    REGION = "region", "Region"
    HMPPS = "hmpps", "HMPPS"
    PROVIDER = "provider", "Provider"


# The kinds of body map onto the addressee kinds that reports and the API use.
ADDRESSEE_KIND_BY_BODY_KIND = {
    Body.Kind.PDU: AddresseeKind.PDU,
    Body.Kind.REGION: AddresseeKind.REGION,
    Body.Kind.NATIONAL: AddresseeKind.HMPPS,
    Body.Kind.PROVIDER: AddresseeKind.PROVIDER,
    Body.Kind.NPS_DIVISION: AddresseeKind.PROVIDER,
}


def _blank_or(field: str, value: str) -> Q:
    """`field` (on the tracking) equals `value`; "" also matches a recommendation never tracked."""
    if value:
        return Q(**{f"tracking__{field}": value})
    return Q(tracking__isnull=True) | Q(**{f"tracking__{field}": ""})


class RecommendationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(inspection__is_published=True)

    def with_recorded_progress(self):
        """Recommendations the tracker holds anything about: they are kept, never replaced."""
        return self.filter(
            models.Exists(Tracking.objects.filter(recommendation=models.OuterRef("pk")))
            | models.Exists(ProgressUpdate.objects.filter(recommendation=models.OuterRef("pk")))
        )

    def for_tracker(self):
        """Rows of the tracker: each with its addressee, inspection, body and tracking, in
        one query, newest inspection first and in the document's order within it."""
        return self.select_related(
            "addressee__region", "inspection__body__region", "tracking"
        ).order_by(
            models.F("inspection__fieldwork_start").desc(nulls_last=True),
            "inspection__title",
            "position",
        )

    def by_target_date(self):
        """Earliest target date first, those without one last; then as the tracker orders."""
        return self.order_by(
            models.F("tracking__target_date").asc(nulls_last=True), *self.query.order_by
        )

    def by_last_update(self):
        """Most recently updated first, those never updated last; then as the tracker orders."""
        return self.order_by(
            models.F("tracking__updated_at").desc(nulls_last=True), *self.query.order_by
        )

    def about_region(self, region):
        """Arising in the region: addressed to it or its bodies, or from its inspections
        (so HMPPS's recommendations in a London PDU's report count for London)."""
        return self.filter(Q(addressee__region=region) | Q(inspection__body__region=region))

    def addressed_within(self, region):
        """What the region's director answers for: addressed to the region or its PDUs."""
        return self.filter(
            addressee__region=region, addressee__kind__in=rules.DIRECTOR_ADDRESSEE_KINDS
        )

    def for_pdu(self, body):
        """Addressed to the PDU, or made in an inspection of it."""
        return self.filter(Q(addressee=body) | Q(inspection__body=body))

    def addressed_to_kind(self, kind):
        """Addressee kind as reports and the API say it: pdu, region, hmpps or provider."""
        body_kinds = [b for b, a in ADDRESSEE_KIND_BY_BODY_KIND.items() if a == kind]
        return self.filter(addressee__kind__in=body_kinds)

    def with_response(self, value):
        return self.filter(_blank_or("response", value))

    def with_reported_status(self, value):
        return self.filter(_blank_or("reported_status", value))

    def with_verified_progress(self, value):
        return self.filter(_blank_or("verified_progress", value))

    def on_theme(self, theme):
        """Tagged with the findings explorer's `theme` (a ThemeTag, admins' overrides
        included): the same recommendations as the explorer lists for it."""
        return self.filter(theme_tags__theme=theme)

    def with_themes(self):
        """Their ThemeTags and themes loaded, so `themes` costs one query for them all."""
        return self.prefetch_related(
            models.Prefetch("theme_tags", ThemeTag.objects.select_related("theme"))
        )

    def still_open(self):
        """Not implemented nor superseded: work is still owed."""
        return self.exclude(tracking__reported_status__in=rules.CLOSED_STATUSES)

    def overdue(self, today):
        """Past the target date and still open; the same rule as rules.is_overdue."""
        return self.filter(tracking__target_date__lt=today).still_open()

    def not_overdue(self, today):
        return self.exclude(pk__in=self.model.objects.overdue(today).values("pk"))

    def due_between(self, first, last):
        """Still open with a target date from `first` to `last` inclusive."""
        return self.filter(tracking__target_date__range=(first, last)).still_open()


class Recommendation(SourcedRecord):
    """A numbered recommendation, as published, to one addressee.

    Tracking (response, owner, status and its history) hangs off this model in
    its own tables, so the published text here never changes.
    """

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.PositiveIntegerField(help_text="As published; may repeat (see notes).")
    position = models.PositiveIntegerField(help_text="Order within the inspection's document.")
    addressee = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="recommendations")
    co_addressees = models.ManyToManyField(
        Body,
        related_name="joint_recommendations",
        blank=True,
        help_text="Other bodies where one recommendation is addressed to several jointly.",
    )
    addressee_label = models.CharField(max_length=200, help_text="As published, before 'should'.")
    text = models.TextField()
    theme_bits = models.BigIntegerField(
        default=0,
        editable=False,
        help_text="Its themes, a bit each (inspections.Theme.bit), kept in step with "
        "ThemeTag by the database: what the findings explorer counts and filters themes by.",
    )

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["inspection", "position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "position"], name="unique_rec_position"),
            models.UniqueConstraint(
                fields=["inspection", "addressee", "number"], name="unique_rec_number_per_addressee"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:70]}"

    @property
    def published_follow_up(self):
        """What the next inspection's report says of it (FollowUp), once that report is
        published; None before, or where it says nothing. Load with
        select_related("follow_up__inspection") to spare a query each."""
        try:
            follow_up = self.follow_up
        except FollowUp.DoesNotExist:
            return None
        return follow_up if follow_up.inspection.is_published else None

    def get_absolute_url(self):
        return reverse("recommendations:recommendation_detail", args=[self.pk])

    @property
    def tracker_label(self):
        """Short enough for a list: 'Lambeth 2022, recommendation 11 to HMPPS'."""
        inspection = self.inspection
        year = f" {inspection.fieldwork_start:%Y}" if inspection.fieldwork_start else ""
        return (
            f"{inspection.body.short_name}{year}, "
            f"recommendation {self.number} to {self.addressee.short_name}"
        )

    @property
    def themes(self):
        """The findings explorer's themes it is on (its ThemeTags'), in their order; load
        them with with_themes()."""
        return [tag.theme for tag in self.theme_tags.all()]

    @property
    def addressee_kind(self):
        return ADDRESSEE_KIND_BY_BODY_KIND[self.addressee.kind]

    @cached_property
    def current(self):
        """The tracking, or an unsaved blank one when nobody has updated it yet."""
        try:
            return self.tracking
        except Tracking.DoesNotExist:
            return Tracking(recommendation=self)


class FollowUp(SourcedRecord):
    """What a later inspection's report says of a recommendation of an earlier inspection
    of the same body: met, partly met or not met, as that report states it, quoted in
    `summary`, from its `source_section`. HMIP checks progress at its next inspection, so
    a recommendation has at most one: the next report's. A report that says nothing of a
    recommendation has none, and none is ever inferred from later ratings."""

    class Verdict(models.TextChoices):
        MET = "met", "Met"
        PARTLY_MET = "partly_met", "Partly met"
        NOT_MET = "not_met", "Not met"

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, related_name="follow_up"
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        on_delete=models.CASCADE,
        related_name="follow_ups",
        help_text="The later inspection whose report gives the verdict.",
    )
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    summary = models.TextField(blank=True, help_text="What the later report says, in its words.")

    class Meta:
        ordering = ["recommendation"]

    def __str__(self):
        return f"{self.recommendation}: {self.get_verdict_display()}"

    def clean(self):
        super().clean()
        if not (self.recommendation_id and self.inspection_id):
            return
        earlier, later = self.recommendation.inspection, self.inspection
        if earlier.body_id != later.body_id:
            raise ValidationError(
                {"inspection": "Choose an inspection of the recommendation's body."}
            )
        if when_inspected(later.fieldwork_start, later.published) <= when_inspected(
            earlier.fieldwork_start, earlier.published
        ):
            raise ValidationError(
                {"inspection": "Choose an inspection later than the recommendation's."}
            )


# The fields of Tracking that an update may change; ProgressUpdate keeps each before and after.
TRACKED_FIELDS = (
    "response",
    "partly_agreed_part",
    "owner",
    "target_date",
    "reported_status",
    "verified_progress",
)


class Tracking(models.Model):
    """Where one recommendation stands now.

    Created by its first update (until then the recommendation reads "No update yet") and
    changed only through recommendations.services, which writes a ProgressUpdate with
    every change. `version` counts the updates: a save made from a page showing an older
    version is refused (optimistic locking), so two people cannot overwrite each other.
    """

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.PROTECT, related_name="tracking"
    )
    response = models.CharField(max_length=20, choices=Response.choices, blank=True)
    partly_agreed_part = models.TextField(
        "which part is agreed", blank=True, help_text="Only when partly agreed."
    )
    owner = models.CharField(max_length=200, blank=True, help_text="A person or a post.")
    target_date = models.DateField(null=True, blank=True)
    reported_status = models.CharField(max_length=20, choices=ReportedStatus.choices, blank=True)
    verified_progress = models.CharField(
        max_length=20, choices=VerifiedProgress.choices, blank=True
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = "tracking"
        verbose_name_plural = "tracking"
        permissions = [
            ("record_progress", "Can record progress on recommendations addressed to own region"),
            ("verify_progress", "Can record the inspectorate's verified progress"),
            ("manage_all_tracking", "Can update the tracking of any recommendation"),
        ]

    def __str__(self):
        return f"Tracking of {self.recommendation}"

    def snapshot(self) -> dict:
        return {field: getattr(self, field) for field in TRACKED_FIELDS}

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return rules.is_overdue(self.target_date, self.reported_status, today)


class ProgressUpdate(models.Model):
    """One saved update of a recommendation's tracking: who, when, each value before and
    after, why (the note) and any evidence. Never changed; only an admin can delete one,
    and the deletion is recorded (DeletionRecord)."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="progress_updates"
    )
    version = models.PositiveIntegerField(help_text="The tracking's version this update made.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    note = models.TextField(blank=True)
    evidence_url = models.URLField("evidence link", max_length=500, blank=True)
    evidence_text = models.CharField("evidence", max_length=500, blank=True)
    batch = models.UUIDField(
        null=True, blank=True, help_text="Shared by the updates saved together in one step."
    )

    response_before = models.CharField(max_length=20, choices=Response.choices, blank=True)
    response_after = models.CharField(max_length=20, choices=Response.choices, blank=True)
    partly_agreed_part_before = models.TextField(blank=True)
    partly_agreed_part_after = models.TextField(blank=True)
    owner_before = models.CharField(max_length=200, blank=True)
    owner_after = models.CharField(max_length=200, blank=True)
    target_date_before = models.DateField(null=True, blank=True)
    target_date_after = models.DateField(null=True, blank=True)
    reported_status_before = models.CharField(
        max_length=20, choices=ReportedStatus.choices, blank=True
    )
    reported_status_after = models.CharField(
        max_length=20, choices=ReportedStatus.choices, blank=True
    )
    verified_progress_before = models.CharField(
        max_length=20, choices=VerifiedProgress.choices, blank=True
    )
    verified_progress_after = models.CharField(
        max_length=20, choices=VerifiedProgress.choices, blank=True
    )

    class Meta:
        ordering = ["recommendation", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "version"], name="unique_update_version"
            )
        ]

    def __str__(self):
        return f"Update {self.version} of {self.recommendation}"

    def changes(self) -> list[tuple[str, str, str]]:
        """(what, old, new) for each value this update changed, in words."""
        changed = []
        for field in TRACKED_FIELDS:
            old, new = getattr(self, f"{field}_before"), getattr(self, f"{field}_after")
            if old != new:
                label = Tracking._meta.get_field(field).verbose_name
                changed.append(
                    (label[:1].upper() + label[1:], _display(field, old), _display(field, new))
                )
        return changed

    @property
    def moved_target_date(self):
        return (
            self.target_date_before is not None
            and self.target_date_before != self.target_date_after
        )


def _display(field: str, value) -> str:
    """A tracked value in words: choice labels, dates as '1 March 2023', blanks as 'Not given'."""
    if value in ("", None):
        return NO_UPDATE_LABEL if field == "reported_status" else "Not given"
    if field == "target_date":
        return f"{value.day} {value:%B %Y}"
    choices = dict(Tracking._meta.get_field(field).choices or ())
    return str(choices.get(value, value))


class DirectorProfile(models.Model):
    """The region a regional director answers for. Only regional directors have one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="director_profile"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="directors")

    class Meta:
        verbose_name = "regional director's region"
        verbose_name_plural = "regional directors' regions"

    def __str__(self):
        return f"{self.user} for {self.region}"


class DeletionRecord(models.Model):
    """A tracking record, progress update or director's region that was deleted: what it
    held, who deleted it and when. Deleting is for admins only; this keeps what they
    removed, since history that can vanish unseen is no history."""

    model = models.CharField(max_length=100, help_text="app_label.ModelName")
    object_pk = models.CharField(max_length=64)
    description = models.CharField(max_length=300)
    data = models.JSONField(encoder=DjangoJSONEncoder, help_text="Every field as it was.")
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deleted_by_name = models.CharField(max_length=150, blank=True)
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-deleted_at"]

    def __str__(self):
        return f"{self.model} {self.object_pk} deleted {self.deleted_at:%Y-%m-%d %H:%M}"
