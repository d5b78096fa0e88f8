"""Who may generate and read official documents (predicates shared by services and views)."""

from __future__ import annotations

from typing import Any

from benvung.accounts.models import Role
from benvung.accounts.permissions import _role, belongs_to, is_coordinator


def can_list_documents(user: Any) -> bool:
    """See the official documents: coordinators, and agency reporters (their agency's)."""
    return is_coordinator(user) or _role(user) == Role.AGENCY_REPORTER


def can_generate_annual(user: Any) -> bool:
    """The annual synthesis report is the coordinator's."""
    return is_coordinator(user)


def can_edit_annual_text(user: Any) -> bool:
    return is_coordinator(user)


def can_generate_agency_report(user: Any, report: Any) -> bool:
    """An agency's report: its own reporters, or the coordinator on its behalf."""
    return is_coordinator(user) or (
        _role(user) == Role.AGENCY_REPORTER and user.organisation_id == report.agency_id
    )


def can_view_document(user: Any, document: Any) -> bool:
    return is_coordinator(user) or belongs_to(user, document.issuer)


def can_regenerate(user: Any, document: Any) -> bool:
    if document.kind == "annual":
        return can_generate_annual(user)
    return can_generate_agency_report(user, document.agency_report)


def can_issue(user: Any, document: Any) -> bool:
    """Issuing a draft (taking a number of the issuer's register): who may make the document."""
    return can_regenerate(user, document)
