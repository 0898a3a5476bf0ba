from django.views.generic import ListView

from .models import Recommendation


class TrackerView(ListView):
    queryset = Recommendation.objects.published().select_related("addressee", "inspection")
    template_name = "recommendations/tracker.html"
