"""The signed-in user of a request, typed: every app's views act as a `User`."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from .models import User


def signed_in_user(request: HttpRequest) -> User:
    """`request.user` in a view behind login_required, where it is never the anonymous user."""
    return cast("User", request.user)
