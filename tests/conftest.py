import os
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses
# to run in such a thread unless told it is safe, as it is in these tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPORTS_DIR = Path(__file__).resolve().parents[2] / "shared" / "reports"


@pytest.fixture(scope="session")
def reports_dir():
    if not (REPORTS_DIR / "INDEX.md").is_file():
        pytest.skip(f"the report texts are not beside the checkout ({REPORTS_DIR})")
    return REPORTS_DIR


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

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
