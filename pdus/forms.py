from django import forms
from django.db.models import Exists, OuterRef

from inspections.models import Inspection
from ratings.models import Standard

from .dashboard import RATED_PROGRAMME
from .models import Body, Region

MIN_PDUS, MAX_PDUS = 2, 6


def comparable_pdus():
    """PDUs with a published inspection under the rated programme."""
    rated = Inspection.objects.published().filter(
        body=OuterRef("pk"), programme__slug=RATED_PROGRAMME
    )
    return Body.objects.pdus().filter(Exists(rated)).order_by("name")


class CompareForm(forms.Form):
    """Which PDUs to put side by side: 2 to 6 chosen, or a whole region."""

    pdu = forms.ModelMultipleChoiceField(
        queryset=comparable_pdus(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="PDUs",
        error_messages={
            "invalid_choice": "%(value)s is not an inspected PDU: choose PDUs from the list",
            "invalid_pk_value": "%(pk)s is not an inspected PDU: choose PDUs from the list",
        },
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="No region: compare the PDUs chosen",
        label="Or a whole region",
        error_messages={"invalid_choice": "Choose a region from the list"},
    )
    standard = forms.ModelChoiceField(
        queryset=Standard.objects.filter(programme__slug=RATED_PROGRAMME),
        to_field_name="code",
        required=False,
        empty_label="None",
        label="Show the findings of each PDU for",
        error_messages={"invalid_choice": "Choose a standard from the list"},
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        region, chosen = cleaned.get("region"), list(cleaned.get("pdu") or [])
        if region is not None:
            if chosen:
                raise forms.ValidationError("Choose PDUs or a region, not both")
            chosen = list(comparable_pdus().filter(region=region))
            if len(chosen) < MIN_PDUS:
                raise forms.ValidationError(
                    f"{region.name} has fewer than {MIN_PDUS} inspected PDUs to compare"
                )
        elif len(chosen) < MIN_PDUS:
            raise forms.ValidationError(f"Choose at least {MIN_PDUS} PDUs to compare")
        elif len(chosen) > MAX_PDUS:
            raise forms.ValidationError(
                f"Choose no more than {MAX_PDUS} PDUs; you chose {len(chosen)}. "
                "To compare more, choose a whole region"
            )
        cleaned["pdus"] = chosen
        return cleaned
