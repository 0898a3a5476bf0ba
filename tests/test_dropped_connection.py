"""When PostgreSQL drops the connection a server holds (a restart, a failover, an idle
timeout), the next request is answered, not a 500: the settings check a kept connection
before reusing it (CONN_HEALTH_CHECKS).

The test client cannot show this (it runs in the test's thread and transaction, and
leaves connections alone between requests), so a production server answers over HTTP:
one gunicorn worker, so there is one connection to drop and every request meets it.
"""

import os
import textwrap

import dj_database_url
import psycopg2
import pytest

from tests.servers import WebClient, production_server, server_database

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="drops a PostgreSQL server's connections: run with DATABASE_URL on PostgreSQL",
    ),
]

PAGES = ["/pdus/", "/tracker/", "/api/inspections/"]


def drop_connections(database_url) -> list[int]:
    """Terminate every other backend on the server's database, as a restart would; their
    process ids."""
    parts = dj_database_url.parse(database_url)
    connection = psycopg2.connect(
        dbname=parts["NAME"], user=parts["USER"], host=parts["HOST"], port=parts["PORT"] or 5432
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return [pid for pid, terminated in cursor.fetchall() if terminated]
    finally:
        connection.close()


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    with server_database(tmp_path_factory.mktemp("dropped")) as url:
        yield url


def test_the_first_request_after_the_database_drops_the_connection_is_answered(database):
    with production_server(database, workers=1) as base_url:
        client = WebClient(base_url)
        assert client.get("/pdus/").status == 200  # the worker now holds a connection
        dropped = drop_connections(database)
        assert dropped, "the server held no connection to drop"
        for page in [*PAGES, "/healthz"]:
            assert client.get(page).status == 200, page
        # Served on a new connection, not the dropped one.
        renewed = drop_connections(database)
        assert renewed and not set(renewed) & set(dropped)


def test_without_health_checks_the_same_drop_is_a_server_error(database, tmp_path):
    """The control: the test above fails when the check is off, so it tests the check."""
    (tmp_path / "unchecked_settings.py").write_text(
        textwrap.dedent(
            """
            from config.settings import *  # noqa: F403

            DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405
            """
        )
    )
    settings = {"DJANGO_SETTINGS_MODULE": "unchecked_settings", "PYTHONPATH": str(tmp_path)}
    with production_server(database, workers=1, **settings) as base_url:
        client = WebClient(base_url)
        assert client.get("/pdus/").status == 200
        assert drop_connections(database)
        assert client.get("/pdus/").status == 500
