"""The NinjaAPI: one router per domain, the same services and selectors as the pages.

Authentication: a bearer token (machine-to-machine) or the signed-in session (then with
Django's CSRF check on writes). Every answer, errors included, is documented in the OpenAPI.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as RequestInvalid

from benvung.core.concurrency import StaleEdit

from .auth import SessionAuth, TokenAuth
from .common import problems_of
from .directory import router as directory_router
from .documents import router as documents_router
from .indicators import router as indicators_router
from .outreach import router as outreach_router
from .reporting import router as reporting_router
from .resources import router as resources_router
from .retail import router as retail_router
from .throttling import CallerRateThrottle


class BenVungAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        # A 429 says when to try again; django-ninja cannot document a response header itself.
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                limited = operation.get("responses", {}).get(429)
                if limited is not None:
                    limited["headers"] = {
                        "Retry-After": {
                            "description": "seconds to wait before the next request",
                            "schema": {"type": "integer"},
                        }
                    }
        return schema


api = BenVungAPI(
    title="Bền Vững API",
    version="1",
    description="Kế hoạch 202/KH-UBND — sản xuất và tiêu dùng bền vững tỉnh Đồng Nai. "
    "Xem docs/api.md.",
    auth=[TokenAuth(), SessionAuth()],
    throttle=[CallerRateThrottle()],
    urls_namespace="api",
)
api.add_router("/resources", resources_router)
api.add_router("/indicators", indicators_router)
api.add_router("/reporting", reporting_router)
api.add_router("/outreach", outreach_router)
api.add_router("/retail", retail_router)
api.add_router("/directory", directory_router)
api.add_router("/documents", documents_router)


def _detail(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": message}, status=status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _detail(
        request,
        _("Authentication required: send a valid API token (Authorization: Bearer …) or sign in."),
        401,
    )


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return _detail(request, _("Too many requests: wait before trying again."), 429)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = exc.message
    if exc.status_code == 400:
        message = _("The request body is not valid JSON.")
    return _detail(request, message, exc.status_code)


@api.exception_handler(RequestInvalid)
def request_invalid(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
    # The same body as a service's 422 (Invalid): loc, msg, type, whatever pydantic adds.
    problems = [
        {
            "loc": [part if isinstance(part, int) else str(part) for part in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "invalid")),
        }
        for e in exc.errors
    ]
    return api.create_response(request, {"detail": problems}, status=422)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) if exc.args else _("You are not allowed to do this.")
    return _detail(request, message, 403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _detail(request, _("Not found."), 404)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": problems_of(exc)}, status=422)


@api.exception_handler(StaleEdit)
def stale(request: HttpRequest, exc: StaleEdit) -> HttpResponse:
    # 409: the client read an older version; it gets the stored one to merge and retry.
    return api.create_response(
        request,
        {
            "detail": exc.messages[0],
            "current_version": exc.current_version,
            "updated_by": exc.updated_by,
            "updated_at": exc.updated_at.isoformat() if exc.updated_at else None,
        },
        status=409,
    )
