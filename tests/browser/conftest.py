import re
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


@pytest.fixture(autouse=True)
def _plain_static(settings):
    # live_server serves static files unhashed; no manifest is needed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


SERIOUS = ("serious", "critical")


def axe_run(page, impacts=SERIOUS):
    """axe-core's violations on the page of the given impacts (None: of any), run offline."""
    # Evaluated, not added as a <script>: the Content-Security-Policy blocks inline script.
    page.evaluate(AXE.read_text())
    # resultTypes: details for violations only; passes are not needed and cost time.
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]])
        for v in result["violations"]
        if impacts is None or v["impact"] in impacts
    ]


@pytest.fixture
def axe_violations():
    """Serious and critical axe-core violations on the page, run offline."""
    return axe_run


@pytest.fixture
def axe_all_violations():
    """axe-core violations of any impact (minor and moderate too), run offline."""
    return lambda page: axe_run(page, impacts=None)


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def console_errors(page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


# A page the server answers with an error status on purpose (a form with errors gets 400)
# makes Chromium log this for the document itself. That line is the status, not a fault.
DOCUMENT_STATUS_LOGGED = "Failed to load resource: the server responded with a status of {}"


class PageAudit:
    """For each page a test visits: a screenshot, axe's violations (serious and critical
    ones, or every one with `axe_all_violations`), and the console errors since the page
    before.

    Problems are collected, not raised at once, so a walk through several pages checks
    everything the user sees and then reports every page's problems together in
    `assert_clean()`.
    """

    def __init__(self, axe_violations, screenshot):
        self._axe = axe_violations
        self._screenshot = screenshot
        self._errors = []  # (text, URL of the resource or script it is about)
        self._watched = []
        self.problems = {}

    def watch(self, page):
        def on_console(message):
            if message.type == "error":
                self._errors.append((message.text, message.location.get("url", "")))

        def on_page_error(error):
            self._errors.append((str(error), ""))

        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        self._watched.append((page, on_console, on_page_error))
        return page

    def stop_watching(self):
        for page, on_console, on_page_error in self._watched:
            page.remove_listener("console", on_console)
            page.remove_listener("pageerror", on_page_error)
        self._watched.clear()

    def check(self, page, name, *, status=200, axe=True):
        """Screenshot `page` as `name`.png and record its problems.

        `status` is the HTTP status the test expects the document to have; only the
        browser's own log line for that status of that document is not an error.
        `axe=False` is for a page with JavaScript off, where axe-core cannot run.
        """
        self._screenshot(page, name)
        expected = DOCUMENT_STATUS_LOGGED.format(status) if status >= 400 else None
        errors = [
            text
            for text, url in self._errors
            if not (expected and url == page.url and text.startswith(expected))
        ]
        self._errors.clear()
        violations = self._axe(page) if axe else []
        if violations or errors:
            self.problems[f"{name} {page.url}"] = {"axe": violations, "console": errors}

    def assert_clean(self):
        if self._errors:
            self.problems["after the last check"] = {"axe": [], "console": list(self._errors)}
        if self.problems:
            pytest.fail(
                "Pages with problems:\n"
                + "\n".join(f"- {where}: {problems}" for where, problems in self.problems.items()),
                pytrace=False,
            )


@pytest.fixture
def audit(page, axe_violations, screenshot):
    """A PageAudit already watching the test's `page`; watch() other pages too."""
    checker = PageAudit(axe_violations, screenshot)
    checker.watch(page)
    yield checker
    checker.stop_watching()


@pytest.fixture(scope="module")
def module_page(browser, browser_context_args):
    """One page for a module's tests to share. A new context per test would load and
    compile the 1.2 MB plotly-basic.min.js again for every page with a chart."""
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()


@pytest.fixture
def module_page_audit(module_page, axe_violations, screenshot):
    """A PageAudit watching `module_page` for this test only."""
    checker = PageAudit(axe_violations, screenshot)
    checker.watch(module_page)
    yield checker
    checker.stop_watching()


def _without_scripts(route):
    response = route.fetch()
    html = re.sub(r"<script\b.*?</script>", "", response.text(), flags=re.DOTALL | re.IGNORECASE)
    route.fulfill(response=response, body=html)


@pytest.fixture
def goto_without_scripts():
    """Open `url` in a JavaScript-enabled `page` with every <script> removed from its HTML.

    axe-core needs JavaScript to run, so it cannot audit a page in a context with
    JavaScript off; a page whose scripts are stripped renders as that context shows it
    (no `js-enabled` class, no charts), and axe can still run in it.
    """

    def goto(page, url):
        page.route(lambda requested: requested == url, _without_scripts)
        return page.goto(url)

    return goto
