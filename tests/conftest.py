import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from tests.report_pdf import CHROMIUM_ARGS, print_to_pdf

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses
# to run in such a thread unless told it is safe, as it is in these tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPORTS_DIR = Path(__file__).resolve().parents[2] / "shared" / "reports"
LAMBETH, LEWISHAM_AND_BROMLEY = "000_dc3a9006563f0344", "002_dfa0cb83f9a93719"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def reports_dir():
    if not (REPORTS_DIR / "INDEX.md").is_file():
        pytest.skip(f"the report texts are not beside the checkout ({REPORTS_DIR})")
    return REPORTS_DIR


@pytest.fixture(scope="session")
def report_pdfs(browser, reports_dir):
    """{report: (its text, the text printed to PDF)}, printed once for the session."""
    page = browser.new_page()
    pdfs = {}
    for name, printed_lines in ((LAMBETH, False), (LEWISHAM_AND_BROMLEY, True)):
        text = (reports_dir / f"{name}.txt").read_text(encoding="utf-8")
        pdfs[name] = (text, print_to_pdf(page, text, printed_lines=printed_lines))
    page.close()
    return pdfs


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """PBKDF2 is slow on purpose (a second a user on this machine): the tests make and
    sign in hundreds of users, and what they test does not depend on the hash."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages and worked-out data are cached under the data's version, which each test's
    rollback puts back: a test must not be served what an earlier one rendered under its
    own settings or patches. (This process's memory: a shared Redis is never flushed.)"""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


# --- The published data: loaded once, each test's changes rolled back -----------------------
#
# Loading the fixtures takes about a second, and some 600 tests read them. So the tests
# that ask for `published_data` run together, after the tests that want an empty
# database and before the transactional ones (the browser's live server flushes the
# database): the first of them loads the data in a transaction of its own, each test
# runs in a savepoint inside it (pytest-django's `db`), and the transaction is rolled
# back before the first transactional test.


def _is_transactional(item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & {"transactional_db", "live_server", "django_db_reset_sequences"}) or any(
        marker.kwargs.get("transaction") for marker in item.iter_markers("django_db")
    )


def _reads_published_data(item) -> bool:
    return "published_data" in getattr(item, "fixturenames", ()) and not _is_transactional(item)


def _group(item) -> int:
    if _is_transactional(item):
        return 2
    return 1 if _reads_published_data(item) else 0


def pytest_itemcollected(item):
    # `-m "not browser"` is the quick loop: everything but Chromium.
    if "browser" in item.path.relative_to(Path(__file__).parent).parts[:1]:
        item.add_marker(pytest.mark.browser)


def pytest_collection_modifyitems(items):
    # sorted() is stable: within a group, tests keep their order.
    items[:] = sorted(items, key=_group)


class PublishedDatabase:
    """The published data, loaded in a transaction that stays open while the tests that
    read it run, each in a savepoint of its own, and is rolled back after them."""

    def __init__(self, django_db_blocker):
        self.blocker = django_db_blocker
        self.atomic = None

    def open(self):
        if self.atomic is not None:
            return
        with self.blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            call_command("load_published_data", verbosity=0)
            # The tests take the loaded data as committed: read the explorer's token, as
            # a search would, so each test's first write moves it (facet_index.py).
            from inspections.explorer import facet_index

            facet_index.read_token(connection)

    def close(self):
        if self.atomic is None:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.atomic = None


_published_database: PublishedDatabase | None = None
_test_being_set_up = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Before any of the test's fixtures, so the data's transaction is outside the test's.
    global _test_being_set_up
    _test_being_set_up = item
    if _published_database is None:
        return
    if _reads_published_data(item):
        _published_database.open()
    else:
        _published_database.close()


@pytest.fixture(scope="session")
def _published_database_fixture(request, django_db_setup, django_db_blocker):
    # Set up (once) after the test database exists and before any function-scoped fixture
    # of the first test that asks for the data.
    global _published_database
    if any("browser" in getattr(item, "fixturenames", ()) for item in request.session.items):
        # Starting Playwright gives the test thread another context, and Django another
        # connection in it: started first, it cannot strand the data's transaction.
        request.getfixturevalue("browser")
    _published_database = PublishedDatabase(django_db_blocker)
    if _reads_published_data(_test_being_set_up):
        _published_database.open()
    yield _published_database
    _published_database.close()


@pytest.fixture
def published_data(_published_database_fixture, db):
    """The committed fixtures, loaded as `make run` loads them into a new database; what
    the test changes is rolled back after it."""
    if _published_database_fixture.atomic is None:
        # A transactional test (the live server's): loaded for it, flushed after it.
        call_command("load_published_data", verbosity=0)
