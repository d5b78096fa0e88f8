from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from .services import user_for


class TokenAuth(HttpBearer):
    """Authorization: Bearer <token>. The request then acts as the token's user, so the same
    selectors and services decide what it may read and write."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for(token)
        if user is not None:
            request.user = user
        return user
