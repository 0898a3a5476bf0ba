"""Breadcrumbs: every page says where it sits between the overview and the source."""

from django.urls import reverse


class BreadcrumbsMixin:
    """Adds `breadcrumbs`, a list of (label, url) ending with the current page (url None)."""

    def get_breadcrumbs(self) -> list[tuple[str, str | None]]:
        return []

    def get_context_data(self, **kwargs):
        return super().get_context_data(breadcrumbs=self.get_breadcrumbs(), **kwargs)


def region_crumbs(region) -> list[tuple[str, str]]:
    """The trail down to a region's overview."""
    if region is None:
        return [("Overview", reverse("pdus:overview"))]
    return [
        ("Overview", reverse("pdus:overview")),
        (region.name, reverse("pdus:region_overview", args=[region.slug])),
    ]


# (label, URL name, path prefixes that belong to the section)
SERVICE_NAVIGATION = [
    ("Overview", "pdus:overview", ("/regions/",)),
    ("PDUs", "pdus:pdu_list", ("/pdus/",)),
    ("Compare", "pdus:compare", ("/compare/",)),
    ("Inspections", "inspections:inspection_list", ("/inspections/", "/findings/")),
    ("Tracker", "recommendations:tracker", ("/tracker/",)),
    ("Explore findings", "inspections:explore", ("/explore/",)),
    ("API", "api:inspection_list", ("/api/",)),
]


# Sections only admins see.
ADMIN_NAVIGATION = [("Enter inspections", "inspections:manage", ("/manage/",))]


def service_navigation(request):
    """Context processor: the header's sections, marking the one the page belongs to."""
    from inspections.rules import can_manage_inspections

    path = request.path
    sections = SERVICE_NAVIGATION
    # A request refused before AuthenticationMiddleware (the 400 page for a bad Host
    # header) has no user.
    user = getattr(request, "user", None)
    if user is not None and can_manage_inspections(user):
        sections = [*SERVICE_NAVIGATION, *ADMIN_NAVIGATION]
    items = []
    for label, url_name, prefixes in sections:
        url = reverse(url_name)
        active = path == url or path.startswith(prefixes)
        items.append({"label": label, "url": url, "active": active, "current": path == url})
    return {"service_navigation": items}
