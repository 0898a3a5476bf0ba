from django.urls import path

from . import views
from .explorer import urls as explorer_urls
from .ingest import urls as ingest_urls

app_name = "inspections"

urlpatterns = [
    path("inspections/", views.InspectionListView.as_view(), name="inspection_list"),
    path(
        "inspections/<slug:slug>/", views.InspectionDetailView.as_view(), name="inspection_detail"
    ),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding_detail"),
]

# Entering inspections and the findings explorer keep their names in this namespace
# (inspections:manage, inspections:explore).
urlpatterns += ingest_urls.urlpatterns + explorer_urls.urlpatterns
