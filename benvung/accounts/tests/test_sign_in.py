"""Sign-in by e-mail, each role's home page, lock-out, deactivated accounts."""

import pytest
from django.test import Client
from django.urls import reverse

from benvung.conftest import PASSWORD
from benvung.core.models import AuditEvent

pytestmark = pytest.mark.django_db

HOME_HEADINGS = {
    "sysadmin": "Quản trị hệ thống",
    "coordinator": "Doanh nghiệp thuộc các ngành trọng tâm của Kế hoạch",
    "agency_reporter": "Thông tin cơ quan",
    "enterprise_a_user": "Cơ sở sản xuất",
    "retail_reporter": "Cập nhật thông tin cơ sở",
}
HOME_TEMPLATES = {
    "sysadmin": "accounts/home_system_admin.html",
    "coordinator": "accounts/home_coordinator.html",
    "agency_reporter": "accounts/home_agency.html",
    "enterprise_a_user": "accounts/home_enterprise.html",
    "retail_reporter": "retail/home.html",
}


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, follow=True
    )


@pytest.mark.parametrize("persona", list(HOME_TEMPLATES))
def test_each_role_lands_on_its_own_home_page(request, persona):
    user = request.getfixturevalue(persona)
    response = sign_in(Client(), user.email)
    assert response.redirect_chain[-1][0] == reverse("accounts:home")
    assert HOME_TEMPLATES[persona] in [t.name for t in response.templates]
    assert HOME_HEADINGS[persona] in response.content.decode()


def test_sign_in_ignores_the_case_of_the_email(coordinator):
    response = sign_in(Client(), coordinator.email.upper())
    assert response.context["user"].is_authenticated


def test_a_wrong_password_gets_a_vietnamese_message_and_keeps_the_email(coordinator):
    response = sign_in(Client(), coordinator.email, "sai-mật-khẩu")
    body = response.content.decode()
    assert "Địa chỉ thư điện tử hoặc mật khẩu không đúng" in body
    assert f'value="{coordinator.email}"' in body
    assert not response.context["user"].is_authenticated


def test_an_account_is_locked_after_five_failed_sign_ins(coordinator, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, coordinator.email, "sai")
    response = sign_in(client, coordinator.email)  # even the right password is refused now
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()
    assert not response.context["user"].is_authenticated
    assert AuditEvent.objects.filter(action="user.locked_out").exists()


def test_a_deactivated_account_cannot_sign_in(coordinator):
    coordinator.is_active = False
    coordinator.save()
    response = sign_in(Client(), coordinator.email)
    assert not response.context["user"].is_authenticated


def test_a_successful_sign_in_is_audited(coordinator):
    sign_in(Client(), coordinator.email)
    event = AuditEvent.objects.get(action="user.sign_in")
    assert event.actor == coordinator
    assert event.context["source"] == "web"


def test_signing_out_needs_a_post(coordinator):
    client = Client()
    client.force_login(coordinator)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:home")).status_code == 302


def test_django_admin_is_for_the_system_administrator_only(sysadmin, coordinator):
    admin = Client()
    admin.force_login(sysadmin)
    assert admin.get(reverse("admin:index")).status_code == 200
    other = Client()
    other.force_login(coordinator)
    response = other.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
