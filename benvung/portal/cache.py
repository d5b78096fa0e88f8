"""Whole public pages served from the cache to anonymous visitors, keyed by the data version.

The key holds the data version (selectors.data_version: any result computed or marked stale,
override, plan reload changes it), the language, the address with its query and the day (the
default year follows the date), so a cached page is never older than the figures it shows.
Signed-in users, and visitors with a session or a pending message, always get a fresh page:
their pages carry their name, menus and messages. Only pages made of indicator results use it
(the targets, a target, an indicator, the coverage map); the home page and the catalogue of
models read other tables and are always rendered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from . import selectors

TIMEOUT = 3600


def _cacheable(request: HttpRequest) -> bool:
    if request.method not in {"GET", "HEAD"}:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return not getattr(request, "user", None) or not request.user.is_authenticated


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        raw = "|".join(
            [
                view.__name__,
                get_language() or "",
                request.get_full_path(),
                timezone.localdate().isoformat(),
                settings.PORTAL_MAP_TILE_URL,  # the map page's policy depends on it
                selectors.data_version(),
            ]
        )
        key = "portal.page." + hashlib.sha256(raw.encode()).hexdigest()
        hit: tuple[bytes, list[tuple[str, str]]] | None = cache.get(key)
        if hit is not None:
            # Bytes and headers, not the pickled response: cheaper to read back.
            content, headers = hit
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies and not response.streaming:
            cache.set(key, (response.content, list(response.items())), TIMEOUT)
        return response

    return wrapped
