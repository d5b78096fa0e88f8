"""Coordinators invite users by a one-time e-mailed link; the role must fit the organisation."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benvung.accounts import roles, services
from benvung.accounts.models import Invitation, User
from benvung.conftest import client_for
from benvung.core.models import AuditEvent

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Mật-khẩu-rất-riêng-2025"


def _token_from_mail() -> str:
    return re.search(r"/accounts/invitations/([\w-]+)/", mail.outbox[-1].body).group(1)


def test_a_coordinator_invites_and_the_invitee_creates_an_account(
    coordinator, enterprise_a, django_capture_on_commit_callbacks
):
    # The e-mail leaves only once the invitation is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(
            reverse("directory:invite_user", args=[enterprise_a.pk]),
            {
                "email": "Moi@Test.Example",
                "full_name": "Người Được Mời",
                "role": roles.ENTERPRISE_USER,
            },
            follow=True,
        )
    assert "Đã gửi lời mời qua thư điện tử đến moi@test.example." in response.content.decode()
    assert mail.outbox[-1].to == ["moi@test.example"]
    assert mail.outbox[-1].subject == "Thư mời tham gia hệ thống Bền Vững"
    token = _token_from_mail()

    client = Client()
    page = client.get(reverse("accounts:accept_invitation", args=[token]))
    assert page.context["form"].initial["full_name"] == "Người Được Mời"
    response = client.post(
        reverse("accounts:accept_invitation", args=[token]),
        {"full_name": "Người Được Mời", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    user = User.objects.get(email="moi@test.example")
    assert user.organisation_id == enterprise_a.pk and user.roles == {roles.ENTERPRISE_USER}
    assert response.context["user"] == user
    assert AuditEvent.objects.filter(action="user.accept_invitation", actor=user).exists()

    # The link works once.
    again = Client().get(reverse("accounts:accept_invitation", args=[token]))
    assert again.status_code == 410


def test_the_stored_invitation_holds_only_a_hash_of_the_token(coordinator, enterprise_a):
    invitation, token = services.invitation_create(
        actor=coordinator, organisation=enterprise_a, email="a@test.example", role="enterprise_user"
    )
    assert token not in invitation.token_hash
    assert invitation.token_hash == Invitation.hash_token(token)


def test_an_expired_invitation_cannot_be_used(coordinator, enterprise_a):
    invitation, token = services.invitation_create(
        actor=coordinator, organisation=enterprise_a, email="b@test.example", role="enterprise_user"
    )
    invitation.expires_at = timezone.now() - dt.timedelta(minutes=1)
    invitation.save()
    assert Client().get(reverse("accounts:accept_invitation", args=[token])).status_code == 410
    with pytest.raises(ValidationError):
        services.invitation_accept(token=token, full_name="X", password=NEW_PASSWORD)


def test_a_role_that_does_not_fit_the_organisation_is_refused(coordinator, enterprise_a):
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_create(
            actor=coordinator,
            organisation=enterprise_a,
            email="c@test.example",
            role=roles.AGENCY_REPORTER,
        )
    (message,) = excinfo.value.message_dict["role"]
    assert message.startswith("Vai trò cán bộ báo cáo của cơ quan dành cho cơ quan")
    assert not Invitation.objects.filter(email="c@test.example").exists()


def test_only_the_coordinating_agency_can_have_coordinators(coordinator):
    from benvung.directory.models import Agency

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_create(
            actor=coordinator,
            organisation=Agency.objects.get(key="snnmt"),
            email="d@test.example",
            role=roles.COORDINATOR,
        )
    assert "role" in excinfo.value.message_dict


def test_an_address_that_already_has_an_account_is_refused(coordinator, enterprise_a_user):
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_create(
            actor=coordinator,
            organisation=enterprise_a_user.organisation,
            email=enterprise_a_user.email.upper(),
            role=roles.ENTERPRISE_USER,
        )
    assert excinfo.value.message_dict["email"] == [f"{enterprise_a_user.email} đã có tài khoản."]


def test_a_weak_password_is_refused_and_the_name_typed_is_kept(coordinator, enterprise_a):
    _invitation, token = services.invitation_create(
        actor=coordinator, organisation=enterprise_a, email="e@test.example", role="enterprise_user"
    )
    response = Client().post(
        reverse("accounts:accept_invitation", args=[token]),
        {"full_name": "Tên Đã Gõ", "password1": "12345678", "password2": "12345678"},
    )
    body = response.content.decode()
    assert "error-summary" in body
    assert 'value="Tên Đã Gõ"' in body
    assert not User.objects.filter(email="e@test.example").exists()


def test_non_coordinators_cannot_invite(enterprise_a_user, enterprise_a):
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=enterprise_a_user,
            organisation=enterprise_a,
            email="f@test.example",
            role=roles.ENTERPRISE_USER,
        )
    response = client_for(enterprise_a_user).get(
        reverse("directory:invite_user", args=[enterprise_a.pk])
    )
    assert response.status_code == 403


def test_a_revoked_invitation_cannot_be_used(coordinator, enterprise_a):
    invitation, token = services.invitation_create(
        actor=coordinator, organisation=enterprise_a, email="g@test.example", role="enterprise_user"
    )
    client_for(coordinator).post(reverse("accounts:revoke_invitation", args=[invitation.pk]))
    assert Client().get(reverse("accounts:accept_invitation", args=[token])).status_code == 410


def test_deactivating_a_user_is_audited_and_stops_sign_in(coordinator, enterprise_a_user):
    client_for(coordinator).post(
        reverse("accounts:set_user_active", args=[enterprise_a_user.pk]), {"active": "0"}
    )
    enterprise_a_user.refresh_from_db()
    assert not enterprise_a_user.is_active
    event = AuditEvent.objects.get(action="user.deactivate")
    assert event.before == {"is_active": True} and event.after == {"is_active": False}
