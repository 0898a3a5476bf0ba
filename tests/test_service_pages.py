"""The service's own pages: what the ratings mean, accessibility, contact, and the footer
that links them from every page; the header's link to Django's admin only for staff."""

import pytest
from django.test import Client

from pdus.models import Region
from recommendations.roles import ADMINS, REGIONAL_DIRECTORS
from tests.recommendations.helpers import client_for, make_user

PAGES = [
    ("/glossary/", "What the ratings mean"),
    ("/accessibility/", "Accessibility statement for Inspection Findings"),
    ("/contact/", "Contact us"),
]


@pytest.mark.parametrize(("url", "heading"), PAGES)
def test_page_answers_with_its_heading(client, db, url, heading):
    response = client.get(url)
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-xl">{heading}</h1>' in response.content.decode()


def test_footer_links_every_service_page(client, published_data):
    html = client.get("/").content.decode()
    for url, label in [
        ("/glossary/", "What the ratings mean"),
        ("/accessibility/", "Accessibility statement"),
        ("/contact/", "Contact"),
    ]:
        assert f'<a class="govuk-footer__link" href="{url}">{label}</a>' in html


def test_phase_banner_asks_for_feedback(client, db):
    html = client.get("/glossary/").content.decode()
    assert (
        'your <a class="govuk-link" href="/contact/">feedback</a> will help us improve it' in html
    )


@pytest.mark.parametrize("url", ["/contact/", "/accessibility/"])
def test_contact_address_comes_from_the_setting(client, db, settings, url):
    settings.CONTACT_EMAIL = "probation-data@example.gov.uk"
    html = client.get(url).content.decode()
    assert 'href="mailto:probation-data@example.gov.uk"' in html
    assert "inspection-findings@example.org" not in html


def test_glossary_explains_each_rating(client, db):
    html = client.get("/glossary/").content.decode()
    for value, label in [
        ("outstanding", "Outstanding"),
        ("good", "Good"),
        ("requires_improvement", "Requires improvement"),
        ("inadequate", "Inadequate"),
        ("not_inspected", "Not inspected"),
    ]:
        assert f'app-rating-tag--{value}">{label}</strong>' in html
    for term in ["Standard", "Key question", "Score", "Framework version"]:
        assert f">{term}</h3>" in html
    assert "Each inspection report is the source" in html


ADMIN_LINK = '<a class="govuk-service-navigation__link" href="/admin/">Admin</a>'


def test_admin_link_only_for_accounts_the_admin_lets_in(db):
    # Django's admin lets in staff accounts only; a director following the link met a
    # sign-in page that refused them.
    london = Region.objects.get_or_create(slug="london", defaults={"name": "London"})[0]
    director = make_user("dee-director", REGIONAL_DIRECTORS, region=london)
    admin = make_user("ada-admin", ADMINS, is_staff=True)
    shown = {
        who: ADMIN_LINK in client_for(user).get("/glossary/").content.decode()
        for who, user in [("anonymous", None), ("director", director), ("admin", admin)]
    }
    assert shown == {"anonymous": False, "director": False, "admin": True}


def test_the_overview_says_when_the_data_was_last_updated(client, published_data):
    from datetime import date

    from inspections.models import Correction, Inspection

    def line():
        html = client.get("/").content.decode()
        start = html.index('id="data-updated">') + len('id="data-updated">')
        return html[start : html.index("</p>", start)]

    latest = max(i.published for i in Inspection.objects.published() if i.published)
    assert line() == (
        f"Data last updated {latest:%-d %B %Y}: the latest report in it was published on "
        f"{latest:%-d %B %Y}."
    )
    Correction.objects.create(
        inspection=Inspection.objects.get(slug="lambeth-pdu-2022"),
        corrected_on=date(2026, 12, 3),
        changes=["A percentage read again from the report."],
    )
    assert line() == (
        f"Data last updated 3 December 2026: the latest report in it was published on "
        f"{latest:%-d %B %Y}, and the latest correction of a report made on 3 December 2026."
    )
    # A draft's dates are nobody's business until it is published.
    Inspection.objects.filter(slug="newham-2022").update(
        is_published=False, published=date(2026, 12, 4)
    )
    assert "4 December 2026" not in line()


def test_every_page_with_ratings_links_what_they_mean(published_data):
    # Beside the ratings themselves, not only in the footer.
    from tests.test_every_page import PAGES

    client = Client()
    checked = []
    for what, url, who in PAGES:
        if who is not None or "{" in url or url.startswith("/api/"):
            continue
        html = client.get(url).content.decode()
        if "app-rating-tag" in html and what != "glossary":
            checked.append(what)
            assert 'class="govuk-body-s app-ratings-explained"' in html, what
    assert {"overview", "PDU", "compare", "standard", "PDUs", "inspection"} <= set(checked)
