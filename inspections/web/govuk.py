"""GOV.UK Frontend classes on Django form widgets, so templates render fields plainly."""

from django import forms
from django.forms.utils import pretty_name
from django.utils.text import capfirst

WIDGET_CLASSES = {
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    forms.CheckboxInput: "govuk-checkboxes__input",
}


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
    """Adds the GOV.UK class for each widget, and the error class where a field failed.

    Forms that add fields in their own __init__ call style_fields() again after.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self):
        say_length_limits(self.fields)
        for name, field in self.fields.items():
            widget = field.widget
            css = next(
                (c for kind, c in WIDGET_CLASSES.items() if isinstance(widget, kind)),
                "govuk-input",
            )
            if isinstance(widget, forms.NumberInput | forms.DateInput) or name.startswith("kq_"):
                css += " govuk-input--width-5"
            widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                base = widget.attrs.get("class", "govuk-input").split()[0]
                widget.attrs["class"] = f"{widget.attrs.get('class', base)} {base}--error"
