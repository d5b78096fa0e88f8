"""The home page each role lands on: accounts draws it, the apps above fill it in.

accounts sits below directory and reporting, so it cannot ask them; each app registers, in its
hooks.py, a function from the viewer to the part of the page it brings (a dict merged into the
template's context, in INSTALLED_APPS order). A new domain adds its part the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from benvung.core.models import AuditEvent
from benvung.core.registry import Registry

from . import permissions
from .models import Invitation, User
from .selectors import user_list

HomePart = Callable[[User], dict[str, Any]]

PARTS: Registry[HomePart] = Registry("home page part")


def home_context(*, viewer: User) -> dict[str, Any]:
    # The organisation through the user's relation (directory's model, not imported here).
    context: dict[str, Any] = {"organisation": viewer.organisation.specific}
    if permissions.is_coordinator(viewer):
        context.update(
            user_count=User.objects.filter(is_active=True).count(),
            pending_invitations=Invitation.objects.filter(
                accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
            ).count(),
            recent_events=AuditEvent.objects.select_related("actor")[:8],
        )
    for part in PARTS.values():
        context.update(part(viewer))
    context["colleagues"] = user_list(viewer=viewer, organisation=viewer.organisation).filter(
        is_active=True
    )
    return context
