"""Tag the findings and recommendations a request wrote, once its view has finished.

Database triggers queue every record written (themes.py); draining the queue here, after
each request that may write, is what lets pages that only read never write: tagging on
GET made readers take SQLite's write lock and fail beside a publish.
"""

import logging

from django.db import DatabaseError

from . import themes

logger = logging.getLogger(__name__)

# As CSRF protection has it: these methods only read.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class TagWrittenRecordsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            try:
                themes.tag_pending()
            except DatabaseError:
                # The response stands: an error page would tell the user their saved change
                # failed. The records stay queued for the next write to tag.
                logger.exception(
                    "Tagging the records queued by %s %s", request.method, request.path
                )
        return response
