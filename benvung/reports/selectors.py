"""Reads of the official documents, scoped to the viewer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from benvung.accounts.permissions import active_user
from benvung.reporting.models import AgencyReport

from . import permissions
from .models import AnnualReportText, GeneratedDocument, RegisteredNumber

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User


def document_list(*, viewer: User | AnonymousUser) -> QuerySet[GeneratedDocument]:
    """Coordinators see every document; others those their organisation issued."""
    qs = GeneratedDocument.objects.select_related(
        "number", "cycle__plan", "issuer", "author", "agency_report"
    )
    if permissions.can_view_every_document(viewer):
        return qs
    if (user := active_user(viewer)) is None:
        return qs.none()
    return qs.filter(issuer_id=user.organisation_id)


def register_list(*, viewer: User | AnonymousUser) -> QuerySet[RegisteredNumber]:
    qs = RegisteredNumber.objects.select_related("issuer", "reserved_by")
    if permissions.can_view_every_document(viewer):
        return qs
    if (user := active_user(viewer)) is None:
        return qs.none()
    return qs.filter(issuer_id=user.organisation_id)


def reports_to_generate(*, viewer: User | AnonymousUser) -> QuerySet[AgencyReport]:
    """Accepted reports the viewer may turn into its agency's document."""
    qs = AgencyReport.objects.filter(state=AgencyReport.State.ACCEPTED).select_related(
        "cycle__plan", "agency"
    )
    if permissions.can_view_every_document(viewer):
        return qs
    if (user := active_user(viewer)) is None:
        return qs.none()
    return qs.filter(agency_id=user.organisation_id)


def annual_text_of(cycle: Any) -> AnnualReportText | None:
    return AnnualReportText.objects.filter(cycle=cycle).select_related("updated_by").first()


def issued_from(draft: GeneratedDocument) -> GeneratedDocument | None:
    """The document issued from a draft (not its regenerations), if it was issued."""
    return (
        GeneratedDocument.objects.filter(from_draft=draft, regenerated_from__isnull=True)
        .select_related("number")
        .first()
    )


def with_issued(drafts: Iterable[GeneratedDocument]) -> list[GeneratedDocument]:
    """The drafts, each with `issued` set: the document issued from it, or None (one query)."""
    drafts = list(drafts)
    issued = {
        d.from_draft_id: d
        for d in GeneratedDocument.objects.filter(
            from_draft__in=drafts, regenerated_from__isnull=True
        ).select_related("number")
    }
    for draft in drafts:
        draft.issued = issued.get(draft.pk)  # type: ignore[attr-defined]
    return drafts


@dataclass
class Requirement:
    """Something an annual report needs before it is issued, and whether it has it."""

    field: str  # the annual text's field that holds it
    label: str
    met: bool
    url: str


def issue_requirements(document: GeneratedDocument) -> list[Requirement]:
    """What the issue form lists for an annual report: the drafting unit and the signer's name
    (checked again by the service), with where to write them."""
    if document.kind != GeneratedDocument.Kind.ANNUAL:
        return []
    text = annual_text_of(document.cycle)
    url = reverse("reports:annual_text", args=[document.cycle_id])
    signature = document.snapshot.get("signature") or {}
    return [
        Requirement(
            "drafting_unit",
            _("Drafting unit (after “Lưu: VT,”)"),
            bool(text and text.drafting_unit.strip()),
            url,
        ),
        # The draft's own signer: a name entered since the draft was made needs a new draft.
        Requirement(
            "signer_name", _("Signer's name"), bool(str(signature.get("name", "")).strip()), url
        ),
    ]
