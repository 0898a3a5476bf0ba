"""Forms for entering an inspection step by step, and for importing a report's text."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import transaction
from django.db.models import Max, Q
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.text import slugify

from inspections.models import (
    ContextFigure,
    Finding,
    Inspection,
    Review,
    Section,
    SourceDocument,
)
from inspections.web.govuk import GovukFormMixin
from pdus.models import Body, Region
from ratings import rules
from ratings.models import KeyQuestionScore, Rating, StandardRating
from recommendations.models import Recommendation

from . import checks, importer
from .reading import MAX_PDF_BYTES, MAX_UPLOAD_FILES, ReadFile, read_upload


def unique_slug(title: str) -> str:
    base = slugify(title)[:90] or "inspection"
    slug, n = base, 1
    while Inspection.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class InspectionDetailsForm(GovukFormMixin, forms.ModelForm):
    """Step 1: what was inspected, under which programme, when, by whom, how many cases."""

    new_pdu_name = forms.CharField(
        required=False,
        max_length=Body._meta.get_field("short_name").max_length,
        label="Or a new PDU's name",
        help_text="For a PDU not in the list, e.g. Croydon PDU.",
        error_messages={
            "max_length": "A new PDU's name must be %(limit_value)d characters or fewer"
        },
    )
    new_pdu_region = forms.ModelChoiceField(
        queryset=Region.objects.all(),
        required=False,
        label="New PDU's region",
        empty_label="Choose a region",
    )

    class Meta:
        model = Inspection
        fields = [
            "title",
            "body",
            "programme",
            "fieldwork_start",
            "published",
            "lead_inspector",
            "cases_inspected",
            "practitioner_interviews",
        ]
        labels = {
            "body": "Inspected body",
            "fieldwork_start": "Fieldwork started",
            "published": "Publication date",
            "cases_inspected": "Cases inspected",
            "practitioner_interviews": "Practitioner interviews",
        }
        help_texts = {"published": "Leave blank while unpublished"}
        widgets = {
            "fieldwork_start": forms.DateInput(attrs={"type": "date"}),
            "published": forms.DateInput(attrs={"type": "date"}),
        }
        error_messages = {
            "title": {"required": "Enter the inspection's title"},
            "programme": {"required": "Choose the inspection programme"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].required = False
        self.fields["body"].empty_label = "Choose the inspected body"
        self.fields["fieldwork_start"].required = True
        self.fields["fieldwork_start"].error_messages["required"] = (
            "Enter the date fieldwork started"
        )

    def clean(self):
        cleaned = super().clean()
        body, new_name = cleaned.get("body"), cleaned.get("new_pdu_name", "").strip()
        if body and new_name:
            self.add_error(
                "new_pdu_name", "Choose a body from the list or name a new PDU, not both"
            )
        elif not body and not new_name:
            self.add_error("body", "Choose the inspected body, or name a new PDU")
        elif new_name and not cleaned.get("new_pdu_region"):
            self.add_error("new_pdu_region", "Choose the new PDU's region")
        elif (
            new_name
            and Body.objects.filter(
                Q(name__iexact=new_name) | Q(slug=importer.pdu_slug(new_name.removesuffix(" PDU")))
            ).exists()
        ):
            self.add_error("new_pdu_name", f"{new_name} is already in the list: choose it there")
        if error := checks.publication_date_error(
            cleaned.get("fieldwork_start"),
            cleaned.get("published"),
            self.instance.published_precision,
        ):
            self.add_error("published", error)
        return cleaned

    def save(self, commit=True):
        inspection = super().save(commit=False)
        if not inspection.slug:
            inspection.slug = unique_slug(inspection.title)
        new_name = self.cleaned_data.get("new_pdu_name", "").strip()
        if new_name:
            name = new_name if new_name.endswith(" PDU") else f"{new_name} PDU"
            inspection.body = Body.objects.create(
                name=name,
                short_name=name.removesuffix(" PDU"),
                slug=importer.pdu_slug(name.removesuffix(" PDU")),
                kind=Body.Kind.PDU,
                region=self.cleaned_data["new_pdu_region"],
            )
        if inspection.source_document_id is None:
            # Entered by hand: the document is the report the admin is reading from.
            inspection.source_document = SourceDocument.objects.create(
                filename=f"entered-{inspection.slug}",
                title=inspection.title,
                kind=SourceDocument.Kind.PDU_REPORT,
                author="HM Inspectorate of Probation",
                published=inspection.published,
                sha256="",
            )
        if commit:
            inspection.save()
        return inspection


class RatingsForm(GovukFormMixin, forms.Form):
    """Step 2: a rating for each standard and the key-question percentages behind it.

    A case-supervision standard's rating must follow HMIP's rule from its lowest key
    question, unless the inspectors' published reason for departing from it is given.
    """

    def __init__(self, *args, inspection: Inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspection = inspection
        self.standards = list(
            inspection.programme.standards.prefetch_related("key_questions").order_by("position")
        )
        ratings = {r.standard_id: r for r in inspection.ratings.all()}
        scores = {s.key_question_id: s.percent_yes for s in inspection.key_question_scores.all()}
        choices = [("", "Choose a rating"), *Rating.choices]
        for standard in self.standards:
            existing = ratings.get(standard.pk)
            if standard.is_rated:
                self.fields[f"rating_{standard.pk}"] = forms.ChoiceField(
                    choices=choices,
                    required=False,
                    label=f"Rating for {standard}",
                    initial=existing.rating if existing else "",
                )
                self.fields[f"override_{standard.pk}"] = forms.CharField(
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    label=f"Inspectors' reason for departing from the usual rule ({standard})",
                    initial=existing.override_reason if existing else "",
                )
            for question in standard.key_questions.all():
                self.fields[f"kq_{question.pk}"] = forms.DecimalField(
                    required=False,
                    max_digits=4,
                    decimal_places=1,
                    validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
                    label=question.text,
                    initial=scores.get(question.pk),
                    error_messages={
                        "invalid": f"Enter the percentage for '{question.text}' as a number",
                        "max_decimal_places": "Enter a percentage with at most one decimal place",
                        "max_digits": "Enter a percentage from 0 to 100",
                        "max_whole_digits": "Enter a percentage from 0 to 100",
                    },
                )
        self.style_fields()

    def rows(self):
        """(standard, rating field, override field, key-question fields) for the template."""
        return [
            (
                standard,
                self[f"rating_{standard.pk}"] if standard.is_rated else None,
                self[f"override_{standard.pk}"] if standard.is_rated else None,
                [self[f"kq_{q.pk}"] for q in standard.key_questions.all()],
            )
            for standard in self.standards
        ]

    def clean(self):
        cleaned = super().clean()
        for standard in self.standards:
            rating = cleaned.get(f"rating_{standard.pk}") if standard.is_rated else None
            percentages = {q.pk: cleaned.get(f"kq_{q.pk}") for q in standard.key_questions.all()}
            if rules.rests_on_key_questions(standard.rated_from_key_questions, rating):
                for question in standard.key_questions.all():
                    if percentages[question.pk] is None and not self.has_error(f"kq_{question.pk}"):
                        self.add_error(
                            f"kq_{question.pk}",
                            f"Enter the percentage 'Yes' for '{question.text}'",
                        )
            override = cleaned.get(f"override_{standard.pk}", "")
            if error := checks.rating_departure(standard, rating, override, percentages):
                # On the reason box: the error summary's link goes where the fix is typed
                # (the rating, if wrong, is beside it).
                self.add_error(f"override_{standard.pk}", error)
        return cleaned

    @transaction.atomic
    def save(self):
        """Write the ratings and percentages, then compute the score and overall rating."""
        data = self.cleaned_data
        by_hand = {"source_section": "Entered by hand", "source_line": None}
        for standard in self.standards:
            if standard.is_rated:
                rating = data[f"rating_{standard.pk}"]
                if rating:
                    StandardRating.objects.update_or_create(
                        inspection=self.inspection,
                        standard=standard,
                        defaults={
                            "rating": rating,
                            "override_reason": data[f"override_{standard.pk}"].strip(),
                        },
                        create_defaults={
                            "rating": rating,
                            "override_reason": data[f"override_{standard.pk}"].strip(),
                            "published_code": standard.code,
                            **by_hand,
                        },
                    )
                else:
                    self.inspection.ratings.filter(standard=standard).delete()
            for question in standard.key_questions.all():
                percent = data[f"kq_{question.pk}"]
                if percent is None:
                    self.inspection.key_question_scores.filter(key_question=question).delete()
                    continue
                KeyQuestionScore.objects.update_or_create(
                    inspection=self.inspection,
                    key_question=question,
                    defaults={"percent_yes": percent},
                    create_defaults={"percent_yes": percent, **by_hand},
                )
        checks.set_score(self.inspection)


class ReportFilesInput(forms.FileInput):
    allow_multiple_selected = True


class ReportFilesField(forms.FileField):
    """Several files at once. Each is read, and refused if it must be, on its own (the
    import's outcome table says why), so that one bad file does not turn the others away."""

    widget = ReportFilesInput

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data]
        files = [upload for upload in uploads if upload]
        if not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_UPLOAD_FILES:
            raise forms.ValidationError(
                f"Choose up to {MAX_UPLOAD_FILES} files at once; import a folder of more with "
                "manage.py import_reports",
                code="too_many",
            )
        return files


class ImportForm(GovukFormMixin, forms.Form):
    """Upload published reports to fill a draft for each, for review."""

    report = ReportFilesField(
        label="Reports",
        help_text=f"Published PDU reports, up to {MAX_UPLOAD_FILES} at once: each as a PDF (up "
        "to 20 MB) or its text as a .txt file (up to 2 MB).",
        error_messages={"required": "Choose at least one report's PDF or text file"},
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Only needed for a PDU the reports do not place in a region",
        error_messages={"invalid_choice": "Choose a region from the list"},
        label="Region of a new PDU",
        help_text="A new PDU is added to the region its recommendations are addressed to; "
        "choose a region only where a report addresses none.",
    )

    def read_reports(self) -> list[ReadFile]:
        """Each chosen file read and parsed, or refused with the reason."""
        limits = importer.pdf_limits()
        read = []
        for upload in self.cleaned_data["report"]:
            if upload.size > MAX_PDF_BYTES:  # before reading it at all
                read.append(ReadFile(upload.name, refusal="The file must be smaller than 20 MB"))
            else:
                read.append(read_upload(upload.read(), upload.name, limits))
        return read


class UnpublishForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is it being unpublished?",
        help_text="Kept in the inspection's history, with your name and the time.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the inspection is being unpublished",
            "max_length": "The reason must be %(limit_value)d characters or fewer",
        },
    )


class ListedModelChoiceField(forms.ModelChoiceField):
    """A choice of rows that a formset reads once for all its forms (`share()`): each
    row's select is drawn, and what is sent checked, from that one list, so that a step
    of N rows costs one query for the choices, not N."""

    rows: dict | None = None

    def share(self, rows: list) -> None:
        self.rows = {str(row.pk): row for row in rows}
        empty = [] if self.empty_label is None else [("", self.empty_label)]
        self.choices = [*empty, *((row.pk, self.label_from_instance(row)) for row in rows)]

    def to_python(self, value):
        if self.rows is None or value in self.empty_values:
            return super().to_python(value)
        self.validate_no_null_characters(value)
        if isinstance(value, self.queryset.model):
            value = value.pk
        try:
            return self.rows[str(value)]
        except KeyError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class BaseEntryFormSet(BaseModelFormSet):
    """A formset over one inspection's records; new rows belong to that inspection."""

    def __init__(self, *args, inspection: Inspection, **kwargs):
        self.inspection = inspection
        self._listed = {}  # a ListedModelChoiceField's rows, by field name, read once
        kwargs.setdefault("queryset", self.model.objects.filter(inspection=inspection))
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        for name, field in form.fields.items():
            if isinstance(field, ListedModelChoiceField):
                if name not in self._listed:
                    self._listed[name] = list(field.queryset)
                field.share(self._listed[name])
        return form

    @transaction.atomic
    def save(self, commit=True):
        """Save the rows; new ones are the inspection's, cited to its document by hand,
        and placed after all its others (not only those this formset shows)."""
        records = super().save(commit=False)
        for record in self.deleted_objects:
            record.delete()
        has_position = any(f.name == "position" for f in self.model._meta.fields)
        last = (
            self.model.objects.filter(inspection=self.inspection).aggregate(last=Max("position"))[
                "last"
            ]
            or 0
            if has_position
            else 0
        )
        for record in records:
            if record.pk is None:
                record.inspection = self.inspection
                record.source_document = self.inspection.source_document
                record.source_section = "Entered by hand"
                if has_position:
                    last += 1
                    record.position = last
            record.save()
        return records


class FindingForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["kind", "text", "section"]
        labels = {"section": "Standard or section it sits under"}
        field_classes = {"section": ListedModelChoiceField}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "section": {
                "required": "Choose the standard or section the finding sits under",
                "invalid_choice": "Choose a standard or section from the list",
            },
            "kind": {
                "required": "Choose whether it is a strength, an area for improvement or "
                "another finding"
            },
            "text": {"required": "Enter the finding's text as published"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.order_by("name")
        self.fields["section"].empty_label = "Choose a standard or section"
        self.fields["kind"].choices = [("", "Choose the kind of finding"), *Finding.Kind.choices]


class RecommendationForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["number", "addressee", "addressee_label", "text"]
        labels = {"addressee_label": "Addressee as published"}
        field_classes = {"addressee": ListedModelChoiceField}
        error_messages = {
            "number": {"required": "Enter the recommendation's number"},
            "addressee": {"required": "Choose who the recommendation is addressed to"},
            "text": {"required": "Enter the recommendation's text as published"},
        }


class BaseRecommendationFormSet(BaseEntryFormSet):
    def clean(self):
        super().clean()
        seen = set()
        tracked = set(self.get_queryset().with_recorded_progress().values_list("pk", flat=True))
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk in tracked:
                    raise forms.ValidationError(
                        f"Recommendation {form.instance.number} to {form.instance.addressee} "
                        "has progress recorded in the tracker, so it cannot be deleted"
                    )
                continue
            key = (form.cleaned_data.get("addressee"), form.cleaned_data.get("number"))
            if None in key:
                continue
            if key in seen:
                form.add_error("number", f"Recommendation {key[1]} to {key[0]} is numbered twice")
            seen.add(key)


class ContextFigureForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = ContextFigure
        fields = ["body", "category", "label", "value", "value_text", "unit", "as_at"]
        labels = {"value_text": "Value as published", "as_at": "As at"}
        field_classes = {"body": ListedModelChoiceField}
        widgets = {"as_at": forms.DateInput(attrs={"type": "date"})}


# The most rows one entry step takes (a report has at most about a hundred findings).
# Django's own cap is 2,000, and a request claiming that many rows took 20 s to refuse.
ENTRY_ROWS_MAX = 500


def entry_formset(model, form, formset=BaseEntryFormSet):
    """The rows of one entry step: three blank rows to add, each row deletable."""
    return modelformset_factory(
        model,
        form=form,
        formset=formset,
        extra=3,
        can_delete=True,
        max_num=ENTRY_ROWS_MAX,
        absolute_max=ENTRY_ROWS_MAX,
    )


class BaseFindingFormSet(BaseEntryFormSet):
    """The findings under one heading (`section`), in the report's order, with blank rows
    to add more under it; without a heading, all the inspection's findings."""

    def __init__(self, *args, inspection: Inspection, section: Section | None = None, **kwargs):
        self.section = section
        if section is not None:
            kwargs.setdefault(
                "queryset",
                Finding.objects.filter(inspection=inspection, section=section).order_by("position"),
            )
            kwargs.setdefault("initial", [{"section": section.pk}] * self.extra)
        super().__init__(*args, inspection=inspection, **kwargs)


class FindingsHeadingForm(GovukFormMixin, forms.Form):
    """The findings step's way to a heading not listed: a standard or section of the
    report that has no findings yet."""

    section = forms.ModelChoiceField(
        queryset=Section.objects.order_by("name"),
        to_field_name="slug",
        label="Another standard or section",
        help_text="For findings under a heading not listed above.",
        empty_label="Choose a standard or section",
        error_messages={
            "required": "Choose the standard or section to enter findings under",
            "invalid_choice": "Choose a standard or section from the list",
        },
    )


FindingFormSet = entry_formset(Finding, FindingForm, BaseFindingFormSet)
RecommendationFormSet = entry_formset(Recommendation, RecommendationForm, BaseRecommendationFormSet)
ContextFigureFormSet = entry_formset(ContextFigure, ContextFigureForm)


class ResolveItemForm(GovukFormMixin, forms.Form):
    """An admin's decision on one item an import left to check."""

    decision = forms.ChoiceField(
        label="Is it right?",
        choices=[
            (Review.CONFIRMED, "Yes: it is right as read"),
            (Review.CORRECTED, "No: I corrected it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it is right as read or you corrected it"},
    )
    resolution = forms.CharField(
        label="What you corrected, or why it is right",
        help_text="Needed if you corrected it: it is shown to the public once published.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep it to %(limit_value)d characters or fewer"},
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == Review.CORRECTED
            and not cleaned.get("resolution", "").strip()
        ):
            self.add_error("resolution", "Say what you corrected")
        return cleaned


class PublishForm(GovukFormMixin, forms.Form):
    """Publishing; an inspection the public saw before says what was corrected since."""

    changes = forms.CharField(
        label="What was corrected since it was last published?",
        help_text="Shown to the public in a notice on the inspection's page, with today's date.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep it to %(limit_value)d characters or fewer"},
    )

    def __init__(self, *args, republishing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.republishing = republishing
        if not republishing:
            del self.fields["changes"]

    def clean_changes(self):
        changes = self.cleaned_data["changes"].strip()
        if self.republishing and not changes:
            raise forms.ValidationError("Say what was corrected since it was last published")
        return changes
