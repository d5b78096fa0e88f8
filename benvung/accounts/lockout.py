"""The sign-in lock-out: django-axes, counting by account and by client address separately.

Axes compares one number with one limit: the largest failure count among its lockout
parameters. We want two limits: an account is locked after AXES_FAILURE_LIMIT failures from
anywhere (guessing one password from many addresses), and a client address after
AXES_ADDRESS_FAILURE_LIMIT failures on any accounts (password spraying). The address gets the
higher limit because a provincial department or an industrial park's office puts dozens of
colleagues behind one address, and one person locking their own account must not lock out the
office. Axes 8.3 has no per-parameter limit (AXES_FAILURE_LIMIT may be a callable, but it is
asked once per request, not per parameter), so the handler below expresses the address's count
in the account's units before axes compares it.

The browser (User-Agent) is deliberately not a key: the client chooses it, so counting per
browser let a sprayer reset the count by changing it (finding F7).
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a separate, higher limit for a client address."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        username = get_client_username(request, credentials)
        recent = self.get_user_attempts(request, credentials)  # one queryset per parameter
        by_account = _failures(recent[0]) if username else 0
        by_address = _failures(recent[1])
        # Locked when by_account >= account limit or by_address >= address limit; the floor
        # division keeps "by_address >= address limit" exact in the account's units.
        account_limit = int(settings.AXES_FAILURE_LIMIT)
        address_limit = int(settings.AXES_ADDRESS_FAILURE_LIMIT)
        return max(by_account, by_address * account_limit // address_limit)

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """A successful sign-in forgives the failures on that account only.

        Axes would also forget every failure counted against the client address, so a sprayer
        holding one real account could sign in to it between guesses and never be locked out.
        """
        username = get_client_username(request, credentials)
        if not username or has_second_step(username):
            # With two-step sign-in the password alone is half a sign-in: forgiving here would
            # let a thief holding the password guess codes without end, a few per sign-in.
            return 0
        return forgive_account(username)


def has_second_step(username: str) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user__email__iexact=username, confirmed=True).exists()


def forgive_account(username: str) -> int:
    """Forget the account's failed attempts: after a complete sign-in."""
    count, _ = AccessAttempt.objects.filter(username=username).delete()
    return count
