"""Forms of the tracker and of the account pages, in GOV.UK Frontend's markup.

Who may change which field is decided here from rules.py, so a field a user may not
change is not in their form at all: whatever they post for it is ignored.
"""

from __future__ import annotations

import copy
import datetime

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.text import capfirst

from inspections.web.govuk import GovukFormMixin

from . import rules, throttling
from .models import TRACKED_FIELDS, Recommendation, Tracking
from .vocabulary import ReportedStatus, Response, VerifiedProgress

# Fields that report progress (directors, admins) and that verify it (inspectorate, admins).
REPORTING_FIELDS = ("response", "partly_agreed_part", "owner", "target_date", "reported_status")
VERIFYING_FIELDS = ("verified_progress",)

# --- Dates, as GOV.UK asks: day, month and year in three boxes ---------------------------


class GovukDateWidget(forms.MultiWidget):
    template_name = "recommendations/widgets/date_input.html"

    def __init__(self, attrs=None):
        box = {"inputmode": "numeric"}
        super().__init__([forms.TextInput(box), forms.TextInput(box), forms.TextInput(box)], attrs)
        self.has_error = False

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def id_for_label(self, id_):
        # The label and the error summary point at the day box.
        return f"{id_}_0" if id_ else id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["has_error"] = self.has_error
        context["widget"]["parts"] = zip(
            context["widget"]["subwidgets"], ("Day", "Month", "Year"), (2, 2, 4), strict=True
        )
        return context


class GovukDateField(forms.Field):
    """A date from three boxes, with GOV.UK's messages for what is missing or impossible."""

    widget = GovukDateWidget

    def to_python(self, value):
        if isinstance(value, datetime.date):
            return value
        # A box missing from the POST (not just left empty) arrives as None.
        parts = ["" if p is None else str(p).strip() for p in (value or ["", "", ""])]
        name = capfirst(self.label or "date")
        if not any(parts):
            return None
        missing = [w for w, p in zip(("day", "month", "year"), parts, strict=True) if not p]
        if missing:
            raise forms.ValidationError(
                f"{name} must include a {' and a '.join(missing)}", code="incomplete"
            )
        if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
            raise forms.ValidationError(f"{name} must be a real date", code="invalid")
        try:
            return datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise forms.ValidationError(f"{name} must be a real date", code="invalid") from None


# --- Accounts -----------------------------------------------------------------------------


class ThrottledSignInMixin:
    """Says so when a sign-in was refused by the throttle (recommendations/throttling.py),
    rather than that the password was wrong; the refusal itself is the backend's."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if throttling.refused_or_last(self.request):
                minutes = max(1, throttling.lockout_seconds() // 60)
                raise forms.ValidationError(
                    "Too many failed attempts to sign in. Wait %(minutes)d minutes, then try again",
                    code="throttled",
                    params={"minutes": minutes},
                ) from None
            raise


class ThrottledAuthenticationForm(ThrottledSignInMixin, GovukFormMixin, AuthenticationForm):
    """The app's sign-in."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password",
        "inactive": "This account is not active",
    }


class AdminSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    """The admin's sign-in, with the same message when the throttle refuses."""


class GovukPasswordChangeForm(GovukFormMixin, PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "Your old password was entered incorrectly; enter it again",
        "password_mismatch": "The two new passwords do not match",
    }


# --- Tracking -----------------------------------------------------------------------------

NOTE_HELP = (
    "Say what was done or decided. Needed when the response, the status or the verified "
    "progress changes, or the target date moves."
)


def _radio_choices(choices):
    return [(value, label) for value, label in choices if value]


class TrackingForm(GovukFormMixin, forms.ModelForm):
    """One recommendation's update. Only the fields the user may change are present."""

    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
        help_text=NOTE_HELP,
    )
    evidence_url = forms.URLField(
        label="Evidence link (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For example a link to the action plan or a published document.",
        error_messages={
            "invalid": "Enter a web address in the correct format, like https://www.example.org/plan"
        },
    )
    evidence_text = forms.CharField(
        label="Evidence (optional)",
        required=False,
        max_length=500,
        help_text="A short description of the evidence, if there is no link.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Tracking
        fields = list(TRACKED_FIELDS)
        labels = {
            "response": "Response",
            "partly_agreed_part": "Which part is agreed",
            "owner": "Owner",
            "target_date": "Target date",
            "reported_status": "Reported status",
            "verified_progress": "Verified progress",
        }
        help_texts = {
            "partly_agreed_part": "Only when the response is partly agreed.",
            "owner": "The person or post responsible, for example Head of PDU.",
            "target_date": "For example, 31 3 2024",
            "reported_status": "What the owner reports.",
            "verified_progress": "The inspectorate's own judgement at follow-up.",
        }
        widgets = {
            "response": forms.RadioSelect,
            "partly_agreed_part": forms.Textarea(attrs={"rows": 2}),
            "reported_status": forms.RadioSelect,
            "verified_progress": forms.RadioSelect,
        }
        field_classes = {"target_date": GovukDateField}

    def __init__(self, *args, user, recommendation, **kwargs):
        tracking = recommendation.current
        self.recommendation = recommendation
        self.before = tracking.snapshot()
        kwargs.setdefault("initial", {})["version"] = tracking.version
        # A copy: validating writes the submitted values onto the instance, and the page
        # shows the saved tracking beside the form, which must not take them on.
        super().__init__(*args, instance=copy.copy(tracking), **kwargs)
        for name in ("response", "reported_status", "verified_progress"):
            self.fields[name].choices = _radio_choices(self.fields[name].choices)
        if not rules.can_update_recommendation(user, recommendation):
            for name in REPORTING_FIELDS:
                del self.fields[name]
        if not rules.can_verify_progress(user, recommendation):
            for name in VERIFYING_FIELDS:
                del self.fields[name]
        self.tracked_fields = [name for name in TRACKED_FIELDS if name in self.fields]

    def clean(self):
        cleaned = super().clean()
        after = dict(self.before)
        for name in self.tracked_fields:
            if name in cleaned:
                after[name] = (
                    cleaned[name]
                    if cleaned[name] is not None
                    else (None if name == "target_date" else "")
                )
        if "response" in self.fields:
            if after["response"] != Response.PARTLY_AGREED:
                # The part agreed means nothing without "partly agreed"; clear it.
                after["partly_agreed_part"] = cleaned["partly_agreed_part"] = ""
            elif not after["partly_agreed_part"].strip():
                self.add_error(
                    "partly_agreed_part", "Enter which part of the recommendation is agreed"
                )
        if "reported_status" in self.fields and "reported_status" in cleaned:
            error = rules.transition_error(self.before["reported_status"], after["reported_status"])
            if error:
                self.add_error("reported_status", error)
        if "target_date" in self.fields and cleaned.get("target_date"):
            inspection = self.recommendation.inspection
            error = rules.target_date_error(
                after["target_date"], inspection.fieldwork_start, inspection.published
            )
            if error:
                self.add_error("target_date", error)
        note = (cleaned.get("note") or "").strip()
        if not self.errors:
            if rules.note_is_required(self.before, after) and not note:
                self.add_error("note", "Enter a note saying why this changed")
            elif after == self.before and not (
                note or cleaned.get("evidence_url") or cleaned.get("evidence_text")
            ):
                raise forms.ValidationError(
                    "Change a value or add a note: there was nothing to save", code="no_change"
                )
        self.new_values = {
            name: after[name] for name in TRACKED_FIELDS if after[name] != self.before[name]
        }
        return cleaned


NO_CHANGE = ("", "No change")


class BulkUpdateForm(GovukFormMixin, forms.Form):
    """The same update to several recurring recommendations; blank fields stay as they are."""

    recommendations = forms.ModelMultipleChoiceField(
        queryset=Recommendation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Recommendations to update",
        error_messages={"required": "Select at least one recommendation to update"},
    )
    response = forms.ChoiceField(
        choices=[NO_CHANGE, *Response.choices], required=False, label="Response"
    )
    partly_agreed_part = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Which part is agreed",
        help_text="Only when the response is partly agreed.",
    )
    owner = forms.CharField(
        max_length=200, required=False, label="Owner", help_text="Leave blank to keep each owner."
    )
    target_date = GovukDateField(
        required=False, label="Target date", help_text="Leave blank to keep each target date."
    )
    reported_status = forms.ChoiceField(
        choices=[NO_CHANGE, *ReportedStatus.choices], required=False, label="Reported status"
    )
    verified_progress = forms.ChoiceField(
        choices=[NO_CHANGE, *VerifiedProgress.choices], required=False, label="Verified progress"
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="Written on each recommendation's history.",
        error_messages={"required": "Enter a note saying what this update is"},
    )
    evidence_url = forms.URLField(
        label="Evidence link (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={
            "invalid": "Enter a web address in the correct format, like https://www.example.org/plan"
        },
    )
    evidence_text = forms.CharField(label="Evidence (optional)", required=False, max_length=500)

    def __init__(self, *args, user, group: list[Recommendation], **kwargs):
        self.user = user
        self.group = {rec.pk: rec for rec in group}
        self.editable = [rec for rec in group if rules.can_use_update_form(user, rec)]
        super().__init__(*args, **kwargs)
        pks = [rec.pk for rec in self.editable]
        field = self.fields["recommendations"]
        field.queryset = Recommendation.objects.filter(pk__in=pks)
        field.initial = pks
        # Labels from the group already loaded, not one query per checkbox.
        field.choices = [(rec.pk, rec.tracker_label) for rec in self.editable]
        if not any(rules.can_update_recommendation(user, r) for r in self.editable):
            for name in REPORTING_FIELDS:
                del self.fields[name]
        if not any(rules.can_verify_progress(user, r) for r in self.editable):
            for name in VERIFYING_FIELDS:
                del self.fields[name]
        for rec in self.editable:
            self.fields[f"version_{rec.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=0, initial=rec.current.version
            )

    @property
    def version_fields(self):
        return [self[name] for name in self.fields if name.startswith("version_")]

    def clean(self):
        cleaned = super().clean()
        values = {}
        for name in TRACKED_FIELDS:
            if name in self.fields and cleaned.get(name) not in ("", None):
                values[name] = cleaned[name]
        if values.get("response") == Response.PARTLY_AGREED and not values.get(
            "partly_agreed_part"
        ):
            self.add_error("partly_agreed_part", "Enter which part of the recommendation is agreed")
        elif "response" in values and values["response"] != Response.PARTLY_AGREED:
            values["partly_agreed_part"] = ""
        elif "partly_agreed_part" in values and "response" not in values:
            self.add_error("response", "Select partly agreed to say which part is agreed")
        chosen = [self.group[rec.pk] for rec in cleaned.get("recommendations", [])]
        problems = []
        for rec in chosen:
            current = rec.current
            name = rec.tracker_label
            reporting = set(values) & set(REPORTING_FIELDS)
            if reporting and not rules.can_update_recommendation(self.user, rec):
                problems.append(f"{name}: you cannot change its response, owner, date or status")
            if "verified_progress" in values and not rules.can_verify_progress(self.user, rec):
                problems.append(f"{name}: you cannot set its verified progress")
            if "reported_status" in values:
                error = rules.transition_error(current.reported_status, values["reported_status"])
                if error:
                    problems.append(f"{name}: {error[0].lower()}{error[1:]}")
            if "target_date" in values:
                error = rules.target_date_error(
                    values["target_date"], rec.inspection.fieldwork_start, rec.inspection.published
                )
                if error:
                    problems.append(f"{name}: {error[0].lower()}{error[1:]}")
        for problem in problems:
            self.add_error(None, problem)
        self.values = values
        self.chosen = chosen
        return cleaned

    def versions(self) -> dict[int, int]:
        return {rec.pk: self.cleaned_data[f"version_{rec.pk}"] for rec in self.chosen}
