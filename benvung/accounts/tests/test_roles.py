"""Roles can grow: a user may hold several, and an app adds its own without editing accounts."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from benvung.accounts import permissions, roles, services
from benvung.accounts.models import Invitation, RoleGrant, User
from benvung.conftest import PASSWORD, client_for
from benvung.core.models import AuditEvent
from benvung.directory.models import Agency
from benvung.reporting import permissions as reporting_permissions
from benvung.retail import permissions as retail_permissions
from benvung.retail.roles import RETAIL_REPORTER

pytestmark = pytest.mark.django_db

CERTIFIER = "test_certifier"


@pytest.fixture
def certifier_role() -> Any:
    """A role as a new domain would add it from its hooks.py (an eco-label certifier, who
    works for an agency), taken out again after the test."""
    role = roles.register(
        roles.Role(
            CERTIFIER, "certifier (test)", "agency", home_template="accounts/home_agency.html"
        )
    )
    yield role
    roles.registry.unregister(CERTIFIER)


def can_certify(user: Any) -> bool:
    """The new domain's predicate, built on the base ones as retail's are."""
    return permissions.has_role(user, CERTIFIER)


def test_a_user_with_two_roles_may_do_what_each_role_allows(
    certifier_role, coordinator, agency_reporter
):
    agency = agency_reporter.organisation
    assert reporting_permissions.can_write_report(agency_reporter, agency)
    assert not can_certify(agency_reporter)

    services.role_grant(actor=coordinator, user=agency_reporter, role=CERTIFIER)

    assert agency_reporter.roles == {roles.AGENCY_REPORTER, CERTIFIER}
    # Both abilities, each from its own role...
    assert reporting_permissions.can_write_report(agency_reporter, agency)
    assert retail_permissions.can_use_retail(agency_reporter)
    assert can_certify(agency_reporter)
    # ... and read afresh from the database (a new request's user).
    fresh = User.objects.get(pk=agency_reporter.pk)
    assert can_certify(fresh) and reporting_permissions.can_write_report(fresh, agency)

    # Taking one back leaves the other.
    services.role_revoke(actor=coordinator, user=agency_reporter, role=CERTIFIER)
    assert not can_certify(agency_reporter)
    assert reporting_permissions.can_write_report(agency_reporter, agency)
    assert list(
        AuditEvent.objects.filter(target_id=str(agency_reporter.pk))
        .filter(action__in=["user.grant_role", "user.revoke_role"])
        .values_list("action", flat=True)
        .order_by("pk")
    ) == ["user.grant_role", "user.revoke_role"]


def test_a_role_alone_does_not_give_what_another_role_allows(certifier_role, coordinator):
    agency = Agency.objects.get(key="snnmt")
    certifier = User.objects.create_user(
        email="chungnhan@test.example",
        password=PASSWORD,
        full_name="Chứng Nhận",
        organisation=agency,
        role=CERTIFIER,
    )
    assert can_certify(certifier)
    assert not reporting_permissions.can_write_report(certifier, agency)
    assert not retail_permissions.can_use_retail(certifier)


def test_the_coordinator_role_on_top_of_a_reporter_role_adds_the_coordinators_pages(sysadmin, doit):
    user = User.objects.create_user(
        email="kiemnhiem@test.example",
        password=PASSWORD,
        full_name="Kiêm Nhiệm",
        organisation=doit,
        role=roles.AGENCY_REPORTER,
    )
    client = client_for(user)
    assert client.get(reverse("indicators:dashboard")).status_code == 403
    services.role_grant(actor=sysadmin, user=user, role=roles.COORDINATOR)
    assert client.get(reverse("indicators:dashboard")).status_code == 200
    # The home page is the highest role's; the header names both roles.
    response = client.get(reverse("accounts:home"))
    assert "accounts/home_coordinator.html" in [t.name for t in response.templates]
    assert str(roles.label(roles.AGENCY_REPORTER)) in response.content.decode()


def test_a_role_must_fit_the_organisation_and_the_granter(
    certifier_role, coordinator, enterprise_a_user, agency_reporter
):
    with pytest.raises(ValidationError) as excinfo:
        services.role_grant(actor=coordinator, user=enterprise_a_user, role=CERTIFIER)
    assert "role" in excinfo.value.message_dict
    # Only a system administrator makes coordinators of others' administrators and makes
    # system administrators; nobody changes their own roles (but a system administrator).
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=coordinator, user=agency_reporter, role=roles.SYSTEM_ADMIN)
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=agency_reporter, user=agency_reporter, role=CERTIFIER)
    with pytest.raises(ValidationError):
        services.role_revoke(actor=coordinator, user=agency_reporter, role=roles.AGENCY_REPORTER)
    assert RoleGrant.objects.filter(user=agency_reporter).count() == 1


def test_an_app_registers_its_own_role_from_its_hooks(retail_reporter):
    role = roles.get(RETAIL_REPORTER)
    assert role is not None and role.organisation_kind == "retail_outlet"
    assert RETAIL_REPORTER in dict(roles.choices())
    assert retail_reporter.get_roles_display() == str(role.label)
    # accounts' code names no app's role: retail brings its own (migrations aside, which
    # record history).
    accounts = Path(roles.__file__).parent
    for path in accounts.rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert RETAIL_REPORTER not in text and "benvung.retail" not in text, path


def test_a_role_added_by_an_app_works_end_to_end_without_a_migration(certifier_role, coordinator):
    agency = Agency.objects.get(key="snnmt")
    client = client_for(coordinator)
    page = client.get(reverse("directory:invite_user", args=[agency.pk]))
    offered = [value for value, _label in page.context["form"].fields["role"].choices]
    assert CERTIFIER in offered

    invitation, token = services.invitation_create(
        actor=coordinator, organisation=agency, email="moi@test.example", role=CERTIFIER
    )
    assert Invitation.objects.get(pk=invitation.pk).get_role_display() == "certifier (test)"
    user = services.invitation_accept(token=token, full_name="Người Mới", password=PASSWORD)
    assert user.roles == {CERTIFIER} and can_certify(user)

    guest = Client()
    guest.force_login(user)
    assert guest.get(reverse("accounts:home")).status_code == 200

    # No migration: the role columns take their choices from the registry.
    out = StringIO()
    call_command("makemigrations", "accounts", check=True, dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()
