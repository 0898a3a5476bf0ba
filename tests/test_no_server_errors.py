"""Malformed requests to every URL the app serves are answered, never with a 500.

The URLs come from the URLconf itself, so a new page is crawled without touching this
file: each pattern is tried with real values (so its forms are reached) and with bad
ones (unknown slugs, huge numbers, NUL bytes, overlong text). Every page that answers is
posted to without a CSRF token and sent garbage in every field of every form it shows, as
each role, since roles reach different forms. Malformed query strings are read by the
same code whoever asks, so each pattern gets them once, as the first role it answers.

One garbage value stands for each way a value goes wrong: a NUL byte, overlong text, a
number beyond 64 bits (OverflowError on SQLite), a negative number, a list.
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
# One parameter at a time as well, so a view refusing another one first cannot hide it.
QUERY_VARIANTS = [{"page": "abc"}, {"format": "exe"}, "every parameter"]
GARBAGE = [NUL, LONG, HUGE, "-1", ["a", "b", NUL]]
ROLES = ["anonymous", "staff", "director", "admin"]
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
    """Every pattern's paths: with real values in its groups, and with each bad value in each."""
    return sorted({path for paths in paths_by_pattern(good_values).values() for path in paths})


def paths_by_pattern(good_values):
    """{pattern: its paths, those with only real values in their groups first}."""
    by_pattern = {}
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
        first = {n: c[0] for n, c in candidates.items()}
        # The admin's ids are all one kind of pattern: fewer bad values keep it quick.
        bad = BAD_VALUES[:2] if regex.startswith("admin/") else BAD_VALUES
        paths = by_pattern.setdefault(regex, [] if names else [fill(regex, {})])
        for values in [candidates, dict.fromkeys(names, bad)]:
            for name in names:
                paths += [fill(regex, {**first, name: value}) for value in values[name]]
        by_pattern[regex] = list(dict.fromkeys(paths))
    return by_pattern


def fill(regex, values):
    path = GROUP.sub(lambda m: values[m.group(1)], regex)
    return "/" + re.sub(r"\\(.)", r"\1", path)


def forms_of(response):
    """Every form and formset on the page: its own, a filterset's, the admin's inlines."""
    for value in (getattr(response, "context_data", None) or {}).values():
        for item in value if isinstance(value, list) else [value]:
            item = getattr(item, "formset", item)  # an admin inline
            if isinstance(item, BaseForm | BaseFormSet):
                yield item
            elif isinstance(getattr(item, "form", None), BaseForm):  # a filterset, an admin form
                yield item.form


def fields_of(response) -> tuple[list[str], dict]:
    """The names posted by every form on the page (a date's three boxes), and each
    formset's management form as drawn, so that garbage reaches the formset's forms."""
    names, management = [], {}
    for form in forms_of(response):
        if isinstance(form, BaseFormSet):
            management |= {bound.html_name: bound.value() for bound in form.management_form}
            forms = form.forms
        else:
            forms = [form]
        for bound in (bound for form in forms for bound in form):
            widget = bound.field.widget
            if isinstance(widget, MultiWidget):
                names += [f"{bound.html_name}_{i}" for i in range(len(widget.widgets))]
            else:
                names.append(bound.html_name)
    return names, management


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
            who = self.user.username if self.user else "anonymous"
            self.errors.append(f"{who}: {method.upper()} {path} {data!r:.200}: {exc and exc[1]!r}")
        else:
            transaction.savepoint_commit(savepoint)
        if path in SIGN_OUT_URLS and self.user is not None:
            client.force_login(self.user)
        return response

    def post_garbage(self, path, response):
        """Post to the page without a CSRF token, then garbage in every field it shows."""
        fields, management = fields_of(response)
        self.send("post", path, dict.fromkeys(fields, "1"), client=self.no_csrf)
        if not fields:
            self.send("post", path)  # a page without a form may still take a post
            return
        self.forms_posted += 1
        for value in GARBAGE:
            self.send("post", path, {**dict.fromkeys(fields, value), **management})
        if management:  # and once with the formsets' own count of forms broken
            self.send("post", path, dict.fromkeys([*fields, *management], NUL))

    def query_garbage(self, path, response):
        """GET the page with malformed query strings: its forms' fields and the usual."""
        params = sorted({*COMMON_PARAMS, *fields_of(response)[0]})
        for variant in QUERY_VARIANTS:
            if variant == "every parameter":
                for value in GARBAGE:
                    self.send("get", path, dict.fromkeys(params, value))
            else:
                self.send("get", path, variant)


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


def is_app_page(path):
    """The app's own pages, and the admin's way in; the rest of the admin is the
    superuser's test."""
    return not path.startswith("/admin/") or path in ("/admin/", "/admin/login/")


@pytest.mark.parametrize("role", ROLES)
def test_no_malformed_request_is_a_server_error(good_values, role, db):
    crawl = Crawl(user_of(role, db))
    paths = concrete_paths(good_values)
    assert reverse("recommendations:tracker") in paths  # the URLconf was read
    for path in filter(is_app_page, paths):
        response = crawl.send("get", path)
        if response.status_code == 200:
            crawl.post_garbage(path, response)
        crawl.send("head", path)
    assert crawl.forms_posted > 0  # the crawl reached forms, not only refusals
    assert not crawl.errors, "\n".join(crawl.errors)


def test_no_malformed_query_string_is_a_server_error(good_values, db):
    """Each pattern's first page to answer, as the first role it answers, with bad queries."""
    crawls = [Crawl(user_of(role, db)) for role in ROLES]
    queried = 0
    for paths in paths_by_pattern(good_values).values():
        answers = (
            (crawl, path, response)
            for path in filter(is_app_page, paths)
            for crawl in crawls
            if (response := crawl.send("get", path)).status_code == 200
        )
        if answer := next(answers, None):
            crawl, path, response = answer
            crawl.query_garbage(path, response)
            queried += 1
    assert queried > 30  # the crawl reached pages, not only refusals
    errors = [error for crawl in crawls for error in crawl.errors]
    assert not errors, "\n".join(errors)


def test_a_superuser_reaches_every_admin_page_without_a_server_error(good_values):
    """The admin's own pages, as the one user who can open them all: each model's list
    with bad queries, and garbage posted to every form (add, change, password)."""
    root = get_user_model().objects.create_superuser("root", password="a-long-test-password")
    crawl = Crawl(root)
    for path in concrete_paths(good_values):
        if path.startswith("/admin/"):
            response = crawl.send("get", path)
            if response.status_code == 200:
                if "cl" in (getattr(response, "context_data", None) or {}):  # a model's list
                    crawl.query_garbage(path, response)
                crawl.post_garbage(path, response)
    assert crawl.forms_posted > 20  # the models' add and change forms
    assert not crawl.errors, "\n".join(crawl.errors)
