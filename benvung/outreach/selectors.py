"""Reads of outreach activities and SCP models, scoped to who is looking."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from benvung.accounts.permissions import active_user
from benvung.core.models import AuditEvent
from benvung.directory.models import Organisation

from . import permissions
from .models import OutreachActivity, SCPModel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User


def activity_list(
    *,
    viewer: User | AnonymousUser,
    year: int | None = None,
    kind: str = "",
    organiser: Organisation | int | None = None,
) -> QuerySet[OutreachActivity]:
    """Activities the viewer may read: coordinators all, others those their organisation
    recorded."""
    qs = OutreachActivity.objects.select_related("owner", "organiser")
    if not permissions.can_view_every_record(viewer):
        user = active_user(viewer)
        if user is None:
            return qs.none()
        qs = qs.filter(owner_id=user.organisation_id)
    if year:
        qs = qs.filter(start_date__year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if organiser:
        qs = qs.filter(organiser=organiser)
    return qs


def activity_years(*, viewer: User | AnonymousUser) -> list[int]:
    return sorted(
        {d.year for d in activity_list(viewer=viewer).values_list("start_date", flat=True)},
        reverse=True,
    )


def activity_organisers(*, viewer: User | AnonymousUser) -> QuerySet[Organisation]:
    """The organisers of the activities the viewer may read (for the list's filter)."""
    ids = activity_list(viewer=viewer).values("organiser_id")
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def scp_model_list(
    *,
    viewer: User | AnonymousUser,
    year: int | None = None,
    kind: str = "",
    state: str = "",
) -> QuerySet[SCPModel]:
    """Models the viewer may read: coordinators all; others those their organisation recorded,
    and an enterprise also the models recorded about it."""
    qs = SCPModel.objects.select_related("owner", "organisation", "site")
    if not permissions.can_view_every_record(viewer):
        user = active_user(viewer)
        if user is None:
            return qs.none()
        qs = qs.filter(Q(owner_id=user.organisation_id) | Q(organisation_id=user.organisation_id))
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    return qs


def scp_model_years(*, viewer: User | AnonymousUser) -> list[int]:
    return sorted(set(scp_model_list(viewer=viewer).values_list("year", flat=True)), reverse=True)


def verified_scp_models(*, year: int | None = None, kind: str = "") -> QuerySet[SCPModel]:
    """Models the coordinator verified: public, for the portal's catalogue."""
    qs = SCPModel.objects.filter(state=SCPModel.State.VERIFIED).select_related(
        "organisation", "site"
    )
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def activities_recorded_by(*, organisation: Organisation, year: int) -> QuerySet[OutreachActivity]:
    """What an agency recorded for the year, for its report (activities started that year)."""
    return (
        OutreachActivity.objects.filter(owner=organisation, start_date__year=year)
        .select_related("organiser")
        .prefetch_related("industrial_areas", "administrative_units")
        .order_by("start_date", "id")
    )


def scp_models_recorded_by(*, organisation: Organisation, year: int) -> QuerySet[SCPModel]:
    return (
        SCPModel.objects.filter(owner=organisation, year=year)
        .select_related("organisation")
        .order_by("title", "id")
    )


def review_history(model: SCPModel) -> QuerySet[AuditEvent]:
    """The model's audit trail (proposals, changes, reviews), newest first."""
    from django.contrib.contenttypes.models import ContentType

    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(SCPModel),
        target_id=str(model.pk),
    ).order_by("-created_at", "-id")
