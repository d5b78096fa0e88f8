"""Who may run the yearly reporting cycle, and read and write agencies' reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from benvung.accounts import roles
from benvung.accounts.permissions import belongs_to, has_role, has_role_in, is_coordinator

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User
    from benvung.directory.models import Organisation

    from .models import AgencyReport


def can_manage_cycles(user: User | AnonymousUser | None) -> bool:
    """Create, open, close reporting cycles; review reports; consolidate."""
    return is_coordinator(user)


def can_view_every_report(user: User | AnonymousUser | None) -> bool:
    """Every agency's reports, and the cycles still in preparation."""
    return is_coordinator(user)


def can_view_report(user: User | AnonymousUser | None, report: AgencyReport) -> bool:
    return can_view_every_report(user) or belongs_to(user, report.agency_id)


def can_write_report(user: User | AnonymousUser | None, agency: Organisation) -> bool:
    """Prepare and submit the report of `agency`: its own reporters (and coordinators on its
    behalf, e.g. when a paper report arrives)."""
    return is_coordinator(user) or has_role_in(user, agency, roles.AGENCY_REPORTER)


def can_follow_reporting(user: User | AnonymousUser | None) -> bool:
    """See the yearly reporting cycles: coordinators, and agency reporters (their reports)."""
    return is_coordinator(user) or has_role(user, roles.AGENCY_REPORTER)
