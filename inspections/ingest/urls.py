"""Entering and importing inspections; named in the `inspections` namespace, which
inspections/urls.py includes these in."""

from django.urls import path

from . import views

urlpatterns = [
    path("manage/", views.ManageView.as_view(), name="manage"),
    path("manage/new/", views.InspectionCreateView.as_view(), name="manage_new"),
    path("manage/import/", views.ImportView.as_view(), name="manage_import"),
    path("manage/<slug:slug>/details/", views.DetailsStepView.as_view(), name="manage_details"),
    path("manage/<slug:slug>/ratings/", views.RatingsStepView.as_view(), name="manage_ratings"),
    path("manage/<slug:slug>/findings/", views.FindingsStepView.as_view(), name="manage_findings"),
    path(
        "manage/<slug:slug>/findings/<slug:section>/",
        views.FindingsSectionView.as_view(),
        name="manage_findings_section",
    ),
    path(
        "manage/<slug:slug>/recommendations/",
        views.RecommendationsStepView.as_view(),
        name="manage_recommendations",
    ),
    path("manage/<slug:slug>/figures/", views.FiguresStepView.as_view(), name="manage_figures"),
    path("manage/<slug:slug>/review/", views.ReviewStepView.as_view(), name="manage_review"),
    path(
        "manage/<slug:slug>/review/items/<int:item>/",
        views.ResolveItemView.as_view(),
        name="manage_resolve_item",
    ),
    path("manage/<slug:slug>/unpublish/", views.UnpublishView.as_view(), name="manage_unpublish"),
]
