"""Django admin: system administrators only; their changes are audited; rules still hold."""

import pytest
from django.urls import reverse

from benvung.accounts import roles
from benvung.conftest import client_for
from benvung.core.models import AuditEvent
from benvung.directory.models import Sector

pytestmark = pytest.mark.django_db


def test_a_correction_in_the_admin_is_audited_with_the_old_value(sysadmin):
    sector = Sector.objects.get(code="1311")
    old_name = sector.name
    url = reverse("admin:directory_sector_change", args=[sector.pk])
    response = client_for(sysadmin).post(
        url,
        {
            "version": sector.version,
            "code": sector.code,
            "level": sector.level,
            "parent": sector.parent_id,
            "name": old_name + " (sửa)",
            "name_en": sector.name_en,
            "status": sector.status,
            "source": sector.source,
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.sector.update")
    assert event.actor == sysadmin
    assert event.before["name"] == old_name and event.after["name"] == old_name + " (sửa)"


def test_organisations_are_read_only_in_the_admin(sysadmin, enterprise_a):
    client = client_for(sysadmin)
    assert client.get(reverse("admin:directory_enterprise_add")).status_code == 403
    response = client.post(
        reverse("admin:directory_enterprise_change", args=[enterprise_a.pk]), {"name": "x"}
    )
    assert response.status_code == 403


def test_the_admin_refuses_a_role_that_does_not_fit_the_organisation(sysadmin, enterprise_a_user):
    url = reverse("admin:accounts_user_change", args=[enterprise_a_user.pk])
    response = client_for(sysadmin).post(
        url,
        {
            "email": enterprise_a_user.email,
            "full_name": enterprise_a_user.full_name,
            "organisation": enterprise_a_user.organisation_id,
            "roles": [roles.COORDINATOR],
            "is_active": "on",
            "date_joined_0": "01/01/2025",
            "date_joined_1": "00:00",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["roles"], errors
    enterprise_a_user.refresh_from_db()
    enterprise_a_user.forget_roles()
    assert enterprise_a_user.roles == {roles.ENTERPRISE_USER}


def test_the_system_administrator_adds_a_user_in_the_admin(sysadmin, doit):
    from benvung.accounts.models import User

    client = client_for(sysadmin)
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "moi.admin@test.example",
            "full_name": "Người Mới",
            "organisation": doit.pk,
            "roles": [roles.COORDINATOR],
            "usable_password": "true",
            "password1": "Mật-khẩu-quản-trị-2025",
            "password2": "Mật-khẩu-quản-trị-2025",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(email="moi.admin@test.example").roles == {roles.COORDINATOR}
    assert AuditEvent.objects.filter(action="admin.user.create").exists()
