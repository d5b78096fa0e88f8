"""Password reset by e-mail, with a one-day link that uses the configured site address."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from benvung.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_password_reset_by_email_sets_a_new_password(
    coordinator, settings, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": coordinator.email.upper()})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Bền Vững: đặt lại mật khẩu"
    assert "Kính gửi" in message.body
    link = re.search(r"(https?://\S+/password/reset/\S+/)", message.body).group(1)
    assert link.startswith(settings.SITE_URL)
    path = link.removeprefix(settings.SITE_URL)
    response = client.get(path, follow=True)
    new = "Mật-khẩu-mới-2026!"
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "Mật khẩu mới đã được thiết lập." in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.check_password(new)
    assert AuditEvent.objects.filter(action="user.password_reset", actor=coordinator).exists()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            reverse("accounts:password_reset"), {"email": "khongco@test.example"}, follow=True
        )
    assert "Kiểm tra hộp thư" in response.content.decode()
    assert mail.outbox == []
