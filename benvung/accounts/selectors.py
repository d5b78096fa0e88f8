"""Reads about users and invitations, scoped to the viewer (the home pages: home.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from . import permissions
from .models import Invitation, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def user_list(*, viewer: User | AnonymousUser, organisation: Any = None) -> QuerySet[User]:
    """Coordinators see every account; others see the accounts of their own organisation."""
    if permissions.can_view_every_user(viewer):
        qs = User.objects.all()
    elif (user := permissions.active_user(viewer)) is not None:
        qs = User.objects.filter(organisation_id=user.organisation_id)
    else:
        return User.objects.none()
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.select_related("organisation").prefetch_related("role_grants")


def invitation_list(
    *, viewer: User | AnonymousUser, organisation: Any = None
) -> QuerySet[Invitation]:
    if not permissions.can_invite_users(viewer):
        return Invitation.objects.none()
    qs = Invitation.objects.select_related("organisation", "invited_by")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs
