"""Reads of the official documents, scoped to the viewer."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from benvung.accounts.permissions import _role, is_coordinator
from benvung.reporting.models import AgencyReport

from .models import AnnualReportText, GeneratedDocument, RegisteredNumber


def document_list(*, viewer: Any) -> QuerySet[GeneratedDocument]:
    """Coordinators see every document; others those their organisation issued."""
    qs = GeneratedDocument.objects.select_related(
        "number", "cycle__plan", "issuer", "author", "agency_report"
    )
    if is_coordinator(viewer):
        return qs
    if _role(viewer) is None:
        return qs.none()
    return qs.filter(issuer_id=viewer.organisation_id)


def register_list(*, viewer: Any) -> QuerySet[RegisteredNumber]:
    qs = RegisteredNumber.objects.select_related("issuer", "reserved_by")
    if is_coordinator(viewer):
        return qs
    if _role(viewer) is None:
        return qs.none()
    return qs.filter(issuer_id=viewer.organisation_id)


def reports_to_generate(*, viewer: Any) -> QuerySet[AgencyReport]:
    """Accepted reports the viewer may turn into its agency's document."""
    qs = AgencyReport.objects.filter(state=AgencyReport.State.ACCEPTED).select_related(
        "cycle__plan", "agency"
    )
    if is_coordinator(viewer):
        return qs
    if _role(viewer) is None:
        return qs.none()
    return qs.filter(agency_id=viewer.organisation_id)


def annual_text_of(cycle: Any) -> AnnualReportText | None:
    return AnnualReportText.objects.filter(cycle=cycle).select_related("updated_by").first()
