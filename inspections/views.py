from django.views.generic import DetailView, ListView

from ratings.models import KeyQuestionScore, StandardRating
from recommendations.models import Recommendation

from .models import ContextFigure, DataQualityNote, Finding, Inspection


class InspectionListView(ListView):
    """Every published inspection: the proof that the data is there."""

    queryset = Inspection.objects.published().for_listing()
    context_object_name = "inspections"


class InspectionDetailView(DetailView):
    """One inspection with its ratings, key questions, findings and recommendations."""

    queryset = Inspection.objects.published().select_related(
        "body__region", "body__district", "programme", "source_document"
    )

    def get_context_data(self, **kwargs):
        inspection = self.object
        return super().get_context_data(
            ratings=StandardRating.objects.filter(inspection=inspection).select_related("standard"),
            key_question_scores=KeyQuestionScore.objects.filter(
                inspection=inspection
            ).select_related("key_question__standard"),
            findings=Finding.objects.filter(inspection=inspection).select_related("section"),
            recommendations=Recommendation.objects.filter(inspection=inspection).select_related(
                "addressee"
            ),
            context_figures=ContextFigure.objects.filter(inspection=inspection).select_related(
                "body"
            ),
            data_quality_notes=DataQualityNote.objects.filter(inspection=inspection).select_related(
                "source_document", "compared_document"
            ),
            **kwargs,
        )
