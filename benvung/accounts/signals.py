"""Sign-ins and lock-outs go into the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from benvung.core import audit

if TYPE_CHECKING:
    from .models import User


@receiver(user_logged_in)
def record_sign_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    audit.record(actor=user, action="user.sign_in", target=user)


@receiver(user_locked_out)
def record_lock_out(
    sender: Any, request: Any, username: str, ip_address: str, **kwargs: Any
) -> None:
    audit.record(
        actor=None,
        action="user.locked_out",
        summary=f"{username} ({ip_address})",
        target_repr=username or ip_address,
    )
