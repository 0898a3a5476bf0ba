"""Every kind of page, signed out and signed in: sent under the Content-Security-Policy,
with no inline script for it to block, and answering HEAD as it answers GET."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from inspections.models import Finding, Inspection
from recommendations.roles import ADMINS
from tests.recommendations.helpers import make_user, rec, track_all

# (what the page is, its URL with {placeholders} the `urls` fixture fills, who asks)
PAGES = [
    ("overview", "/", None),
    ("region", "/regions/london/", None),
    ("PDUs", "/pdus/", None),
    ("PDU", "/pdus/lambeth/", None),
    ("PDU profile", "/pdus/lambeth/profile/", None),
    ("compare", "/compare/?pdu=lambeth&pdu=newham", None),
    ("standard", "/standards/pdu/2-2-assessment/", None),
    ("finding", "{finding}", None),
    ("inspections", "/inspections/", None),
    ("glossary", "/glossary/", None),
    ("accessibility", "/accessibility/", None),
    ("contact", "/contact/", None),
    ("inspection", "/inspections/lambeth-pdu-2022/", None),
    ("explorer", "/explore/?q=staffing", None),
    ("themes", "/explore/themes/", None),
    ("theme", "/explore/themes/staffing-and-workloads/", None),
    ("recurring recommendations", "/explore/recurring/", None),
    ("sign-in", "/accounts/login/", None),
    ("page not found", "/no-such-page/", None),
    ("tracker", "/tracker/", "admin"),
    ("recommendation", "{recommendation}", "admin"),
    ("recurring list", "/tracker/recurring/", "admin"),
    ("recurring update", "{recurring}", "admin"),
    ("overdue digests", "/tracker/overdue/", "admin"),
    ("overdue digest", "/tracker/overdue/london/", "admin"),
    ("sign-out", "/accounts/logout/", "admin"),
    ("password change", "/accounts/password/", "admin"),
    ("manage", "/manage/", "admin"),
    ("manage import", "/manage/import/", "admin"),
    ("admin index", "/admin/", "admin"),
    ("admin list", "/admin/inspections/inspection/", "admin"),
    ("admin change", "{admin_change}", "admin"),
    ("API list", "/api/inspections/", None),
    ("API detail", "/api/inspections/lambeth-pdu-2022/", None),
    ("API bodies", "/api/bodies/", None),
    ("API body", "/api/bodies/lambeth/", None),
]
STATUS = {"page not found": 404}


@pytest.fixture
def pages(published_data):
    """(what, URL, client) for every entry of PAGES, the tracker with a chart to draw."""
    admin = make_user("ada-admin", ADMINS, is_staff=True)
    track_all(admin, timezone.localdate())
    clients = {None: Client(), "admin": Client()}
    clients["admin"].force_login(admin)
    ids = {
        "finding": Finding.objects.filter(inspection__slug="lambeth-pdu-2022")
        .first()
        .get_absolute_url(),
        "recommendation": rec("lambeth-pdu-2022", 1).get_absolute_url(),
        "recurring": f"/tracker/recurring/{rec('lambeth-pdu-2022', 1).pk}/",
        "admin_change": "/admin/inspections/inspection/"
        f"{Inspection.objects.get(slug='lambeth-pdu-2022').pk}/change/",
    }
    return [(what, url.format(**ids), clients[who]) for what, url, who in PAGES]


def directives(response) -> dict[str, list[str]]:
    return parse_policy(response["Content-Security-Policy"])


def parse_policy(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header's directives, whatever order they come in."""
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


class Scripts(HTMLParser):
    """The attributes of every <script> element of a page."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.found.append(dict(attrs))


def inline_scripts(html) -> list[dict]:
    """Scripts a browser would run from the page itself: no src, and not a data block."""
    return [
        attrs
        for attrs in Scripts(html).found
        if "src" not in attrs and attrs.get("type") != "application/json"
    ]


def test_every_page_is_sent_under_a_policy_forbidding_inline_script(pages):
    wrong = {}
    for what, url, client in pages:
        response = client.get(url)
        assert response.status_code == STATUS.get(what, 200), (what, url)
        policy = directives(response)
        if not (
            policy["default-src"] == ["'self'"]
            and policy["script-src"] == ["'self'"]
            and policy["object-src"] == ["'none'"]
            and policy["frame-ancestors"] == ["'none'"]
            and not any("unsafe" in value for values in policy.values() for value in values)
        ):
            wrong[what] = policy
    assert wrong == {}


def test_no_page_has_inline_script(pages):
    found, data_blocks = {}, 0
    for what, url, client in pages:
        response = client.get(url)
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        if inline_scripts(html):
            found[what] = inline_scripts(html)
        data_blocks += html.count('type="application/json"')
    assert found == {}
    assert data_blocks > 0  # the charts' figures are there, as data


def test_inline_scripts_are_found():
    html = (
        '<script src="/static/js/charts.js" defer></script>'
        '<script id="f" type="application/json">{}</script>'
        "<script>alert(1)</script><script type=module>initAll()</script>"
    )
    assert inline_scripts(html) == [{}, {"type": "module"}]


def test_every_page_answers_head_as_it_answers_get(pages):
    wrong = {}
    for what, url, client in pages:
        get, head = client.get(url), client.head(url)
        if (head.status_code, head["Content-Type"]) != (get.status_code, get["Content-Type"]):
            wrong[what] = (head.status_code, get.status_code)
    assert wrong == {}
