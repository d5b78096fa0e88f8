"""Who may do what with energy and materials data (predicates shared by views and the menu)."""

from __future__ import annotations

from typing import Any

from benvung.accounts.models import Role
from benvung.accounts.permissions import _role, is_coordinator


def can_use_resources(user: Any) -> bool:
    """See the energy and materials pages: coordinators (all sites), enterprise users (theirs)."""
    return is_coordinator(user) or _role(user) == Role.ENTERPRISE_USER
