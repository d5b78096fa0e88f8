"""Issue and revoke API tokens (audited)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benvung.accounts import permissions
from benvung.core import audit

from .models import PREFIX_LENGTH, ApiToken, digest, new_raw_token


def token_issue(*, actor: Any, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the raw value, which is never stored."""
    if not (permissions.is_coordinator(actor) or getattr(actor, "pk", None) == user.pk):
        raise PermissionDenied(_("You are not allowed to do this."))
    if not (name or "").strip():
        raise ValidationError({"name": [_("Name the token (the system that will use it).")]})
    raw = new_raw_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name.strip(), prefix=raw[:PREFIX_LENGTH], key_hash=digest(raw)
        )
        audit.record(actor=actor, action="api_token.issue", target=token, after={"name": name})
    return token, raw


def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if not (permissions.is_coordinator(actor) or getattr(actor, "pk", None) == token.user_id):
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor=actor, action="api_token.revoke", target=token)
    return token


def user_for(raw: str) -> Any | None:
    """The active user a token belongs to, or None (unknown, revoked, inactive)."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
