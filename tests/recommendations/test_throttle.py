"""The sign-in throttle holds on every way in, and under a parallel burst.

The burst tests count the password checks themselves, with a hasher that counts its
verifications: however many attempts arrive at once, no more passwords are checked than
the limit. They run against this process's memory cache and against Redis (the
production cache, shared by every worker).
"""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory

from recommendations import throttling
from tests.recommendations.helpers import PASSWORD, CountingHasher

LIMIT = 5
BURST = 30


@pytest.fixture
def counted_user(db, settings):
    settings.PASSWORD_HASHERS = ["tests.recommendations.helpers.CountingHasher"]
    settings.LOGIN_THROTTLE_ATTEMPTS = LIMIT
    user = get_user_model().objects.create_user("burst-director", password=PASSWORD)
    CountingHasher.checks = 0
    return user


@pytest.fixture(params=["memory", "redis"])
def shared_cache(request, settings):
    if request.param == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/0",
                "KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}",
            }
        }
        # A prefix of its own, not clear(): that empties the whole Redis database,
        # under the feet of the servers other tests run at the same time.
        yield request.param
        return
    cache.clear()
    yield request.param
    cache.clear()


def sign_in_path(client, path, username, password, ip="10.0.0.1"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db(transaction=True)
def test_a_parallel_burst_checks_no_more_passwords_than_the_limit(shared_cache, counted_user):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.0.0.9")
    start = threading.Barrier(BURST)

    def attempt(password):
        start.wait()
        try:
            return authenticate(request, username="burst-director", password=password)
        finally:
            connection.close()

    with ThreadPoolExecutor(BURST) as pool:
        results = list(pool.map(attempt, ["wrong"] * BURST))
    assert results == [None] * BURST
    assert CountingHasher.checks == LIMIT
    assert throttling.attempts("burst-director", "10.0.0.9") == BURST
    # Locked: even the right password is now refused unchecked.
    checks = CountingHasher.checks
    assert authenticate(request, username="burst-director", password=PASSWORD) is None
    assert CountingHasher.checks == checks


def test_every_attempt_of_a_burst_takes_its_own_place(shared_cache, counted_user):
    # Every one of the parallel increments must land, none lost to a race.
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.0.0.8")
    start = threading.Barrier(BURST)

    def place(_):
        start.wait()
        return throttling.take_place("burst-director", "10.0.0.8")

    with ThreadPoolExecutor(BURST) as pool:
        places = sorted(pool.map(place, range(BURST)))
    assert places == list(range(1, BURST + 1))
    assert throttling.attempts("burst-director", throttling.client_ip(request)) == BURST


def test_the_admin_sign_in_is_throttled(client, counted_user, settings):
    cache.clear()
    counted_user.is_staff = True
    counted_user.save()
    for _ in range(LIMIT):
        sign_in_path(client, "/admin/login/", "burst-director", "wrong")
    checks = CountingHasher.checks
    response = sign_in_path(client, "/admin/login/", "burst-director", PASSWORD)
    assert response.status_code == 200  # the form again, not a redirect into the admin
    assert "Too many failed attempts to sign in" in response.content.decode()
    assert CountingHasher.checks == checks  # refused without checking the password
    assert "_auth_user_id" not in client.session


def test_failures_on_one_way_in_count_on_the_others(client, counted_user):
    cache.clear()
    counted_user.is_staff = True
    counted_user.save()
    for path in ["/accounts/login/", "/admin/login/"] * 2 + ["/accounts/login/"]:
        sign_in_path(client, path, "burst-director", "wrong")
    assert throttling.attempts("burst-director", "10.0.0.1") == LIMIT
    for path in ["/admin/login/", "/accounts/login/"]:
        response = sign_in_path(client, path, "burst-director", PASSWORD)
        assert response.status_code == 200
        assert "Too many failed attempts" in response.content.decode()
