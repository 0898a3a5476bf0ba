from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from recommendations.forms import AdminSignInForm

from .health import healthz

# The admin's sign-in says so when the throttle refuses it, as the app's does.
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The service's own pages, linked from every page's footer.
    path(
        "glossary/",
        TemplateView.as_view(template_name="pages/glossary.html"),
        name="glossary",
    ),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="pages/accessibility.html"),
        name="accessibility",
    ),
    path("contact/", TemplateView.as_view(template_name="pages/contact.html"), name="contact"),
    path("admin/", admin.site.urls),
    path("api/", include("inspections.api_urls")),
    path("accounts/", include("recommendations.account_urls")),
    path("tracker/", include("recommendations.urls")),
    path("", include("pdus.urls")),
    path("", include("ratings.urls")),
    path("", include("inspections.urls")),
]
