from django.contrib import admin
from django.urls import include, path

from recommendations.forms import AdminSignInForm

from .health import healthz

# The admin's sign-in says so when the throttle refuses it, as the app's does.
admin.site.login_form = AdminSignInForm

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
