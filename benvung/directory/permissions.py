"""Who may do what in the directory (predicates shared by views and the menu)."""

from __future__ import annotations

from typing import Any

from benvung.accounts.permissions import _role, can_manage_organisations


def sees_only_own_organisation(user: Any) -> bool:
    """Signed-in users other than coordinators see their own organisation, not the list."""
    return _role(user) is not None and not can_manage_organisations(user)
