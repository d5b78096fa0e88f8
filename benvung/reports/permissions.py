"""Who may generate and read official documents (predicates shared by services and views)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from benvung.accounts import roles
from benvung.accounts.permissions import belongs_to, has_role, has_role_in, is_coordinator

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User
    from benvung.directory.models import Organisation
    from benvung.reporting.models import AgencyReport

    from .models import GeneratedDocument


def can_list_documents(user: User | AnonymousUser | None) -> bool:
    """See the official documents: coordinators, and agency reporters (their agency's)."""
    return is_coordinator(user) or has_role(user, roles.AGENCY_REPORTER)


def can_view_every_document(user: User | AnonymousUser | None) -> bool:
    """Every issuer's documents and numbers; others see their own organisation's."""
    return is_coordinator(user)


def can_take_number(user: User | AnonymousUser | None, issuer: Organisation) -> bool:
    """Take the next number of an issuer's register: its own users, and the coordinators."""
    return is_coordinator(user) or belongs_to(user, issuer)


def can_generate_annual(user: User | AnonymousUser | None) -> bool:
    """The annual synthesis report is the coordinator's."""
    return is_coordinator(user)


def can_edit_annual_text(user: User | AnonymousUser | None) -> bool:
    return is_coordinator(user)


def can_generate_agency_report(user: User | AnonymousUser | None, report: AgencyReport) -> bool:
    """An agency's report: its own reporters, or the coordinator on its behalf."""
    return is_coordinator(user) or has_role_in(user, report.agency_id, roles.AGENCY_REPORTER)


def can_view_document(user: User | AnonymousUser | None, document: GeneratedDocument) -> bool:
    return is_coordinator(user) or belongs_to(user, document.issuer_id)


def can_regenerate(user: User | AnonymousUser | None, document: GeneratedDocument) -> bool:
    if document.kind == "annual":
        return can_generate_annual(user)
    report = document.agency_report
    if report is None:
        return is_coordinator(user)
    return can_generate_agency_report(user, report)


def can_issue(user: User | AnonymousUser | None, document: GeneratedDocument) -> bool:
    """Issuing a draft (taking a number of the issuer's register): who may make the document."""
    return can_regenerate(user, document)
