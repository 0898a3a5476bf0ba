"""Related-record fields for the admin that survive a change form posted with garbage.

A form that fails validation is drawn again with what was posted. Django's autocomplete
and raw-id widgets look the posted key up to label it, and so does a multiple choice
field when it checks the keys: text in an integer key raises ValueError, and on SQLite a
number beyond 64 bits raises OverflowError, so the page was a 500 instead of the form
with its error. A key its field cannot hold names no record: it is shown as nothing
selected, and refused with the field's usual "Select a valid choice" error.
"""

from django import forms
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    ForeignKeyRawIdWidget,
)
from django.core.exceptions import ValidationError


def can_name_a_record(key_field, value) -> bool:
    """Whether `value` is one the key field could hold, so looking it up is safe."""
    try:
        key_field.run_validators(key_field.to_python(value))
    except ValidationError:
        return False
    return True


class LookupSafeAutocompleteMixin:
    def optgroups(self, name, value, attr=None):
        key_field = self.field.target_field
        value = [v for v in value if can_name_a_record(key_field, v)]
        return super().optgroups(name, value, attr)


class LookupSafeAutocompleteSelect(LookupSafeAutocompleteMixin, AutocompleteSelect):
    pass


class LookupSafeAutocompleteSelectMultiple(LookupSafeAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class LookupSafeForeignKeyRawIdWidget(ForeignKeyRawIdWidget):
    def label_and_url_for_value(self, value):
        if not can_name_a_record(self.rel.get_related_field(), value):
            return "", ""
        return super().label_and_url_for_value(value)


class LookupSafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        opts = self.queryset.model._meta
        key_field = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for key in value:
            if not can_name_a_record(key_field, key):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": key},
                )
        return super()._check_values(value)


class LookupSafeMixin:
    """For every ModelAdmin and InlineModelAdmin: the related-record fields above in place
    of Django's, chosen as Django chooses its own."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs:
            using = kwargs.get("using")
            if db_field.name in self.get_autocomplete_fields(request):
                kwargs["widget"] = LookupSafeAutocompleteSelect(
                    db_field, self.admin_site, using=using
                )
            elif db_field.name in self.raw_id_fields:
                kwargs["widget"] = LookupSafeForeignKeyRawIdWidget(
                    db_field.remote_field, self.admin_site, using=using
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # A raw-id list of many keys never looks them up to label them, so it needs no twin.
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LookupSafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", LookupSafeModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
