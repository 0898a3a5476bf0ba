"""Malformed requests to every URL the app serves are answered, never with a 500.

The URLs come from the URLconf itself, so a new page is crawled without touching this
file: each pattern is tried with real values (so its forms are reached) and with bad
ones (unknown slugs, huge numbers, NUL bytes, overlong text). Every page that answers is
then asked again with malformed query strings, posted to without a CSRF token, and sent
garbage in every field of every form it shows, as each role.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.forms import BaseForm, BaseFormSet, MultiWidget
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from inspections.models import Finding, Section, Theme
from pdus.models import Region
from ratings.models import Standard
from recommendations.roles import ADMINS, INSPECTORATE_STAFF, REGIONAL_DIRECTORS
from tests.factories import InspectionFactory
from tests.recommendations.helpers import make_user, rec

HUGE = "99999999999999999999999"
NUL = "\x00"
LONG = "x" * 3000
BAD_VALUES = ["0", HUGE, "no-such-thing", "x" * 300, "%00"]
# Parameters that views read straight from the query string, besides their forms' fields.
COMMON_PARAMS = ["page", "format", "q", "next", "o", "sort", "pdu", "region", "year", "type"]
QUERY_VARIANTS = [
    {"page": "0"},
    {"page": "abc"},
    {"page": HUGE},
    {"format": "exe"},
    {"format": NUL},
    "every parameter",
]
GARBAGE = [NUL, LONG, HUGE, "-1", "2024-13-45", ["a", "b", NUL]]
SIGN_OUT_URLS = {"/accounts/logout/", "/admin/logout/"}
GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def url_patterns(resolver=None, prefix=""):
    """(the pattern's regex, joined with its includes', and its callback) for every URL."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        regex = pattern.pattern.regex.pattern.lstrip("^").removesuffix(r"\Z").removesuffix("$")
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, prefix + regex)
        else:
            yield prefix + regex, pattern.callback


def admin_object_id(callback):
    """The pk of a record of the admin page's model, so its change pages are reached."""
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is None:
        return None
    first = model_admin.model._default_manager.order_by("pk").first()
    return str(first.pk) if first else None


def concrete_paths(good_values):
    """Every pattern with real values in its groups, and with each bad value in each."""
    paths = set()
    for regex, callback in url_patterns():
        names = GROUP.findall(regex)
        candidates = {}
        for name in names:
            alternatives = re.search(rf"\(\?P<{name}>([\w|]+)\)", regex)
            if alternatives:  # the admin's app labels
                candidates[name] = alternatives.group(1).split("|")[:2]
            else:
                candidates[name] = list(good_values.get(name, ["1"]))
            if name == "object_id" and (pk := admin_object_id(callback)):
                candidates[name] = [pk]
        for name in names:
            # The admin's ids are all one kind of pattern: fewer bad values keep it quick.
            bad = BAD_VALUES[:2] if regex.startswith("admin/") else BAD_VALUES
            for value in [*candidates[name], *bad]:
                paths.add(fill(regex, {**{n: c[0] for n, c in candidates.items()}, name: value}))
        if not names:
            paths.add(fill(regex, {}))
    return sorted(paths)


def fill(regex, values):
    path = GROUP.sub(lambda m: values[m.group(1)], regex)
    return "/" + re.sub(r"\\(.)", r"\1", path)


def fields_of(response) -> list[str]:
    """The names posted by every form and formset on the page (a date's three boxes)."""
    names = []
    for value in (getattr(response, "context_data", None) or {}).values():
        forms = []
        if isinstance(value, BaseFormSet):
            forms = [value.management_form, *value.forms]
        elif isinstance(value, BaseForm):
            forms = [value]
        elif isinstance(getattr(value, "form", None), BaseForm):  # a filterset
            forms = [value.form]
        for form in forms:
            for bound in form:
                widget = bound.field.widget
                if isinstance(widget, MultiWidget):
                    names += [f"{bound.html_name}_{i}" for i in range(len(widget.widgets))]
                else:
                    names.append(bound.html_name)
    return names


class Crawl:
    def __init__(self, user):
        self.user = user
        self.client = Client(raise_request_exception=False)
        self.no_csrf = Client(raise_request_exception=False, enforce_csrf_checks=True)
        for client in (self.client, self.no_csrf):
            if user is not None:
                client.force_login(user)
        self.errors = []
        self.forms_posted = 0

    def send(self, method, path, data=None, client=None):
        """The response, with any 500 noted; a database error inside the view is
        rolled back to a savepoint, so the crawl can go on."""
        client = client or self.client
        savepoint = transaction.savepoint()
        response = getattr(client, method)(path, data)
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
            exc = getattr(response, "exc_info", None)
            self.errors.append(f"{method.upper()} {path} {data!r:.200}: {exc and exc[1]!r}")
        else:
            transaction.savepoint_commit(savepoint)
        if path in SIGN_OUT_URLS and self.user is not None:
            client.force_login(self.user)
        return response

    def crawl(self, path, thorough=True):
        """GET the path; if it answers, malformed queries (when `thorough`) and posts."""
        response = self.send("get", path)
        if response.status_code != 200:
            return
        fields = fields_of(response)
        params = sorted({*COMMON_PARAMS, *fields})
        for variant in QUERY_VARIANTS if thorough else []:
            if variant == "every parameter":
                for value in GARBAGE:
                    self.send("get", path, dict.fromkeys(params, value))
            else:
                self.send("get", path, variant)
        self.send("post", path, dict.fromkeys(fields, "1"), client=self.no_csrf)
        self.forms_posted += bool(fields)
        for value in GARBAGE:
            self.send("post", path, dict.fromkeys(fields, value))


@pytest.fixture
def good_values(published_data):
    """Real values for the URLs' groups: the pages as users reach them."""
    draft = InspectionFactory(is_published=False, programme__slug="pdu", slug="a-draft")
    standard = Standard.objects.filter(programme__slug="pdu").first()
    return {
        "slug": [
            "lambeth-pdu-2022",
            "lambeth",
            "london",
            draft.slug,
            standard.slug,
            Theme.objects.order_by("pk").first().slug,
            Region.objects.get(slug="london").slug,
        ],
        "programme": ["pdu"],
        "pk": [str(rec("lambeth-pdu-2022", 1).pk), str(Finding.objects.order_by("pk")[0].pk)],
        "content_type_id": ["1"],
        "url": ["no-such-page/"],
        "section": [Section.objects.order_by("pk").first().slug],
    }


def user_of(role, db):
    if role == "anonymous":
        return None
    if role == "staff":
        return make_user("ines-inspector", INSPECTORATE_STAFF)
    if role == "director":
        return make_user("london-director", REGIONAL_DIRECTORS, Region.objects.get(slug="london"))
    return make_user("ada-admin", ADMINS, is_staff=True)


@pytest.mark.parametrize("role", ["anonymous", "staff", "director", "admin"])
def test_no_malformed_request_is_a_server_error(good_values, role, db):
    crawl = Crawl(user_of(role, db))
    paths = concrete_paths(good_values)
    assert reverse("recommendations:tracker") in paths  # the URLconf was read
    for path in paths:
        # The admin's own pages are the superuser's test; here only its way in.
        if not path.startswith("/admin/") or path in ("/admin/", "/admin/login/"):
            crawl.crawl(path)
        crawl.send("head", path)
    assert crawl.forms_posted > 0  # the crawl reached forms, not only refusals
    assert not crawl.errors, "\n".join(crawl.errors)


@pytest.mark.xfail(
    strict=True,
    reason="Not fixed yet: Django's admin redraws a change form whose foreign-key fields "
    "were posted as text (ValueError) or, on SQLite, as huge numbers (OverflowError)",
)
def test_a_superuser_reaches_every_admin_page_without_a_server_error(good_values):
    """The admin's own pages, as the one user who can open them all."""
    root = get_user_model().objects.create_superuser("root", password="a-long-test-password")
    crawl = Crawl(root)
    for path in concrete_paths(good_values):
        if path.startswith("/admin/"):
            crawl.crawl(path, thorough=path.endswith(("/admin/", "/change/")))
    assert not crawl.errors, "\n".join(crawl.errors)
