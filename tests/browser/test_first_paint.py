"""Every kind of page paints its first content within 2.5 s on a slow phone's first visit.

What users get: the production stack (gunicorn, DEBUG off, static files collected,
compressed and served by WhiteNoise, tests/servers.py), in Chromium throttled as Chrome
DevTools' "Slow 4G" network preset with the CPU four times slower, a new browser context
for each page so nothing is cached. The first contentful paint (FCP) is the browser's own
`first-contentful-paint` entry, timed from the start of navigation.

On the same visit, a page with a chart loads plotly.js, and each chart draws with nothing
logged to the console; a page without one loads no plotly.js at all. Static files come
compressed and cached for a year: a returning visitor fetches none of them again.
"""

import gzip
import json
import re
import urllib.parse
import urllib.request
from contextlib import contextmanager
from html.parser import HTMLParser

import pytest

from tests.browser.conftest import DOCUMENT_STATUS_LOGGED
from tests.recommendations.helpers import PASSWORD
from tests.servers import WebClient, manage, production_server, server_database
from tests.test_every_page import PAGES, STATUS

pytestmark = pytest.mark.server

BUDGET_MS = 2500
ATTEMPTS = 3
# Chrome DevTools' "Slow 4G" preset (Slow4GConditions in ChromeDevTools/devtools-frontend
# front_end/core/sdk/NetworkManager.ts, "Fast 3G" before May 2024): ~1.6 Mbps down
# (1.6 * 1000 * 1000 / 8 * .9 bytes/s), ~0.75 Mbps up (750 * 1000 / 8 * .9), 150 ms RTT
# scaled to a request latency of 150 * 3.75 ms.
SLOW_4G = {
    "offline": False,
    "latency": 150 * 3.75,  # 562.5 ms
    "downloadThroughput": 1.6 * 1000 * 1000 / 8 * 0.9,  # 180,000 bytes/s
    "uploadThroughput": 750 * 1000 / 8 * 0.9,  # 84,375 bytes/s
    "connectionType": "cellular4g",
}
CPU_SLOWDOWN = 4
# A mid-range phone, as Lighthouse's mobile run emulates (Moto G Power).
PHONE = {
    "viewport": {"width": 412, "height": 823},
    "device_scale_factor": 1.75,
    "is_mobile": True,
    "has_touch": True,
}
# The Django admin is Django's own, and the API answers JSON, not pages.
NOT_PAGES = {"admin index", "admin list", "admin change"}
NOT_PAGES |= {"API list", "API detail", "API bodies", "API body"}
KINDS = [(what, url, who) for what, url, who in PAGES if what not in NOT_PAGES]

# The admin test_every_page signs in as, and the tracker with a chart to draw.
SET_UP = """
import json
from django.utils import timezone
from inspections.models import Finding
from recommendations.roles import ADMINS
from tests.recommendations.helpers import make_user, rec, track_all
admin = make_user("paint-admin", ADMINS, is_staff=True)
track_all(admin, timezone.localdate())
finding = Finding.objects.filter(inspection__slug="lambeth-pdu-2022").first()
recommendation = rec("lambeth-pdu-2022", 1)
print(json.dumps({
    "finding": finding.get_absolute_url(),
    "recommendation": recommendation.get_absolute_url(),
    "recurring": f"/tracker/recurring/{recommendation.pk}/",
}))
"""

# Resolves with the FCP entry's startTime (ms since navigation began), or null after 60 s.
# An observer, not polling: nothing runs in the page until the paint it waits for.
FIRST_CONTENTFUL_PAINT = """() => new Promise((resolve) => {
  setTimeout(() => resolve(null), 60000);
  new PerformanceObserver((list, observer) => {
    const entry = list.getEntriesByName("first-contentful-paint")[0];
    if (entry) {
      observer.disconnect();
      resolve(entry.startTime);
    }
  }).observe({type: "paint", buffered: true});
})"""

# Scripts in <head> that hold up the first paint: neither deferred, async nor a module.
RENDER_BLOCKING_SCRIPTS = """() => [...document.head.querySelectorAll(
  "script[src]:not([defer]):not([async]):not([type=module])")].map((script) => script.src)"""

# Every chart's div holds plotly's SVG with at least one bar drawn.
EVERY_CHART_DRAWN = """() => [...document.querySelectorAll("div[data-figure]")]
  .every((div) => div.querySelector("svg.main-svg .point path"))"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(base URL, {placeholder: URL}, the admin's cookies) of a production server."""
    with server_database(tmp_path_factory.mktemp("first-paint")) as database_url:
        ids = json.loads(manage(database_url, "shell", "-c", SET_UP).strip().splitlines()[-1])
        with production_server(database_url, workers=2) as base_url:
            admin = WebClient(base_url)
            admin.sign_in("paint-admin", PASSWORD)
            # A server long up has its workers' imports done and caches filled: ask for
            # every page before timing any, so the first page timed is not the first asked.
            for _ in range(2):
                for _what, url, who in KINDS:
                    (admin if who else WebClient(base_url)).get(url.format(**ids))
            cookies = [
                {"name": cookie.name, "value": cookie.value, "url": base_url}
                for cookie in admin.cookies
            ]
            yield base_url, ids, cookies


@pytest.fixture(scope="module")
def timings():
    """FCP per page kind, each attempt's, printed at the end of the module (see it with -s)."""
    found = {}
    yield found
    if found:
        print(f"\nFirst contentful paint, Slow 4G, CPU x{CPU_SLOWDOWN}, cold cache (ms):")
        for what, attempts in found.items():
            print(f"  {what:28} {' '.join(f'{ms:6.0f}' for ms in attempts)}")


@contextmanager
def first_visit(browser, url, cookies):
    """A page in a new phone-sized context (so nothing cached), throttled, that has begun
    loading `url`: (the page, the document's response, [each script's URL], [errors])."""
    context = browser.new_context(**PHONE)
    try:
        context.add_cookies(cookies)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        scripts, errors = [], []
        page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        response = page.goto(url, wait_until="commit")
        yield page, response, scripts, errors
    finally:
        context.close()


def first_contentful_paint(page) -> float:
    fcp = page.evaluate(FIRST_CONTENTFUL_PAINT)
    assert fcp is not None, "no first contentful paint in 60 s"
    return fcp


@pytest.mark.parametrize(("what", "url", "who"), KINDS, ids=[kind[0] for kind in KINDS])
def test_first_contentful_paint_within_budget_on_slow_4g(browser, site, timings, what, url, who):
    base_url, ids, admin_cookies = site
    url, cookies = base_url + url.format(**ids), admin_cookies if who else []
    with first_visit(browser, url, cookies) as (page, response, scripts, errors):
        assert response.status == STATUS.get(what, 200)
        attempts = timings[what] = [first_contentful_paint(page)]

        # The deferred scripts run after the first paint: plotly.js, then the charts.
        page.wait_for_load_state("load", timeout=90_000)
        assert page.evaluate(RENDER_BLOCKING_SCRIPTS) == []
        plotly = [script for script in scripts if "/vendor/plotly/" in script]
        if page.locator("div[data-figure]").count():
            assert len(plotly) == 1
            page.wait_for_function(EVERY_CHART_DRAWN, timeout=30_000)
        else:
            assert plotly == [], "plotly.js loaded on a page with no chart"
        expected = DOCUMENT_STATUS_LOGGED.format(response.status)
        assert [error for error in errors if not error.startswith(expected)] == []

    # The emulated network and CPU are the same each time, but this machine's other work
    # only ever adds to them: over budget, look again, cold again, before failing.
    while attempts[-1] >= BUDGET_MS and len(attempts) < ATTEMPTS:
        with first_visit(browser, url, cookies) as (page, *_):
            attempts.append(first_contentful_paint(page))
    assert min(attempts) < BUDGET_MS, f"{what}: first contentful paint after {attempts} ms"


# --- What makes it fast ---------------------------------------------------------------------


class _StaticFiles(HTMLParser):
    """The URLs of a page's scripts and stylesheets."""

    def __init__(self, html):
        super().__init__()
        self.urls = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.urls.append(attrs["href"])


def get(url) -> tuple[bytes, dict]:
    """The body as sent (compressed if it was) and the headers."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        return response.read(), response.headers


def text(body, headers) -> str:
    return (gzip.decompress(body) if headers["Content-Encoding"] == "gzip" else body).decode()


def assert_compressed_and_cached_for_a_year(url):
    body, headers = get(url)
    # Hashed names (CompressedManifestStaticFilesStorage), so caching them for ever is
    # safe: a changed file gets a new name.
    assert "max-age=315360000" in headers["Cache-Control"], url
    assert "immutable" in headers["Cache-Control"], url
    assert headers["Content-Encoding"] == "gzip", url
    assert len(gzip.decompress(body)) > len(body), url


def test_static_files_come_compressed_and_cached_for_a_year(site):
    base_url, _, _ = site
    # A region's overview, with charts: every file a page names.
    urls = _StaticFiles(text(*get(base_url + "/regions/london/"))).urls
    assert any("/vendor/plotly/" in url for url in urls)
    for url in urls:
        assert_compressed_and_cached_for_a_year(base_url + url)


def test_the_module_govuk_frontend_init_imports_is_cached_for_a_year(site):
    base_url, _, _ = site
    urls = _StaticFiles(text(*get(base_url + "/"))).urls
    [init] = [url for url in urls if "govuk-frontend-init" in url]
    imported = re.search(r'from "([^"]+)"', text(*get(base_url + init))).group(1)
    assert_compressed_and_cached_for_a_year(urllib.parse.urljoin(base_url + init, imported))
