"""Pages served from the cache until the data changes: to anyone not signed in, and, for
pages that are the same for everyone, to the signed in too.

A signed-out GET or HEAD (no session cookie, no messages waiting) is answered from the
default cache (Redis in production, shared by every process and server) when the same
address was rendered by the same release under the same published-data version
(inspections/web/data_version) on the same day (the tracker's "overdue" and a download's
file name say the day): one query, the version's. Otherwise the page is rendered and
stored, unless it is not the same for everyone, or not sure to be the data's: a response
that sets a cookie, used the CSRF token (a form's hidden field is the visitor's own), says
it must not be stored (`never_cache`, private), is not a 200, is streamed or is large, or
was worked out from something behind the data (`data_version.behind`).

Signed in, only a view that says its page is the same for everyone but the header
(`same_for_everyone = True`: the dashboard, the inspection and finding pages, the
explorer; never the tracker, whose controls are the user's) is served from the cache, one
copy for each header: the header's sections depend on whether the user may enter
inspections and is staff, so that is part of the key, and the account link, which names
the user, is left out of what is stored and rendered again for each request.

Nothing here decides who may see what: only what every visitor of a kind gets is stored,
and it is keyed by the version, which moves on any public write, publishing and
unpublishing too.
"""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import cc_delim_re

from inspections.rules import can_manage_inspections
from inspections.web import data_version

# Larger responses (downloads of many rows) are rendered each time.
MAX_BYTES = 2 * 1024 * 1024
TIMEOUT = 24 * 3600
HEADER = "X-Page-Cache"
UNSTORED_CACHE_CONTROL = {"no-cache", "no-store", "private"}
# The header's one part that names the signed-in user, and what stands in its place in a
# stored page.
ACCOUNT_NAVIGATION = "recommendations/_account_navigation.html"
ACCOUNT_HOLE = b"<!-- account navigation -->"


def _anonymous(request) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def _key(request, header: str = "signed-out") -> str | None:
    day = timezone.localdate()
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return data_version.key(f"page:{day:%Y%m%d}:{header}:{address}")


def _same_for_everyone(view_func) -> bool:
    return getattr(getattr(view_func, "view_class", view_func), "same_for_everyone", False)


def _header(user) -> str:
    """Which header the signed-in user's pages have (templates/includes/header.html)."""
    return f"signed-in:{int(user.is_staff)}{int(can_manage_inspections(user))}"


def _account_navigation(request) -> bytes:
    return render_to_string(ACCOUNT_NAVIGATION, {"user": request.user, "request": request}).encode()


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    directives = {
        directive.split("=")[0].strip().lower()
        for directive in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    return not directives & UNSTORED_CACHE_CONTROL and len(response.content) <= MAX_BYTES


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        if not settings.PAGE_CACHE:
            raise MiddlewareNotUsed

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        handle = data_version.hold_for_request()
        try:
            if _anonymous(request):
                return self._cached_page(request)
            data_version.seen_with(request.user)  # read with the user (ThrottledModelBackend)
            response = self.get_response(request)
            key = getattr(request, "shared_page_key", None)  # process_view found none
            if key is not None and _storable(request, response) and data_version.storable():
                account = _account_navigation(request)
                if response.content.count(account) == 1:
                    self._store(key, response, response.content.replace(account, ACCOUNT_HOLE))
            return response
        finally:
            data_version.release(handle)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """A signed-in user's page that is the same for everyone: from the cache if there,
        with their own account link."""
        if (
            request.method not in ("GET", "HEAD")
            or _anonymous(request)
            or not _same_for_everyone(view_func)
            or not request.user.is_authenticated
            # Messages wait in their cookie (in the session only beside it: FallbackStorage).
            or CookieStorage.cookie_name in request.COOKIES
        ):
            return None
        key = _key(request, _header(request.user))
        stored = cache.get(key) if key is not None else None
        if stored is None:
            request.shared_page_key = key
            return None
        status, headers, content = stored
        return self._served(
            status, headers, content.replace(ACCOUNT_HOLE, _account_navigation(request))
        )

    def _cached_page(self, request):
        key = _key(request)
        if key is None:
            return self.get_response(request)
        stored = cache.get(key)
        if stored is not None:
            return self._served(*stored)
        response = self.get_response(request)
        if _storable(request, response) and data_version.storable():
            self._store(key, response, response.content)
        return response

    def _store(self, key, response, content: bytes) -> None:
        # Without its length: a page with a user's account link differs in length by user
        # (CommonMiddleware sets it again on the way out).
        headers = {k: v for k, v in response.items() if k.lower() != "content-length"}
        cache.set(key, (response.status_code, headers, content), TIMEOUT)
        response[HEADER] = "miss"

    def _served(self, status, headers, content) -> HttpResponse:
        response = HttpResponse(content, status=status, headers=headers)
        response[HEADER] = "hit"
        return response
