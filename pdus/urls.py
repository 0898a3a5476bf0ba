from django.urls import path

from . import views

app_name = "pdus"

urlpatterns = [
    path("", views.NationalOverviewView.as_view(), name="overview"),
    path("regions/<slug:slug>/", views.RegionOverviewView.as_view(), name="region_overview"),
    path("pdus/", views.PDUListView.as_view(), name="pdu_list"),
    path("pdus/<slug:slug>/", views.PDUDetailView.as_view(), name="pdu_detail"),
    path("pdus/<slug:slug>/profile/", views.PDUProfileView.as_view(), name="pdu_profile"),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("changes/", views.ChangesView.as_view(), name="changes"),
]
