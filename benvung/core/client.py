"""Where a request comes from: the key the request log, the audit trail and the sign-in lock-out
count by (settings.AXES_CLIENT_IP_CALLABLE)."""

from __future__ import annotations

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
