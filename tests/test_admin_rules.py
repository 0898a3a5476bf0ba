"""HMIP's rules hold in the admin as in the entry steps and the publication checks: what is
computed is shown, never typed; publishing goes through the review step; a rating that
departs from the rule for its key questions needs the inspectors' reason."""

from decimal import Decimal

import pytest
from django import forms

from inspections.ingest.checks import publication_problems
from inspections.ingest.forms import InspectionDetailsForm, RatingsForm
from inspections.models import Inspection
from ratings.models import KeyQuestionScore, Standard, StandardRating

CHANGE = "/admin/inspections/inspection/{}/change/"
REASON = "The positives identified override the guidance in this instance."


def posted(form) -> dict:
    """What a browser posts for `form` as drawn: each field's value, boxes only if ticked."""
    data = {}
    for bound in form:
        value = bound.value()
        if isinstance(bound.field.widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        else:
            data[bound.html_name] = "" if value is None else str(value)
    return data


def change_form_data(page) -> dict:
    """An admin change form as drawn, with every inline's rows and management form."""
    data = posted(page.context_data["adminform"].form)
    for inline in page.context_data["inline_admin_formsets"]:
        data |= posted(inline.formset.management_form)
        for form in inline.formset.forms:
            data |= posted(form)
    return data


@pytest.fixture
def lambeth(published_data):
    return Inspection.objects.get(slug="lambeth-pdu-2022")


@pytest.fixture
def assessment(published_data):
    return Standard.objects.get(programme__slug="pdu", code="2.2")


def with_assessment(admin_client, inspection, assessment, percentages, rating, reason=""):
    """The inspection's change form as drawn, with 2.2's rating, reason and percentages."""
    page = admin_client.get(CHANGE.format(inspection.pk))
    data = change_form_data(page)
    forms_by_model = {
        inline.formset.model: inline.formset.forms
        for inline in page.context_data["inline_admin_formsets"]
    }
    (row,) = [f for f in forms_by_model[StandardRating] if f.instance.standard == assessment]
    data[f"{row.prefix}-rating"] = rating
    data[f"{row.prefix}-override_reason"] = reason
    rows = {f.instance.key_question: f for f in forms_by_model[KeyQuestionScore]}
    for question, percent in zip(assessment.key_questions.all(), percentages, strict=True):
        data[f"{rows[question].prefix}-percent_yes"] = percent
    return data


# --- What is computed is read-only --------------------------------------------------------


def test_computed_fields_are_shown_read_only(admin_client, lambeth):
    page = admin_client.get(CHANGE.format(lambeth.pk))
    form_fields = page.context_data["adminform"].form.fields
    for name in ("score", "max_score", "overall_rating", "is_published"):
        assert name not in form_fields
    html = page.content.decode()
    assert '<div class="readonly">3</div>' in html
    assert '<div class="readonly">Inadequate</div>' in html
    assert f'href="/manage/{lambeth.slug}/unpublish/"' in html


def test_posting_computed_fields_changes_nothing(admin_client, lambeth):
    data = change_form_data(admin_client.get(CHANGE.format(lambeth.pk)))
    data |= {"score": "27", "max_score": "27", "overall_rating": "outstanding"}
    data.pop("is_published", None)  # an unticked box: an attempt to unpublish
    response = admin_client.post(CHANGE.format(lambeth.pk), data)
    assert response.status_code == 302
    lambeth.refresh_from_db()
    assert (lambeth.score, lambeth.max_score, lambeth.overall_rating) == (3, 24, "inadequate")
    assert lambeth.is_published


def test_a_draft_is_published_only_from_its_review_step(admin_client, lambeth):
    Inspection.objects.filter(pk=lambeth.pk).update(is_published=False)
    page = admin_client.get(CHANGE.format(lambeth.pk))
    assert f'href="/manage/{lambeth.slug}/review/"' in page.content.decode()
    response = admin_client.post(
        CHANGE.format(lambeth.pk), change_form_data(page) | {"is_published": "on"}
    )
    assert response.status_code == 302
    lambeth.refresh_from_db()
    assert not lambeth.is_published


def test_an_inspection_added_in_the_admin_is_a_draft(admin_client, lambeth):
    data = change_form_data(admin_client.get("/admin/inspections/inspection/add/"))
    data |= {
        "slug": "croydon-pdu-2023",
        "title": "An inspection of probation services in: Croydon PDU",
        "body": str(lambeth.body_id),
        "programme": str(lambeth.programme_id),
        "source_document": str(lambeth.source_document_id),
    }
    response = admin_client.post("/admin/inspections/inspection/add/", data)
    assert response.status_code == 302, response.context_data["errors"]
    assert not Inspection.objects.get(slug="croydon-pdu-2023").is_published


# --- A rating follows the rule, or the inspectors' reason is given --------------------------


def test_an_inline_rating_departing_from_the_rule_needs_a_reason(admin_client, lambeth, assessment):
    data = with_assessment(admin_client, lambeth, assessment, ["43", "38", "12"], "good")
    response = admin_client.post(CHANGE.format(lambeth.pk), data)
    assert response.status_code == 200
    assert "2.2 Assessment is rated Good, but its lowest key question gives Inadequate" in (
        response.content.decode()
    )
    assert lambeth.ratings.get(standard=assessment).rating == "inadequate"

    data = with_assessment(admin_client, lambeth, assessment, ["43", "38", "12"], "good", REASON)
    assert admin_client.post(CHANGE.format(lambeth.pk), data).status_code == 302
    rating = lambeth.ratings.get(standard=assessment)
    assert (rating.rating, rating.override_reason) == ("good", REASON)
    lambeth.refresh_from_db()  # the score follows: Good adds 2 points
    assert (lambeth.score, lambeth.overall_rating) == (5, "requires_improvement")


def test_percentages_posted_with_a_rating_are_the_ones_it_is_checked_against(
    admin_client, lambeth, assessment
):
    data = with_assessment(admin_client, lambeth, assessment, ["90", "85", "80"], "inadequate")
    response = admin_client.post(CHANGE.format(lambeth.pk), data)
    assert response.status_code == 200
    assert "its lowest key question gives Outstanding" in response.content.decode()
    assert sorted(
        lambeth.key_question_scores.filter(key_question__standard=assessment).values_list(
            "percent_yes", flat=True
        )
    ) == [Decimal("12.0"), Decimal("38.0"), Decimal("43.0")]


def test_a_rating_on_its_own_admin_page_follows_the_rule(admin_client, lambeth, assessment):
    rating = lambeth.ratings.get(standard=assessment)
    url = f"/admin/ratings/standardrating/{rating.pk}/change/"
    data = change_form_data(admin_client.get(url)) | {"rating": "good"}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "its lowest key question gives Inadequate" in response.content.decode()
    assert admin_client.post(url, data | {"override_reason": REASON}).status_code == 302
    lambeth.refresh_from_db()
    assert (lambeth.score, lambeth.overall_rating) == (5, "requires_improvement")


def test_a_percentage_on_its_own_admin_page_keeps_the_rating_following_the_rule(
    admin_client, lambeth, assessment
):
    scores = lambeth.key_question_scores.filter(key_question__standard=assessment)
    for score, percent in zip(scores, ["70", "70", "40"], strict=True):
        KeyQuestionScore.objects.filter(pk=score.pk).update(percent_yes=percent)
    lowest = scores.get(percent_yes=40)
    url = f"/admin/ratings/keyquestionscore/{lowest.pk}/change/"
    data = change_form_data(admin_client.get(url))
    response = admin_client.post(url, data | {"percent_yes": "70"})  # the rule: Good
    assert response.status_code == 200
    assert "2.2 Assessment is rated Inadequate, but its lowest key question gives Good" in (
        response.content.decode()
    )
    assert admin_client.post(url, data | {"percent_yes": "45"}).status_code == 302


# The same cases for the entry step, the admin and the publication checks: 2.2's three
# percentages, its rating, the inspectors' reason, and whether the rating is refused.
RATING_CASES = [
    (["43", "38", "12"], "inadequate", "", False),  # as published
    (["55", "60", "50"], "requires_improvement", "", False),
    (["55", "60", "50"], "good", "", True),
    (["55", "60", "50"], "good", REASON, False),
    (["55", "60", "50"], "good", "   ", True),  # blanks are no reason
    (["90", "80", "49.9"], "inadequate", "", False),
    (["90", "80", "50"], "inadequate", "", True),
    (["10", "10", "10"], "not_inspected", "", False),
]


@pytest.mark.parametrize(("percentages", "rating", "reason", "refused"), RATING_CASES)
def test_entry_step_admin_and_publication_checks_agree_on_a_rating(
    admin_client, lambeth, assessment, percentages, rating, reason, refused
):
    blank = RatingsForm(inspection=lambeth)
    data = {name: "" if (v := blank[name].value()) is None else str(v) for name in blank.fields}
    data |= {f"rating_{assessment.pk}": rating, f"override_{assessment.pk}": reason}
    for question, percent in zip(assessment.key_questions.all(), percentages, strict=True):
        data[f"kq_{question.pk}"] = percent
    entry_refused = not RatingsForm(data, inspection=lambeth).is_valid()

    admin_data = with_assessment(admin_client, lambeth, assessment, percentages, rating, reason)
    admin_refused = admin_client.post(CHANGE.format(lambeth.pk), admin_data).status_code != 302

    lambeth.ratings.filter(standard=assessment).update(rating=rating, override_reason=reason)
    for question, percent in zip(assessment.key_questions.all(), percentages, strict=True):
        lambeth.key_question_scores.filter(key_question=question).update(percent_yes=percent)
    checks_refused = bool(publication_problems(lambeth))

    assert (entry_refused, admin_refused, checks_refused) == (refused, refused, refused)


# Lambeth's fieldwork started on 15 August 2022.
DATE_CASES = [
    ("2022-10-01", "month", False),  # as published
    ("2022-08-15", "day", False),
    ("2022-08-14", "day", True),
    ("2022-08-01", "month", False),  # "August 2022" may be any day of August
    ("2022-07-01", "month", True),
]


@pytest.mark.parametrize(("published", "precision", "refused"), DATE_CASES)
def test_entry_step_admin_and_publication_checks_agree_on_the_publication_date(
    admin_client, lambeth, published, precision, refused
):
    lambeth.published_precision = precision
    data = posted(InspectionDetailsForm(instance=lambeth)) | {"published": published}
    entry_refused = not InspectionDetailsForm(data, instance=lambeth).is_valid()

    admin_data = change_form_data(admin_client.get(CHANGE.format(lambeth.pk)))
    admin_data |= {"published": published, "published_precision": precision}
    admin_refused = admin_client.post(CHANGE.format(lambeth.pk), admin_data).status_code != 302

    Inspection.objects.filter(pk=lambeth.pk).update(
        published=published, published_precision=precision
    )
    checks_refused = bool(publication_problems(Inspection.objects.get(pk=lambeth.pk)))

    assert (entry_refused, admin_refused, checks_refused) == (refused, refused, refused)


# --- View on site -------------------------------------------------------------------------


def test_view_on_site_leads_a_draft_to_its_review_step(admin_client, lambeth):
    finding = lambeth.findings.first()
    finding_url = f"/admin/inspections/finding/{finding.pk}/change/"
    assert admin_client.get(CHANGE.format(lambeth.pk)).context_data["absolute_url"] == (
        lambeth.get_absolute_url()
    )
    assert admin_client.get(finding_url).context_data["absolute_url"] == (
        finding.get_absolute_url()
    )

    Inspection.objects.filter(pk=lambeth.pk).update(is_published=False)
    url = admin_client.get(CHANGE.format(lambeth.pk)).context_data["absolute_url"]
    assert url == f"/manage/{lambeth.slug}/review/"
    assert admin_client.get(url).status_code == 200
    url = admin_client.get(finding_url).context_data["absolute_url"]
    assert url == f"/manage/{lambeth.slug}/findings/"
    assert admin_client.get(url).status_code == 200
