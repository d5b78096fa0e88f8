"""Who may read and change the directory: organisations, sites, reference data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from benvung.accounts import roles
from benvung.accounts.permissions import belongs_to, has_role_in, is_active_user, is_coordinator

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User

    from .models import Enterprise, Organisation


def can_view_every_organisation(user: User | AnonymousUser | None) -> bool:
    """Lists and counts of all organisations and sites; others see their own organisation."""
    return is_coordinator(user)


def can_view_organisation(user: User | AnonymousUser | None, organisation: Organisation) -> bool:
    return is_coordinator(user) or belongs_to(user, organisation)


def can_manage_organisations(user: User | AnonymousUser | None) -> bool:
    """Create organisations, end them, record successors, change identifiers."""
    return is_coordinator(user)


def can_edit_organisation_profile(
    user: User | AnonymousUser | None, organisation: Organisation
) -> bool:
    """Contact details and sectors: the organisation's own users may keep them up to date."""
    return is_coordinator(user) or belongs_to(user, organisation)


def can_manage_sites(user: User | AnonymousUser | None, enterprise: Enterprise) -> bool:
    return is_coordinator(user) or has_role_in(user, enterprise, roles.ENTERPRISE_USER)


def can_confirm_reference_data(user: User | AnonymousUser | None) -> bool:
    """Industrial areas, successions, norms: the coordinators keep the reference data."""
    return is_coordinator(user)


def sees_only_own_organisation(user: User | AnonymousUser | None) -> bool:
    """Signed-in users other than coordinators see their own organisation, not the list."""
    return is_active_user(user) and not can_view_every_organisation(user)
