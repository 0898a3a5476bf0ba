"""Inspection programmes, their standards and key questions, and the ratings given."""

from django.db import models
from django.urls import reverse


class Rating(models.TextChoices):
    """HMIP's four-point scale, plus standards that were not inspected."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    NOT_INSPECTED = "not_inspected", "Not inspected"


class Programme(models.Model):
    """An HMIP inspection programme; each has its own standards and rating scheme."""

    class Scheme(models.TextChoices):
        FOUR_POINT = "four_point", "Four-point ratings, points and overall score"
        JUDGEMENTS = "judgements", "Judgements in prose, no ratings"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    rating_scheme = models.CharField(max_length=20, choices=Scheme.choices)
    started = models.DateField(null=True, blank=True)
    ended = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["started", "name"]

    def __str__(self):
        return self.name

    @property
    def has_ratings(self):
        return self.rating_scheme == self.Scheme.FOUR_POINT


class Standard(models.Model):
    """A standard of a programme (e.g. 2.2 Assessment) or a Quality & Impact domain."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="standards")
    code = models.CharField(max_length=10, blank=True, help_text="e.g. 2.2; blank for domains.")
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=150)
    domain = models.CharField(max_length=150, blank=True, help_text="e.g. Organisational delivery.")
    statement = models.TextField(blank=True, help_text="The standard as HMIP words it.")
    is_rated = models.BooleanField(
        default=True, help_text="False where the standard is reported but not rated (2.6)."
    )
    rated_from_key_questions = models.BooleanField(
        default=False, help_text="Rating follows the lowest key-question percentage."
    )
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="unique_standard_slug"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}".strip()

    def get_absolute_url(self):
        return reverse("ratings:standard_detail", args=[self.programme.slug, self.slug])


class KeyQuestion(models.Model):
    """A key question of a case-supervision standard, in HMIP's exact words."""

    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="key_questions")
    text = models.TextField()
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["standard", "position"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "position"], name="unique_kq_position"),
        ]

    def __str__(self):
        return self.text


class StandardRating(models.Model):
    """What an inspection gave a standard: a rating, or a judgement in prose.

    `published_code` keeps the number the source printed, which may differ from
    the standard's own code (the regional annex numbers 2.2–2.5 as 2.1–2.4).
    """

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="ratings"
    )
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="ratings")
    rating = models.CharField(max_length=30, choices=Rating.choices, blank=True)
    published_code = models.CharField(max_length=10, blank=True)
    judgement = models.TextField(blank=True, help_text="Headline judgement, where in prose.")
    summary = models.TextField(blank=True)
    override_reason = models.TextField(
        blank=True, help_text="Inspectors' published reason for departing from the usual rule."
    )
    source_section = models.CharField(max_length=200)
    source_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["inspection", "standard__position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "standard"], name="unique_rating"),
        ]

    def __str__(self):
        return f"{self.inspection} – {self.standard}: {self.get_rating_display() or 'judgement'}"

    @property
    def is_override(self):
        return bool(self.override_reason)


class KeyQuestionScore(models.Model):
    """The percentage of inspected cases answered 'yes' on a key question."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="key_question_scores"
    )
    key_question = models.ForeignKey(KeyQuestion, on_delete=models.PROTECT, related_name="scores")
    percent_yes = models.DecimalField(max_digits=4, decimal_places=1)
    source_section = models.CharField(max_length=200)
    source_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["inspection", "key_question__standard__position", "key_question__position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "key_question"], name="unique_kq_score"),
            models.CheckConstraint(
                condition=models.Q(percent_yes__gte=0, percent_yes__lte=100),
                name="percent_yes_0_100",
            ),
        ]

    def __str__(self):
        return f"{self.key_question}: {self.percent_yes}%"
