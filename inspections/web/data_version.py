"""The published data's version: one key for every cache of what pages show.

A token (`tokens.py`) that moves on any write that can change what a page shows to the
public: any column of any table of the four apps' data, but for a draft inspection and
the rows of one, which stay out of sight until it is published (publishing moves it).
Whatever is worked out from the data (a page, a grouping, a summary) is cached under it
in the default cache (Redis in production, so every process and server shares it) and is
never wrong: a write moves the token, and the next request works it out again.

A GET or HEAD reads the token once (`PageCacheMiddleware` holds it for the request, as a
safe request writes nothing); anything else reads it each time it asks.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from .tokens import Token

# What a release is made of (release_digest()).
RELEASE_FOLDERS = (
    "config",
    "inspections",
    "pdus",
    "ratings",
    "recommendations",
    "templates",
    "static",
)

# Every table of pdus, ratings, inspections and recommendations is watched but these,
# which no page shows to the public (tests/test_data_version.py holds the list to it).
NOT_WATCHED = {
    "inspections_facetstate": "the tokens themselves",
    "inspections_untaggedrecord": "the tagging queue (the tags it leads to are watched)",
    "recommendations_directorprofile": "a director's region: their own controls, never cached",
    "recommendations_deletionrecord": "who deleted what: admin only",
}
# With an inspection_id: a row of a draft moves nothing.
PER_INSPECTION = (
    "inspections_finding",
    "inspections_contextfigure",
    "inspections_dataqualitynote",
    "inspections_correction",
    "ratings_standardrating",
    "ratings_keyquestionscore",
    "recommendations_recommendation",
    "recommendations_followup",
)
WATCHED_TABLES = (
    "pdus_region",
    "pdus_district",
    "pdus_borough",
    "pdus_body",
    "pdus_body_boroughs",
    "pdus_site",
    "pdus_commissionedservice",
    "ratings_programme",
    "ratings_standard",
    "ratings_keyquestion",
    "inspections_sourcedocument",
    "inspections_inspection",
    "inspections_section",
    "inspections_theme",
    "inspections_themetag",
    "inspections_themeoverride",
    "recommendations_recommendation_co_addressees",
    "recommendations_tracking",
    "recommendations_progressupdate",
    *PER_INSPECTION,
)

PAGES = Token(
    row=2,
    name="pages",
    watched=tuple((table, None) for table in WATCHED_TABLES),
    per_inspection=PER_INSPECTION,
)


@dataclass
class _Request:
    """A GET or HEAD, which writes nothing: its version, once read, and whether anything it
    read is known to be behind the data (then nothing it works out is stored)."""

    version: int | None = None
    read: bool = False
    behind: bool = False


_request: ContextVar[_Request | None] = ContextVar("data_version", default=None)
_MISSING = object()

T = TypeVar("T")


def read_with(queryset):
    """`queryset` with the data's version read in the same query, as `data_version` on each
    row: a signed-in GET reads its user and the version in one (ThrottledModelBackend)."""
    return queryset.annotate(data_version=PAGES.expression(connection.vendor))


def seen_with(record) -> None:
    """The version `read_with` read with `record`, for this GET or HEAD (held): asked no
    more. Nothing if `record` was read without it."""
    request = _request.get()
    if request is not None and not request.read and hasattr(record, "data_version"):
        request.version, request.read = record.data_version, True


def current() -> int | None:
    """The version of the data now; None just after a flush (nothing is cached then)."""
    request = _request.get()
    if request is None:
        return PAGES.read(connection)
    if not request.read:
        request.version, request.read = PAGES.read(connection), True
    return request.version


def hold_for_request():
    """Read the version at most once until `release(handle)`: for a safe request (set by
    PageCacheMiddleware, however many caches the request asks)."""
    return _request.set(_Request())


def release(handle) -> None:
    _request.reset(handle)


def behind() -> None:
    """This request read something older than the data (the explorer's facet arrays while
    a process renews them): what it works out must not be stored under this version."""
    request = _request.get()
    if request is not None:
        request.behind = True


def storable() -> bool:
    request = _request.get()
    return request is None or not request.behind


@functools.cache
def release_digest() -> str:
    """What this code is: a digest of the apps' code, templates and static files, the same
    in every process of a release. Part of every key, as a deploy that changes how a page
    or a cached result is made does not move the data's version."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for folder in RELEASE_FOLDERS:
        for path in sorted((base / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key(name: str) -> str | None:
    """The cache key of `name` under this release and the data's version now; None just
    after a flush, when there is no version (nothing is cached then)."""
    version = current()
    return None if version is None else f"{release_digest()}:{version}:{name}"


def cached(name: str, compute: Callable[[], T], *, timeout: int = 24 * 3600) -> T:
    """`compute()`, worked out once per data version and `name` (which must say all else
    the result depends on, such as the day for what is overdue) and shared by every process
    through the default cache."""
    stored = key(f"data:{name}")
    if stored is None:
        return compute()
    value = cache.get(stored, _MISSING)
    if value is _MISSING:
        value = compute()
        if storable():
            cache.set(stored, value, timeout)
    return value
