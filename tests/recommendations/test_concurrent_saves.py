"""Tracker saves made at the same moment on a production server: none fails, none is lost.

The test client runs one request at a time; the "database is locked" errors the issue
saw need several server processes writing one database at once. So these tests start
gunicorn with four workers (tests/servers.py) on a database of their own: a SQLite file
by default, a new PostgreSQL database when DATABASE_URL names PostgreSQL.
"""

import json
import secrets
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from tests import servers
from tests.recommendations.helpers import update_data

SAVES = 50
# The burst on one recommendation: in each round every writer reads the page, then all
# save at once from the version they read, so one wins and the rest conflict.
WRITERS, ROUNDS = 25, 2
READERS = 10
CONFLICT = "Your update was not saved: someone else updated this recommendation first"

# A regional director, and the published recommendations they may update, oldest first.
MAKE_DIRECTOR = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from pdus.models import Region
from recommendations.models import DirectorProfile, Recommendation
from recommendations.roles import REGIONAL_DIRECTORS, ensure_roles
from recommendations.rules import can_update_recommendation

ensure_roles()
user = get_user_model().objects.create_user("director-concurrent", password={password!r})
user.groups.add(Group.objects.get(name=REGIONAL_DIRECTORS))
DirectorProfile.objects.create(user=user, region=Region.objects.get(slug="london"))
published = Recommendation.objects.published().select_related("addressee").order_by("pk")
print(json.dumps([r.pk for r in published if can_update_recommendation(user, r)]))
"""

SAVED = """
import json
from recommendations.models import ProgressUpdate, Tracking

pks = {pks!r}
print(json.dumps({{
    "versions": list(
        Tracking.objects.filter(recommendation__in=pks).values_list("recommendation", "version")
    ),
    "updates": list(
        ProgressUpdate.objects.filter(recommendation__in=pks)
        .order_by("recommendation", "version")
        .values_list("recommendation", "version", "note")
    ),
}}))
"""


def shell(database_url: str, code: str):
    """Run `code` against the server's database; the JSON it printed last."""
    output = servers.manage(database_url, "shell", "--no-imports", "-c", code)
    return json.loads(output.strip().splitlines()[-1])


@dataclass
class Server:
    database_url: str
    base_url: str
    director: servers.WebClient
    recommendations: list[int]

    def saved(self, pks) -> tuple[dict[int, int], list[tuple[int, int, str]]]:
        """(recommendation: tracking version), [(recommendation, version, note)] as stored."""
        found = shell(self.database_url, SAVED.format(pks=list(pks)))
        return dict(found["versions"]), [tuple(u) for u in found["updates"]]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with servers.server_database(tmp_path_factory.mktemp("concurrent")) as database_url:
        password = secrets.token_urlsafe(16)
        pks = shell(database_url, MAKE_DIRECTOR.format(password=password))
        assert len(pks) > SAVES, "the published data has too few London recommendations"
        with servers.production_server(database_url, workers=4) as base_url:
            director = servers.WebClient(base_url)
            director.sign_in("director-concurrent", password)
            yield Server(database_url, base_url, director, pks)


def at_once(count: int, work) -> list:
    """work(0) ... work(count - 1), each in its own thread, released together."""
    start = threading.Barrier(count)

    def run(index):
        start.wait()
        return work(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


@pytest.mark.server
def test_fifty_saves_at_once_all_succeed_and_all_are_stored(server):
    pks = server.recommendations[:SAVES]
    pages = [server.director.get(f"/tracker/{pk}/") for pk in pks]  # drawn first, as users do
    assert {page.status for page in pages} == {200}
    clients = [server.director.copy() for _ in range(SAVES + READERS)]

    def work(index):
        client = clients[index]
        if index >= SAVES:  # reading the explorer while the saves are written
            return client.get("/explore/?q=staff").status
        page, pk = pages[index], pks[index]
        data = update_data(version=page.inputs["version"], note=f"Saved at once {pk}")
        return client.post(f"/tracker/{pk}/", data, csrf_from=page).status

    statuses = at_once(SAVES + READERS, work)

    assert Counter(statuses[:SAVES]) == {302: SAVES}
    assert Counter(statuses[SAVES:]) == {200: READERS}
    versions, updates = server.saved(pks)
    assert versions == dict.fromkeys(pks, 1)
    assert updates == [(pk, 1, f"Saved at once {pk}") for pk in pks]


@pytest.mark.server
def test_a_burst_on_one_recommendation_loses_no_save_and_fails_none(server):
    pk = server.recommendations[SAVES]
    path = f"/tracker/{pk}/"
    clients = [server.director.copy() for _ in range(WRITERS)]
    read = threading.Barrier(WRITERS)

    def work(writer):
        client, results = clients[writer], []
        for round_ in range(ROUNDS):
            page = client.get(path)
            read.wait()
            note = f"Writer {writer}, round {round_}"
            # A different owner each time, so every save is a change.
            data = update_data(version=page.inputs["version"], owner=note, note=note)
            results.append((note, client.post(path, data, csrf_from=page)))
        return results

    results = [result for writer in at_once(WRITERS, work) for result in writer]

    statuses = Counter(response.status for _, response in results)
    assert set(statuses) <= {302, 409}, statuses
    assert all(CONFLICT in r.text for _, r in results if r.status == 409)
    saved_notes = [note for note, response in results if response.status == 302]
    assert len(saved_notes) == ROUNDS  # one winner a round
    versions, updates = server.saved([pk])
    # Each save the server said it made is stored, once, on a version of its own.
    assert versions == {pk: len(saved_notes)}
    assert [version for _, version, _ in updates] == list(range(1, len(saved_notes) + 1))
    assert sorted(note for _, _, note in updates) == sorted(saved_notes)


# The settings that let SQLite take this: checked on a file, as servers use it.
SQLITE_CONNECTION = """
import json, sqlite3
from django.db import connection, transaction

with connection.cursor() as cursor:
    pragmas = {
        name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "busy_timeout", "synchronous")
    }
with transaction.atomic():
    # A transaction that has not written yet: IMMEDIATE has taken the write lock anyway.
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        pragmas["write_lock_at_begin"] = False
    except sqlite3.OperationalError:
        pragmas["write_lock_at_begin"] = True
    other.close()
print(json.dumps(pragmas))
"""


def test_sqlite_files_are_opened_in_wal_with_a_busy_timeout_and_immediate_writes(tmp_path):
    found = shell(f"sqlite:///{tmp_path / 'settings.sqlite3'}", SQLITE_CONNECTION)
    # synchronous 1 is NORMAL: safe in WAL mode, without a sync on every commit.
    assert found == {
        "journal_mode": "wal",
        "busy_timeout": 20000,
        "synchronous": 1,
        "write_lock_at_begin": True,
    }
