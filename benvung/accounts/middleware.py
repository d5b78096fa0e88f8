"""A session signed in with the password alone reaches only the second step of sign-in."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .two_factor import pending_step

# What a half-signed-in session may reach: the second step itself, signing out, the language.
OPEN_VIEWS = frozenset(
    {
        "accounts:two_factor_verify",
        "accounts:two_factor_enrol",
        "accounts:logout",
        "set_language",
    }
)
STEP_VIEWS = {"verify": "accounts:two_factor_verify", "enrol": "accounts:two_factor_enrol"}


class TwoFactorMiddleware:
    """After OTPMiddleware: sends a session that still needs a code (or a device) to that step.

    Enforced here for every page, the API and the admin alike, rather than view by view, so
    a new page cannot forget it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = pending_step(request)
        if step is None:
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
            view_name, namespaces = match.view_name, match.namespaces
        except Resolver404:
            view_name, namespaces = "", []
        if view_name in OPEN_VIEWS:
            return self.get_response(request)
        if "api" in namespaces:
            return JsonResponse(
                {"detail": _("Finish signing in (two-step verification) first.")}, status=403
            )
        target = STEP_VIEWS[step]
        response = redirect(target)
        if request.method == "GET":
            response["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return response
