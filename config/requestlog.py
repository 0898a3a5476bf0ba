"""Structured request logs: one JSON object a line for each request served.

A log shipper can index these without parsing prose; each line carries the method,
path, status, time taken, the signed-in user's id (never a name or a query string,
which may hold search words) and the worker's process id.
"""

import json
import logging
import os
import time

logger = logging.getLogger("inspection_findings.requests")


class JsonFormatter(logging.Formatter):
    """The record's message and its `fields` extra, as one JSON object."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logger.info(
            "request",
            extra={
                "fields": {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                    "pid": os.getpid(),
                }
            },
        )
        return response
