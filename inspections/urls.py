from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("inspections/", views.InspectionListView.as_view(), name="inspection_list"),
    path(
        "inspections/<slug:slug>/", views.InspectionDetailView.as_view(), name="inspection_detail"
    ),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding_detail"),
]

urlpatterns += [
    path("manage/", views.ManageView.as_view(), name="manage"),
    path("manage/new/", views.InspectionCreateView.as_view(), name="manage_new"),
    path("manage/import/", views.ImportView.as_view(), name="manage_import"),
    path("manage/<slug:slug>/details/", views.DetailsStepView.as_view(), name="manage_details"),
    path("manage/<slug:slug>/ratings/", views.RatingsStepView.as_view(), name="manage_ratings"),
    path("manage/<slug:slug>/findings/", views.FindingsStepView.as_view(), name="manage_findings"),
    path(
        "manage/<slug:slug>/recommendations/",
        views.RecommendationsStepView.as_view(),
        name="manage_recommendations",
    ),
    path("manage/<slug:slug>/figures/", views.FiguresStepView.as_view(), name="manage_figures"),
    path("manage/<slug:slug>/review/", views.ReviewStepView.as_view(), name="manage_review"),
    path("manage/<slug:slug>/unpublish/", views.UnpublishView.as_view(), name="manage_unpublish"),
]

# The findings explorer.
urlpatterns += [
    path("explore/", views.ExploreView.as_view(), name="explore"),
    path("explore/themes/", views.ThemeListView.as_view(), name="theme_list"),
    path("explore/themes/<slug:slug>/", views.ThemeDetailView.as_view(), name="theme_detail"),
    path(
        "explore/recurring/",
        views.RecurringRecommendationsView.as_view(),
        name="recurring_recommendations",
    ),
]
