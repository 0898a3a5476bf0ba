"""`/healthz`: whether this server can reach its database and its cache.

For a load balancer's health check: 200 with {"database": "ok", "cache": "ok"}, or 503
naming what failed, so a server that lost either is taken out of rotation.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.exception("Health check: the database is unreachable")
        return False


def _cache() -> bool:
    # A write and a read back: a cache that accepts connections but cannot store is down.
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        ok = cache.get(key) == value
        cache.delete(key)
        return ok
    except Exception:  # each cache backend raises its own connection errors
        logger.exception("Health check: the cache is unreachable")
        return False


@never_cache
@require_safe
def healthz(request):
    checks = {"database": _database(), "cache": _cache()}
    return JsonResponse(
        {name: "ok" if ok else "unreachable" for name, ok in checks.items()},
        status=200 if all(checks.values()) else 503,
    )
