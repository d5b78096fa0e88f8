"""Reads of the packaging surveys, scoped to who is asking."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from benvung.accounts import permissions
from benvung.accounts.models import Role
from benvung.directory.models import Organisation, RetailOutlet

from .models import PackagingSurvey


def survey_list(
    *, viewer: Any, year: int | None = None, outlet_type: str | None = None
) -> QuerySet[PackagingSurvey]:
    """Surveys the viewer may read: coordinators all; others those their organisation
    recorded, and a retail outlet also the surveys of itself (whoever recorded them)."""
    qs = PackagingSurvey.objects.select_related("outlet", "owner")
    if not permissions.is_coordinator(viewer):
        organisation_id = getattr(viewer, "organisation_id", None)
        if not getattr(viewer, "is_authenticated", False) or organisation_id is None:
            return qs.none()
        qs = qs.filter(Q(owner_id=organisation_id) | Q(outlet_id=organisation_id))
    if year is not None:
        qs = qs.filter(year=year)
    if outlet_type:
        qs = qs.filter(outlet__outlet_type=outlet_type)
    return qs


def surveys_recorded_by(*, organisation: Organisation, year: int) -> QuerySet[PackagingSurvey]:
    """The surveys an organisation recorded for a year (its agency report lists them)."""
    return PackagingSurvey.objects.filter(owner=organisation, year=year).select_related("outlet")


def outlets_for(*, viewer: Any) -> QuerySet[RetailOutlet]:
    """The outlets whose survey the viewer may record."""
    qs = RetailOutlet.objects.order_by("name")
    if permissions.is_coordinator(viewer) or getattr(viewer, "role", None) == Role.AGENCY_REPORTER:
        return qs
    if getattr(viewer, "role", None) == Role.RETAIL_REPORTER:
        return qs.filter(pk=viewer.organisation_id)
    return qs.none()


def survey_years(*, viewer: Any) -> list[int]:
    return sorted(set(survey_list(viewer=viewer).values_list("year", flat=True)), reverse=True)
