import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.report_pdf import print_to_pdf

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses
# to run in such a thread unless told it is safe, as it is in these tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPORTS_DIR = Path(__file__).resolve().parents[2] / "shared" / "reports"
LAMBETH, LEWISHAM_AND_BROMLEY = "000_dc3a9006563f0344", "002_dfa0cb83f9a93719"


# Chromium drives the browser tests and prints the test PDFs. Without the
# background-networking flags it keeps dialling out, and this machine's closed network
# refuses it.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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


@pytest.fixture
def published_data(db):
    """The committed fixtures, loaded as `make run` loads them into a new database."""
    call_command("load_published_data", verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def _end_stray_connections(django_db_setup, django_db_blocker):
    """End connections other threads left open, so PostgreSQL can drop the test database.

    A request thread of the browser tests' live server can outlive its test with an
    idle connection; without this the run ends with a teardown warning and a stale
    test database.
    """
    yield
    with django_db_blocker.unblock():
        from django.db import connection

        # No test database when no test asked for one (e.g. only the server tests ran).
        if connection.vendor == "postgresql" and connection.settings_dict["NAME"].startswith(
            "test_"
        ):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
