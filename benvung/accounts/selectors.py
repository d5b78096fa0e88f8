"""Reads about users and invitations, scoped to the viewer; the data behind each home page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db.models import QuerySet
from django.utils import timezone

from benvung.core.models import AuditEvent, SuccessionStatus
from benvung.directory import selectors as directory
from benvung.directory.models import (
    Enterprise,
    IndustrialArea,
    OrganisationSuccession,
    Site,
)

from . import permissions, roles
from .models import Invitation, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def user_list(*, viewer: User | AnonymousUser, organisation: Any = None) -> QuerySet[User]:
    """Coordinators see every account; others see the accounts of their own organisation."""
    if permissions.can_view_every_user(viewer):
        qs = User.objects.all()
    elif (user := permissions.active_user(viewer)) is not None:
        qs = User.objects.filter(organisation_id=user.organisation_id)
    else:
        return User.objects.none()
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.select_related("organisation").prefetch_related("role_grants")


def invitation_list(
    *, viewer: User | AnonymousUser, organisation: Any = None
) -> QuerySet[Invitation]:
    if not permissions.can_invite_users(viewer):
        return Invitation.objects.none()
    qs = Invitation.objects.select_related("organisation", "invited_by")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs


def home_context(*, viewer: User) -> dict[str, Any]:
    org = viewer.organisation.specific
    context: dict[str, Any] = {"organisation": org}
    if permissions.is_coordinator(viewer):
        now = timezone.now()
        context.update(
            counts=directory.organisation_counts(viewer=viewer),
            site_count=Site.objects.valid_on(timezone.localdate()).count(),
            user_count=User.objects.filter(is_active=True).count(),
            pending_invitations=Invitation.objects.filter(
                accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
            ).count(),
            unconfirmed_areas=IndustrialArea.objects.filter(
                confirmation=IndustrialArea.Confirmation.UNOFFICIAL
            ).count(),
            unconfirmed_successions=OrganisationSuccession.objects.filter(
                status=SuccessionStatus.TO_BE_CONFIRMED
            ).count(),
            focus_sectors=directory.enterprise_count_by_focus_sector(),
            recent_events=AuditEvent.objects.select_related("actor")[:8],
        )
    if viewer.has_role(roles.ENTERPRISE_USER):
        # An enterprise user's organisation is an enterprise (the role's organisation kind).
        enterprise = cast(Enterprise, org)
        context.update(
            sites=directory.site_list(viewer=viewer, enterprise=enterprise),
            sectors=directory.enterprise_sectors(enterprise),
        )
    if viewer.has_role(roles.AGENCY_REPORTER, roles.COORDINATOR, roles.SYSTEM_ADMIN):
        context.update(predecessors=directory.predecessors_of(org))
    from benvung.reporting.models import AgencyReport, ReportingCycle

    open_cycles = list(ReportingCycle.objects.filter(state=ReportingCycle.State.OPEN))
    mine = {
        r.cycle_id: r
        for r in AgencyReport.objects.filter(cycle__in=open_cycles, agency=viewer.organisation)
    }
    context["open_cycles"] = [(c, mine.get(c.pk)) for c in open_cycles]
    context["colleagues"] = user_list(viewer=viewer, organisation=viewer.organisation).filter(
        is_active=True
    )
    return context
