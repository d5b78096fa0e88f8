"""Who may see and record the packaging surveys of retail outlets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from benvung.accounts import roles
from benvung.accounts.permissions import belongs_to, has_role, has_role_in, is_coordinator

from .roles import RETAIL_REPORTER

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User
    from benvung.directory.models import Organisation

    from .models import PackagingSurvey


def can_use_retail(user: User | AnonymousUser | None) -> bool:
    """See the packaging survey pages: coordinators, agency reporters and retail reporters."""
    return is_coordinator(user) or has_role(user, roles.AGENCY_REPORTER, RETAIL_REPORTER)


def can_view_every_survey(user: User | AnonymousUser | None) -> bool:
    """Others see the surveys their organisation recorded, and an outlet those of itself."""
    return is_coordinator(user)


def can_survey_every_outlet(user: User | AnonymousUser | None) -> bool:
    """Agency reporters and coordinators survey any outlet (a retail reporter only its own)."""
    return is_coordinator(user) or has_role(user, roles.AGENCY_REPORTER)


def can_record_survey(user: User | AnonymousUser | None, outlet: Organisation) -> bool:
    """Record an outlet's packaging survey: agency reporters and coordinators for any outlet
    (they survey them), a retail reporter only for its own outlet."""
    return can_survey_every_outlet(user) or has_role_in(user, outlet, RETAIL_REPORTER)


def can_record_for_another_organisation(user: User | AnonymousUser | None) -> bool:
    """Record a survey that another organisation than one's own answers for: coordinators."""
    return is_coordinator(user)


def can_view_survey(user: User | AnonymousUser | None, survey: PackagingSurvey) -> bool:
    return (
        can_view_every_survey(user)
        or belongs_to(user, survey.owner_id)
        or belongs_to(user, survey.outlet_id)
    )


def can_edit_survey(user: User | AnonymousUser | None, survey: PackagingSurvey) -> bool:
    """Change or delete a survey: the organisation that recorded it (its reporters), the
    outlet's own retail reporters, coordinators."""
    return (
        is_coordinator(user)
        or has_role_in(user, survey.outlet_id, RETAIL_REPORTER)
        or has_role_in(user, survey.owner_id, roles.AGENCY_REPORTER)
    )
