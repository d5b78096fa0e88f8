"""Pages of two-step sign-in: the code after the password, enrolment, recovery codes, and the
user's own account page. Each acts on the signed-in user only (nothing in the URL names a user).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from benvung.core.views import apply_service_errors

from . import two_factor
from .current import signed_in_user
from .forms import TwoFactorCodeForm, TwoFactorEnrolForm
from .lockout import forgive_account

if TYPE_CHECKING:
    from .models import User

# New recovery codes wait in the session until the user says they have kept them: shown (and
# downloadable) until then, never again after.
NEW_CODES_SESSION_KEY = "two_factor_new_recovery_codes"


def _next_url(request: HttpRequest, default: str = "accounts:home") -> Any:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _locked_out(request: HttpRequest, credentials: dict[str, Any]) -> HttpResponse:
    """End the half-signed-in session: after the lock-out the password is asked again."""
    logout(request)
    return get_lockout_response(request, None, credentials)


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the app or a recovery code. Wrong codes count towards the
    sign-in lock-out, like wrong passwords."""
    user = signed_in_user(request)
    if two_factor.pending_step(request) != "verify":
        return redirect(_next_url(request))
    credentials = {"username": user.email}
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if AxesProxyHandler.is_locked(request, credentials):
            return _locked_out(request, credentials)
        device = two_factor.two_factor_verify(user=user, token=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            forgive_account(credentials["username"])
            if isinstance(device, StaticDevice):
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code; it cannot be used again. "
                        "%(count)d code is left.",
                        "You signed in with a recovery code; it cannot be used again. "
                        "%(count)d codes are left.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(_next_url(request))
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return _locked_out(request, credentials)
        form.add_error(
            "code",
            _(
                "This code is not right. Type the six digits your app shows now (a new code "
                "appears every 30 seconds), or a recovery code."
            ),
        )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next_url(request, "")},
    )


@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if two_factor.has_two_factor(user):
        messages.info(request, _("Two-step sign-in is already set up."))
        return redirect("accounts:account")
    device = two_factor.enrolment_device(user=user)
    form = TwoFactorEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.two_factor_enrol(
                user=user, device=device, token=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            device.refresh_from_db()
            otp_login(request, device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-step sign-in is set up."))
            response = redirect("accounts:recovery_codes")
            next_url = _next_url(request, "")
            if next_url:
                response["Location"] += "?" + urlencode({"next": next_url})
            return response
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(device),
            "secret": two_factor.secret_for_manual_entry(device),
            "required": two_factor.must_use_two_factor(user),
            "next": _next_url(request, ""),
        },
    )


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new codes, until the user confirms they have kept them."""
    codes = request.session.get(NEW_CODES_SESSION_KEY)
    if request.method == "POST":
        request.session.pop(NEW_CODES_SESSION_KEY, None)
        return redirect(_next_url(request, "accounts:account"))
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": _next_url(request, "")},
    )


@login_required
def recovery_codes_download(request: HttpRequest) -> HttpResponse:
    codes = request.session.get(NEW_CODES_SESSION_KEY)
    if not codes:
        return redirect("accounts:account")
    user = signed_in_user(request)
    lines = [
        _("Bền Vững — recovery codes for %(email)s") % {"email": user.email},
        _("Each code can be used once, instead of the code from your app."),
        "",
        *codes,
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="benvung-recovery-codes.txt"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    request.session[NEW_CODES_SESSION_KEY] = two_factor.recovery_codes_regenerate(user=user)
    messages.success(request, _("New recovery codes were made; the old ones no longer work."))
    return redirect("accounts:recovery_codes")


def _account_context(user: User, disable_form: TwoFactorCodeForm | None = None) -> dict[str, Any]:
    enrolled = two_factor.has_two_factor(user)
    return {
        "enrolled": enrolled,
        "required": two_factor.must_use_two_factor(user),
        "codes_left": two_factor.recovery_codes_left(user) if enrolled else 0,
        "disable_form": disable_form or TwoFactorCodeForm(auto_id="id_disable_%s"),
    }


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The user's own account: password and two-step sign-in."""
    user = signed_in_user(request)
    return render(request, "accounts/account.html", _account_context(user))


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if two_factor.must_use_two_factor(user):
        raise PermissionDenied
    form = TwoFactorCodeForm(request.POST, auto_id="id_disable_%s")
    if form.is_valid():
        try:
            two_factor.two_factor_disable(user=user, token=form.cleaned_data["code"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Two-step sign-in is turned off."))
            return redirect("accounts:account")
    return render(request, "accounts/account.html", _account_context(user, form), status=400)
