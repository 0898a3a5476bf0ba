"""A step's form cannot be made to build thousands of rows by a forged row count."""

from inspections.ingest.forms import ENTRY_ROWS_MAX, FindingFormSet
from tests.factories import InspectionFactory


def test_a_forged_row_count_builds_no_more_than_the_cap(db):
    inspection = InspectionFactory(is_published=False)
    data = {
        "form-TOTAL_FORMS": "99999999",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    formset = FindingFormSet(data, inspection=inspection)
    assert formset.total_form_count() == ENTRY_ROWS_MAX
    assert not formset.is_valid()
    assert "at most 500" in " ".join(formset.non_form_errors())
