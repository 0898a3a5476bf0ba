"""The findings and key questions behind a recommendation, so a reader sees why it was made.

The rule, kept simple so anyone can check it:

1. Which documents: the findings of the inspections in the same source document as the
   recommendation. A PDU report's recommendations meet that PDU's findings; those of the
   four PDUs known only from the regional letter's annexes meet the letter's regional
   findings; a Quality & Impact report's meet its own.
2. Which findings: those under a standard or section where the findings on the
   recommendation's themes sit. Its themes are the findings explorer's (its ThemeTags,
   admins' overrides included); where each theme's findings sit is in the explorer's
   themes.toml ([theme.related]). A recommendation on no such theme is shown no findings
   rather than unrelated ones.
3. Key questions: the percentages those inspections publish for the themes' standards,
   narrowed to the questions with the theme's words (e.g. only "keeping other people
   safe" for risk of harm).
"""

from django.db.models import Q, Subquery

from inspections.explorer.themes import RELATED_STANDARDS_VERSION, related_by_theme
from inspections.models import Finding, Inspection
from ratings.models import KeyQuestionScore, Standard


def _same_document_inspections(recommendation):
    return Inspection.objects.published().filter(
        Q(pk=recommendation.inspection_id) | Q(source_document_id=recommendation.source_document_id)
    )


def _version(recommendation):
    """The framework version of the recommendation's inspection, within the query."""
    return Subquery(
        Inspection.objects.filter(pk=recommendation.inspection_id).values("programme")[:1]
    )


def _themes_standards(codes):
    """The names of the standards themes.toml's `codes` are of (the 2021 version's): each
    version numbers its own (2021's 2.2 Assessment is 2023's 2.1 Assessment), so the
    recommendation's own version's standards are found by name. One with no namesake
    there (2021's 1.2 Staff, 2023's 1.2 Staffing) is found by section heading only."""
    return Standard.objects.filter(
        programme__slug=RELATED_STANDARDS_VERSION, code__in=codes
    ).values("name")


def _related(recommendation):
    """Where the findings on each of the recommendation's themes sit, for those that say."""
    by_slug = related_by_theme()
    return [by_slug[theme.slug] for theme in recommendation.themes if theme.slug in by_slug]


def related_findings(recommendation):
    """Findings on the recommendation's themes from its document; one query once its
    themes are loaded (with_themes())."""
    related = _related(recommendation)
    codes = {code for places in related for code in places.standards}
    sections = {name for places in related for name in places.sections}
    if not (codes or sections):
        return Finding.objects.none()
    return (
        Finding.objects.filter(inspection__in=_same_document_inspections(recommendation))
        .filter(
            Q(
                section__standard__name__in=_themes_standards(codes),
                section__standard__programme=_version(recommendation),
            )
            | Q(section__name__in=sections)
        )
        .select_related("section__standard", "inspection__body")
        .order_by("section__name", "inspection__title", "position")
    )


def related_key_question_scores(recommendation):
    """Key-question percentages of its themes' standards from the same inspections."""
    query = Q()
    for places in _related(recommendation):
        if not places.standards:
            continue
        words = Q()
        for word in places.key_questions:
            words |= Q(key_question__text__icontains=word)
        query |= Q(key_question__standard__name__in=_themes_standards(places.standards)) & words
    if not query:
        return KeyQuestionScore.objects.none()
    return (
        KeyQuestionScore.objects.filter(
            inspection__in=_same_document_inspections(recommendation),
            key_question__standard__programme=_version(recommendation),
        )
        .filter(query)
        .select_related("key_question__standard", "inspection__body")
        .order_by("inspection__title", "key_question__standard__position", "key_question__position")
    )
