"""The findings and key questions behind a recommendation, so a reader sees why it was made.

The rule, kept simple so anyone can check it:

1. Which documents: the findings of the inspections in the same source document as the
   recommendation. A PDU report's recommendations meet that PDU's findings; those of the
   four PDUs known only from the regional letter's annexes meet the letter's regional
   findings; a Quality & Impact report's meet its own.
2. Which findings: those under a standard or section of the recommendation's themes
   (rules.THEMES: a theme applies when one of its keywords is in the recommendation's
   text). A recommendation on no theme is shown no findings rather than unrelated ones.
3. Key questions: the percentages those inspections publish for the themes' standards,
   narrowed to the questions with the theme's words (e.g. only "keeping other people
   safe" for risk of harm).
"""

from django.db.models import Q

from inspections.models import Finding, Inspection
from ratings.models import KeyQuestionScore

from .rules import themes_for_text


def _same_document_inspections(recommendation):
    return Inspection.objects.published().filter(
        Q(pk=recommendation.inspection_id) | Q(source_document_id=recommendation.source_document_id)
    )


def related_findings(recommendation, themes=None):
    """Findings on the recommendation's themes from its document; one query."""
    themes = themes_for_text(recommendation.text) if themes is None else themes
    codes = {code for theme in themes for code in theme.standard_codes}
    sections = {name for theme in themes for name in theme.section_names}
    if not (codes or sections):
        return Finding.objects.none()
    return (
        Finding.objects.filter(inspection__in=_same_document_inspections(recommendation))
        .filter(
            Q(section__standard__code__in=codes, section__standard__programme__slug="pdu")
            | Q(section__name__in=sections)
        )
        .select_related("section__standard", "inspection__body")
        .order_by("section__name", "inspection__title", "position")
    )


def related_key_question_scores(recommendation, themes=None):
    """Key-question percentages of the themes' standards from the same inspections."""
    themes = themes_for_text(recommendation.text) if themes is None else themes
    query = Q()
    for theme in themes:
        if not theme.standard_codes:
            continue
        words = Q()
        for word in theme.key_question_words:
            words |= Q(key_question__text__icontains=word)
        query |= Q(key_question__standard__code__in=theme.standard_codes) & words
    if not query:
        return KeyQuestionScore.objects.none()
    return (
        KeyQuestionScore.objects.filter(
            inspection__in=_same_document_inspections(recommendation),
            key_question__standard__programme__slug="pdu",
        )
        .filter(query)
        .select_related("key_question__standard", "inspection__body")
        .order_by("inspection__title", "key_question__standard__position", "key_question__position")
    )
