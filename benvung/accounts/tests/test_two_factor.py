"""Two-step sign-in: the code after the password, enrolment, recovery codes, who must use it."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from benvung.accounts import two_factor
from benvung.conftest import PASSWORD, client_for
from benvung.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or `steps_ahead` periods later: the device refuses a
    code twice, and tolerates one period of clock difference)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{totp.token():06d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = two_factor.enrolment_device(user=user)
    codes = two_factor.two_factor_enrol(user=user, device=device, token=code_for(device))
    device.refresh_from_db()
    return device, codes


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password, **extra}
    )


def test_a_user_with_an_app_is_asked_for_the_code_after_the_password(agency_reporter):
    device, _codes = enrolled(agency_reporter)
    client = Client()
    response = sign_in(client, agency_reporter.email)
    assert response.status_code == 302
    home = client.get(reverse("accounts:home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("accounts:two_factor_verify"))
    page = client.get(home["Location"])
    assert "Xác thực hai bước" in page.content.decode()

    response = client.post(
        reverse("accounts:two_factor_verify"),
        {"code": code_for(device, 1), "next": reverse("accounts:home")},
    )
    assert response["Location"] == reverse("accounts:home")
    assert client.get(reverse("accounts:home")).status_code == 200


def test_the_api_refuses_a_session_that_has_not_given_its_code(agency_reporter):
    enrolled(agency_reporter)
    client = Client()
    sign_in(client, agency_reporter.email)
    response = client.get("/api/indicators/targets")
    assert response.status_code == 403


def test_a_wrong_code_is_refused_in_vietnamese_and_counts_towards_the_lock_out(
    agency_reporter, settings
):
    device, _codes = enrolled(agency_reporter)
    client = Client()
    sign_in(client, agency_reporter.email)
    wrong = f"{(int(code_for(device, 1)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:two_factor_verify"), {"code": wrong})
    assert response.status_code == 200
    assert "Mã này không đúng" in response.content.decode()
    assert client.get(reverse("accounts:home")).status_code == 302

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("accounts:two_factor_verify"), {"code": "000000x"})
    assert response.status_code == 429
    # The half-signed-in session is over, and the account stays locked even for the password.
    assert client.get(reverse("accounts:home")).status_code == 302
    assert sign_in(Client(), agency_reporter.email).status_code == 429
    assert AuditEvent.objects.filter(action="user.locked_out").exists()


def test_signing_in_again_with_the_password_does_not_forgive_wrong_codes(agency_reporter, settings):
    enrolled(agency_reporter)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client = Client()
        assert sign_in(client, agency_reporter.email).status_code == 302
        client.post(reverse("accounts:two_factor_verify"), {"code": "000000x"})
    client = Client()
    assert sign_in(client, agency_reporter.email).status_code == 302
    response = client.post(reverse("accounts:two_factor_verify"), {"code": "000000x"})
    assert response.status_code == 429


def test_a_complete_sign_in_forgives_the_earlier_wrong_passwords(agency_reporter, settings):
    _device, codes = enrolled(agency_reporter)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(Client(), agency_reporter.email, "sai")
    client = Client()
    sign_in(client, agency_reporter.email)
    client.post(reverse("accounts:two_factor_verify"), {"code": codes[0]})
    assert client.get(reverse("accounts:home")).status_code == 200
    sign_in(Client(), agency_reporter.email, "sai")
    assert sign_in(Client(), agency_reporter.email).status_code == 302  # not locked


def test_a_recovery_code_signs_in_once_and_its_use_is_audited(enterprise_a_user):
    _device, codes = enrolled(enterprise_a_user)
    assert len(codes) == 10 and len(set(codes)) == 10
    client = Client()
    sign_in(client, enterprise_a_user.email)
    response = client.post(reverse("accounts:two_factor_verify"), {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 200
    assert AuditEvent.objects.filter(action="user.recovery_code_use").count() == 1
    assert two_factor.recovery_codes_left(enterprise_a_user) == 9

    again = Client()
    sign_in(again, enterprise_a_user.email)
    response = again.post(reverse("accounts:two_factor_verify"), {"code": codes[0]})
    assert response.status_code == 200  # used up


@pytest.mark.two_factor_required
def test_a_coordinator_without_an_app_is_sent_to_enrolment_and_reaches_nothing_else(
    coordinator,
):
    client = Client()
    response = sign_in(client, coordinator.email)
    assert client.get(response["Location"])["Location"].startswith(
        reverse("accounts:two_factor_enrol")
    )
    for url in (
        reverse("accounts:home"),
        reverse("directory:organisation_list"),
        reverse("core:audit_list"),
        reverse("accounts:account"),
        reverse("portal:home"),
    ):
        blocked = client.get(url)
        assert blocked.status_code == 302, url
        assert blocked["Location"].startswith(reverse("accounts:two_factor_enrol")), url
    assert client.post(reverse("directory:organisation_list")).status_code == 302
    assert client.get(reverse("accounts:two_factor_enrol")).status_code == 200


@pytest.mark.two_factor_required
def test_enrolment_shows_a_qr_code_and_the_key_then_ten_recovery_codes_once(coordinator):
    client = Client()
    sign_in(client, coordinator.email)
    page = client.get(reverse("accounts:two_factor_enrol"))
    body = page.content.decode()
    assert "<svg" in body and 'class="qr-code"' in body
    assert "<script" not in body.split("<main", 1)[1]
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', body).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    assert device.config_url.count(secret) == 1

    wrong = client.post(reverse("accounts:two_factor_enrol"), {"code": "123"})
    assert "Mã này không đúng" in wrong.content.decode()
    time.sleep(1.1)  # django-otp throttles a device for a second after a wrong code
    response = client.post(reverse("accounts:two_factor_enrol"), {"code": code_for(device)})
    assert response["Location"] == reverse("accounts:recovery_codes")
    codes_page = client.get(reverse("accounts:recovery_codes")).content.decode()
    stored = set(
        StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True)
    )
    assert len(stored) == 10 and all(code in codes_page for code in stored)
    download = client.get(reverse("accounts:recovery_codes_download"))
    assert download["Content-Disposition"].startswith("attachment")
    assert all(code in download.content.decode() for code in stored)

    client.post(reverse("accounts:recovery_codes"))
    again = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert not any(code in again for code in stored)
    assert client.get(reverse("accounts:recovery_codes_download")).status_code == 302
    # The session is verified now: the rest of the site is open.
    assert client.get(reverse("accounts:home")).status_code == 200
    assert AuditEvent.objects.filter(action="user.two_factor_enrol", actor=coordinator).exists()


@pytest.mark.two_factor_required
def test_django_admin_needs_a_session_signed_in_with_the_code(sysadmin):
    device, _codes = enrolled(sysadmin)
    client = Client()
    client.force_login(sysadmin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    client.post(reverse("accounts:two_factor_verify"), {"code": code_for(device, 1)})
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.two_factor_required
def test_the_admin_site_itself_refuses_an_unverified_system_administrator(sysadmin, rf):
    """Even where the middleware would not run (the admin's own has_permission)."""
    from django.contrib import admin
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/admin/")
    request.user = sysadmin
    assert not admin.site.has_permission(request)
    request.user = AnonymousUser()
    assert not admin.site.has_permission(request)


def test_an_optional_user_turns_two_step_sign_in_off_with_a_current_code(agency_reporter):
    device, codes = enrolled(agency_reporter)  # used the code of the current period
    client = Client()
    sign_in(client, agency_reporter.email)
    client.post(reverse("accounts:two_factor_verify"), {"code": codes[0]})
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Đang bật" in page
    assert "9 mã khôi phục" in page

    refused = client.post(reverse("accounts:two_factor_disable"), {"code": "999999"})
    assert refused.status_code == 400
    assert "Mã này không đúng" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=agency_reporter).exists()
    time.sleep(1.1)  # django-otp throttles a device for a second after a wrong code
    client.post(reverse("accounts:two_factor_disable"), {"code": code_for(device, 1)})
    assert not TOTPDevice.objects.filter(user=agency_reporter).exists()
    assert AuditEvent.objects.filter(action="user.two_factor_disable").count() == 1
    assert "Đang tắt" in client.get(reverse("accounts:account")).content.decode()


@pytest.mark.two_factor_required
def test_a_coordinator_cannot_turn_two_step_sign_in_off(coordinator):
    device, _codes = enrolled(coordinator)
    client = Client()
    sign_in(client, coordinator.email)
    client.post(reverse("accounts:two_factor_verify"), {"code": code_for(device, 1)})
    assert "không thể tắt" in client.get(reverse("accounts:account")).content.decode()
    response = client.post(reverse("accounts:two_factor_disable"), {"code": _codes[0]})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()


def test_regenerating_recovery_codes_replaces_them_and_is_audited(enterprise_a_user):
    _device, old = enrolled(enterprise_a_user)
    client = client_for(enterprise_a_user)  # no rule for this role: force_login is enough
    # ... but a user with an app still needs the code, force_login or not.
    assert client.get(reverse("accounts:account")).status_code == 302
    client.post(reverse("accounts:two_factor_verify"), {"code": old[0]})
    response = client.post(reverse("accounts:recovery_codes_regenerate"))
    assert response["Location"] == reverse("accounts:recovery_codes")
    new = set(
        StaticToken.objects.filter(device__user=enterprise_a_user).values_list("token", flat=True)
    )
    assert len(new) == 10 and not new & set(old)
    assert all(
        code in client.get(reverse("accounts:recovery_codes")).content.decode() for code in new
    )
    assert AuditEvent.objects.filter(action="user.recovery_codes_regenerate").count() == 1


def test_the_pages_act_on_the_signed_in_user_only(enterprise_a_user, enterprise_b_user):
    """Nothing in the URLs names a user: another organisation's user sees and changes only
    their own two-step sign-in."""
    _device, codes = enrolled(enterprise_a_user)
    other = client_for(enterprise_b_user)
    page = other.get(reverse("accounts:account")).content.decode()
    assert enterprise_b_user.email in page and enterprise_a_user.email not in page
    assert "Đang tắt" in page  # B has none
    # A's recovery code means nothing on B's account.
    response = other.post(reverse("accounts:two_factor_disable"), {"code": codes[0]})
    assert response.status_code == 403 or response.status_code == 400
    other.post(reverse("accounts:recovery_codes_regenerate"))
    assert set(
        StaticToken.objects.filter(device__user=enterprise_a_user).values_list("token", flat=True)
    ) == set(codes)
    assert other.get(reverse("accounts:recovery_codes_download")).status_code == 302


def test_force_login_keeps_working_for_tests_about_other_things(coordinator, sysadmin):
    assert client_for(coordinator).get(reverse("accounts:home")).status_code == 200
    assert client_for(sysadmin).get(reverse("admin:index")).status_code == 200
