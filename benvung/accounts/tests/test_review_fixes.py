"""Rules found by review: who may grant which role, lock-out keys, one address one person."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from benvung.accounts import roles, services
from benvung.accounts.client import sign_in_name
from benvung.accounts.models import Invitation, User
from benvung.conftest import PASSWORD, client_for
from benvung.core.client import client_ip

pytestmark = pytest.mark.django_db


def test_a_coordinator_cannot_create_a_system_administrator(coordinator, doit):
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_create(
            actor=coordinator, organisation=doit, email="x@test.example", role=roles.SYSTEM_ADMIN
        )
    assert "role" in excinfo.value.message_dict
    form = client_for(coordinator).get(reverse("directory:invite_user", args=[doit.pk]))
    offered = [value for value, _label in form.context["form"].fields["role"].choices]
    assert roles.SYSTEM_ADMIN not in offered
    assert not Invitation.objects.filter(email="x@test.example").exists()


def test_a_system_administrator_can_create_another(sysadmin, doit):
    invitation, _token = services.invitation_create(
        actor=sysadmin, organisation=doit, email="y@test.example", role=roles.SYSTEM_ADMIN
    )
    assert invitation.role == roles.SYSTEM_ADMIN


def test_a_coordinator_cannot_deactivate_an_administrator_or_another_coordinator(
    coordinator, sysadmin, doit
):
    other = User.objects.create_user(
        email="dp2@test.example",
        password=PASSWORD,
        full_name="Điều Phối 2",
        organisation=doit,
        role=roles.COORDINATOR,
    )
    client = client_for(coordinator)
    for target in (sysadmin, other):
        response = client.post(
            reverse("accounts:set_user_active", args=[target.pk]), {"active": "0"}
        )
        assert response.status_code == 403
        target.refresh_from_db()
        assert target.is_active


def test_the_lock_out_counts_an_address_whatever_its_case(coordinator, settings):
    client = Client()
    for variant in (
        "DIEUPHOI@test.example",
        "dieuphoi@TEST.example",
        "DieuPhoi@Test.Example",
        "dieuphoi@test.example",
        "DIEUPHOI@TEST.EXAMPLE",
    ):
        client.post(reverse("accounts:login"), {"username": variant, "password": "sai"})
    response = Client().post(
        reverse("accounts:login"), {"username": "dieuphoi@test.example", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_sign_in_name_is_normalised():
    request = RequestFactory().post("/", {"username": "  Ai@Test.Example "})
    assert sign_in_name(request) == "ai@test.example"


def test_behind_trusted_proxies_the_client_address_is_the_one_the_proxy_saw(settings):
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="127.0.0.1"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    # The leftmost value can be forged by the client; the proxy appended the rightmost.
    assert client_ip(request) == "203.0.113.9"


def test_two_accounts_cannot_differ_only_by_the_case_of_their_address(coordinator, doit):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(
            email="temp@test.example",
            password=PASSWORD,
            full_name="A",
            organisation=doit,
            role=roles.COORDINATOR,
        )
        # Bypass save()'s normalisation, as a raw import might.
        User.objects.filter(email="temp@test.example").update(email="Temp@test.example")
        User.objects.create_user(
            email="TEMP@test.example",
            password=PASSWORD,
            full_name="B",
            organisation=doit,
            role=roles.COORDINATOR,
        )


def test_addresses_are_stored_in_lower_case(doit):
    user = User.objects.create_user(
        email="Hoa.Thuong@Test.Example",
        password=PASSWORD,
        full_name="C",
        organisation=doit,
        role=roles.AGENCY_REPORTER,
    )
    assert user.email == "hoa.thuong@test.example"
