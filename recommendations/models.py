"""Recommendations, each addressed to a body and quoted exactly."""

from django.db import models

from inspections.models import SourcedRecord
from pdus.models import Body


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


class RecommendationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(inspection__is_published=True)

    def for_region(self, region):
        """Recommendations addressed to the region or to any of its bodies."""
        return self.filter(addressee__region=region)


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
    def addressee_kind(self):
        return ADDRESSEE_KIND_BY_BODY_KIND[self.addressee.kind]
