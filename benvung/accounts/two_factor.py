"""Two-factor sign-in (TOTP with django-otp): who must use it, enrolment, recovery codes.

An authenticator app (TOTP device) is the second factor; ten single-use recovery codes
(django-otp's static device) stand in for a lost phone. System administrators and coordinators
must use it (they see and change every organisation's data); everyone else may.

The writes here are services in the house sense: keyword-only, one transaction, audited.
"""

from __future__ import annotations

from base64 import b32encode
from typing import TYPE_CHECKING, Any

import segno
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from benvung.core import audit

if TYPE_CHECKING:
    from .models import User

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"


# --- Who, and in what state ----------------------------------------------------------------


def must_use_two_factor(user: User | AnonymousUser) -> bool:
    """Administrators and coordinators: the roles listed in TWO_FACTOR_REQUIRED_ROLES."""
    return bool(
        user.is_authenticated
        and not isinstance(user, AnonymousUser)
        and user.has_role(*settings.TWO_FACTOR_REQUIRED_ROLES)
    )


def app_device(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_step(request: Any) -> str | None:
    """What a signed-in session still lacks: "verify" (a code), "enrol" (a device), or None.

    Needs django-otp's OTPMiddleware (request.user.is_verified).
    """
    user = request.user
    if not user.is_authenticated:
        return None
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return None
    if has_two_factor(user):
        return "verify"
    if must_use_two_factor(user):
        return "enrol"
    return None


def session_is_complete(request: Any) -> bool:
    """Signed in with every factor this user needs (what the Django admin asks for too)."""
    return request.user.is_authenticated and pending_step(request) is None


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no script, no data: URI)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=2, title=_("QR code for your authenticator app"), svgclass="qr-code"
    )


def secret_for_manual_entry(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, as authenticator apps ask for it."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean_code(token: str) -> str:
    return "".join((token or "").split()).replace("-", "").lower()


# --- Writes ----------------------------------------------------------------------------------


def enrolment_device(*, user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled: the same key until confirmed, so a QR code
    scanned before a page reload stays valid."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def two_factor_enrol(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the app with its first code; returns the new recovery codes (shown once)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if device.confirmed or not device.verify_token(_clean_code(token)):
            raise ValidationError(
                {"code": _("This code is not right. Type the six digits your app shows now.")}
            )
        device.confirmed = True
        device.save()
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _new_recovery_codes(user)
        audit.record(actor=user, action="user.two_factor_enrol", target=user)
    return codes


def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    if not has_two_factor(user):
        raise PermissionDenied(_("Set up two-step sign-in first."))
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit.record(actor=user, action="user.recovery_codes_regenerate", target=user)
    return codes


def two_factor_verify(*, user: User, token: str) -> Device | None:
    """The device that accepts this code (the app's code or a recovery code), or None.

    A recovery code is used up and the use audited. django-otp throttles each device after a
    wrong code; the sign-in lock-out counts wrong codes too (the view reports them).
    """
    code = _clean_code(token)
    if not code:
        return None
    with transaction.atomic():
        app = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if app is not None and code.isdigit() and app.verify_token(code):
            return app
        recovery = (
            StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        )
        if app is not None and recovery is not None and recovery.verify_token(code):
            left = recovery.token_set.count()
            audit.record(
                actor=user,
                action="user.recovery_code_use",
                target=user,
                summary=ngettext(
                    "%(count)d recovery code left", "%(count)d recovery codes left", left
                )
                % {"count": left},
            )
            return recovery
    return None


def two_factor_remove(*, user: User) -> bool:
    """Remove the app and the recovery codes (the caller audits); True if there were any.
    For the demo accounts, put back as printed so the next visitor enrols their own phone."""
    removed_app, _ = TOTPDevice.objects.filter(user=user).delete()
    removed_codes, _ = StaticDevice.objects.filter(user=user).delete()
    return bool(removed_app or removed_codes)


def two_factor_disable(*, user: User, token: str) -> None:
    """Turn two-step sign-in off, on a current code; never for those who must use it."""
    if must_use_two_factor(user):
        raise PermissionDenied(_("Your role must use two-step sign-in; it cannot be turned off."))
    # Checked before the transaction, so a wrong code's throttling is not rolled back with it.
    if two_factor_verify(user=user, token=token) is None:
        raise ValidationError({"code": _("This code is not right.")})
    with transaction.atomic():
        two_factor_remove(user=user)
        audit.record(actor=user, action="user.two_factor_disable", target=user)
