"""Inspection programmes, their standards and key questions, and the ratings given.

A programme row is one version of an inspection framework: HMIP refreshed the PDU
standards in 2023, so the 2021 and 2023 PDU standards are two programmes, each owning
its standards and rating rules, and each inspection belongs to one of them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal

from django.db import models
from django.urls import reverse


class Rating(models.TextChoices):
    """HMIP's four-point scale, plus standards that were not inspected."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    NOT_INSPECTED = "not_inspected", "Not inspected"


def _standard_key(code: str | None, name: str) -> tuple[str, str]:
    """A standard as a report prints it, compared without case or spacing."""
    return (code or "").strip(), re.sub(r"\s+", " ", name).strip().casefold()


class ProgrammeQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date) -> ProgrammeQuerySet:
        """Versions whose dates are known and include `day`, newest first: a version that
        superseded another may share its recorded end date."""
        return (
            self.filter(started__lte=day)
            .filter(models.Q(ended__isnull=True) | models.Q(ended__gte=day))
            .order_by("-started")
        )

    def version_for(
        self,
        published_standards: Iterable[tuple[str | None, str]],
        fieldwork_start: datetime.date | None,
    ) -> tuple[Programme | None, str | None]:
        """The framework version a report uses, and a note for the admin where the
        choice is not plain (None when it is).

        A version fits when every standard the report publishes, by code and name, is
        one of its own: a report may leave a standard out (2.1 Court work, where a PDU
        has no court) but never prints one of another version. Where several fit, the
        one in force when fieldwork started is taken; where none fits, the version in
        force then is taken and the note says so. None, with the reason, where neither
        settles it.
        """
        pairs = list(published_standards)
        published = {_standard_key(code, name) for code, name in pairs}
        printed = ", ".join(f"{code or ''} {name}".strip() for code, name in pairs) or "none"
        fitting = (
            [v for v in self.prefetch_related("standards") if published <= v.standard_keys()]
            if published
            else []
        )
        in_force = list(self.in_force_on(fieldwork_start)) if fieldwork_start else []
        started = _day(fieldwork_start) if fieldwork_start else "not given"
        if len(fitting) > 1:
            fitting = [v for v in fitting if v in in_force] or fitting
            if len(fitting) > 1:
                return None, (
                    f"The report's standards ({printed}) fit {len(fitting)} versions "
                    f"({', '.join(map(str, fitting))}) and the fieldwork start ({started}) "
                    "does not tell them apart: choose the version."
                )
        if fitting:
            version = fitting[0]
            if fieldwork_start and version not in in_force:
                return version, (
                    f"The report's standards are those of {version}, but fieldwork started "
                    f"on {started}, outside that version's dates as recorded: check the "
                    "version and its dates."
                )
            return version, None
        if in_force:
            return in_force[0], (
                f"The report's standards ({printed}) fit no framework version; taken as "
                f"{in_force[0]}, in force when fieldwork started on {started}. Check the "
                "report's standards against it."
            )
        return None, (
            f"The report's standards ({printed}) fit no framework version, and no version's "
            f"recorded dates include the fieldwork start ({started}): add the version, or "
            "correct its dates."
        )


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


class Programme(models.Model):
    """An HMIP inspection programme, in one version of its framework: its standards and
    its rating rules.

    The bands are data, so a new version's rules are entered in the admin: the lowest
    key-question percentage 'Yes' and the lowest score that earn each rating. A rating
    scores 3, 2, 1 or 0 points in every version, so the maximum score is 3 points for
    every rated standard given.
    """

    class Scheme(models.TextChoices):
        FOUR_POINT = "four_point", "Four-point ratings, points and overall score"
        JUDGEMENTS = "judgements", "Judgements in prose, no ratings"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    rating_scheme = models.CharField(max_length=20, choices=Scheme.choices)
    started = models.DateField(null=True, blank=True)
    ended = models.DateField(null=True, blank=True)
    description = models.TextField(
        blank=True, help_text="Where its standards and rules come from, and what is assumed."
    )
    # Defaults: HMIP's bands for the 2021 PDU standards (rules.KEY_QUESTION_BANDS and
    # rules.SCORE_BANDS), which the published fixtures' programme rows rely on.
    outstanding_percent = models.PositiveSmallIntegerField(
        "Outstanding from (% 'Yes')",
        default=80,
        help_text="Lowest key-question percentage 'Yes' rated Outstanding.",
    )
    good_percent = models.PositiveSmallIntegerField(
        "Good from (% 'Yes')", default=65, help_text="Lowest percentage rated Good."
    )
    requires_improvement_percent = models.PositiveSmallIntegerField(
        "Requires improvement from (% 'Yes')",
        default=50,
        help_text="Lowest percentage rated Requires improvement; below it is Inadequate.",
    )
    outstanding_score = models.PositiveSmallIntegerField(
        "Outstanding overall from (score)",
        default=21,
        help_text="Lowest score rated Outstanding overall.",
    )
    good_score = models.PositiveSmallIntegerField(
        "Good overall from (score)", default=13, help_text="Lowest score rated Good overall."
    )
    requires_improvement_score = models.PositiveSmallIntegerField(
        "Requires improvement overall from (score)",
        default=5,
        help_text="Lowest score rated Requires improvement overall; below it is Inadequate.",
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["started", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    outstanding_percent__lte=100,
                    outstanding_percent__gt=models.F("good_percent"),
                    good_percent__gt=models.F("requires_improvement_percent"),
                    requires_improvement_percent__gt=0,
                ),
                name="percentage_bands_descending_within_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    outstanding_score__gt=models.F("good_score"),
                    good_score__gt=models.F("requires_improvement_score"),
                    requires_improvement_score__gt=0,
                ),
                name="score_bands_descending_above_0",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def has_ratings(self):
        return self.rating_scheme == self.Scheme.FOUR_POINT

    @property
    def key_question_bands(self) -> tuple[tuple[Decimal, str], ...]:
        """Lowest key-question percentage -> rating, best first, as rules.py takes them."""
        return (
            (Decimal(self.outstanding_percent), Rating.OUTSTANDING),
            (Decimal(self.good_percent), Rating.GOOD),
            (Decimal(self.requires_improvement_percent), Rating.REQUIRES_IMPROVEMENT),
            (Decimal(0), Rating.INADEQUATE),
        )

    @property
    def score_bands(self) -> tuple[tuple[int, str], ...]:
        """Lowest score -> overall rating, best first, as rules.py takes them."""
        return (
            (self.outstanding_score, Rating.OUTSTANDING),
            (self.good_score, Rating.GOOD),
            (self.requires_improvement_score, Rating.REQUIRES_IMPROVEMENT),
            (0, Rating.INADEQUATE),
        )

    def standard_keys(self) -> set[tuple[str, str]]:
        """Its standards by code and name, compared as version_for compares a report's."""
        return {_standard_key(s.code, s.name) for s in self.standards.all()}


class StandardQuerySet(models.QuerySet):
    def namesakes_of(self, standard: Standard) -> StandardQuerySet:
        """Standards of the same name in other rated framework versions (2.2 Assessment in
        2021's, 2.1 Assessment in 2023's), with their programmes: rated under other rules,
        so shown beside it, never in its columns."""
        return (
            self.filter(
                name__iexact=standard.name, programme__rating_scheme=Programme.Scheme.FOUR_POINT
            )
            .exclude(programme=standard.programme_id)
            .select_related("programme")
            .order_by("programme__started", "programme__name")
        )


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

    objects = StandardQuerySet.as_manager()

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
