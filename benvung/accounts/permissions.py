"""Who may do what: small predicates used by selectors, services and templates alike."""

from __future__ import annotations

from typing import Any

from .models import Role


def _role(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return getattr(user, "role", None)


def is_system_admin(user: Any) -> bool:
    return _role(user) == Role.SYSTEM_ADMIN


def is_coordinator(user: Any) -> bool:
    """Coordinators (and system administrators) see and manage every organisation."""
    return _role(user) in (Role.COORDINATOR, Role.SYSTEM_ADMIN)


def belongs_to(user: Any, organisation: Any) -> bool:
    return _role(user) is not None and user.organisation_id == organisation.pk


def can_view_organisation(user: Any, organisation: Any) -> bool:
    return is_coordinator(user) or belongs_to(user, organisation)


def can_manage_organisations(user: Any) -> bool:
    """Create organisations, end them, record successors, change identifiers."""
    return is_coordinator(user)


def can_edit_organisation_profile(user: Any, organisation: Any) -> bool:
    """Contact details and sectors: the organisation's own users may keep them up to date."""
    return is_coordinator(user) or belongs_to(user, organisation)


def can_manage_sites(user: Any, enterprise: Any) -> bool:
    return is_coordinator(user) or (
        belongs_to(user, enterprise) and _role(user) == Role.ENTERPRISE_USER
    )


def can_invite_users(user: Any, organisation: Any | None = None) -> bool:
    return is_coordinator(user)


def can_grant_role(user: Any, role: str) -> bool:
    """Only a system administrator makes system administrators (they get Django admin)."""
    if role == Role.SYSTEM_ADMIN:
        return is_system_admin(user)
    return is_coordinator(user)


def can_manage_user(user: Any, other: Any) -> bool:
    """Deactivate or reactivate an account: never one's own, nor one of equal or higher rank."""
    if user is None or user.pk == other.pk:
        return False
    if other.role in (Role.SYSTEM_ADMIN, Role.COORDINATOR):
        return is_system_admin(user)
    return is_coordinator(user)


def can_view_audit(user: Any) -> bool:
    return is_coordinator(user)


def can_confirm_reference_data(user: Any) -> bool:
    return is_coordinator(user)


# --- Reporting -------------------------------------------------------------------------------


def can_manage_cycles(user: Any) -> bool:
    """Create, open, close reporting cycles; review reports; consolidate."""
    return is_coordinator(user)


def can_view_report(user: Any, report: Any) -> bool:
    return is_coordinator(user) or (
        _role(user) is not None and user.organisation_id == report.agency_id
    )


def can_write_report(user: Any, agency: Any) -> bool:
    """Prepare and submit the report of `agency`: its own reporters (and coordinators on its
    behalf, e.g. when a paper report arrives)."""
    return is_coordinator(user) or (
        _role(user) == Role.AGENCY_REPORTER and user.organisation_id == agency.pk
    )


# --- Retail ----------------------------------------------------------------------------------


def can_use_retail(user: Any) -> bool:
    """See the packaging survey pages: coordinators, agency reporters and retail reporters."""
    return _role(user) in (
        Role.COORDINATOR,
        Role.SYSTEM_ADMIN,
        Role.AGENCY_REPORTER,
        Role.RETAIL_REPORTER,
    )


def can_record_survey(user: Any, outlet: Any) -> bool:
    """Record an outlet's packaging survey: agency reporters and coordinators for any outlet
    (they survey them), a retail reporter only for its own outlet."""
    role = _role(user)
    if role in (Role.COORDINATOR, Role.SYSTEM_ADMIN, Role.AGENCY_REPORTER):
        return True
    return role == Role.RETAIL_REPORTER and user.organisation_id == outlet.pk


def can_view_survey(user: Any, survey: Any) -> bool:
    return is_coordinator(user) or (
        _role(user) is not None and user.organisation_id in (survey.owner_id, survey.outlet_id)
    )


def can_edit_survey(user: Any, survey: Any) -> bool:
    """Change or delete a survey: the organisation that recorded it (its reporters), the
    outlet's own retail reporters, coordinators."""
    role = _role(user)
    if role in (Role.COORDINATOR, Role.SYSTEM_ADMIN):
        return True
    if role == Role.RETAIL_REPORTER:
        return user.organisation_id == survey.outlet_id
    return role == Role.AGENCY_REPORTER and user.organisation_id == survey.owner_id


# --- Outreach ------------------------------------------------------------------------------


def can_record_activities(user: Any) -> bool:
    """Record outreach activities at all: agency reporters (for their agency) and coordinators."""
    return is_coordinator(user) or _role(user) == Role.AGENCY_REPORTER


def can_record_activity(user: Any, owner: Any) -> bool:
    """Record an activity that `owner` answers for."""
    return is_coordinator(user) or (
        _role(user) == Role.AGENCY_REPORTER and user.organisation_id == owner.pk
    )


def can_edit_activity(user: Any, activity: Any) -> bool:
    """Change, delete: the users of the organisation that recorded it, and coordinators."""
    return can_record_activity(user, activity.owner)


def can_record_scp_models(user: Any) -> bool:
    """Record SCP models at all: enterprises (their own), agency reporters, coordinators."""
    return is_coordinator(user) or _role(user) in (Role.AGENCY_REPORTER, Role.ENTERPRISE_USER)


def can_record_scp_model(user: Any, *, owner: Any, organisation: Any) -> bool:
    """Record a model of `organisation` that `owner` answers for: an enterprise only its own
    models, an agency reporter any enterprise's for its agency, a coordinator anything."""
    if is_coordinator(user):
        return True
    role = _role(user)
    if role == Role.AGENCY_REPORTER:
        return user.organisation_id == owner.pk
    if role == Role.ENTERPRISE_USER:
        return user.organisation_id == owner.pk == organisation.pk
    return False


def can_edit_scp_model(user: Any, model: Any) -> bool:
    """Change, delete: the recording organisation's users (enterprise or agency), coordinators."""
    if is_coordinator(user):
        return True
    return _role(user) in (Role.AGENCY_REPORTER, Role.ENTERPRISE_USER) and (
        user.organisation_id == model.owner_id
    )


def can_review_scp_model(user: Any, model: Any | None = None) -> bool:
    """Verify a model or not accept it: the coordinators only."""
    return is_coordinator(user)
