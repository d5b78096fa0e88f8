"""Who may see the indicator dashboard and the records behind a figure, and override a status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from benvung.accounts.permissions import is_coordinator

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User


def can_view_indicator_dashboard(user: User | AnonymousUser | None) -> bool:
    """The dashboard (drafts counted) and each target's page; the public see the portal."""
    return is_coordinator(user)


def can_view_result_inputs(user: User | AnonymousUser | None) -> bool:
    """The records a figure came from name enterprises and outlets: coordinators only."""
    return is_coordinator(user)


def can_override_status(user: User | AnonymousUser | None) -> bool:
    """Set or withdraw the coordinator's status of a target for a year."""
    return is_coordinator(user)
