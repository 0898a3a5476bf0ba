"""The tracker and the findings explorer agree on every published recommendation.

The themes a recommendation's tracker page shows are those the explorer's download lists
it under; the recurring group the tracker shows (on the recommendation's page, in the
recurring list and on the update-together page) is the group /explore/recurring/ shows
it in; the tracker's theme filter offers the explorer's themes and lists what the
explorer lists under each. Both sides are read from what their pages render, so a
tracker that tagged or grouped on its own, or a page that showed something other than
its data, fails here.
"""

import json
import re
from io import BytesIO

import pandas as pd
import pytest

from inspections.models import Theme, ThemeOverride
from recommendations.models import Recommendation
from tests.recommendations.helpers import client_for

TRACKER_PAGE = re.compile(r'href="/tracker/(\d+)/"')
THEME_FILTER_LINK = re.compile(r'href="/tracker/\?theme=([a-z0-9-]+)"')
THEME_OPTION = re.compile(r'<option value="([a-z0-9-]+)"')


def pk_in(url: str) -> int:
    return int(re.search(r"/tracker/(\d+)/$", url).group(1))


def between(page: str, start: str, end: str) -> str:
    """The part of `page` from `start` to the next `end`; empty when `start` is not there."""
    if start not in page:
        return ""
    part = page[page.index(start) :]
    return part[: part.index(end)]


# --- What the explorer says ------------------------------------------------------------------


def explorer_themes(client) -> dict[int, set[str]]:
    """Each recommendation's themes, from the explorer's download of every recommendation."""
    response = client.get("/explore/", {"type": "recommendation", "format": "json"})
    data = json.loads(response.getvalue())
    assert not data["truncated"]
    return {result["id"]: set(result["themes"]) for result in data["results"]}


def explorer_groups(client) -> set[frozenset[int]]:
    """The recurring groups /explore/recurring/ shows, by the recommendations it links."""
    page = client.get("/explore/recurring/").content.decode()
    assert "more from older inspections" not in page  # every one of each group is listed
    blocks = page.split('class="app-recurring"')[1:]
    groups = {frozenset(map(int, TRACKER_PAGE.findall(block))) for block in blocks}
    assert len(groups) == len(blocks) and all(len(group) >= 2 for group in groups)
    return groups


def group_holding(groups, pk) -> frozenset[int]:
    """The explorer's group that holds the recommendation; empty when none does."""
    return next((group for group in groups if pk in group), frozenset())


# --- What the tracker shows ------------------------------------------------------------------


def tracker_page(client, pk) -> str:
    response = client.get(f"/tracker/{pk}/")
    assert response.status_code == 200
    return response.content.decode()


def themes_on(page: str) -> set[str]:
    """The themes "Why it was made" names, by the tracker filter each links to."""
    return set(THEME_FILTER_LINK.findall(between(page, 'id="why"', "</p>")))


def recurring_on(page: str, pk: int) -> frozenset[int]:
    """The recommendations the page lists as made again elsewhere, itself included."""
    block = between(page, 'id="recurring"', "</div>")
    if not block:
        return frozenset()
    assert "(this one)" in block
    return frozenset({pk, *map(int, TRACKER_PAGE.findall(block))})


@pytest.fixture
def published(published_data):
    return list(Recommendation.objects.published().order_by("pk").values_list("pk", flat=True))


def test_every_recommendation_page_shows_the_explorers_themes(client, published):
    themes = explorer_themes(client)
    assert set(themes) == set(published)
    assert sum(bool(slugs) for slugs in themes.values()) > len(published) / 2
    for pk in published:
        assert themes_on(tracker_page(client, pk)) == themes[pk], pk


def test_every_recommendation_page_shows_the_explorers_recurring_group(client, published):
    # The group's first few and this one; how many there are in all where more.
    from recommendations.views import RECURRING_SHOWN

    groups = explorer_groups(client)
    assert any(len(group) > RECURRING_SHOWN for group in groups)
    for pk in published:
        page = tracker_page(client, pk)
        listed, group = recurring_on(page, pk), group_holding(groups, pk)
        assert listed <= group, pk
        assert len(listed) >= min(len(group), RECURRING_SHOWN), pk
        if listed != group:
            assert len(listed) <= RECURRING_SHOWN + 1, pk
            assert f"{len(listed)} of the {len(group)} shown" in page, pk


def test_the_recurring_list_has_the_explorers_groups(client, admin, published):
    # Each group once, with its first few recommendations (all on its own page).
    from recommendations.views import RECURRING_SHOWN

    page = client_for(admin).get("/tracker/recurring/").content.decode()
    cards = page.split('class="govuk-summary-card"')[1:]
    groups = explorer_groups(client)
    matched = []
    for card in cards:
        listed = frozenset(map(int, TRACKER_PAGE.findall(card)))
        group = next(group for group in groups if listed <= group)
        assert len(listed) == min(len(group), RECURRING_SHOWN)
        assert f"{len(group)} recommendations by" in card
        matched.append(group)
    assert len(matched) == len(groups) and set(matched) == set(groups)


def test_every_update_together_page_updates_the_explorers_group(client, admin, published):
    groups = explorer_groups(client)
    admin_client = client_for(admin)
    for pk in published:
        page = admin_client.get(f"/tracker/recurring/{pk}/").content.decode()
        table = between(page, "Where each stands now", "</table>")
        shown = frozenset(map(int, TRACKER_PAGE.findall(table)))
        assert shown == (group_holding(groups, pk) or {pk}), pk


def test_the_theme_filter_lists_what_the_explorer_lists_under_each_theme(client, published):
    themes = explorer_themes(client)
    offered = THEME_OPTION.findall(
        between(client.get("/tracker/").content.decode(), 'name="theme"', "</select>")
    )
    explorer_page = client.get("/explore/themes/").content.decode()
    assert set(offered) == set(re.findall(r'href="/explore/themes/([a-z0-9-]+)/"', explorer_page))
    assert len(offered) == Theme.objects.count()
    for slug in offered:
        response = client.get("/tracker/", {"theme": slug, "format": "csv"})
        listed = {pk_in(url) for url in pd.read_csv(BytesIO(response.getvalue()))["URL"]}
        assert listed == {pk for pk, slugs in themes.items() if slug in slugs}, slug


def test_an_admins_override_moves_a_recommendation_on_both(client, hmpps_rec):
    """Overrides change the tags both sides read: a tracker reading the rules alone, or
    the text, would still show staffing only."""
    for slug, action in (("premises", "add"), ("staffing-and-workloads", "remove")):
        ThemeOverride.objects.create(
            theme=Theme.objects.get(slug=slug),
            action=action,
            recommendation=hmpps_rec,
            reason="Incentives here are about where staff work.",
        )
    shown = themes_on(tracker_page(client, hmpps_rec.pk))
    assert shown == {"premises"} == explorer_themes(client)[hmpps_rec.pk]
