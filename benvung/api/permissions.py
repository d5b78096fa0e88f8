"""Who may issue and revoke API tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from benvung.accounts.permissions import active_user, is_coordinator

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User

    from .models import ApiToken


def can_issue_token(user: User | AnonymousUser | None, holder: User) -> bool:
    """A user issues tokens for themself; a coordinator for anyone (a partner's system)."""
    active = active_user(user)
    return is_coordinator(user) or (active is not None and active.pk == holder.pk)


def can_revoke_token(user: User | AnonymousUser | None, token: ApiToken) -> bool:
    active = active_user(user)
    return is_coordinator(user) or (active is not None and active.pk == token.user_id)
