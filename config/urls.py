from django.contrib import admin
from django.urls import include, path

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("inspections.api_urls")),
    path("accounts/", include("recommendations.account_urls")),
    path("tracker/", include("recommendations.urls")),
    path("", include("pdus.urls")),
    path("", include("ratings.urls")),
    path("", include("inspections.urls")),
]
