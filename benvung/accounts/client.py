"""Who is signing in, from where: the keys the lock-out and the audit trail count by."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind N trusted proxies, the address the outermost one saw.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
    the N-th entry from the right is the one nobody outside could forge.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def sign_in_name(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The e-mail as sign-in compares it (case-insensitive), so 'A@x' and 'a@x' share a count."""
    source = credentials or getattr(request, "POST", {}) or {}
    return str(source.get(settings.AXES_USERNAME_FORM_FIELD) or "").strip().lower()
