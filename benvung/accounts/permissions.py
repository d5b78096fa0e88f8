"""Who may do what: the base predicates every app builds on, and accounts' own.

Each app keeps the predicates of its own actions in `benvung/<app>/permissions.py`, built on
these; services, selectors, views and the API ask those predicates and nothing else. A user may
hold several roles: a predicate asks `has_role(...)`, so each role adds what it allows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

from . import roles

if TYPE_CHECKING:
    from django.db.models import Model

    from .models import User


def active_user(user: User | AnonymousUser | None) -> User | None:
    """The signed-in, active user, or None (anonymous, deactivated)."""
    if user is None or isinstance(user, AnonymousUser):
        return None
    if not user.is_authenticated or not user.is_active:
        return None
    return user


def is_active_user(user: User | AnonymousUser | None) -> bool:
    return active_user(user) is not None


def has_role(user: User | AnonymousUser | None, *keys: str) -> bool:
    """An active user holding one of these roles."""
    active = active_user(user)
    return active is not None and active.has_role(*keys)


def is_system_admin(user: User | AnonymousUser | None) -> bool:
    return has_role(user, roles.SYSTEM_ADMIN)


def is_coordinator(user: User | AnonymousUser | None) -> bool:
    """Coordinators (and system administrators) see and manage every organisation."""
    return has_role(user, roles.COORDINATOR, roles.SYSTEM_ADMIN)


def belongs_to(user: User | AnonymousUser | None, organisation: Model | int | None) -> bool:
    """An active user of this organisation (given as itself or its id), whatever its roles."""
    active = active_user(user)
    if active is None or organisation is None:
        return False
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    return active.organisation_id == organisation_id


def has_role_in(
    user: User | AnonymousUser | None, organisation: Model | int | None, *keys: str
) -> bool:
    """An active user of this organisation holding one of these roles."""
    return belongs_to(user, organisation) and has_role(user, *keys)


# --- Users and invitations --------------------------------------------------------------------


def can_view_every_user(user: User | AnonymousUser | None) -> bool:
    """Others see the accounts of their own organisation only."""
    return is_coordinator(user)


def can_invite_users(user: User | AnonymousUser | None, organisation: object | None = None) -> bool:
    return is_coordinator(user)


def can_grant_role(user: User | AnonymousUser | None, role: str) -> bool:
    """Only a system administrator makes system administrators (they get Django admin)."""
    if role == roles.SYSTEM_ADMIN:
        return is_system_admin(user)
    return is_coordinator(user)


def can_manage_user(user: User | AnonymousUser | None, other: User) -> bool:
    """Deactivate or reactivate an account: never one's own, and a holder of an administrator
    role only by a system administrator."""
    if user is None or user.pk == other.pk:
        return False
    if any((role := roles.get(key)) is not None and role.administrator for key in other.roles):
        return is_system_admin(user)
    return is_coordinator(user)


def can_change_roles_of(user: User | AnonymousUser | None, other: User) -> bool:
    """Grant or take back roles: as for (de)activating the account, and a system administrator
    (in the Django admin) for anyone, themself included."""
    return is_system_admin(user) or can_manage_user(user, other)


def can_view_audit(user: User | AnonymousUser | None) -> bool:
    return is_coordinator(user)
