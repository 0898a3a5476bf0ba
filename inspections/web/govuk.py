"""GOV.UK Frontend classes on Django form widgets, so templates render fields plainly."""

from django import forms
from django.forms.utils import pretty_name
from django.utils.text import capfirst

# In order: a widget takes the first class whose kind it is (checkboxes are a kind of radios
# to Django). Hidden inputs take none; anything else is a text input.
WIDGET_CLASSES = (
    (forms.HiddenInput, ""),
    (forms.CheckboxSelectMultiple, "govuk-checkboxes__input"),
    (forms.RadioSelect, "govuk-radios__input"),
    (forms.CheckboxInput, "govuk-checkboxes__input"),
    (forms.Select, "govuk-select"),
    (forms.Textarea, "govuk-textarea"),
    (forms.FileInput, "govuk-file-upload"),
)
# The classes GOV.UK Frontend has an error state for.
ERROR_CLASSES = ("govuk-input", "govuk-select", "govuk-textarea", "govuk-file-upload")


def say_length_limits(fields):
    """GOV.UK's message for text over a field's limit, "Owner must be 200 characters or
    fewer", where the field has no message of its own."""
    for name, field in fields.items():
        if getattr(field, "max_length", None):
            label = (field.label or pretty_name(name)).removesuffix(" (optional)")
            label = capfirst(label).replace("%", "%%")
            field.error_messages.setdefault(
                "max_length", f"{label} must be %(limit_value)d characters or fewer"
            )


class GovukFormMixin:
    """GOV.UK classes on every widget; hints and errors tied to their field for screen
    readers (aria-describedby, to the ids templates/includes/field.html gives them); the
    error class on a field that failed.

    Forms that add fields in their own __init__ call style_fields() again after.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self):
        say_length_limits(self.fields)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.MultiWidget):
                continue  # its template draws GOV.UK's date input itself
            css = next((c for kind, c in WIDGET_CLASSES if isinstance(widget, kind)), "govuk-input")
            if isinstance(widget, forms.NumberInput | forms.DateInput):
                css += " govuk-input--width-5"
            classes = widget.attrs.get("class", "").split()
            widget.attrs["class"] = " ".join(dict.fromkeys([*css.split(), *classes]))
            if not widget.attrs["class"]:
                del widget.attrs["class"]
            if field.help_text and not self._in_fieldset(widget):
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-hint"

    @staticmethod
    def _in_fieldset(widget):
        # Radios, checkboxes and dates sit in a fieldset, which carries the description.
        return isinstance(
            widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.MultiWidget
        )

    def add_error(self, field, error):
        # Every error goes through here, the fields' own while cleaning and a formset's
        # checks after it, so each field is marked as it gets one.
        super().add_error(field, error)
        if self._errors is not None:
            self._mark_errors()

    def _mark_errors(self):
        for name in self.errors:
            if name not in self.fields:
                continue
            bound, widget = self[name], self.fields[name].widget
            if hasattr(widget, "has_error"):
                widget.has_error = True  # a widget that draws its own error state
            if self._in_fieldset(widget):
                continue
            described = [f"{bound.auto_id}-error"]
            if self.fields[name].help_text:
                described.insert(0, f"{bound.auto_id}-hint")
            widget.attrs["aria-describedby"] = " ".join(described)
            classes = widget.attrs.get("class", "").split()
            if classes and classes[0] in ERROR_CLASSES and f"{classes[0]}--error" not in classes:
                widget.attrs["class"] += f" {classes[0]}--error"
