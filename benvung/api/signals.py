"""A user's API tokens end when their password changes, however it changes (the password page,
a reset link, the admin, a command, set_password in a shell): whoever learnt the old password
may have issued tokens with it, and a token would outlive the new password otherwise."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX


def remember_old_password(
    sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any
) -> None:
    instance._api_password_changed = False
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    # A new password is one given to set_password (`_password` holds it until saved), or a
    # password made unusable. A new hash of the same password (Django upgrading the hash at
    # sign-in) is not a change and keeps the tokens.
    new_password = getattr(instance, "_password", None) is not None or (
        instance.password or ""
    ).startswith(UNUSABLE_PASSWORD_PREFIX)
    if not new_password:
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    old = stored.first()
    instance._api_password_changed = old is not None and old != instance.password


def revoke_tokens(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created or not getattr(instance, "_api_password_changed", False):
        return
    instance._api_password_changed = False
    from .services import tokens_revoke_all

    tokens_revoke_all(user=instance, reason="password changed")


def connect() -> None:
    from django.db.models.signals import post_save, pre_save

    user_model = get_user_model()
    pre_save.connect(remember_old_password, sender=user_model, dispatch_uid="api_password_seen")
    post_save.connect(revoke_tokens, sender=user_model, dispatch_uid="api_password_changed")
