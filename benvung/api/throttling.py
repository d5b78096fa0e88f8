"""A rate limit per API token (and per signed-in user, and per address without sign-in).

The rates come from settings (API_RATE_LIMIT, API_ANON_RATE_LIMIT) at each request, so a change
of settings needs no restart of the throttle objects. Counts live in Django's cache: with the
default local-memory cache each server process counts on its own.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

from .models import ApiToken


class CallerRateThrottle(SimpleRateThrottle):
    scope = "api"

    def _caller(self, request: HttpRequest) -> tuple[str, str] | None:
        """(rate, key) for this caller."""
        auth = getattr(request, "auth", None)
        if isinstance(auth, ApiToken):
            return settings.API_RATE_LIMIT, f"token-{auth.pk}"
        user = getattr(request, "user", None)
        if auth is not None and user is not None and user.is_authenticated:
            return settings.API_RATE_LIMIT, f"user-{user.pk}"
        ident = self.get_ident(request)
        return settings.API_ANON_RATE_LIMIT, f"address-{ident}"

    def get_rate(self) -> str | None:
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request: HttpRequest) -> str | None:
        caller = self._caller(request)
        return (
            None
            if caller is None
            else self.cache_format
            % {
                "scope": self.scope,
                "ident": caller[1],
            }
        )

    def allow_request(self, request: HttpRequest) -> bool:
        caller = self._caller(request)
        if caller is None:
            return True
        self.rate = caller[0]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)
