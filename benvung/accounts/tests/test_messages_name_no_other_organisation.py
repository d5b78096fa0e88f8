"""Messages of the sign-in and account flows never name an organisation other than the one the
reader acts for: an address, a wrong password or a wrong code reveals nobody's employer."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from benvung.accounts import roles, services, two_factor
from benvung.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def names_no_other_organisation(text: str, *organisations) -> bool:
    return not any(org.name in text for org in organisations)


def test_inviting_an_address_that_has_an_account_elsewhere(
    coordinator, enterprise_a_user, enterprise_b
):
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_create(
            actor=coordinator,
            organisation=enterprise_b,
            email=enterprise_a_user.email,
            role=roles.ENTERPRISE_USER,
        )
    assert names_no_other_organisation(
        " ".join(excinfo.value.messages), enterprise_a_user.organisation
    )


def test_accepting_an_invitation_for_an_address_that_meanwhile_has_an_account_elsewhere(
    coordinator, enterprise_a_user, enterprise_b
):
    _invitation, token = services.invitation_create(
        actor=coordinator,
        organisation=enterprise_b,
        email="new@test.example",
        role=roles.ENTERPRISE_USER,
    )
    enterprise_a_user.email = "new@test.example"
    enterprise_a_user.save()
    response = Client().post(
        reverse("accounts:accept_invitation", args=[token]),
        {
            "full_name": "Người Mới",
            "password1": "Mật-khẩu-rất-riêng-2025",
            "password2": "Mật-khẩu-rất-riêng-2025",
        },
    )
    body = response.content.decode()
    assert "đã có tài khoản" in body
    assert names_no_other_organisation(body, enterprise_a_user.organisation)


def test_sign_in_refusals_and_the_second_step(enterprise_a_user):
    organisation = enterprise_a_user.organisation
    wrong = Client().post(
        reverse("accounts:login"), {"username": enterprise_a_user.email, "password": "sai"}
    )
    assert names_no_other_organisation(wrong.content.decode(), organisation)

    two_factor.enrolment_device(user=enterprise_a_user)  # not confirmed: no second step yet
    enterprise_a_user.is_active = False
    enterprise_a_user.save()
    inactive = Client().post(
        reverse("accounts:login"), {"username": enterprise_a_user.email, "password": PASSWORD}
    )
    assert names_no_other_organisation(inactive.content.decode(), organisation)


def test_password_reset_pages(enterprise_a_user):
    client = Client()
    response = client.post(
        reverse("accounts:password_reset"), {"email": enterprise_a_user.email}, follow=True
    )
    assert names_no_other_organisation(response.content.decode(), enterprise_a_user.organisation)
