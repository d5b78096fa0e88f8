"""Who may record and review outreach activities and SCP models."""

from __future__ import annotations

from typing import TYPE_CHECKING

from benvung.accounts import roles
from benvung.accounts.permissions import belongs_to, has_role, has_role_in, is_coordinator

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User
    from benvung.directory.models import Organisation

    from .models import OutreachActivity, SCPModel


def can_view_every_record(user: User | AnonymousUser | None) -> bool:
    """Every organisation's activities and models; others see their own organisation's."""
    return is_coordinator(user)


def can_record_for_another_organisation(user: User | AnonymousUser | None) -> bool:
    """Record an activity or a model that another organisation answers for: coordinators."""
    return is_coordinator(user)


def can_record_activities(user: User | AnonymousUser | None) -> bool:
    """Record outreach activities at all: agency reporters (for their agency) and coordinators."""
    return is_coordinator(user) or has_role(user, roles.AGENCY_REPORTER)


def can_record_activity(user: User | AnonymousUser | None, owner: Organisation) -> bool:
    """Record an activity that `owner` answers for."""
    return is_coordinator(user) or has_role_in(user, owner, roles.AGENCY_REPORTER)


def can_edit_activity(user: User | AnonymousUser | None, activity: OutreachActivity) -> bool:
    """Change, delete: the users of the organisation that recorded it, and coordinators."""
    return is_coordinator(user) or has_role_in(user, activity.owner_id, roles.AGENCY_REPORTER)


def can_record_scp_models(user: User | AnonymousUser | None) -> bool:
    """Record SCP models at all: enterprises (their own), agency reporters, coordinators."""
    return is_coordinator(user) or has_role(user, roles.AGENCY_REPORTER, roles.ENTERPRISE_USER)


def records_own_scp_models_only(user: User | AnonymousUser | None) -> bool:
    """An enterprise's users record only their own enterprise's models, on its own behalf
    (the form then has no choice of enterprise)."""
    return (
        has_role(user, roles.ENTERPRISE_USER)
        and not is_coordinator(user)
        and not has_role(user, roles.AGENCY_REPORTER)
    )


def can_record_scp_model(
    user: User | AnonymousUser | None, *, owner: Organisation, organisation: Organisation
) -> bool:
    """Record a model of `organisation` that `owner` answers for: an enterprise only its own
    models, an agency reporter any enterprise's for its agency, a coordinator anything."""
    if is_coordinator(user) or has_role_in(user, owner, roles.AGENCY_REPORTER):
        return True
    return has_role_in(user, owner, roles.ENTERPRISE_USER) and owner.pk == organisation.pk


def can_edit_scp_model(user: User | AnonymousUser | None, model: SCPModel) -> bool:
    """Change, delete: the recording organisation's users (enterprise or agency), coordinators."""
    if is_coordinator(user):
        return True
    return has_role(user, roles.AGENCY_REPORTER, roles.ENTERPRISE_USER) and belongs_to(
        user, model.owner_id
    )


def can_review_scp_model(user: User | AnonymousUser | None, model: SCPModel | None = None) -> bool:
    """Verify a model or not accept it (and change a reviewed one without sending it back for
    review): the coordinators only."""
    return is_coordinator(user)
