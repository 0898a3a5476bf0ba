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


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    # Persistent connections from the live server's thread would outlive the tests
    # and stop PostgreSQL dropping the test database.
    from django.conf import settings

    for database in settings.DATABASES.values():
        database["CONN_MAX_AGE"] = 0
