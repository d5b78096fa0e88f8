"""The NinjaAPI: one router per domain, the same services and selectors as the pages.

Authentication: a bearer token (machine-to-machine) or the signed-in session (then with
Django's CSRF check, which django-ninja applies to cookie authentication).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import django_auth

from benvung.core.concurrency import StaleEdit

from .auth import TokenAuth
from .indicators import router as indicators_router
from .resources import router as resources_router

api = NinjaAPI(
    title="Bền Vững API",
    version="1",
    description="Kế hoạch 202/KH-UBND — sản xuất và tiêu dùng bền vững tỉnh Đồng Nai",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)
api.add_router("/resources", resources_router)
api.add_router("/indicators", indicators_router)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("You are not allowed to do this.")}, status=403
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


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
