"""Who may do what in the yearly reporting (predicates shared by views and the menu)."""

from __future__ import annotations

from typing import Any

from benvung.accounts.models import Role
from benvung.accounts.permissions import _role, is_coordinator


def can_follow_reporting(user: Any) -> bool:
    """See the yearly reporting cycles: coordinators, and agency reporters (their reports)."""
    return is_coordinator(user) or _role(user) == Role.AGENCY_REPORTER
