"""Logs a machine can read: one line per request, every line of a request with its id.

The request id (RequestLogMiddleware sets it) lives in a context variable, so every record
logged while a request is served, by any module, carries it (RequestIdFilter, on the handler).
Production writes JSON lines (LOG_FORMAT=json), a laptop plain text.

A refused request (403: permission denied, CSRF failure) or any other client error is not a
fault of the system: Django logs it as a warning, with the PermissionDenied traceback. Those
records are folded into the request's own line (its `reason`), so a 403 is one line without a
traceback; a 5xx keeps its traceback.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
# What Django said about the current request's client error, for its request line; None outside
# a request served through RequestLogMiddleware.
request_note_var: ContextVar[dict[str, str] | None] = ContextVar("request_note", default=None)


class RequestIdFilter(logging.Filter):
    """Gives every record the id of the request being served ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class ClientErrorFilter(logging.Filter):
    """On django.request and django.security.csrf: a 4xx is noted on the request's line, not
    logged again, and never with a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or not 400 <= status < 500:
            return True
        note = request_note_var.get()
        message = record.getMessage()
        if note is not None:
            # "Forbidden (CSRF cookie not set.): /path" -> "Forbidden (CSRF cookie not set.)"
            note["reason"] = message.rsplit(": ", 1)[0][:200]
            return False
        # Outside the middleware (a bare handler): still one line, without the traceback.
        record.exc_info = None
        record.exc_text = None
        return True


class JsonLineFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, request id, and any `extra`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level"})
        kwargs.setdefault("json_ensure_ascii", False)
        # django.request adds the request object and the status; the request is not JSON.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "server_time"])
        super().__init__(*args, **kwargs)
