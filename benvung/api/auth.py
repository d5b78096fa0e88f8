"""Who is calling: a bearer token (machine-to-machine) or the signed-in session.

The request then acts as that user, so the same selectors and services as the pages decide what
it may read and write. A token carries scopes: a read token that tries to write is refused
(403) with the reason, not taken for an unknown caller.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from .common import is_write
from .models import WRITE
from .services import token_for


class TokenAuth(HttpBearer):
    """Authorization: Bearer <token>."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        found = token_for(token)
        if found is None:
            return None
        if is_write(request) and not found.allows(WRITE):
            raise HttpError(
                403,
                _("This API token may only read. Issue a token with the write scope to send data."),
            )
        request.user = found.user
        return found


class SessionAuth(APIKeyCookie):
    """The browser's session. Without a signed-in session the caller is unknown (401); a signed-in
    session that writes must send the CSRF token (403 otherwise), as the pages' forms do.

    django-ninja's own session auth checks CSRF before it knows whether there is a session at
    all, which answered an unknown caller's write with 403 instead of 401.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        user = getattr(request, "user", None)
        if not key or user is None or not user.is_authenticated:
            return None
        if is_write(request) and check_csrf(request):
            raise HttpError(
                403,
                _("The CSRF check failed: send the X-CSRFToken header with the session cookie."),
            )
        return user
