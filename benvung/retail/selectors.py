"""Reads of the packaging surveys, scoped to who is asking."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from benvung.accounts.permissions import active_user
from benvung.directory.models import Organisation, RetailOutlet

from . import permissions
from .models import PackagingSurvey

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User


def survey_list(
    *, viewer: User | AnonymousUser, year: int | None = None, outlet_type: str | None = None
) -> QuerySet[PackagingSurvey]:
    """Surveys the viewer may read: coordinators all; others those their organisation
    recorded, and a retail outlet also the surveys of itself (whoever recorded them)."""
    qs = PackagingSurvey.objects.select_related("outlet", "owner")
    if not permissions.can_view_every_survey(viewer):
        user = active_user(viewer)
        if user is None:
            return qs.none()
        qs = qs.filter(Q(owner_id=user.organisation_id) | Q(outlet_id=user.organisation_id))
    if year is not None:
        qs = qs.filter(year=year)
    if outlet_type:
        qs = qs.filter(outlet__outlet_type=outlet_type)
    return qs


def surveys_recorded_by(*, organisation: Organisation, year: int) -> QuerySet[PackagingSurvey]:
    """The surveys an organisation recorded for a year (its agency report lists them)."""
    return PackagingSurvey.objects.filter(owner=organisation, year=year).select_related("outlet")


def outlets_for(*, viewer: User | AnonymousUser) -> QuerySet[RetailOutlet]:
    """The outlets whose survey the viewer may record."""
    qs = RetailOutlet.objects.order_by("name")
    if permissions.can_survey_every_outlet(viewer):
        return qs
    user = active_user(viewer)
    if user is None:
        return qs.none()
    # The viewer's own outlet, if it may record its survey (a retail reporter).
    own = qs.filter(pk=user.organisation_id).first()
    return qs.filter(pk=own.pk) if own and permissions.can_record_survey(user, own) else qs.none()


def survey_years(*, viewer: User | AnonymousUser) -> list[int]:
    return sorted(set(survey_list(viewer=viewer).values_list("year", flat=True)), reverse=True)
