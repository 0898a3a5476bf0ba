from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("inspections/", api.inspection_list, name="inspection_list"),
    path("inspections/<slug:slug>/", api.inspection_detail, name="inspection_detail"),
]
