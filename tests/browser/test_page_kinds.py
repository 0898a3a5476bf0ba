"""Every kind of page, for each role that sees it, at a phone's 320 CSS px and a desktop's
1280: the page never scrolls sideways (WCAG 2.2 1.4.10, reflow), axe-core finds no
violation of any impact, nothing is logged to the console, and a screenshot of each is
saved in test-results/screenshots/ (kinds-<width>-<role>-<page>.png).

A wide table may scroll inside its own container, and then that container must be one a
keyboard and a screen reader can find: focusable, a region, named.
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from pdus.models import Region
from recommendations.roles import REGIONAL_DIRECTORS
from tests.browser.conftest import PageAudit
from tests.inspections.test_entry import details
from tests.recommendations.helpers import make_user
from tests.test_every_page import PAGES, STATUS, pages  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [320, 1280]
# The Django admin is Django's own, and the API answers JSON, not pages.
NOT_PAGES = {"admin index", "admin list", "admin change", "API list", "API detail"}
NOT_PAGES |= {"API bodies", "API body"}
ENTRY_STEPS = ["details", "ratings", "findings", "recommendations", "figures", "review"]

# What overflows the viewport, outermost first: each element that escapes it (its right
# edge past the viewport's, outside any container that scrolls or clips it) and whose
# parent does not. An absolutely positioned element, such as visually hidden text, is
# clipped only by a container at or above its containing block. And each container that
# does scroll sideways without being focusable, a region, named.
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].slice(0, 3).map((c) => '.' + c).join('');
  const clips = (el) => !['visible', ''].includes(getComputedStyle(el).overflowX);
  const isClipped = (el, style) => {
    if (style.position === 'fixed') return false;
    let needsContainingBlock = style.position === 'absolute';
    for (let parent = el.parentElement; parent && parent !== document.body;
         parent = parent.parentElement) {
      if (getComputedStyle(parent).position !== 'static') needsContainingBlock = false;
      if (!needsContainingBlock && clips(parent)) return true;
    }
    return false;
  };
  const escapes = (el) => {
    if (el === document.body) return false;
    const style = getComputedStyle(el);
    return el.getBoundingClientRect().right > width + 0.5 && style.display !== 'none'
      && !isClipped(el, style);
  };
  const overflowing = [];
  const unlabelled = [];
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (el.scrollWidth > el.clientWidth + 1 && ['auto', 'scroll'].includes(style.overflowX)) {
      const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
      if (!(el.getAttribute('role') === 'region' && named && el.tabIndex === 0)) {
        unlabelled.push(name(el));
      }
    }
    if (escapes(el) && !escapes(el.parentElement)) {
      overflowing.push(name(el) + ' ' + Math.round(el.getBoundingClientRect().right));
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    width: width,
    overflowing: overflowing.slice(0, 8),
    unlabelled: unlabelled,
  };
}"""


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def sign_in(context, live_server, user):
    """Start a session for `user` in the browser `context` (sign-in has tests of its own)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def draft_steps(admin):
    """The entry steps' URLs of a draft inspection entered by hand."""
    client = Client()
    client.force_login(admin)
    response = client.post("/manage/new/", details())
    assert response.status_code == 302, response.content.decode()
    slug_ = response["Location"].strip("/").split("/")[1]
    return [(f"entry {step}", f"/manage/{slug_}/{step}/", 200) for step in ENTRY_STEPS]


def walk(role, pages, admin):  # noqa: F811 (the fixture's value)
    """(what, path, expected status) for each page kind `role` sees."""
    every = [(what, url, who) for (what, url, _), (_, _, who) in zip(pages, PAGES, strict=True)]
    by_name = {what: url for what, url, _ in every}
    if role == "anonymous":
        public = [(what, url, STATUS.get(what, 200)) for what, url, who in every if who is None]
        return [p for p in public if p[0] not in NOT_PAGES] + [
            ("tracker", "/tracker/", 200),
            ("changes between inspections", "/changes/", 200),
        ]
    if role == "director":
        return [
            ("overview", "/", 200),
            ("tracker", "/tracker/", 200),
            ("recommendation", by_name["recommendation"], 200),
            ("recurring list", "/tracker/recurring/", 200),
            ("recurring update", by_name["recurring update"], 200),
            ("overdue digest", "/tracker/overdue/london/", 200),
            ("password change", "/accounts/password/", 200),
            ("forbidden", "/manage/", 403),
        ]
    signed_in = [(what, url, 200) for what, url, who in every if who == "admin"]
    return (
        [("overview", "/", 200)]
        + [p for p in signed_in if p[0] not in NOT_PAGES]
        + draft_steps(admin)
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ["anonymous", "director", "admin"])
def test_every_page_kind_reflows_and_passes_axe(
    live_server,
    published_data,
    pages,  # noqa: F811
    browser,
    browser_context_args,
    axe_all_violations,
    screenshot,
    role,
    width,
):
    admin = User.objects.get(username="ada-admin")
    context = browser.new_context(
        **{**browser_context_args, "viewport": {"width": width, "height": 900}}
    )
    if role == "director":
        director = make_user(
            "london-director", REGIONAL_DIRECTORS, Region.objects.get(slug="london")
        )
        sign_in(context, live_server, director)
    elif role == "admin":
        sign_in(context, live_server, admin)
    page = context.new_page()
    audit = PageAudit(axe_all_violations, screenshot)
    audit.watch(page)
    widths = {}
    try:
        for what, path, status in walk(role, pages, admin):
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == status, (what, path, response.status)
            measured = page.evaluate(MEASURE)
            widths[what] = measured["scrollWidth"]
            audit.check(page, f"kinds-{width}-{role}-{slug(what)}", status=status)
            if measured["scrollWidth"] > measured["width"]:
                audit.problems[f"{what} {path} is {measured['scrollWidth']} px wide"] = {
                    "viewport": measured["width"],
                    "overflowing": measured["overflowing"],
                }
            if measured["unlabelled"]:
                audit.problems[f"{what} {path} scrolls in unlabelled boxes"] = measured[
                    "unlabelled"
                ]
    finally:
        audit.stop_watching()
        context.close()
        print(f"\nscrollWidth at {width} px as {role}: {widths}")
    audit.assert_clean()
