"""Production servers for tests: gunicorn with DEBUG off, on a database of the test's own.

Some failures need what the test client cannot give: several server processes sharing one
database and one cache, as in production. Such tests prepare a database as
scripts/serve.sh does (`server_database`), start gunicorn on it (`production_server`)
and talk to it over HTTP (`WebClient`); `manage` runs a command against that database.
"""

from __future__ import annotations

import copy
import fcntl
import functools
import hashlib
import http.cookiejar
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
REDIS_URL = os.environ.get("DJANGO_REDIS_URL", "redis://127.0.0.1:6379/0")
# One key for every server of a test run, so servers on one database share sessions.
SECRET_KEY = secrets.token_urlsafe(50)
RUN = secrets.token_hex(4)
STARTUP_SECONDS = 60
REQUEST_SECONDS = 60


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment scripts/serve.sh gives the app: DEBUG off, plain HTTP on loopback,
    the cache in Redis. The cache prefix is the run's and the database's: servers on one
    database share the sign-in throttle as in production, and no other test sees it."""
    database_key = hashlib.sha256(database_url.encode()).hexdigest()[:8]
    return {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_HTTPS": "false",
        "DATABASE_URL": database_url,
        "DJANGO_REDIS_URL": REDIS_URL,
        "DJANGO_CACHE_PREFIX": f"test-{RUN}-{database_key}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        **extra,
    }


def manage(database_url: str, *args: str, **env: str) -> str:
    """Run `manage.py *args` against `database_url` with production's settings; its output.

    E.g. manage(url, "shell", "-c", code) to make users or read what the server saved.
    """
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=production_env(database_url, **env),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@functools.cache
def collect_static() -> None:
    """Build staticfiles/ once a test run: with DEBUG off, every page needs its manifest.

    Under a lock: `make test` runs two test processes, and two collectstatics writing one
    folder at once trip over each other's files."""
    with open(BASE_DIR / ".collectstatic.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manage("sqlite:///:memory:", "collectstatic", "--noinput", "--verbosity", "0")


@contextmanager
def server_database(directory: Path) -> Iterator[str]:
    """The URL of a new database with the published data, migrated as scripts/serve.sh does.

    Of the kind the tests run on: a SQLite file in `directory`, or, when DATABASE_URL
    names PostgreSQL, a new database on that server, dropped at the end (stop its servers
    first).
    """
    test_url = os.environ.get("DATABASE_URL", "")
    postgres = urllib.parse.urlsplit(test_url).scheme in ("postgres", "postgresql")
    if postgres:
        name = f"{dj_database_url.parse(test_url)['NAME']}_server_{RUN}_{secrets.token_hex(2)}"
        url = urllib.parse.urlsplit(test_url)._replace(path=f"/{name}").geturl()
        _postgres_maintenance(test_url, f'CREATE DATABASE "{name}"')
    else:
        url = f"sqlite:///{directory / 'server.sqlite3'}"
    try:
        manage(url, "migrate", "--noinput")
        manage(url, "load_published_data")
        yield url
    finally:
        if postgres:
            _postgres_maintenance(test_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_maintenance(url: str, statement: str) -> None:
    import psycopg2

    parts = dj_database_url.parse(url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=parts["USER"],
        password=parts["PASSWORD"],
        host=parts["HOST"],
        port=parts["PORT"] or 5432,
    )
    connection.autocommit = True  # CREATE and DROP DATABASE refuse to run in a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def production_server(database_url: str, *, workers: int = 4, **env: str) -> Iterator[str]:
    """gunicorn serving `database_url` as in production; yields its base URL once /healthz
    answers 200, and stops the server at the end. `env` adds to production_env's."""
    collect_static()
    port = free_port()
    env = production_env(
        database_url, HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY=str(workers), **env
    )
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(
            [GUNICORN, "--config", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_healthy(server, base_url, log)
            yield base_url
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_healthy(server: subprocess.Popen, base_url: str, log) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn stopped with code {server.returncode}:\n{log.read()}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:  # not listening yet, or 503 while the database or cache is not ready
            pass
        time.sleep(0.2)
    log.seek(0)
    raise RuntimeError(
        f"{base_url}/healthz did not answer 200 in {STARTUP_SECONDS} s:\n{log.read()}"
    )


# --- Talking to it -------------------------------------------------------------------------


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag != "input" or not attrs.get("name"):
            return
        if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
            return
        self.values[attrs["name"]] = attrs.get("value") or ""


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def inputs(self) -> dict[str, str]:
        """The page's <input> values by name (checked boxes only), CSRF token included."""
        parser = _Inputs()
        parser.feed(self.text)
        return parser.values


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the caller sees the 302 itself


class WebClient:
    """A browser without JavaScript: keeps cookies, follows no redirects; any status,
    500s included, comes back as a Response rather than an exception."""

    def __init__(self, base_url: str, cookies: http.cookiejar.CookieJar | None = None):
        self.base_url = base_url
        self.cookies = cookies if cookies is not None else http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()
        )

    def copy(self) -> WebClient:
        """Another client with this one's cookies (its session), for another thread."""
        jar = http.cookiejar.CookieJar()
        for cookie in self.cookies:
            jar.set_cookie(copy.copy(cookie))
        return WebClient(self.base_url, jar)

    def request(
        self, method: str, path: str, data: dict | None = None, headers: dict | None = None
    ) -> Response:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(
            self.base_url + path, data=body, method=method, headers=headers or {}
        )
        try:
            with self._opener.open(request, timeout=REQUEST_SECONDS) as response:
                return Response(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            with error:
                return Response(error.code, dict(error.headers), error.read())

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict, csrf_from: Response | None = None) -> Response:
        """POST `data`, with the CSRF token of the page `csrf_from` (else of a GET of path)."""
        page = csrf_from if csrf_from is not None else self.get(path)
        token = page.inputs["csrfmiddlewaretoken"]
        return self.request("POST", path, {**data, "csrfmiddlewaretoken": token})

    def sign_in(self, username: str, password: str) -> None:
        response = self.post("/accounts/login/", {"username": username, "password": password})
        if response.status != 302:
            raise AssertionError(f"Signing in as {username} gave {response.status}")
