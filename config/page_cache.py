"""Pages served from the cache to anyone not signed in, until the data changes.

A signed-out GET or HEAD (no session cookie, no messages waiting) is answered from the
default cache (Redis in production, shared by every process and server) when the same
address was rendered by the same release under the same published-data version
(inspections/web/data_version) on the same day (the tracker's "overdue" and a download's
file name say the day): one query, the version's. Otherwise the page is rendered and
stored, unless it is not the same for everyone, or not sure to be the data's: a response
that sets a cookie, used the CSRF token (a form's hidden field is the visitor's own), says
it must not be stored (`never_cache`, private), is not a 200, is streamed or is large, or
was worked out from something behind the data (`data_version.behind`).

Nothing here decides who may see what: only what every signed-out visitor gets is stored,
and it is keyed by the version, which moves on any public write, publishing and
unpublishing too.
"""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import cc_delim_re

from inspections.web import data_version

# Larger responses (downloads of many rows) are rendered each time.
MAX_BYTES = 2 * 1024 * 1024
TIMEOUT = 24 * 3600
HEADER = "X-Page-Cache"
UNSTORED_CACHE_CONTROL = {"no-cache", "no-store", "private"}


def _anonymous(request) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def _key(request) -> str | None:
    day = timezone.localdate()
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return data_version.key(f"page:{day:%Y%m%d}:{address}")


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
            if not _anonymous(request):
                return self.get_response(request)
            return self._cached_page(request)
        finally:
            data_version.release(handle)

    def _cached_page(self, request):
        key = _key(request)
        if key is None:
            return self.get_response(request)
        stored = cache.get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status, headers=headers)
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if _storable(request, response) and data_version.storable():
            cache.set(
                key, (response.status_code, dict(response.items()), response.content), TIMEOUT
            )
            response[HEADER] = "miss"
        return response
