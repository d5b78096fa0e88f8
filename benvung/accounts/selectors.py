"""Reads about users and invitations, scoped to the viewer (the home pages: home.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from . import permissions
from .models import Invitation, User


def user_list(*, viewer: Any, organisation: Any = None) -> QuerySet[User]:
    """Coordinators see every account; others see the accounts of their own organisation."""
    if permissions.is_coordinator(viewer):
        qs = User.objects.all()
    elif permissions._role(viewer) is not None:
        qs = User.objects.filter(organisation_id=viewer.organisation_id)
    else:
        return User.objects.none()
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.select_related("organisation")


def invitation_list(*, viewer: Any, organisation: Any = None) -> QuerySet[Invitation]:
    if not permissions.can_invite_users(viewer):
        return Invitation.objects.none()
    qs = Invitation.objects.select_related("organisation", "invited_by")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs
