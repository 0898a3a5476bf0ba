"""The tracker's listing (filters, summary, rows) and the recurring list are kept in the
cache as HTML, each shared by all who would see the same: never a user's own controls,
role or CSRF token in another's page, never behind a progress update, never a draft."""

import pytest
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key

from pdus.models import Body
from recommendations import rules
from recommendations.models import Recommendation
from recommendations.services import Change, record_update
from recommendations.views import updatable_pks
from tests.factories import InspectionFactory
from tests.recommendations.helpers import client_for, fresh
from tests.recommendations.test_permissions import quality_assurance_group


def fragment(response, name, key_name):
    """The cached HTML the page used: the fragment under its key in the context."""
    stored = cache.get(make_template_fragment_key(name, [response.context[key_name]]))
    assert stored, "the fragment is cached"
    return stored


def listing(page: str) -> str:
    """The page from the filters to the last row: the part kept in the cache."""
    return page[page.index('<form method="get"') : page.rindex("</table>")]


def row_of(page: str, recommendation) -> str:
    """The tracker row that links to `recommendation`."""
    start = page.index(f'href="{recommendation.get_absolute_url()}"')
    return page[start : page.index("</tr>", start)]


def card_of(page: str, recommendation) -> str:
    """The recurring list's card that lists `recommendation`."""
    for card in page.split('class="govuk-summary-card"')[1:]:
        if f'href="{recommendation.get_absolute_url()}"' in card:
            return card
    raise AssertionError(f"no card lists {recommendation}")


def set_status(recommendation, user, status):
    record_update(
        recommendation,
        user,
        Change(values={"reported_status": status}),
        fresh(recommendation).current.version,
    )


def draft_of_the_group():
    """A draft inspection of Lambeth making the quality assurance group's recommendation."""
    first = quality_assurance_group()[0]
    lambeth = Body.objects.get(slug="lambeth")
    inspection = InspectionFactory(body=lambeth, slug="lambeth-draft", is_published=False)
    return Recommendation.objects.create(
        inspection=inspection,
        number=1,
        position=1,
        addressee=first.addressee,
        addressee_label=first.addressee_label,
        text=first.text,
        source_document=inspection.source_document,
        source_section="Recommendations",
        source_line=1,
    )


# --- The tracker's listing -------------------------------------------------------------------


def test_the_tracker_listing_is_shared_but_not_the_users_own_parts(admin, director):
    admin_response = client_for(admin).get("/tracker/")  # renders and stores the listing
    stored = fragment(admin_response, "tracker_listing", "listing_key")
    for part in ("csrfmiddlewaretoken", admin.username, "account-status", "/tracker/recurring/"):
        assert part not in stored, part
    pages = {
        "admin": admin_response.content.decode(),
        "director": client_for(director).get("/tracker/").content.decode(),
        "signed out": client_for(None).get("/tracker/").content.decode(),
    }
    assert len({listing(page) for page in pages.values()}) == 1
    assert "(Admin)" in pages["admin"] and "(Admin)" not in pages["director"]
    assert "Regional director, London" in pages["director"]
    assert "Sign in</a>" in pages["signed out"] and "Signed in as" not in pages["signed out"]
    assert "/tracker/recurring/" in pages["director"]
    assert "/tracker/recurring/" not in pages["signed out"]


def test_a_status_update_shows_in_the_tracker_row_at_once(admin, director, lambeth_1):
    client = client_for(admin)
    page = client.get("/tracker/?pdu=lambeth").content.decode()
    assert "No update yet" in row_of(page, lambeth_1)
    set_status(lambeth_1, director, "in_progress")
    page = client.get("/tracker/?pdu=lambeth").content.decode()
    assert "In progress" in row_of(page, lambeth_1)


def test_a_draft_is_never_in_the_tracker_listing(admin, published_data):
    client = client_for(admin)
    assert "12</span> recommendations" in client.get("/tracker/?pdu=lambeth").content.decode()
    draft = draft_of_the_group()
    page = client.get("/tracker/?pdu=lambeth").content.decode()
    assert "12</span> recommendations" in page
    assert f'href="{draft.get_absolute_url()}"' not in page
    draft.inspection.set_published(True, admin, "Published")
    page = client.get("/tracker/?pdu=lambeth").content.decode()
    assert "13</span> recommendations" in page
    assert f'href="{draft.get_absolute_url()}"' in page


# --- The recurring list ---------------------------------------------------------------------


def test_the_recurring_list_is_kept_per_scope_of_who_may_update_what(
    admin, inspector, director, other_director
):
    group = quality_assurance_group()  # addressed to London region: its director's
    london = client_for(director).get("/tracker/recurring/")  # stored first
    stored = fragment(london, "tracker_recurring", "list_key")
    assert "csrfmiddlewaretoken" not in stored and director.username not in stored
    londons = card_of(london.content.decode(), group[0])
    assert "Update together" in londons and "you can update" not in londons

    wales = client_for(other_director).get("/tracker/recurring/")
    assert wales.context["list_key"] != london.context["list_key"]
    page = wales.content.decode()
    assert "Update together" not in page  # nothing of Wales's recurs
    assert "you can update 0" in card_of(page, group[0])
    assert f"/tracker/recurring/{group[0].pk}/" not in page

    admins = client_for(admin).get("/tracker/recurring/")
    staff = client_for(inspector).get("/tracker/recurring/")
    assert admins.context["list_key"] == staff.context["list_key"]  # both may update all
    assert "you can update" not in admins.content.decode()
    assert page.count("govuk-summary-card__title") == admins.content.decode().count(
        "govuk-summary-card__title"
    )


def test_a_status_update_shows_in_the_recurring_list_at_once(admin, director):
    first = quality_assurance_group()[0]
    client = client_for(admin)
    card = card_of(client.get("/tracker/recurring/").content.decode(), first)
    assert "govuk-tag--green" not in card
    set_status(first, director, "implemented")
    card = card_of(client.get("/tracker/recurring/").content.decode(), first)
    assert "govuk-tag--green" in card


def test_a_draft_is_never_in_the_recurring_list(admin, director):
    client = client_for(director)
    first = quality_assurance_group()[0]
    card = card_of(client.get("/tracker/recurring/").content.decode(), first)
    assert "4 recommendations by 4 inspections" in card
    draft = draft_of_the_group()
    page = client.get("/tracker/recurring/").content.decode()
    assert f'href="{draft.get_absolute_url()}"' not in page
    assert "4 recommendations by 4 inspections" in card_of(page, first)
    draft.inspection.set_published(True, admin, "Published")
    card = card_of(client.get("/tracker/recurring/").content.decode(), first)
    assert "5 recommendations by 5 inspections" in card
    assert f'href="{draft.get_absolute_url()}"' in card


@pytest.mark.parametrize("role", ["admin", "inspector", "director", "other_director"])
def test_the_updatable_count_follows_the_rules(role, roles, wales_recommendation):
    user = roles[role]
    published = Recommendation.objects.published().select_related("addressee")
    mine = updatable_pks(user, published)
    allowed = {rec.pk for rec in published if rules.can_use_update_form(user, rec)}
    assert (set(published.values_list("pk", flat=True)) if mine is None else mine) == allowed
    assert allowed  # each role may update something here
