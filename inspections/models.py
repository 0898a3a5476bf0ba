"""Source documents, inspections, findings, context figures and data-quality notes."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from ratings.models import Rating


class DatePrecision(models.TextChoices):
    """How much of a published date the source gives: '15 August 2022', 'August 2022', '2022'."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


def format_date(value, precision: str) -> str:
    """A date as precisely as the source gave it: '15 August 2022', 'August 2022' or '2022'."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{value:%B %Y}"
    return f"{value.day} {value:%B %Y}"


class SourcedRecord(models.Model):
    """A record taken from a document, with where it stands there, so it can be cited."""

    source_document = models.ForeignKey(
        "inspections.SourceDocument",
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_records",
    )
    source_section = models.CharField(max_length=200, help_text="Heading as published.")
    source_line = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Line of the text where it starts; blank if entered by hand.",
    )

    class Meta:
        abstract = True


class SourceDocument(models.Model):
    """A published document that facts in the database are taken from."""

    class Kind(models.TextChoices):
        PDU_REPORT = "pdu_report", "PDU inspection report"
        REGIONAL_LETTER = "regional_letter", "Regional inspection letter"
        QUALITY_IMPACT_REPORT = "quality_impact_report", "Quality & Impact inspection report"
        PDU_PROFILE = "pdu_profile", "PDU profile (not by HMIP)"

    filename = models.CharField(
        max_length=200, help_text="As received; two documents may share a name, not a text."
    )
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    author = models.CharField(max_length=200)
    published = models.DateField(null=True, blank=True)
    published_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    url = models.URLField(blank=True)
    licence = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(
        max_length=64, blank=True, help_text="Of the text read; blank where entered by hand."
    )
    text = models.TextField(
        blank=True,
        help_text="The text read, for a report imported by an admin: the review shows each "
        "item to check beside its lines. Blank for the published data's own documents.",
    )

    class Meta:
        ordering = ["filename"]
        constraints = [
            # A document is known by its text: importing the same text again finds it.
            models.UniqueConstraint(
                fields=["sha256"], condition=~models.Q(sha256=""), name="unique_document_text"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def published_display(self):
        return format_date(self.published, self.published_precision)


@dataclass(frozen=True)
class Freshness:
    """How recent the published data is: `report`, the day the latest report in it was
    published; `corrected`, the day of the latest correction of one; `updated`, the later."""

    report: date | None
    corrected: date | None

    @property
    def updated(self) -> date | None:
        return max((day for day in (self.report, self.corrected) if day), default=None)


class InspectionQuerySet(models.QuerySet):
    def published(self):
        """Inspections the public may see; drafts stay hidden until published."""
        return self.filter(is_published=True)

    def of_pdus(self):
        return self.filter(body__kind="pdu")

    def freshness(self) -> Freshness:
        """When these inspections' data last changed, as the records say: the latest
        report's publication and the latest correction of one (one query)."""
        dates = self.aggregate(
            report=models.Max("published"), corrected=models.Max("corrections__corrected_on")
        )
        return Freshness(**dates)

    def for_listing(self):
        """One query for a list of inspections with their body, region and programme."""
        # Newest first; an inspection with no published fieldwork date goes last on
        # every database (PostgreSQL would otherwise put NULLs first).
        return self.select_related("body__region", "programme", "source_document").order_by(
            # And by id, so that each row is on one page of a paged list.
            models.F("fieldwork_start").desc(nulls_last=True),
            "body__name",
            "-pk",
        )


class Inspection(models.Model):
    """One inspection of one body under one programme, as published."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    body = models.ForeignKey("pdus.Body", on_delete=models.PROTECT, related_name="inspections")
    programme = models.ForeignKey(
        "ratings.Programme", on_delete=models.PROTECT, related_name="inspections"
    )
    source_document = models.ForeignKey(
        SourceDocument, on_delete=models.PROTECT, related_name="inspections"
    )
    source_section = models.CharField(
        max_length=200, blank=True, help_text="Where the document reports it, if not whole."
    )
    fieldwork_start = models.DateField(null=True, blank=True)
    fieldwork_start_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    published = models.DateField(null=True, blank=True)
    published_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    lead_inspector = models.CharField(max_length=100, blank=True)
    cases_inspected = models.PositiveIntegerField(null=True, blank=True)
    practitioner_interviews = models.PositiveIntegerField(null=True, blank=True)
    score = models.PositiveIntegerField(null=True, blank=True)
    max_score = models.PositiveIntegerField(null=True, blank=True)
    overall_rating = models.CharField(max_length=30, choices=Rating.choices, blank=True)
    is_published = models.BooleanField(default=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-fieldwork_start", "body__name"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("inspections:inspection_detail", args=[self.slug])

    def set_published(self, published: bool, user, note: str) -> None:
        """Publish the inspection or take it back to a draft, recorded in its admin history
        with who did it and `note`."""
        from django.contrib.admin.models import CHANGE, LogEntry

        self.is_published = published
        self.save(update_fields=["is_published"])
        LogEntry.objects.log_actions(
            user.pk, [self], CHANGE, change_message=note, single_object=True
        )

    @property
    def fieldwork_start_display(self):
        return format_date(self.fieldwork_start, self.fieldwork_start_precision)

    @property
    def published_display(self):
        return format_date(self.published, self.published_precision)

    @property
    def score_display(self):
        return f"{self.score}/{self.max_score}" if self.score is not None else ""


class Section(models.Model):
    """A heading that findings sit under: a standard, or a section such as Resettlement work."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    standard = models.ForeignKey(
        "ratings.Standard",
        on_delete=models.PROTECT,
        related_name="sections",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Finding(SourcedRecord):
    """A strength, area for improvement or other finding, quoted exactly."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", "Strength"
        IMPROVEMENT = "improvement", "Area for improvement"
        OTHER = "other", "Other finding"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    position = models.PositiveIntegerField(help_text="Order within the inspection's document.")
    theme_bits = models.BigIntegerField(
        default=0,
        editable=False,
        help_text="Its themes, a bit each (Theme.bit), kept in step with ThemeTag by the "
        "database: what the findings explorer counts and filters themes by.",
    )

    class Meta:
        ordering = ["inspection", "position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "position"], name="unique_finding_pos"),
        ]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return reverse("inspections:finding_detail", args=[self.pk])


class ContextFigure(SourcedRecord):
    """A number (or status) a document gives about a body at a date."""

    class Category(models.TextChoices):
        CASELOAD = "caseload", "Caseload"
        STAFFING = "staffing", "Staffing and vacancies"
        WORKLOAD = "workload", "Workload"
        PPF = "ppf", "Prioritising Probation Framework"
        SURVEY = "survey", "Survey results"
        REFERRALS = "referrals", "Referrals and services"
        COMPLETION = "completion", "Completion rates"
        CASE_SAMPLE = "case_sample", "Case sample results"
        POPULATION = "population", "Population and diversity"
        REOFFENDING = "reoffending", "Reoffending"
        ORGANISATION = "organisation", "Organisation"

    class Unit(models.TextChoices):
        COUNT = "count", "count"
        PERCENT = "percent", "per cent"
        WEEKS = "weeks", "weeks"
        HOURS = "hours", "hours"
        FTE = "fte", "full-time equivalent"
        RATE = "rate", "average per person"
        STATUS = "status", "status"

    body = models.ForeignKey("pdus.Body", on_delete=models.PROTECT, related_name="context_figures")
    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.CASCADE,
        related_name="context_figures",
        null=True,
        blank=True,
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    label = models.CharField(max_length=300)
    value = models.DecimalField(max_digits=12, decimal_places=1, null=True, blank=True)
    value_text = models.CharField(max_length=100, help_text="As published, e.g. circa 38,950.")
    unit = models.CharField(max_length=10, choices=Unit.choices)
    as_at = models.DateField(null=True, blank=True)
    as_at_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    source_note = models.CharField(
        max_length=300, blank=True, help_text="The document's own attribution, e.g. a footnote."
    )
    quote = models.TextField(
        blank=True, help_text="The sentence the figure is taken from, verbatim."
    )

    class Meta:
        ordering = ["body__name", "category", "label"]

    def __str__(self):
        return f"{self.body.short_name}: {self.label} = {self.value_text}"

    @property
    def as_at_display(self):
        return format_date(self.as_at, self.as_at_precision)

    @property
    def value_display(self):
        """The value as published, with its unit where the text does not already say it."""
        if self.unit == self.Unit.PERCENT and not self.value_text.endswith("%"):
            return f"{self.value_text}%"
        if self.unit in (self.Unit.WEEKS, self.Unit.HOURS, self.Unit.FTE):
            return f"{self.value_text} {self.get_unit_display()}"
        return self.value_text


class Review(models.TextChoices):
    """Where an item an import left to check stands; blank for the published data's notes."""

    TO_CHECK = "to_check", "To check"
    CONFIRMED = "confirmed", "Confirmed as read"
    CORRECTED = "corrected", "Corrected"


class DataQualityNoteQuerySet(models.QuerySet):
    def to_check(self):
        """Items an import left that no admin has resolved yet: they block publishing."""
        return self.filter(review=Review.TO_CHECK)


class DataQualityNote(models.Model):
    """A place where sources disagree or a document is irregular; both facts are kept."""

    class Kind(models.TextChoices):
        FIGURES = "figures", "Figures differ between documents"
        NUMBERING = "numbering", "Numbering differs between documents"
        WORDING = "wording", "Wording differs between documents"
        REPEATED_NUMBER = "repeated_number", "Numbers repeat within a document"
        CONVERSION = "conversion", "Damaged in conversion from PDF"
        OTHER = "other", "Other"

    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.CASCADE,
        related_name="data_quality_notes",
        null=True,
        blank=True,
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField()
    source_document = models.ForeignKey(
        SourceDocument, on_delete=models.PROTECT, related_name="data_quality_notes"
    )
    compared_document = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        related_name="compared_data_quality_notes",
        null=True,
        blank=True,
    )
    source_section = models.CharField(max_length=200, blank=True)
    source_line = models.PositiveIntegerField(
        null=True, blank=True, help_text="Line of the document's text it is about, if known."
    )
    review = models.CharField(
        max_length=10,
        choices=Review.choices,
        blank=True,
        help_text="For an item an import left to check: whether an admin has resolved it.",
    )
    resolution = models.TextField(
        blank=True, help_text="What the admin corrected, or why the item is right as read."
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = DataQualityNoteQuerySet.as_manager()

    class Meta:
        ordering = ["inspection", "kind", "pk"]

    def __str__(self):
        return self.description[:80]

    @property
    def is_to_check(self):
        return self.review == Review.TO_CHECK

    def resolve(self, review: str, resolution: str, user) -> None:
        """Record an admin's decision on an item to check: confirmed as read, or corrected."""
        from django.utils import timezone

        self.review, self.resolution = review, resolution
        self.resolved_by, self.resolved_at = user, timezone.now()
        self.save(update_fields=["review", "resolution", "resolved_by", "resolved_at"])


class Correction(models.Model):
    """A public notice that a published inspection was corrected: when, and what changed."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="corrections")
    corrected_on = models.DateField()
    changes = models.JSONField(help_text="What changed, one sentence each.")

    class Meta:
        ordering = ["inspection", "corrected_on", "pk"]

    def __str__(self):
        return f"{self.inspection} corrected on {self.corrected_on}"


# --- Findings explorer: themes ------------------------------------------------------------
# The themes and their rules live in inspections/explorer/themes.toml; the explorer's
# themes.py reads them, tags records and keeps the tags in step (wired up in its
# AppConfig). The full-text index is in inspections/explorer/search.py.


class Theme(models.Model):
    """A topic that runs through the reports, e.g. staffing and workloads.

    Synced from inspections/explorer/themes.toml (`tag_themes`); a theme added in the admin
    has no rules and holds only the records admins put on it.
    """

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    bit = models.PositiveSmallIntegerField(
        unique=True,
        editable=False,
        help_text="Its bit in the theme_bits of the records on it (0 to 62), set when made.",
    )
    rules_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="A digest of its rules in themes.toml when records were last tagged by them.",
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.bit is None:
            self.bit = free_theme_bit(Theme.objects.using(kwargs.get("using") or "default"))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("inspections:theme_detail", args=[self.slug])

    def clean(self):
        if self.bit is None:
            try:
                free_theme_bit(Theme.objects.all())
            except ValueError as error:
                raise ValidationError(str(error)) from error


# theme_bits is a signed 64-bit integer: one bit a theme, for up to 63 themes.
THEME_BITS = 63


def free_theme_bit(themes) -> int:
    """The lowest bit no theme in `themes` has; ValueError when all 63 are taken."""
    taken = set(themes.values_list("bit", flat=True))
    free = next((bit for bit in range(THEME_BITS) if bit not in taken), None)
    if free is None:
        raise ValueError(f"There can be at most {THEME_BITS} themes; delete one first.")
    return free


class ThemeTag(models.Model):
    """A finding or recommendation on a theme, by the rules or by an admin's override.

    Derived data, rewritten from the rules and the overrides: for records queued in
    UntaggedRecord by themes.tag_pending(), and for all by `tag_themes`.
    """

    class Source(models.TextChoices):
        RULE = "rule", "Rules in themes.toml"
        ADMIN = "admin", "Admin override"

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="tags")
    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="theme_tags", null=True, blank=True
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        on_delete=models.CASCADE,
        related_name="theme_tags",
        null=True,
        blank=True,
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.RULE)

    class Meta:
        ordering = ["theme", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(finding__isnull=False, recommendation__isnull=True)
                    | models.Q(finding__isnull=True, recommendation__isnull=False)
                ),
                name="theme_tag_one_record",
            ),
            # Record first: the explorer looks up each matching record's themes, and these
            # indexes answer that without reading the table.
            models.UniqueConstraint(fields=["finding", "theme"], name="unique_theme_finding"),
            models.UniqueConstraint(
                fields=["recommendation", "theme"], name="unique_theme_recommendation"
            ),
        ]

    def __str__(self):
        record = self.finding or self.recommendation
        return f"{self.theme}: {record}"


class ThemeOverride(models.Model):
    """An admin's correction of the rules: put a record on a theme, or take it off.

    Kept by the record's inspection and exact text, not its id, so it survives a rebuild
    of the fixtures that renumbers records; `finding`/`recommendation` point at the record
    it last matched and are how an admin picks one.
    """

    class Action(models.TextChoices):
        ADD = "add", "Put on the theme"
        REMOVE = "remove", "Take off the theme"

    class RecordType(models.TextChoices):
        FINDING = "finding", "Finding"
        RECOMMENDATION = "recommendation", "Recommendation"

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="overrides")
    action = models.CharField(max_length=10, choices=Action.choices)
    finding = models.ForeignKey(
        Finding,
        on_delete=models.SET_NULL,
        related_name="theme_overrides",
        null=True,
        blank=True,
        help_text="Choose a finding or a recommendation.",
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        on_delete=models.SET_NULL,
        related_name="theme_overrides",
        null=True,
        blank=True,
    )
    record_type = models.CharField(max_length=20, choices=RecordType.choices, editable=False)
    inspection_slug = models.CharField(max_length=100, editable=False)
    text = models.TextField(editable=False, help_text="The record's text when overridden.")
    reason = models.TextField(blank=True, help_text="Why the rules get this record wrong.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["theme", "-created_at"]

    def __str__(self):
        return f"{self.get_action_display()} {self.theme}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        # The key that finds the record again after a rebuild; kept when the record goes.
        # Taken from the record only when one is newly chosen: after a rebuild the old id
        # may hold another record until tagging points the override at the right one.
        record = self.finding if self.finding_id else self.recommendation
        if record is not None and not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values("finding_id", "recommendation_id")
            if stored and stored[0] == {
                "finding_id": self.finding_id,
                "recommendation_id": self.recommendation_id,
            }:
                record = None
        if record is not None:
            self.record_type = (
                self.RecordType.FINDING if self.finding_id else self.RecordType.RECOMMENDATION
            )
            self.inspection_slug = record.inspection.slug
            self.text = record.text
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.finding_id and self.recommendation_id:
            raise ValidationError("Choose a finding or a recommendation, not both")
        if not (self.finding_id or self.recommendation_id or self.text):
            raise ValidationError("Choose a finding or a recommendation")


class UntaggedRecord(models.Model):
    """A finding or recommendation written since it was last tagged with themes.

    Database triggers (themes.install_triggers) add a row for every insert or change of
    a record's text, whatever made it: loaddata, bulk_create, the importer, the admin.
    What wrote them tags the queued records and removes the rows (themes.tag_pending).
    """

    record_type = models.CharField(max_length=20)
    record_id = models.BigIntegerField()

    def __str__(self):
        return f"{self.record_type} {self.record_id}"


class FacetState(models.Model):
    """The data tokens (inspections/web/tokens.py), a row each, that database triggers
    renew on writes: row 1 on every write that can move the findings explorer's facets
    (how each process knows its facet arrays are out of date, see facet_index), row 2 on
    every write a public page can show (the published data's version, data_version)."""

    token = models.BigIntegerField()

    def __str__(self):
        return f"Facet state {self.token}"
