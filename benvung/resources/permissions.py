"""Who may see and record enterprises' consumption and output, and the province's figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from benvung.accounts import roles
from benvung.accounts.permissions import has_role, is_coordinator
from benvung.directory.permissions import can_confirm_reference_data, can_manage_sites

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User
    from benvung.directory.models import Site


def can_view_every_site_year(user: User | AnonymousUser | None) -> bool:
    """Every enterprise's sites and site years; an enterprise's users see their own."""
    return is_coordinator(user)


def can_view_efficiency(user: User | AnonymousUser | None) -> bool:
    """The province's figures by enterprise and sector (the overview, its export, the API)."""
    return is_coordinator(user)


def can_import_consumption(user: User | AnonymousUser | None) -> bool:
    """Upload a consumption workbook: enterprises (for their own sites) and coordinators."""
    return is_coordinator(user) or has_role(user, roles.ENTERPRISE_USER)


def can_view_every_import(user: User | AnonymousUser | None) -> bool:
    """Every uploaded workbook; others see the ones they uploaded."""
    return is_coordinator(user)


def can_write_site(user: User | AnonymousUser | None, site: Site) -> bool:
    """Enter, change and submit a site's consumption and output: the enterprise's users (as
    for its sites in the directory) and coordinators."""
    return can_manage_sites(user, site.enterprise)


def can_correct_factors_and_norms(user: User | AnonymousUser | None) -> bool:
    """Conversion factors and energy norms are reference data, kept by the coordinators."""
    return can_confirm_reference_data(user)


def can_use_resources(user: User | AnonymousUser | None) -> bool:
    """See the energy and materials pages: coordinators (all sites), enterprise users (theirs)."""
    return is_coordinator(user) or has_role(user, roles.ENTERPRISE_USER)
