"""Roles: what a user is in the system. A registry that apps fill, not a fixed list.

Accounts registers the generic roles in its `hooks.py`; a domain app registers its own in its
`hooks.py` (retail: the retail reporter), so a new role needs no edit and no migration here: the
role columns take their choices from this registry (Django's callable `choices`).

A user holds one or more roles (`RoleGrant`); each app's predicates ask `user.has_role(...)`,
so a user with several roles may do what any of them allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from benvung.core.registry import Registry

# The generic roles' keys (stored in RoleGrant.role and Invitation.role).
SYSTEM_ADMIN = "system_admin"
COORDINATOR = "coordinator"
AGENCY_REPORTER = "agency_reporter"
ENTERPRISE_USER = "enterprise_user"

# Ranks order a user's roles (the highest chooses the home page); the generic ones leave room.
RANK_MEMBER = 0
RANK_COORDINATOR = 20
RANK_SYSTEM_ADMIN = 30


@dataclass(frozen=True)
class Role:
    key: str
    label: str | Promise
    # Organisation.Kind value of the organisations whose users may hold it.
    organisation_kind: str
    rank: int = RANK_MEMBER
    # Administrator roles see and manage every organisation; only a system administrator
    # may manage a user who holds one.
    administrator: bool = False
    # Only users of the agency that coordinates the plan may hold it.
    coordinating_agency_only: bool = False
    # The page a user lands on after signing in (the highest-ranked role's).
    home_template: str = "accounts/home_agency.html"


registry: Registry[Role] = Registry("role")


def register(role: Role) -> Role:
    return registry.register(role.key, role)


def get(key: str) -> Role | None:
    return registry.get(key) if key in registry else None


def label(key: str) -> str | Promise:
    """The role's name; a key no app registers any more shows as itself."""
    role = get(key)
    return role.label if role is not None else key


def choices() -> list[tuple[str, str | Promise]]:
    """Every registered role, for the role columns and forms (callable choices)."""
    return [(role.key, role.label) for role in registry.values()]


def ordered(keys: frozenset[str] | set[str] | list[str]) -> list[str]:
    """Keys from the highest rank down (then by key), unknown keys last."""
    rank = {role.key: role.rank for role in registry.values()}
    return sorted(keys, key=lambda k: (k not in rank, -rank.get(k, 0), k))


def generic_roles() -> list[Role]:
    """The roles accounts itself defines (registered from accounts/hooks.py)."""
    return [
        Role(
            SYSTEM_ADMIN,
            _("system administrator"),
            "agency",
            rank=RANK_SYSTEM_ADMIN,
            administrator=True,
            home_template="accounts/home_system_admin.html",
        ),
        Role(
            COORDINATOR,
            _("coordinator"),
            "agency",
            rank=RANK_COORDINATOR,
            administrator=True,
            coordinating_agency_only=True,
            home_template="accounts/home_coordinator.html",
        ),
        Role(
            AGENCY_REPORTER,
            _("agency reporter"),
            "agency",
            home_template="accounts/home_agency.html",
        ),
        Role(
            ENTERPRISE_USER,
            _("enterprise user"),
            "enterprise",
            home_template="accounts/home_enterprise.html",
        ),
    ]
