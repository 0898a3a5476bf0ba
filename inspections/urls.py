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
