"""Source documents, inspections, findings, context figures and data-quality notes."""

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

    filename = models.CharField(max_length=200, unique=True)
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

    class Meta:
        ordering = ["filename"]

    def __str__(self):
        return self.title

    @property
    def published_display(self):
        return format_date(self.published, self.published_precision)


class InspectionQuerySet(models.QuerySet):
    def published(self):
        """Inspections the public may see; drafts stay hidden until published."""
        return self.filter(is_published=True)

    def of_pdus(self):
        return self.filter(body__kind="pdu")

    def for_listing(self):
        """One query for a list of inspections with their body, region and programme."""
        # Newest first; an inspection with no published fieldwork date goes last on
        # every database (PostgreSQL would otherwise put NULLs first).
        return self.select_related("body__region", "programme", "source_document").order_by(
            models.F("fieldwork_start").desc(nulls_last=True), "body__name"
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

    class Meta:
        ordering = ["inspection", "kind", "pk"]

    def __str__(self):
        return self.description[:80]
