from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("inspections/", api.inspection_list, name="inspection_list"),
    path("inspections/<slug:slug>/", api.inspection_detail, name="inspection_detail"),
    path("bodies/", api.body_list, name="body_list"),
    path("bodies/<slug:slug>/", api.body_detail, name="body_detail"),
]
