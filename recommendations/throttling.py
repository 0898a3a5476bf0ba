"""Sign-in throttling: after too many attempts for one username from one address, sign-in
is refused for a while, even with the right password.

It sits in the authentication backend (ThrottledModelBackend), so every way in that
checks a password (the app's sign-in, the admin's, any other that calls `authenticate`)
is throttled alike. Each attempt takes a numbered place *before* its password is
checked, with one atomic increment in the cache; only the first `max_attempts()` places
in a window are checked. So a burst of parallel guesses, or guesses spread over several
server processes, gets no more checks than guesses made one at a time: a
check-then-count throttle (django-axes among them) lets every request of a burst past
the check before any failure is counted. The count lives in the default cache, Redis in
production (DJANGO_REDIS_URL), so every worker and every server counts together.

Counted per username and IP address, so a guesser cannot try passwords quickly, and one
person mistyping cannot lock another out from elsewhere. The window is fixed from the
first attempt; a successful sign-in clears the count.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q

from inspections.rules import MANAGE_INSPECTIONS
from inspections.web import data_version

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
    return f"login-attempts:{digest}"


def attempts(username: str, ip: str) -> int:
    """Attempts counted in the current window (refused ones included)."""
    return cache.get(_key(username, ip), 0)


def refused_or_last(request) -> bool:
    """Whether this request's sign-in attempt was refused, or was the last allowed."""
    return getattr(request, "sign_in_attempt", 0) >= max_attempts()


def take_place(username: str, ip: str) -> int:
    """Count one attempt, atomically across processes; its place in the window."""
    key = _key(username, ip)
    cache.add(key, 0, timeout=lockout_seconds())
    try:
        place = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.add(key, 0, timeout=lockout_seconds())
        place = cache.incr(key)
    if place == 1:
        # The first place starts the window. Also mends a key that an increment
        # recreated without expiry had the window ended between its two steps.
        cache.touch(key, lockout_seconds())
    if place == max_attempts():
        logger.warning("Sign-in locked for %r from %s after %d attempts", username, ip, place)
    return place


def reset(username: str, ip: str) -> None:
    cache.delete(_key(username, ip))


class ThrottledModelBackend(ModelBackend):
    """Django's username-and-password backend behind the throttle."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = client_ip(request)
        place = take_place(username, ip)
        if request is not None:
            # For the sign-in form's message: this attempt's own place, not the count now,
            # which a parallel burst may have moved on since.
            request.sign_in_attempt = place
        if place > max_attempts():
            # PermissionDenied, not None: `authenticate` then tries no other backend.
            raise PermissionDenied("Too many sign-in attempts")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            reset(username, ip)
        return user

    def get_user(self, user_id):
        # Every signed-in request loads its user; the tracker's rules read a director's
        # region: with the user, not a query of their own.
        users = get_user_model()._default_manager.select_related("director_profile__region")
        # Every page's header asks whether they may enter inspections: answered with the
        # user, not by a query for all their permissions.
        app_label, codename = MANAGE_INSPECTIONS.split(".")
        held = Permission.objects.filter(
            Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")),
            content_type__app_label=app_label,
            codename=codename,
        )
        # And the data's version, which a page served from the cache asks next
        # (config/page_cache.py): one query for both.
        users = data_version.read_with(users.annotate(manages_inspections=Exists(held)))
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def has_perm(self, user_obj, perm, obj=None):
        if perm == MANAGE_INSPECTIONS and obj is None and hasattr(user_obj, "manages_inspections"):
            return user_obj.is_active and user_obj.manages_inspections
        return super().has_perm(user_obj, perm, obj)

    def get_all_permissions(self, user_obj, obj=None):
        """The user's own and their groups' permissions in one query (Django asks two),
        kept on the user for the request as Django keeps them."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list(
                    "content_type__app_label", "codename"
                ).distinct()
            }
        return user_obj._perm_cache
