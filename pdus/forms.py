from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from . import rules
from .dashboard import latest_of_each_body, rated_standards, rated_versions
from .models import Body, Region

MIN_PDUS, MAX_PDUS = 2, 6


def comparable_pdus(inspections, version=None) -> list[Body]:
    """The PDUs of `inspections` (every rated_inspections(), loaded with their bodies and
    programmes) with one under `version` (a Programme) where given, by name, each with
    `latest_version`: the id of the framework version of its latest one.

    Latest under any version, not under `version`: which standards a PDU was last
    inspected under is what the form asks PDUs to share."""
    under = {i.body_id for i in inspections if version is None or i.programme_id == version.pk}
    pdus = []
    for inspection in latest_of_each_body(inspections):
        if inspection.body_id in under:
            inspection.body.latest_version = inspection.programme_id
            pdus.append(inspection.body)
    return sorted(pdus, key=lambda pdu: pdu.name)


class SlugChoiceMixin:
    """A choice of slugs that refuses a NUL ("Null characters are not allowed") before
    looking a slug up, as Django's model choice fields do."""

    def to_python(self, value):
        value = super().to_python(value)
        for slug in value if isinstance(value, list) else [value]:
            ProhibitNullCharactersValidator()(slug)
        return value


class SlugChoiceField(SlugChoiceMixin, forms.ChoiceField):
    pass


class SlugMultipleChoiceField(SlugChoiceMixin, forms.MultipleChoiceField):
    pass


class CompareForm(forms.Form):
    """Which PDUs to put side by side: 2 to 6 chosen, or a whole region, under one framework
    version's standards, given or else the one they were all last inspected under.

    Standards are chosen by code, which each version numbers its own way (2.2 is Assessment
    in the 2021 standards, Planning in the 2023 ones), so a code is read in the version."""

    version = forms.ChoiceField(
        required=False,
        label="Standards",
        error_messages={"invalid_choice": "Choose standards from the list"},
    )
    # Choices by slug from records loaded once (__init__), not querysets: a model choice
    # field queries to clean and again, with a count, to render.
    pdu = SlugMultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="PDUs",
        error_messages={
            "invalid_choice": "%(value)s is not an inspected PDU: choose PDUs from the list",
        },
    )
    region = SlugChoiceField(
        required=False,
        label="Or a whole region",
        error_messages={"invalid_choice": "Choose a region from the list"},
    )
    standard = forms.CharField(required=False, label="Show the findings of each PDU for")
    # A PDU inspected more than once is compared on its latest inspection unless one of
    # its others is named here (the page links to each).
    inspection = SlugMultipleChoiceField(
        required=False,
        error_messages={"invalid_choice": "%(value)s is not a published inspection of a PDU"},
    )

    def __init__(self, *args, inspections, **kwargs):
        """`inspections`: every rated_inspections(), loaded with their bodies (and regions)
        and programmes."""
        super().__init__(*args, **kwargs)
        # With their standards: the standard's choices and the comparison read them.
        self.versions = rated_versions(inspections)
        self.fields["version"].choices = [
            ("", "Those the PDUs were last inspected under"),
            *((v.slug, v.name) for v in self.versions),
        ]
        asked = self.version_named(self.data.get("version"))
        self.pdus = {pdu.slug: pdu for pdu in comparable_pdus(inspections, asked)}
        pdu = self.fields["pdu"]
        pdu.choices = [(slug, found.name) for slug, found in self.pdus.items()]
        if asked is not None:
            pdu.error_messages["invalid_choice"] = (
                f"%(value)s has no published inspection under {asked}: choose PDUs from the list"
            )
        self.regions = {region.slug: region for region in Region.objects.public()}
        self.fields["region"].choices = [
            ("", "No region: compare the PDUs chosen"),
            *((slug, region.name) for slug, region in self.regions.items()),
        ]
        self.inspections = {inspection.slug: inspection for inspection in inspections}
        self.fields["inspection"].choices = [(slug, slug) for slug in self.inspections]
        # Until the PDUs settle the version, the standards offered are the one asked for's,
        # else the newest version's.
        self.shown_version = asked or (self.versions[-1] if self.versions else None)

    def clean_pdu(self):
        chosen = set(self.cleaned_data["pdu"])
        return [pdu for slug, pdu in self.pdus.items() if slug in chosen]

    def clean_region(self):
        return self.regions.get(self.cleaned_data["region"])

    def clean_inspection(self):
        return [self.inspections[slug] for slug in dict.fromkeys(self.cleaned_data["inspection"])]

    def version_named(self, slug):
        return next((v for v in self.versions if slug and v.slug == slug), None)

    @property
    def offers_versions(self) -> bool:
        return len(self.versions) > 1

    @property
    def standard_choices(self) -> list[tuple[str, str]]:
        standards = rated_standards(self.shown_version) if self.shown_version else []
        return [("", "None"), *((s.code, str(s)) for s in standards)]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        region, chosen = cleaned.get("region"), list(cleaned.get("pdu") or [])
        if region is not None:
            if chosen:
                raise forms.ValidationError("Choose PDUs or a region, not both")
            chosen = [pdu for pdu in self.pdus.values() if pdu.region_id == region.pk]
            if len(chosen) < MIN_PDUS:
                asked = self.version_named(cleaned.get("version"))
                under = f" under {asked}" if asked else ""
                raise forms.ValidationError(
                    f"{region.name} has fewer than {MIN_PDUS} PDUs inspected{under} to compare"
                )
        elif len(chosen) < MIN_PDUS:
            raise forms.ValidationError(f"Choose at least {MIN_PDUS} PDUs to compare")
        elif len(chosen) > MAX_PDUS:
            raise forms.ValidationError(
                f"Choose no more than {MAX_PDUS} PDUs; you chose {len(chosen)}. "
                "To compare more, choose a whole region"
            )
        version = self.version_named(cleaned.get("version")) or self.version_last_inspected(chosen)
        self.shown_version = version
        inspections = list(cleaned.get("inspection") or [])
        if {i.body_id for i in inspections} - {pdu.pk for pdu in chosen}:
            raise forms.ValidationError("Choose inspections only of the PDUs compared")
        if len({i.body_id for i in inspections}) < len(inspections):
            raise forms.ValidationError("Choose no more than one inspection of each PDU")
        if any(i.programme_id != version.pk for i in inspections):
            raise forms.ValidationError(f"Choose inspections under {version} only")
        code = cleaned.get("standard")
        standard = next((s for s in rated_standards(version) if code and s.code == code), None)
        if code and standard is None:
            self.add_error("standard", "Choose a standard from the list")
        cleaned.update(pdus=chosen, version=version, standard=standard)
        return cleaned

    def lone_pdu(self):
        """(the PDU, the version to compare it under) where one PDU alone was chosen, too few
        to compare, so the page can offer PDUs like it; else None."""
        if not self.is_bound or self.is_valid() or self.cleaned_data.get("region"):
            return None
        chosen = list(self.cleaned_data.get("pdu") or [])
        if len(chosen) != 1:
            return None
        pdu = chosen[0]
        asked = self.version_named(self.data.get("version"))
        return pdu, asked or next(v for v in self.versions if v.pk == pdu.latest_version)

    def version_last_inspected(self, pdus):
        """The framework version all of `pdus` were last inspected under; where they differ,
        the user is asked to choose, as each version rates its own standards."""
        under = {}
        for pdu in pdus:
            under.setdefault(pdu.latest_version, []).append(pdu)
        if len(under) > 1:
            named = {v.pk: v for v in self.versions}
            last = "; ".join(
                f"{rules.joined([pdu.short_name for pdu in found])}: {named[pk]}"
                for pk, found in under.items()
            )
            raise forms.ValidationError(
                f"These PDUs were last inspected under different standards ({last}): "
                "choose the standards to compare them on"
            )
        return next(v for v in self.versions if v.pk in under)
