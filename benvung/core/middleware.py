"""Gives every write made during a request its origin (path, client address) in the audit trail."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .audit import audit_context


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_context(
            source="web",
            path=request.path[:200],
            method=request.method,
            ip=request.META.get("REMOTE_ADDR", ""),
        ):
            return self.get_response(request)
