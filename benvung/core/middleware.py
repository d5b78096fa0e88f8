"""Request-wide concerns: the request's log line and id, its origin in the audit trail, the
language, the Content-Security-Policy."""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .audit import audit_context
from .client import client_ip
from .logs import request_id_var, request_note_var

request_logger = logging.getLogger("benvung.request")
# What a request id from the proxy may look like (nginx's $request_id is 32 hex digits); anything
# else is replaced, so a client cannot write arbitrary text into the logs.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestLogMiddleware:
    """One log line per request, and an id that every log line of the request carries.

    The id comes from the X-Request-ID header when a trusted proxy sets it
    (settings.TRUST_REQUEST_ID_HEADER), so the proxy's and our logs can be joined; otherwise
    it is generated. It is returned in the response's X-Request-ID. First in MIDDLEWARE, so the
    line has the final status and the whole duration.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        if settings.TRUST_REQUEST_ID_HEADER and REQUEST_ID.fullmatch(incoming):
            request_id = incoming
        else:
            request_id = uuid.uuid4().hex
        note: dict[str, str] = {}
        id_token = request_id_var.set(request_id)
        note_token = request_note_var.set(note)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            self._log(request, response, time.perf_counter() - started, note)
            if response.status_code < 500:
                # This line is the request's record: Django's handler, which logs a returned
                # 4xx after the middleware chain (outside this request's context), need not
                # log it again. A 5xx keeps Django's record with its traceback.
                response._has_been_logged = True  # type: ignore[attr-defined]
            return response
        finally:
            request_note_var.reset(note_token)
            request_id_var.reset(id_token)

    @staticmethod
    def _log(
        request: HttpRequest, response: HttpResponse, seconds: float, note: dict[str, str]
    ) -> None:
        status = response.status_code
        level = (
            logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
        )
        user = getattr(request, "user", None)
        extra = {
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "user_id": user.pk if user is not None and user.is_authenticated else None,
            "client": client_ip(request),
        }
        if note:
            extra["reason"] = note["reason"]
        request_logger.log(
            level,
            "%s %s %s %.1f ms",
            request.method,
            request.path,
            status,
            extra["duration_ms"],
            extra=extra,
        )


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_context(
            source="web",
            path=request.path[:200],
            method=request.method,
            ip=client_ip(request),
        ):
            return self.get_response(request)


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many office
    computers here run English browsers; the system's language is Vietnamese by decision.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# Every asset is served by the project, so the browser may load nothing from elsewhere. Inline
# style attributes are allowed because Django admin's widgets use them; scripts never are.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self' 'unsafe-inline'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
