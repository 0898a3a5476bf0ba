"""Regions, probation districts, boroughs and the bodies that are inspected or addressed."""

from django.db import models
from django.urls import reverse

from inspections.models import Inspection, SourcedRecord


def _public(inspections, addressed):
    """Shown to the public unless every inspection in `inspections` is a draft: a draft
    stays private until it is published. Nothing inspected yet (a region whose PDUs
    await their turn, HMPPS) changes nothing, and `addressed`, the bodies a published
    recommendation addresses, stays shown whatever its own inspections."""
    return (
        models.Exists(inspections.published())
        | ~models.Exists(inspections)
        | models.Exists(addressed)
    )


def _addressed_by_published_recommendations():
    published = models.Q(recommendations__inspection__is_published=True)
    jointly = models.Q(joint_recommendations__inspection__is_published=True)
    return Body.objects.filter(published | jointly)


class RegionQuerySet(models.QuerySet):
    def public(self):
        """Regions any page may show: all but those whose only inspections are drafts."""
        return self.filter(
            _public(
                Inspection.objects.filter(body__region=models.OuterRef("pk")),
                _addressed_by_published_recommendations().filter(region=models.OuterRef("pk")),
            )
        )


class Region(models.Model):
    """A Probation Service region, e.g. London (12 in England and Wales)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Save the region and, if it has none, its region body: recommendations addressed
        to "<Region> region" or to its Regional Probation Director are filed under it.

        Fixtures load regions and bodies as rows (loaddata does not call save()), each
        region's body among them."""
        super().save(*args, **kwargs)
        if not self.bodies.filter(kind=Body.Kind.REGION).exists():
            Body.objects.create(region=self, **region_body_fields(self.name, self.slug))


def region_body_fields(name: str, slug: str) -> dict:
    """The names of the body that stands for a region as a whole, as HMIP addresses it."""
    return {
        "name": f"The Probation Service – {name} region",
        "short_name": f"{name} region",
        "slug": f"{slug[:43]}-region",  # within a slug's 50 characters
        "kind": Body.Kind.REGION,
    }


def region_body_aliases(name: str) -> list[str]:
    """What reports call a region's body besides its name: its region's name, "<Region>
    region", "HMPPS <Region> region", "<Region> Regional Probation Director"."""
    return [
        name,
        f"{name} region",
        f"HMPPS {name} region",
        f"HMPPS {name}",
        f"The Probation Service {name} region",
        f"{name} Regional Probation Director",
        f"Regional Probation Director, {name}",
    ]


# How a PDU's report addresses its own region's body without naming the region.
# BodyNames.find() ignores a leading "The".
OWN_REGION_ADDRESSEES = ("Regional Probation Director", "Region", "Probation Service region")


class District(models.Model):
    """A probation district within a region, e.g. South and South East London."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["region__name", "name"]

    def __str__(self):
        return self.name


class Borough(models.Model):
    """A local authority area that a PDU covers."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="boroughs")
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class BodyQuerySet(models.QuerySet):
    def pdus(self):
        return self.filter(kind=Body.Kind.PDU)

    def public(self):
        """Bodies any page may show: all but those whose only inspections are drafts (so a
        PDU an admin has entered or imported appears nowhere until it is published) and
        those of a region not shown yet, its region body among them."""
        return self.filter(
            _public(
                Inspection.objects.filter(body=models.OuterRef("pk")),
                _addressed_by_published_recommendations().filter(pk=models.OuterRef("pk")),
            ),
            models.Q(region__isnull=True) | models.Q(region__in=Region.objects.public()),
        )


class Body(models.Model):
    """An organisation that is inspected or to which recommendations are addressed.

    PDUs, a region as a whole, providers such as a Community Rehabilitation
    Company, an NPS division and HMPPS itself are all bodies; `kind` tells them apart.
    """

    class Kind(models.TextChoices):
        PDU = "pdu", "Probation Delivery Unit"
        REGION = "region", "Probation region"
        PROVIDER = "provider", "Provider"
        NPS_DIVISION = "nps_division", "NPS division"
        NATIONAL = "national", "National agency"

    name = models.CharField(max_length=200, unique=True, help_text="Full name, e.g. Lambeth PDU.")
    short_name = models.CharField(max_length=100, help_text="Name in tables, e.g. Lambeth.")
    abbreviation = models.CharField(max_length=20, blank=True, help_text="e.g. HFKCW, BDH.")
    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="bodies", null=True, blank=True
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="bodies", null=True, blank=True
    )
    boroughs = models.ManyToManyField(Borough, related_name="bodies", blank=True)
    has_court = models.BooleanField(
        null=True, blank=True, help_text="Whether a court sits in the PDU; unknown if blank."
    )

    objects = BodyQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = "bodies"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """A PDU's page, a region's overview, or, for any other body (a provider, a
        division, HMPPS), the explorer's findings and recommendations for it."""
        if self.kind == Body.Kind.PDU:
            return reverse("pdus:pdu_detail", args=[self.slug])
        if self.kind == Body.Kind.REGION and self.region_id:
            return reverse("pdus:region_overview", args=[self.region.slug])
        return f"{reverse('inspections:explore')}?body={self.slug}"


class Site(SourcedRecord):
    """An office from which a PDU delivers its work, as its own profile lists them."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=100)
    borough = models.ForeignKey(
        Borough, on_delete=models.PROTECT, related_name="sites", null=True, blank=True
    )

    class Meta:
        ordering = ["body__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="unique_site_per_body")
        ]

    def __str__(self):
        return f"{self.name} ({self.body.short_name})"


class CommissionedService(SourcedRecord):
    """A commissioned rehabilitative service available to a PDU, by need, with its provider."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="commissioned_services")
    need = models.CharField(max_length=200, help_text="Criminogenic need or specialist support.")
    provider = models.CharField(max_length=200)
    status = models.CharField(max_length=200, help_text="As published, e.g. Yes.")
    is_active = models.BooleanField()
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["body__name", "position"]

    def __str__(self):
        return f"{self.need}: {self.provider}"
