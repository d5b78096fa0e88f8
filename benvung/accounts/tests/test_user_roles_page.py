"""The page where a coordinator grants or takes back roles: several roles at once, all or
nothing, never for another organisation's viewer."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from benvung.accounts import roles
from benvung.accounts.models import RoleGrant, User
from benvung.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def doit_reporter(doit: Any) -> User:
    return make_user(doit, roles.AGENCY_REPORTER, "baocao.doit@example.vn")


def test_a_coordinator_gives_a_reporter_a_second_role(
    coordinator: User, doit_reporter: User
) -> None:
    client = client_for(coordinator)
    url = reverse("accounts:user_roles", args=[doit_reporter.pk])
    page = client.get(url).content.decode()
    assert 'value="agency_reporter"' in page and "checked" in page
    response = client.post(url, {"roles": [roles.AGENCY_REPORTER, roles.COORDINATOR]})
    assert response.status_code == 302
    assert set(RoleGrant.objects.filter(user=doit_reporter).values_list("role", flat=True)) == {
        roles.AGENCY_REPORTER,
        roles.COORDINATOR,
    }
    detail = client.get(response["Location"]).content.decode()
    assert "cán bộ điều phối, cán bộ báo cáo của cơ quan" in detail


def test_no_role_at_all_is_refused_and_nothing_changes(
    coordinator: User, doit_reporter: User
) -> None:
    response = client_for(coordinator).post(
        reverse("accounts:user_roles", args=[doit_reporter.pk]), {}
    )
    assert response.status_code == 200
    assert "Mỗi người dùng phải giữ ít nhất một vai trò." in response.content.decode()
    assert doit_reporter.role_list == [roles.AGENCY_REPORTER]


def test_a_role_of_another_kind_of_organisation_is_not_offered(
    coordinator: User, enterprise_a_user: User
) -> None:
    url = reverse("accounts:user_roles", args=[enterprise_a_user.pk])
    page = client_for(coordinator).get(url).content.decode()
    assert 'value="enterprise_user"' in page and 'value="coordinator"' not in page
    # Posted anyway: refused, the user keeps the role it had.
    client_for(coordinator).post(url, {"roles": [roles.ENTERPRISE_USER, roles.COORDINATOR]})
    assert User.objects.get(pk=enterprise_a_user.pk).role_list == [roles.ENTERPRISE_USER]


def test_users_of_other_organisations_cannot_read_or_change_roles(
    enterprise_a_user: User, enterprise_b_user: User, doit_reporter: User
) -> None:
    url = reverse("accounts:user_roles", args=[enterprise_b_user.pk])
    assert client_for(enterprise_a_user).get(url).status_code == 404
    assert client_for(enterprise_a_user).post(url, {"roles": ["coordinator"]}).status_code == 404
    # Even in its own organisation, a member may not change a colleague's roles.
    own = reverse("accounts:user_roles", args=[doit_reporter.pk])
    colleague = make_user(doit_reporter.organisation, roles.AGENCY_REPORTER, "khac@example.vn")
    assert client_for(colleague).post(own, {"roles": ["coordinator"]}).status_code == 403
    assert User.objects.get(pk=doit_reporter.pk).role_list == [roles.AGENCY_REPORTER]


def test_a_coordinator_does_not_change_an_administrators_roles(
    coordinator: User, sysadmin: User
) -> None:
    url = reverse("accounts:user_roles", args=[sysadmin.pk])
    assert client_for(coordinator).get(url).status_code == 403
    detail = client_for(coordinator).get(
        reverse("directory:organisation_detail", args=[sysadmin.organisation_id])
    )
    assert url not in detail.content.decode()
