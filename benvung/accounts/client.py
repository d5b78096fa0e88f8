"""Who is signing in: the key the lock-out counts by (where from: benvung.core.client)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def sign_in_name(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The e-mail as sign-in compares it (case-insensitive), so 'A@x' and 'a@x' share a count."""
    source = credentials or getattr(request, "POST", {}) or {}
    return str(source.get(settings.AXES_USERNAME_FORM_FIELD) or "").strip().lower()
