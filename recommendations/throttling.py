"""Sign-in throttling: after too many failed attempts for one username from one address,
sign-in is refused for a while, even with the right password.

Counted per username and IP address in the cache, so a guesser cannot try passwords
quickly, and one person mistyping cannot lock another out from elsewhere. The window is
fixed from the first failure. The default cache is per process: with several server
processes, configure a shared cache (CACHES) so they count together.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def max_attempts() -> int:
    return settings.LOGIN_THROTTLE_ATTEMPTS


def lockout_seconds() -> int:
    return settings.LOGIN_THROTTLE_SECONDS


def client_ip(request) -> str:
    # REMOTE_ADDR, not X-Forwarded-For: a client can write any forwarded header it likes.
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def _key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}|{ip}".encode()).hexdigest()
    return f"login-failures:{digest}"


def failures(username: str, ip: str) -> int:
    return cache.get(_key(username, ip), 0)


def is_locked_out(username: str, ip: str) -> bool:
    return failures(username, ip) >= max_attempts()


def record_failure(username: str, ip: str) -> int:
    """Count a failed attempt; returns the count so far in this window."""
    key = _key(username, ip)
    if cache.add(key, 1, timeout=lockout_seconds()):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=lockout_seconds())
            count = 1
    if count >= max_attempts():
        logger.warning("Sign-in locked for %r from %s after %d failures", username, ip, count)
    return count


def reset(username: str, ip: str) -> None:
    cache.delete(_key(username, ip))
