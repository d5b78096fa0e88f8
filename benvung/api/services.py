"""Issue and revoke API tokens (audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benvung.core import audit

from . import permissions
from .models import PREFIX_LENGTH, READ, SCOPES, WRITE, ApiToken, digest, new_raw_token

if TYPE_CHECKING:
    from benvung.accounts.models import User

MAX_DAYS = 3660  # ten years: longer is "never", which new tokens may not be


def token_issue(
    *,
    actor: User,
    user: User,
    name: str,
    scopes: Iterable[str] = (READ,),
    days: int | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user`, valid `days` (API_TOKEN_DAYS by default); returns it with the raw
    value, which is never stored. Reading only unless `scopes` says "write" too."""
    if not permissions.can_issue_token(actor, user):
        raise PermissionDenied(_("You are not allowed to do this."))
    problems: dict[str, list[str]] = {}
    if not (name or "").strip():
        problems["name"] = [_("Name the token (the system that will use it).")]
    chosen = set(scopes)
    if not chosen or chosen - set(SCOPES):
        problems["scopes"] = [_("Choose the scopes among: read, write.")]
    if WRITE in chosen:
        chosen.add(READ)  # a system that writes always reads back what it wrote
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= MAX_DAYS:
        problems["days"] = [
            _("A token is valid for 1 to %(max)s days.") % {"max": MAX_DAYS},
        ]
    if problems:
        raise ValidationError(problems)
    raw = new_raw_token()
    expires_at = timezone.now() + dt.timedelta(days=days)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip(),
            prefix=raw[:PREFIX_LENGTH],
            key_hash=digest(raw),
            scopes=" ".join(s for s in SCOPES if s in chosen),
            expires_at=expires_at,
        )
        audit.record(
            actor=actor,
            action="api_token.issue",
            target=token,
            after={
                "name": name,
                "scopes": token.scopes,
                "expires_at": expires_at.isoformat(),
            },
        )
    return token, raw


def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if not permissions.can_revoke_token(actor, token):
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor=actor, action="api_token.revoke", target=token)
    return token


def tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revoke every active token of `user` (their password changed: whoever knew the old one
    may have issued tokens). Returns how many were revoked."""
    with transaction.atomic():
        active = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
        if not active:
            return 0
        ApiToken.objects.filter(pk__in=[t.pk for t in active]).update(
            revoked_at=timezone.now(), updated_at=timezone.now()
        )
        for token in active:
            audit.record(
                actor=None, action="api_token.revoke", target=token, after={"reason": reason}
            )
    return len(active)


def token_for(raw: str) -> ApiToken | None:
    """The token if it may be used now (known, not revoked, not expired, its user active)."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or token.is_expired(now) or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def user_for(raw: str) -> Any | None:
    """The active user a usable token belongs to, or None."""
    token = token_for(raw)
    return token.user if token is not None else None
