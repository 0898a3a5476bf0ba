"""The findings explorer; named in the `inspections` namespace, which inspections/urls.py
includes these in."""

from django.urls import path

from . import views

urlpatterns = [
    path("explore/", views.ExploreView.as_view(), name="explore"),
    path("explore/themes/", views.ThemeListView.as_view(), name="theme_list"),
    path("explore/themes/<slug:slug>/", views.ThemeDetailView.as_view(), name="theme_detail"),
    path(
        "explore/recurring/",
        views.RecurringRecommendationsView.as_view(),
        name="recurring_recommendations",
    ),
]
