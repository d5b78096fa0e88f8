"""What the directory shows on the home pages (registered in hooks.py; see accounts.home)."""

from __future__ import annotations

from typing import Any, cast

from django.utils import timezone

from benvung.accounts import permissions, roles
from benvung.accounts.models import User
from benvung.core.models import SuccessionStatus

from . import selectors
from .models import Enterprise, IndustrialArea, OrganisationSuccession, Site


def home_part(viewer: User) -> dict[str, Any]:
    org = viewer.organisation.specific
    context: dict[str, Any] = {}
    if permissions.is_coordinator(viewer):
        context.update(
            counts=selectors.organisation_counts(viewer=viewer),
            site_count=Site.objects.valid_on(timezone.localdate()).count(),
            unconfirmed_areas=IndustrialArea.objects.filter(
                confirmation=IndustrialArea.Confirmation.UNOFFICIAL
            ).count(),
            unconfirmed_successions=OrganisationSuccession.objects.filter(
                status=SuccessionStatus.TO_BE_CONFIRMED
            ).count(),
            focus_sectors=selectors.enterprise_count_by_focus_sector(),
        )
    if viewer.has_role(roles.ENTERPRISE_USER):
        # An enterprise user's organisation is an enterprise (the role's organisation kind).
        enterprise = cast(Enterprise, org)
        context.update(
            sites=selectors.site_list(viewer=viewer, enterprise=enterprise),
            sectors=selectors.enterprise_sectors(enterprise),
        )
    if viewer.has_role(roles.AGENCY_REPORTER, roles.COORDINATOR, roles.SYSTEM_ADMIN):
        context.update(predecessors=selectors.predecessors_of(org))
    return context
