"""Context processor: what every page's footer and contact link need, without a query."""

from django.conf import settings


def service_information(request):
    """The address people write to with feedback (the phase banner and /contact/), and
    whether the data is the generated demonstration (the header's banner)."""
    return {"contact_email": settings.CONTACT_EMAIL, "demo": settings.DEMO}
