from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("", views.TrackerView.as_view(), name="tracker"),
    path("<int:pk>/", views.RecommendationDetailView.as_view(), name="recommendation_detail"),
    path("recurring/", views.RecurringListView.as_view(), name="recurring_list"),
    path("recurring/<int:pk>/", views.RecurringUpdateView.as_view(), name="recurring_update"),
    path("overdue/", views.DigestIndexView.as_view(), name="digest_index"),
    path("overdue/<slug:slug>/", views.DigestView.as_view(), name="digest"),
]
